package tlsdemo

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/wirelab/wirelab/httpcore"
	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"
)

// ACME directory URLs of Let's Encrypt (RFC 8555 §7.1.1). Staging issues
// certificates no browser trusts, with generous rate limits: use it until
// everything works.
const (
	LetsEncryptStaging    = "https://acme-staging-v02.api.letsencrypt.org/directory"
	LetsEncryptProduction = acme.LetsEncryptURL
)

// ResolveDirectory turns the shorthands "staging" and "production" into
// Let's Encrypt's directory URLs and returns anything else unchanged.
func ResolveDirectory(s string) string {
	switch s {
	case "staging", "letsencrypt-staging":
		return LetsEncryptStaging
	case "production", "letsencrypt":
		return LetsEncryptProduction
	}
	return s
}

// ACMEOptions configure NewACME.
type ACMEOptions struct {
	// DirectoryURL is the ACME server's directory (required): Let's
	// Encrypt staging or production, or any RFC 8555 server.
	DirectoryURL string
	// Hosts is the allow-list (required): certificates are requested for
	// these names only. Without one, anybody who points a name at the
	// server could make it request certificates, burning the CA's rate
	// limits.
	Hosts []string
	// CacheDir keeps the account key and certificates (required), so a
	// restart does not ask the CA again.
	CacheDir string
	// Email is the account's contact address, for expiry notices; optional.
	Email string
	// DirectoryRoots are the roots trusted for the ACME server's own
	// HTTPS; nil means the system roots. Only a test server such as Pebble
	// needs this.
	DirectoryRoots *x509.CertPool
	// HTTPSPort is the port that HTTP requests are redirected to; 0 means
	// 443, which the redirect leaves out of the URL.
	HTTPSPort int
	// Log receives refusals by the host policy and challenge activity; nil
	// discards them.
	Log *log.Logger
	// HTTP01Only turns TLS-ALPN-01 off, for a server whose TLS port the CA
	// cannot reach directly (behind a proxy that terminates TLS). autocert
	// still offers TLS-ALPN-01 first; it fails at once and autocert falls
	// back to HTTP-01 in a new order.
	HTTP01Only bool
}

// ACME serves HTTPS with certificates obtained and renewed automatically
// from an ACME CA, through golang.org/x/crypto/acme/autocert. The CA checks
// that the requester controls each name with a challenge:
//
//   - TLS-ALPN-01 (RFC 8737): the CA opens a TLS connection to port 443
//     offering ALPN "acme-tls/1"; the server answers with a special
//     self-signed certificate holding a token. TLSConfig handles it.
//   - HTTP-01 (RFC 8555 §8.3): the CA fetches
//     http://NAME/.well-known/acme-challenge/TOKEN on port 80.
//     HTTPHandler answers it and redirects every other request to https.
type ACME struct {
	// Manager is the autocert manager doing the work.
	Manager   *autocert.Manager
	opts      ACMEOptions
	policy    autocert.HostPolicy
	challenge http.Handler
}

// NewACME checks opts and returns an ACME ready to serve.
func NewACME(opts ACMEOptions) (*ACME, error) {
	if opts.DirectoryURL == "" {
		return nil, errors.New("tlsdemo: acme: no directory URL (try " + LetsEncryptStaging + ")")
	}
	u, err := url.Parse(opts.DirectoryURL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("tlsdemo: acme: directory URL %q must be an https:// URL (RFC 8555 §6.1)", opts.DirectoryURL)
	}
	if len(opts.Hosts) == 0 {
		return nil, errors.New("tlsdemo: acme: no host names: the allow-list is required")
	}
	for _, h := range opts.Hosts {
		if h == "" || strings.ContainsAny(h, ":/ ") || net.ParseIP(h) != nil {
			return nil, fmt.Errorf("tlsdemo: acme: %q is not a DNS name (autocert issues for DNS names only)", h)
		}
	}
	if opts.CacheDir == "" {
		return nil, errors.New("tlsdemo: acme: no cache directory: without one every restart asks the CA again")
	}
	if opts.Log == nil {
		opts.Log = log.New(io.Discard, "", 0)
	}
	hc := &http.Client{}
	if opts.DirectoryRoots != nil {
		hc.Transport = &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: opts.DirectoryRoots, MinVersion: tls.VersionTLS12},
			Proxy:           http.ProxyFromEnvironment,
		}
	}
	a := &ACME{opts: opts}
	allowed := autocert.HostWhitelist(opts.Hosts...)
	a.policy = func(ctx context.Context, host string) error {
		if err := allowed(ctx, host); err != nil {
			opts.Log.Printf("tlsdemo: acme: host policy refused %q: not in the allow-list [%s]", host, strings.Join(opts.Hosts, " "))
			return fmt.Errorf("tlsdemo: acme: host %q is not in the allow-list", host)
		}
		return nil
	}
	a.Manager = &autocert.Manager{
		Prompt:     autocert.AcceptTOS,
		Cache:      autocert.DirCache(opts.CacheDir),
		HostPolicy: a.policy,
		Email:      opts.Email,
		Client:     &acme.Client{DirectoryURL: opts.DirectoryURL, HTTPClient: hc, UserAgent: "wirelab"},
	}
	// Asking autocert for its HTTP handler is what turns HTTP-01 on, so do
	// it now: the first certificate may be requested before port 80 sees
	// any request.
	a.challenge = a.Manager.HTTPHandler(nil)
	return a, nil
}

