package tlsdemo

import (
	"crypto/tls"
	"crypto/x509"
	"net"
)

// ServerALPN is what wirelab's HTTPS servers advertise in ALPN (RFC 7301):
// only HTTP/1.1, because httpcore speaks nothing else. Advertising "h2"
// without an HTTP/2 engine behind it would make clients talk a protocol the
// server cannot answer.
var ServerALPN = []string{"http/1.1"}

// CipherSuites are the TLS 1.2 suites wirelab allows: ephemeral ECDHE key
// agreement (forward secrecy) and an AEAD cipher (encryption and integrity
// in one primitive). RSA key transport, CBC modes, 3DES and RC4 are left
// out. TLS 1.3 suites are not configurable in Go and are all AEAD.
var CipherSuites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

// ServerConfig returns wirelab's server TLS settings: TLS 1.2 at least,
// the CipherSuites above, ALPN "http/1.1" only, serving certs.
func ServerConfig(certs ...tls.Certificate) *tls.Config {
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		CipherSuites: CipherSuites,
		NextProtos:   ServerALPN,
		Certificates: certs,
	}
}

// ClientConfig returns client TLS settings that trust roots only (nil: the
// system roots) and verify the server's name against serverName (""
// means the host dialled, which tls.Dial and websocket.Dialer fill in).
func ClientConfig(roots *x509.CertPool, serverName string) *tls.Config {
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		CipherSuites: CipherSuites,
		RootCAs:      roots,
		ServerName:   serverName,
		NextProtos:   ServerALPN,
	}
}

// DevTLSConfig issues a leaf certificate from ca for DefaultLeafNames and
// names, and returns the server settings that serve it.
func DevTLSConfig(ca *CA, names ...string) (*tls.Config, *tls.Certificate, error) {
	cert, err := ca.Issue(names...)
	if err != nil {
		return nil, nil, err
	}
	return ServerConfig(*cert), cert, nil
}

// LogHandshakes returns a copy of cfg that calls f after every completed
// server handshake with the client's address and what was negotiated. It
// hooks VerifyConnection, which runs once the handshake is done, through
// GetConfigForClient, which knows the connection.
func LogHandshakes(cfg *tls.Config, f func(remote net.Addr, cs tls.ConnectionState)) *tls.Config {
	base := cfg.Clone()
	out := cfg.Clone()
	out.GetConfigForClient = func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
		c := base
		if base.GetConfigForClient != nil {
			got, err := base.GetConfigForClient(hello)
			if err != nil {
				return nil, err
			}
			if got != nil {
				c = got
			}
		}
		c = c.Clone()
		remote := hello.Conn.RemoteAddr()
		verify := c.VerifyConnection
		c.VerifyConnection = func(cs tls.ConnectionState) error {
			if verify != nil {
				if err := verify(cs); err != nil {
					return err
				}
			}
			f(remote, cs)
			return nil
		}
		return c, nil
	}
	return out
}
