package tlsdemo

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// CertInfo describes one certificate of a chain.
type CertInfo struct {
	Subject string `json:"subject"`
	Issuer  string `json:"issuer"`
	// SANs are the subject alternative names: the names a client checks.
	SANs      []string  `json:"sans"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	// KeyType is the public key's algorithm and size, such as
	// "ECDSA P-256" or "RSA 2048".
	KeyType            string `json:"key_type"`
	SignatureAlgorithm string `json:"signature_algorithm"`
	IsCA               bool   `json:"is_ca"`
	SHA256             string `json:"sha256"`
}

// NewCertInfo describes c.
func NewCertInfo(c *x509.Certificate) CertInfo {
	sans := SANs(c)
	if sans == nil {
		sans = []string{}
	}
	return CertInfo{
		Subject:            c.Subject.String(),
		Issuer:             c.Issuer.String(),
		SANs:               sans,
		NotBefore:          c.NotBefore.UTC(),
		NotAfter:           c.NotAfter.UTC(),
		KeyType:            KeyType(c),
		SignatureAlgorithm: c.SignatureAlgorithm.String(),
		IsCA:               c.IsCA,
		SHA256:             Fingerprint(c),
	}
}

// KeyType names a certificate's public key: "ECDSA P-256", "RSA 2048",
// "Ed25519".
func KeyType(c *x509.Certificate) string {
	switch k := c.PublicKey.(type) {
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d", k.N.BitLen())
	case ed25519.PublicKey:
		return "Ed25519"
	}
	return c.PublicKeyAlgorithm.String()
}

// InspectOptions configure Inspect.
type InspectOptions struct {
	// ServerName is the name to ask for (SNI) and to verify; "" means the
	// host part of the address.
	ServerName string
	// RootCAs are the roots to verify against; nil means the system roots.
	RootCAs *x509.CertPool
	// ALPN is what the client offers; nil means "h2" and "http/1.1", so
	// the server's choice shows.
	ALPN []string
	// MinVersion and MaxVersion bound the TLS versions offered, such as
	// tls.VersionTLS12; zero means crypto/tls's defaults (1.2 to 1.3).
	MinVersion, MaxVersion uint16
}

// Report is what Inspect learned about a TLS server.
type Report struct {
	Address     string `json:"address"`
	ServerName  string `json:"server_name"`
	Version     string `json:"version"`
	CipherSuite string `json:"cipher_suite"`
	// Group is the key-exchange group (tls.ConnectionState.CurveID), such
	// as "X25519MLKEM768" or "X25519".
	Group       string   `json:"group"`
	OfferedALPN []string `json:"offered_alpn"`
	// ALPN is the protocol the server chose, "" if it chose none.
	ALPN  string     `json:"alpn"`
	Chain []CertInfo `json:"chain"`
	// Verified reports whether the chain verified against the roots for
	// ServerName; when not, VerifyError says why, exactly as crypto/x509
	// put it, and VerifyExplanation explains it.
	Verified          bool   `json:"verified"`
	VerifyError       string `json:"verify_error,omitempty"`
	VerifyKind        string `json:"verify_kind,omitempty"`
	VerifyExplanation string `json:"verify_explanation,omitempty"`
	// Hybrid explains, step by step, how this connection combined
	// asymmetric and symmetric cryptography.
	Hybrid []string `json:"hybrid"`
}

// Inspect runs a TLS handshake with addr ("host:port") and reports what
// was negotiated and the certificate chain the server presented. The
// chain is verified after the handshake rather than during it, so that an
// untrusted or expired certificate is still shown, with the reason it
// would be refused.
func Inspect(ctx context.Context, addr string, opts InspectOptions) (*Report, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("tlsdemo: inspect %q: want HOST:PORT: %w", addr, err)
	}
	name := opts.ServerName
	if name == "" {
		name = host
	}
	alpn := opts.ALPN
	if alpn == nil {
		alpn = []string{"h2", "http/1.1"}
	}
	rep := &Report{Address: addr, ServerName: name, OfferedALPN: alpn, Chain: []CertInfo{}}
	var verifyErr error
	cfg := &tls.Config{
		ServerName: name,
		NextProtos: alpn,
		MinVersion: opts.MinVersion,
		MaxVersion: opts.MaxVersion,
		// Verification happens in VerifyConnection, which records the
		// outcome instead of aborting, so the learner sees the chain.
		InsecureSkipVerify: true,
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				verifyErr = fmt.Errorf("the server presented no certificate")
				return nil
			}
			inter := x509.NewCertPool()
			for _, c := range cs.PeerCertificates[1:] {
				inter.AddCert(c)
			}
			_, verifyErr = cs.PeerCertificates[0].Verify(x509.VerifyOptions{
				Roots:         opts.RootCAs,
				Intermediates: inter,
				DNSName:       name,
			})
			return nil
		},
	}
	var d net.Dialer
	raw, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("tlsdemo: inspect: %w", err)
	}
	defer raw.Close()
	tc := tls.Client(raw, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		return nil, fmt.Errorf("tlsdemo: inspect: TLS handshake with %s: %w", addr, err)
	}
	cs := tc.ConnectionState()
	rep.Version = tls.VersionName(cs.Version)
	rep.CipherSuite = tls.CipherSuiteName(cs.CipherSuite)
	if cs.CurveID != 0 {
		rep.Group = cs.CurveID.String()
	}
	rep.ALPN = cs.NegotiatedProtocol
	for _, c := range cs.PeerCertificates {
		rep.Chain = append(rep.Chain, NewCertInfo(c))
	}
	rep.Verified = verifyErr == nil
	if verifyErr != nil {
		rep.VerifyError = verifyErr.Error()
		rep.VerifyKind = Classify(verifyErr)
		rep.VerifyExplanation = Explain(verifyErr)
	}
	rep.Hybrid = explainHybrid(cs, name)
	return rep, nil
}

// suiteParts splits a cipher suite name into key exchange, authentication,
// bulk cipher and hash. TLS 1.3 names carry only the last two:
//
//	TLS_AES_128_GCM_SHA256                   → "", "", "AES_128_GCM", "SHA256"
//	TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256  → "ECDHE", "ECDSA", "AES_128_GCM", "SHA256"
func suiteParts(name string) (kx, auth, bulk, hash string) {
	name = strings.TrimPrefix(name, "TLS_")
	left, right, ok := strings.Cut(name, "_WITH_")
	if !ok {
		right = name
		left = ""
	}
	if i := strings.LastIndexByte(right, '_'); i >= 0 {
		bulk, hash = right[:i], right[i+1:]
	} else {
		bulk = right
	}
	if left != "" {
		kx, auth, _ = strings.Cut(left, "_")
		if auth == "" {
			auth = kx
		}
	}
	return kx, auth, bulk, hash
}

// describeGroup says what a key-exchange group is.
func describeGroup(id tls.CurveID) string {
	switch id {
	case tls.X25519:
		return "X25519: elliptic-curve Diffie-Hellman (ECDHE) on Curve25519"
	case tls.CurveP256, tls.CurveP384, tls.CurveP521:
		return id.String() + ": elliptic-curve Diffie-Hellman (ECDHE) on a NIST curve"
	case tls.X25519MLKEM768:
		return "X25519MLKEM768: a hybrid of X25519 ECDHE and ML-KEM-768, a post-quantum key encapsulation (FIPS 203); the secret stays safe unless both are broken"
	case tls.SecP256r1MLKEM768, tls.SecP384r1MLKEM1024:
		return id.String() + ": a hybrid of NIST-curve ECDHE and ML-KEM, a post-quantum key encapsulation (FIPS 203)"
	case 0:
		return "none recorded"
	}
	return id.String()
}

// explainHybrid tells how the connection used asymmetric cryptography to
// agree on keys and symmetric cryptography to carry the data.
func explainHybrid(cs tls.ConnectionState, name string) []string {
	suite := tls.CipherSuiteName(cs.CipherSuite)
	kx, _, bulk, hash := suiteParts(suite)
	keyType := "its"
	if len(cs.PeerCertificates) > 0 {
		keyType = "its " + KeyType(cs.PeerCertificates[0])
	}
	var steps []string
	switch {
	case cs.Version == tls.VersionTLS13 || kx == "ECDHE":
		steps = append(steps, fmt.Sprintf("1. Key agreement (asymmetric) — %s. Each side sent a fresh public share in its hello and combined it "+
			"with its own secret half; both reached the same shared secret, which never crossed the wire. The shares are thrown away "+
			"after the handshake, so a server key stolen later cannot decrypt a recording of this connection (forward secrecy).", describeGroup(cs.CurveID)))
	default:
		steps = append(steps, fmt.Sprintf("1. Key transport (asymmetric) — %s: the client encrypted the secret to the server's certificate key. "+
			"There is no forward secrecy: whoever gets that key later can decrypt recordings. wirelab refuses such suites.", kx))
	}
	steps = append(steps, fmt.Sprintf("2. Authentication (asymmetric): the server signed the handshake with the private key of %s certificate, "+
		"and the chain ties that key to the name %q. Without this step the key agreement could be with anyone.", keyType, name))
	aead := strings.Contains(bulk, "GCM") || strings.Contains(bulk, "CHACHA20_POLY1305")
	cipher := strings.ReplaceAll(bulk, "_", "-")
	if aead {
		steps = append(steps, fmt.Sprintf("3. Bulk encryption (symmetric) — %s, an AEAD cipher: keys derived from the shared secret "+
			"(HKDF/PRF with %s) encrypt every record and add an authentication tag, so reading it needs the key and a changed byte is detected.", cipher, hash))
	} else {
		steps = append(steps, fmt.Sprintf("3. Bulk encryption (symmetric) — %s with a separate HMAC-%s for integrity (not an AEAD; TLS 1.3 removed such suites).", cipher, hash))
	}
	steps = append(steps, "Why hybrid: public-key operations are slow and are used once per connection to agree on keys and prove identity; "+
		"symmetric ciphers are fast enough for gigabytes and protect everything after. HTTPS = HTTP + encryption + authentication + integrity.")
	return steps
}

// WriteText prints the report for a learner.
func (r *Report) WriteText(w io.Writer) {
	fmt.Fprintf(w, "%s (server name %q)\n", r.Address, r.ServerName)
	fmt.Fprintf(w, "  protocol      %s\n", r.Version)
	fmt.Fprintf(w, "  cipher suite  %s\n", r.CipherSuite)
	fmt.Fprintf(w, "  key exchange  %s\n", orNone(r.Group))
	if r.ALPN != "" {
		fmt.Fprintf(w, "  ALPN          %s (offered: %s)\n", r.ALPN, strings.Join(r.OfferedALPN, ", "))
	} else {
		fmt.Fprintf(w, "  ALPN          none chosen (offered: %s)\n", strings.Join(r.OfferedALPN, ", "))
	}
	fmt.Fprintf(w, "\ncertificate chain (%d presented):\n", len(r.Chain))
	for i, c := range r.Chain {
		fmt.Fprintf(w, "  %d subject   %s\n", i, c.Subject)
		fmt.Fprintf(w, "    issuer    %s\n", c.Issuer)
		if len(c.SANs) > 0 {
			fmt.Fprintf(w, "    names     %s\n", strings.Join(c.SANs, ", "))
		}
		fmt.Fprintf(w, "    valid     %s to %s\n", c.NotBefore.Format(time.RFC3339), c.NotAfter.Format(time.RFC3339))
		fmt.Fprintf(w, "    key       %s, signed with %s", c.KeyType, c.SignatureAlgorithm)
		if c.IsCA {
			fmt.Fprintf(w, ", CA")
		}
		fmt.Fprintf(w, "\n    sha256    %s\n", c.SHA256)
	}
	if r.Verified {
		fmt.Fprintf(w, "\nverified: the chain leads to a trusted root and covers %q\n", r.ServerName)
	} else {
		fmt.Fprintf(w, "\nNOT VERIFIED: %s\n  %s\n", r.VerifyError, r.VerifyExplanation)
	}
	fmt.Fprintf(w, "\nhybrid encryption, as negotiated here:\n")
	for _, s := range r.Hybrid {
		fmt.Fprintf(w, "  %s\n", s)
	}
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