// TLSConfig returns the server TLS settings: those of ServerConfig, with
// certificates from the ACME CA and ALPN "http/1.1" plus "acme-tls/1" for
// the TLS-ALPN-01 challenge. Unlike autocert.Manager.TLSConfig it does not
// advertise "h2", which httpcore does not speak.
func (a *ACME) TLSConfig() *tls.Config {
	cfg := ServerConfig()
	if !a.opts.HTTP01Only {
		cfg.NextProtos = append(slices.Clone(ServerALPN), acme.ALPNProto)
	}
	cfg.GetCertificate = func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
		challenge := slices.Contains(hello.SupportedProtos, acme.ALPNProto)
		if challenge && a.opts.HTTP01Only {
			a.opts.Log.Printf("tlsdemo: acme: refusing a TLS-ALPN-01 challenge for %q: HTTP-01 only", hello.ServerName)
			return nil, errors.New("tlsdemo: acme: TLS-ALPN-01 is turned off")
		}
		if challenge {
			a.opts.Log.Printf("tlsdemo: acme: answering a TLS-ALPN-01 challenge for %q from %s", hello.ServerName, hello.Conn.RemoteAddr())
		}
		if hello.ServerName == "" {
			return nil, fmt.Errorf("tlsdemo: acme: the client sent no server name (SNI); certificates are per name")
		}
		cert, err := a.Manager.GetCertificate(hello)
		if err != nil && !challenge {
			a.opts.Log.Printf("tlsdemo: acme: no certificate for %q: %v", hello.ServerName, err)
		}
		return cert, err
	}
	return cfg
}

// HTTPHandler returns the handler for port 80: it answers HTTP-01
// challenges for allowed hosts and redirects everything else to https —
// 301 for GET and HEAD, 308 for other methods so they keep their method
// (RFC 9110 §15.4.9). A host outside the allow-list gets 421 Misdirected
// Request and a log line.
func (a *ACME) HTTPHandler() httpcore.Handler {
	challenge := a.challenge
	return httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h // autocert's host policy compares bare names
		}
		path := r.Path()
		if strings.HasPrefix(path, "/.well-known/acme-challenge/") {
			a.opts.Log.Printf("tlsdemo: acme: answering an HTTP-01 challenge for %q", host)
			hreq, err := http.NewRequestWithContext(r.Context(), r.Method, "http://"+net.JoinHostPort(host, "80")+path, nil)
			if err != nil {
				w.WriteHeader(400)
				return
			}
			hreq.Host = host
			challenge.ServeHTTP(&httpAdapter{w: w}, hreq)
			return
		}
		if err := a.policy(r.Context(), host); err != nil {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(421)
			fmt.Fprintf(w, "421 Misdirected Request: this server does not serve %q\n", host)
			return
		}
		target := r.Target
		if !strings.HasPrefix(target, "/") {
			target = "/"
		}
		authority := host
		if p := a.opts.HTTPSPort; p != 0 && p != 443 {
			authority = net.JoinHostPort(host, strconv.Itoa(p))
		}
		code := 308
		if r.Method == "GET" || r.Method == "HEAD" {
			code = 301
		}
		w.Header().Set("Location", "https://"+authority+target)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(code)
		fmt.Fprintf(w, "Use https://%s%s\n", authority, target)
	})
}

// httpAdapter lets a net/http handler (autocert's challenge responder)
// write an httpcore response.
type httpAdapter struct {
	w     *httpcore.ResponseWriter
	h     http.Header
	wrote bool
}

func (a *httpAdapter) Header() http.Header {
	if a.h == nil {
		a.h = http.Header{}
	}
	return a.h
}

func (a *httpAdapter) WriteHeader(code int) {
	if a.wrote {
		return
	}
	a.wrote = true
	for k, vs := range a.h {
		for _, v := range vs {
			a.w.Header().Add(k, v)
		}
	}
	a.w.WriteHeader(code)
}

func (a *httpAdapter) Write(p []byte) (int, error) {
	a.WriteHeader(200)
	return a.w.Write(p)
}
