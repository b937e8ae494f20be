package tlsdemo_test

import (
	"context"
	"crypto/x509"
	"fmt"

	"github.com/wirelab/wirelab/tlsdemo"
)

// Over HTTP the man in the middle's rewrite reaches the client; over HTTPS
// the client's TLS stack detects the change and delivers nothing.
func ExampleTamper() {
	ctx := context.Background()
	plain, _ := tlsdemo.Tamper(ctx, tlsdemo.TamperOptions{})
	fmt.Print("http:  ", plain.Body)
	secure, _ := tlsdemo.Tamper(ctx, tlsdemo.TamperOptions{TLS: true})
	fmt.Println("https: delivered:", secure.Delivered, "error:", secure.Error)
	// Output:
	// http:  Please pay this month's rent to IBAN DE89 3704 0044 0532 0130 00.
	// https: delivered: false error: local error: tls: bad record MAC
}

func ExampleCA_Issue() {
	ca, _ := tlsdemo.NewCA("example CA")
	leaf, _ := ca.Issue("app.test")
	fmt.Println(tlsdemo.SANs(leaf.Leaf), tlsdemo.KeyType(leaf.Leaf))
	_, err := leaf.Leaf.Verify(x509.VerifyOptions{Roots: ca.Pool(), DNSName: "app.test"})
	fmt.Println("verifies for app.test:", err == nil)
	// Output:
	// [localhost app.test 127.0.0.1 ::1] ECDSA P-256
	// verifies for app.test: true
}

func ExampleImpersonate() {
	results, _ := tlsdemo.Impersonate(context.Background(), tlsdemo.CaseWrongName)
	r := results[0]
	fmt.Println(r.Accepted, r.Kind)
	fmt.Println(r.Error)
	// Output:
	// false hostname-mismatch
	// tls: failed to verify certificate: x509: certificate is valid for mallory.test, not bank.test
}
