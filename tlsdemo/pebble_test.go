package tlsdemo

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wirelab/wirelab/httpcore"
)

// The Pebble integration test runs the whole ACME flow offline: Pebble, Let's
// Encrypt's test CA, and pebble-challtestsrv, its DNS server, started on
// 127.0.0.1 by the test; autocert behind httpcore answering real challenge
// validations; the issued chain verified against Pebble's /roots/0.
//
// The binaries come from WIRELAB_PEBBLE_DIR (scripts/pebble builds them).
// Without them the test skips, unless CI=true, where it fails.

const (
	pebbleDomain = "wirelab.test"
	// pebbleVersion is the version scripts/pebble installs.
	pebbleVersion = "v2.10.1"
)

func pebbleDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("WIRELAB_PEBBLE_DIR")
	hint := "run scripts/pebble, or: GOBIN=DIR go install github.com/letsencrypt/pebble/v2/cmd/{pebble,pebble-challtestsrv}@" + pebbleVersion + " and set WIRELAB_PEBBLE_DIR=DIR"
	if dir == "" {
		// Where scripts/pebble installs them by default.
		cache := os.Getenv("WIRELAB_CACHE")
		if cache == "" {
			if c, err := os.UserCacheDir(); err == nil {
				cache = filepath.Join(c, "wirelab")
			}
		}
		if d := filepath.Join(cache, "pebble-"+pebbleVersion); cache != "" {
			if _, err := os.Stat(filepath.Join(d, "pebble")); err == nil {
				dir = d
			}
		}
	}
	if dir == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("WIRELAB_PEBBLE_DIR is not set and CI=true (%s)", hint)
		}
		t.Skipf("WIRELAB_PEBBLE_DIR is not set: %s", hint)
	}
	for _, bin := range []string{"pebble", "pebble-challtestsrv"} {
		if _, err := os.Stat(filepath.Join(dir, bin)); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s: %v (%s)", bin, err, hint)
			}
			t.Skipf("%s: %v (%s)", bin, err, hint)
		}
	}
	return dir
}

// freePort returns a port on 127.0.0.1 free for both TCP and UDP at the
// time of the call (for a program that cannot report the port it got).
func freePort(t *testing.T) int {
	t.Helper()
	for range 20 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		pc, err := net.ListenPacket("udp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			continue
		}
		pc.Close()
		return port
	}
	t.Fatal("no free port")
	return 0
}

// proc is a child process whose output is scanned for a readiness line.
type proc struct {
	cmd  *exec.Cmd
	out  bytes.Buffer
	mu   sync.Mutex
	done chan struct{}
}

// startProc starts bin and waits until a line of its output contains
// ready. The process is killed when the test ends.
func startProc(t *testing.T, env []string, ready string, bin string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(bin, args...), done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Dir = t.TempDir()
	r, w := io.Pipe()
	p.cmd.Stdout, p.cmd.Stderr = w, w
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	seen := make(chan struct{})
	go func() {
		defer close(p.done)
		sc := bufio.NewScanner(r)
		var once sync.Once
		for sc.Scan() {
			p.mu.Lock()
			p.out.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			if strings.Contains(sc.Text(), ready) {
				once.Do(func() { close(seen) })
			}
		}
	}()
	exited := make(chan error, 1)
	go func() {
		err := p.cmd.Wait()
		w.Close()
		exited <- err
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-exited
		<-p.done
		if t.Failed() {
			t.Logf("%s output:\n%s", filepath.Base(bin), p.output())
		}
	})
	select {
	case <-seen:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s did not log %q in 10s:\n%s", bin, ready, p.output())
	}
	return p
}

func (p *proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// dialReady waits until addr accepts TCP connections: the programs log
// that they are listening just before they call Listen.
func dialReady(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for backoff := time.Millisecond; ; backoff = min(2*backoff, 50*time.Millisecond) {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never accepted a connection: %v", addr, err)
		}
		time.Sleep(backoff) // an external process starting up: nothing to wait on
	}
}

// switchable lets one pair of listeners (the ports Pebble validates on)
// serve a different ACME setup per subtest.
type switchable struct{ cur atomic.Pointer[ACME] }

func (s *switchable) tlsConfig() *tls.Config {
	cfg := ServerConfig()
	cfg.GetConfigForClient = func(*tls.ClientHelloInfo) (*tls.Config, error) { return s.cur.Load().TLSConfig(), nil }
	return cfg
}

func (s *switchable) ServeHTTP(w *httpcore.ResponseWriter, r *httpcore.Request) {
	s.cur.Load().HTTPHandler().ServeHTTP(w, r)
}

