// Package tlsdemo shows what HTTPS adds to HTTP by running both on
// loopback, and serves real HTTPS with a development CA or with
// certificates from an ACME server such as Let's Encrypt.
//
// # What plain HTTP cannot do
//
// HTTP/1.1 sends its messages as they are. Anyone on the path between the
// client and the server — a Wi-Fi access point, a router, an ISP — can
// therefore do three things, and neither end can notice:
//
//   - read: a password in a form body crosses the wire as typed (Sniff);
//   - pose as the server: nothing proves who answers a request
//     (Impersonate);
//   - change a message: a number or an account in a page can be rewritten
//     on the way (Tamper).
//
// HTTPS is HTTP over TLS (RFC 8446), which adds one answer to each:
// encryption, authentication by certificates, and an integrity check on
// every record. Each demo runs a server, a client and the attacker on
// 127.0.0.1, first over HTTP and then over HTTPS, and reports what the
// attacker and the client saw.
//
// # Hybrid encryption
//
// TLS combines two kinds of cryptography. Public-key cryptography is slow
// but needs no shared secret: in the handshake the two sides agree on a
// fresh secret by key exchange (ECDHE, or in Go 1.26 by default the
// post-quantum hybrid X25519MLKEM768), and the server signs the exchange
// with the key of its certificate. Symmetric cryptography is fast but
// needs a shared key: from the agreed secret both sides derive keys for an
// AEAD cipher such as AES-GCM, which encrypts each record and appends a tag
// that detects any change. Inspect reports what a server negotiated and
// explains each step in those terms:
//
//	rep, err := tlsdemo.Inspect(ctx, "127.0.0.1:8443", tlsdemo.InspectOptions{RootCAs: ca.Pool()})
//	fmt.Println(rep.Version, rep.CipherSuite, rep.Group, rep.ALPN) // TLS 1.3 TLS_AES_128_GCM_SHA256 X25519MLKEM768 http/1.1
//
// # A development CA
//
// Like mkcert, a CA creates a root certificate and key (kept in the user
// config dir, the key with mode 0600) and issues leaf certificates for
// localhost, 127.0.0.1, ::1 and any other names. Programs trust the leaves
// once they trust the root; TrustInstructions says how, and nothing touches
// a system trust store unless InstallTrust is called.
//
//	ca, _, err := tlsdemo.LoadOrCreateCA(dir)
//	cfg, _, err := tlsdemo.DevTLSConfig(ca)        // TLS 1.2+, AEAD suites, ALPN http/1.1
//	srv := &httpcore.Server{Handler: h}
//	ln, _ := net.Listen("tcp", "127.0.0.1:8443")
//	srv.Serve(tls.NewListener(ln, cfg))
//
// # Certificates from ACME
//
// In production the certificate comes from a public CA over ACME (RFC
// 8555). NewACME wraps golang.org/x/crypto/acme/autocert: it asks only for
// names on an allow-list, caches certificates in a directory, answers the
// TLS-ALPN-01 challenge in the TLS handshake (RFC 8737) and the HTTP-01
// challenge on port 80, where every other request is redirected to https.
// The integration test runs the whole flow against Pebble, Let's Encrypt's
// test ACME server, on loopback.
package tlsdemo
