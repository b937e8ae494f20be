package core

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"os"
	"strings"
)

// A TLS is a TLS configuration made for Python's ssl= option: a server's
// certificate and key (from files, such as the ones `wirelab https ca
// --leaf` writes), or a client's trusted roots (such as that CA's
// rootCA.pem). Go runs TLS, so Python's
// ssl.SSLContext is read for what it exposes (the CA certificates it loaded,
// whether it verifies) and turned into one of these.
type TLS struct {
	cfg *tls.Config
}

// ServerTLSFiles loads a server certificate chain and its key from PEM
// files (the key may sit in certFile when keyFile is "").
func ServerTLSFiles(certFile, keyFile string) (t *TLS, err error) {
	defer guard(&err)
	if keyFile == "" {
		keyFile = certFile
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, valueErr("wirelab: ssl: loading the certificate %q and key %q: %v", certFile, keyFile, err)
	}
	return &TLS{cfg: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}}, nil
}

// ClientTLS trusts the PEM certificates in roots (none: the system's), or
// nothing at all when verify is false. checkHostname false verifies the
// chain but not the name in it, as Python's check_hostname=False does.
func ClientTLS(roots []byte, verify, checkHostname bool) (t *TLS, err error) {
	defer guard(&err)
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	var pool *x509.CertPool
	if len(roots) > 0 {
		pool = x509.NewCertPool()
		if !pool.AppendCertsFromPEM(roots) {
			return nil, valueErr("wirelab: ssl: no PEM certificate in the CA list")
		}
		cfg.RootCAs = pool
	}
	switch {
	case !verify:
		cfg.InsecureSkipVerify = true
	case !checkHostname:
		// Verify the chain by hand, without the name (crypto/tls verifies
		// both or neither).
		cfg.InsecureSkipVerify = true
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			opts := x509.VerifyOptions{Roots: pool, Intermediates: x509.NewCertPool()}
			for _, c := range cs.PeerCertificates[1:] {
				opts.Intermediates.AddCert(c)
			}
			_, err := cs.PeerCertificates[0].Verify(opts)
			return err
		}
	}
	return &TLS{cfg: cfg}, nil
}

// ReadPEM reads a PEM file for Python (a CA file named in ssl=).
func ReadPEM(path string) (out []byte, err error) {
	defer guard(&err)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, tag(err)
	}
	if !strings.Contains(string(b), "-----BEGIN CERTIFICATE-----") {
		return nil, valueErr("wirelab: ssl: %s holds no PEM certificate", path)
	}
	return b, nil
}

// ListenTLS is Listen with TLS (t nil: plain TCP): wss:// on host:port.
func ListenTLS(host string, port int, docroot string, opts *Options, t *TLS) (s *Server, err error) {
	defer guard(&err)
	var wrap func(net.Listener) net.Listener
	if t != nil {
		wrap = func(ln net.Listener) net.Listener { return tls.NewListener(ln, t.cfg) }
	}
	return listenWrapped(host, port, docroot, opts, wrap)
}

// DialTLS is Dial with a client TLS configuration for wss:// (t nil: the
// system's roots).
func DialTLS(url string, subprotocols string, headers []byte, timeoutMs int, opts *Options, t *TLS) (d *Dialing, err error) {
	defer guard(&err)
	var cfg *tls.Config
	if t != nil {
		cfg = t.cfg
	}
	return dial(url, subprotocols, headers, timeoutMs, opts, cfg)
}