func TestPebbleACME(t *testing.T) {
	bins := pebbleDir(t)
	tmp := t.TempDir()

	// Pebble's own HTTPS (the ACME API) needs a certificate: issue one from
	// a throwaway CA, which the ACME client then trusts.
	apiCA, err := NewCA("pebble API CA")
	if err != nil {
		t.Fatal(err)
	}
	apiCert, err := apiCA.Issue()
	if err != nil {
		t.Fatal(err)
	}
	certPath, keyPath := filepath.Join(tmp, "cert.pem"), filepath.Join(tmp, "key.pem")
	if err := WriteLeaf(apiCert, certPath, keyPath); err != nil {
		t.Fatal(err)
	}

	// The ports Pebble validates on: where our servers listen.
	httpsLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	httpLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	httpsPort := httpsLn.Addr().(*net.TCPAddr).Port
	httpPort := httpLn.Addr().(*net.TCPAddr).Port

	dnsPort, ctsMgmt, wfePort, mgmtPort := freePort(t), freePort(t), freePort(t), freePort(t)
	config := map[string]any{"pebble": map[string]any{
		"listenAddress":                  fmt.Sprintf("127.0.0.1:%d", wfePort),
		"managementListenAddress":        fmt.Sprintf("127.0.0.1:%d", mgmtPort),
		"certificate":                    certPath,
		"privateKey":                     keyPath,
		"httpPort":                       httpPort,
		"tlsPort":                        httpsPort,
		"ocspResponderURL":               "",
		"externalAccountBindingRequired": false,
		"retryAfter":                     map[string]int{"authz": 1, "order": 1},
		"keyAlgorithm":                   "ecdsa",
		"profiles":                       map[string]any{"default": map[string]any{"description": "default", "validityPeriod": 7776000}},
	}}
	cfgJSON, _ := json.Marshal(config)
	cfgPath := filepath.Join(tmp, "pebble-config.json")
	if err := os.WriteFile(cfgPath, cfgJSON, 0o644); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	startProc(t, nil, "Starting management server", filepath.Join(bins, "pebble-challtestsrv"),
		"-dnsserver", fmt.Sprintf("127.0.0.1:%d", dnsPort), "-management", fmt.Sprintf("127.0.0.1:%d", ctsMgmt),
		"-http01", "", "-https01", "", "-tlsalpn01", "", "-doh", "", "-defaultIPv4", "", "-defaultIPv6", "")
	dialReady(t, fmt.Sprintf("127.0.0.1:%d", ctsMgmt))
	startProc(t, []string{"PEBBLE_VA_NOSLEEP=1", "PEBBLE_WFE_NONCEREJECT=0"}, "Listening on:", filepath.Join(bins, "pebble"),
		"-config", cfgPath, "-dnsserver", fmt.Sprintf("127.0.0.1:%d", dnsPort))
	dialReady(t, fmt.Sprintf("127.0.0.1:%d", wfePort))
	dialReady(t, fmt.Sprintf("127.0.0.1:%d", mgmtPort))
	t.Logf("Pebble and challtestsrv up in %v", time.Since(start).Round(time.Millisecond))

	// Real DNS for the challenge: A records only, so validation goes to
	// 127.0.0.1 where the servers listen.
	for _, host := range []string{pebbleDomain, "http01." + pebbleDomain} {
		body := fmt.Sprintf(`{"host":%q,"addresses":["127.0.0.1"]}`, host)
		resp, err := http.Post(fmt.Sprintf("http://127.0.0.1:%d/add-a", ctsMgmt), "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("add-a %s: %s", host, resp.Status)
		}
	}

	// Pebble's root, from its management API, is what the issued chain
	// must lead to.
	api := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: apiCA.Pool()}}}
	defer api.CloseIdleConnections()
	resp, err := api.Get(fmt.Sprintf("https://127.0.0.1:%d/roots/0", mgmtPort))
	if err != nil {
		t.Fatal(err)
	}
	rootPEM, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(rootPEM) {
		t.Fatalf("/roots/0 is not PEM: %q", rootPEM)
	}

	// Serve HTTPS and the port-80 handler with httpcore on the ports
	// Pebble validates.
	logs := newSafeLog()
	sw := &switchable{}
	https := &httpcore.Server{Handler: httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		w.WriteString("hello from " + r.Host + " over ACME\n")
	}), ErrorLog: log.New(io.Discard, "", 0)}
	plain := &httpcore.Server{Handler: sw, ErrorLog: log.New(io.Discard, "", 0)}
	done := make(chan error, 2)
	go func() { done <- https.Serve(tls.NewListener(httpsLn, sw.tlsConfig())) }()
	go func() { done <- plain.Serve(httpLn) }()
	defer func() {
		https.Close()
		plain.Close()
		<-done
		<-done
	}()

	// Each poll of a pending authorization or order waits for Pebble's
	// Retry-After (up to 1s, the least it sends). The TLS-ALPN-01 flow
	// polls at most twice; the HTTP-01 flow first lets autocert's
	// TLS-ALPN-01 attempt fail (HTTP01Only), which costs one more poll.
	tests := []struct {
		name, host string
		http01Only bool
		wantLog    string
		budget     time.Duration
	}{
		{"tls-alpn-01", pebbleDomain, false, "answering a TLS-ALPN-01 challenge", 3 * time.Second},
		{"http-01", "http01." + pebbleDomain, true, "answering an HTTP-01 challenge", 5 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := NewACME(ACMEOptions{
				DirectoryURL:   fmt.Sprintf("https://127.0.0.1:%d/dir", wfePort),
				Hosts:          []string{tt.host},
				CacheDir:       filepath.Join(tmp, "cache-"+tt.name),
				Email:          "learner@" + pebbleDomain,
				DirectoryRoots: apiCA.Pool(),
				HTTPSPort:      httpsPort,
				Log:            log.New(logs, "", 0),
				HTTP01Only:     tt.http01Only,
			})
			if err != nil {
				t.Fatal(err)
			}
			sw.cur.Store(a)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()

			// The first handshake for the name makes autocert obtain the
			// certificate: account, order, challenge, validation by
			// Pebble over DNS → 127.0.0.1, finalize, download.
			flow := time.Now()
			d := tls.Dialer{Config: &tls.Config{RootCAs: roots, ServerName: tt.host, NextProtos: []string{"http/1.1"}}}
			conn, err := d.DialContext(ctx, "tcp", httpsLn.Addr().String())
			elapsed := time.Since(flow)
			if err != nil {
				t.Fatalf("handshake for %s: %v\nlog:\n%s", tt.host, err, logs)
			}
			defer conn.Close()
			t.Logf("%s: certificate obtained and verified in %v", tt.name, elapsed.Round(time.Millisecond))
			if elapsed > tt.budget {
				t.Errorf("%s: the ACME flow took %v, want < %v", tt.name, elapsed, tt.budget)
			}
			if !strings.Contains(logs.String(), tt.wantLog) {
				t.Errorf("log lacks %q:\n%s", tt.wantLog, logs)
			}

			// The chain verifies against Pebble's root, for the name.
			cs := conn.(*tls.Conn).ConnectionState()
			inter := x509.NewCertPool()
			for _, c := range cs.PeerCertificates[1:] {
				inter.AddCert(c)
			}
			leaf := cs.PeerCertificates[0]
			if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, DNSName: tt.host}); err != nil {
				t.Errorf("chain: %v", err)
			}
			if len(cs.PeerCertificates) < 2 {
				t.Errorf("chain has %d certificates, want leaf and intermediate", len(cs.PeerCertificates))
			}
			if cs.NegotiatedProtocol != "http/1.1" {
				t.Errorf("ALPN %q", cs.NegotiatedProtocol)
			}

			// httpcore serves over it.
			cc := httpcore.NewClientConn(conn)
			resp, err := cc.DoContext(ctx, &httpcore.Request{Method: "GET", Target: "/", Host: tt.host})
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 || !strings.Contains(string(body), "over ACME") {
				t.Errorf("GET: %d %q", resp.StatusCode, body)
			}

			// The certificate is cached: a second handshake asks nobody.
			if _, err := os.Stat(filepath.Join(tmp, "cache-"+tt.name, tt.host)); err != nil {
				t.Errorf("cache: %v", err)
			}
		})
	}

	// An unknown name is refused by the host policy, with a log line.
	d := tls.Dialer{Config: &tls.Config{RootCAs: roots, ServerName: "stranger.test"}}
	if c, err := d.DialContext(context.Background(), "tcp", httpsLn.Addr().String()); err == nil {
		c.Close()
		t.Error("stranger.test got a certificate")
	}
	if !strings.Contains(logs.String(), `host policy refused "stranger.test"`) {
		t.Errorf("no refusal logged:\n%s", logs)
	}
	t.Logf("whole test: %v", time.Since(start).Round(time.Millisecond))
}

// safeLog is a log sink safe for concurrent writers.
type safeLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func newSafeLog() *safeLog { return &safeLog{} }

func (l *safeLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *safeLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
