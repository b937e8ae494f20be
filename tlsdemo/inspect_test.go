package tlsdemo

import (
	"crypto/tls"
	"crypto/x509"
	"strings"
	"testing"
	"time"
)

func TestInspect(t *testing.T) {
	ca, err := NewCA("inspect CA")
	if err != nil {
		t.Fatal(err)
	}
	cfg, _, err := DevTLSConfig(ca)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := startServer(textHandler("hi\n"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	rep, err := Inspect(testCtx(t), srv.addr, InspectOptions{RootCAs: ca.Pool()})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Version != "TLS 1.3" || rep.CipherSuite == "" || rep.Group == "" {
		t.Errorf("negotiated: %q %q %q", rep.Version, rep.CipherSuite, rep.Group)
	}
	if rep.ALPN != "http/1.1" {
		t.Errorf("ALPN: got %q, want http/1.1 (offered %v; httpcore does not speak h2)", rep.ALPN, rep.OfferedALPN)
	}
	if !rep.Verified || len(rep.Chain) != 1 {
		t.Fatalf("verified %v (%s), chain %d", rep.Verified, rep.VerifyError, len(rep.Chain))
	}
	leaf := rep.Chain[0]
	if leaf.KeyType != "ECDSA P-256" || !strings.Contains(leaf.Issuer, "inspect CA") || strings.Join(leaf.SANs, ",") != "localhost,127.0.0.1,::1" {
		t.Errorf("leaf: %+v", leaf)
	}
	text := strings.Join(rep.Hybrid, "\n")
	for _, want := range []string{"Key agreement", rep.Group, "ECDSA P-256", "AEAD", "Why hybrid"} {
		if !strings.Contains(text, want) {
			t.Errorf("hybrid explanation lacks %q:\n%s", want, text)
		}
	}
	var out strings.Builder
	rep.WriteText(&out)
	if !strings.Contains(out.String(), "verified: the chain leads to a trusted root") {
		t.Errorf("text:\n%s", out.String())
	}

	// Against the system roots the dev CA is unknown: the chain is still
	// shown, with the reason it would be refused.
	rep, err = Inspect(testCtx(t), srv.addr, InspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Verified || rep.VerifyKind != KindUnknownAuthority || len(rep.Chain) != 1 {
		t.Errorf("system roots: verified %v kind %q chain %d", rep.Verified, rep.VerifyKind, len(rep.Chain))
	}

	// Forced TLS 1.2: an ECDHE AEAD suite is negotiated.
	rep, err = Inspect(testCtx(t), srv.addr, InspectOptions{RootCAs: ca.Pool(), ServerName: "localhost", MaxVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Version != "TLS 1.2" || !strings.HasPrefix(rep.CipherSuite, "TLS_ECDHE_ECDSA_WITH_") || !rep.Verified {
		t.Errorf("TLS 1.2: %s %s verified %v", rep.Version, rep.CipherSuite, rep.Verified)
	}
}

func TestServerRefusesOldTLS(t *testing.T) {
	ca, _ := NewCA("")
	cfg, _, _ := DevTLSConfig(ca)
	srv, err := startServer(textHandler("hi\n"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	_, err = Inspect(testCtx(t), srv.addr, InspectOptions{RootCAs: ca.Pool(), MinVersion: tls.VersionTLS11, MaxVersion: tls.VersionTLS11})
	if err == nil || !strings.Contains(err.Error(), "protocol version") {
		t.Errorf("TLS 1.1: got %v, want a protocol version alert", err)
	}
}

func TestSuiteParts(t *testing.T) {
	tests := []struct{ name, kx, auth, bulk, hash string }{
		{"TLS_AES_128_GCM_SHA256", "", "", "AES_128_GCM", "SHA256"},
		{"TLS_CHACHA20_POLY1305_SHA256", "", "", "CHACHA20_POLY1305", "SHA256"},
		{"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE", "ECDSA", "AES_256_GCM", "SHA384"},
		{"TLS_RSA_WITH_AES_128_CBC_SHA", "RSA", "RSA", "AES_128_CBC", "SHA"},
	}
	for _, tt := range tests {
		kx, auth, bulk, hash := suiteParts(tt.name)
		if kx != tt.kx || auth != tt.auth || bulk != tt.bulk || hash != tt.hash {
			t.Errorf("%s: got %q %q %q %q", tt.name, kx, auth, bulk, hash)
		}
	}
}

func TestExplainExpiredNotYetValid(t *testing.T) {
	ca, _ := NewCA("")
	now := time.Now()
	future, _ := ca.IssueLeaf(LeafRequest{Names: []string{"x.test"}, NotBefore: now.Add(time.Hour), NotAfter: now.Add(2 * time.Hour)})
	_, err := future.Leaf.Verify(x509.VerifyOptions{Roots: ca.Pool(), DNSName: "x.test"})
	if Classify(err) != KindNotYetValid || !strings.Contains(Explain(err), "not valid yet") {
		t.Errorf("got %s: %s", Classify(err), Explain(err))
	}
}
