package tlsdemo

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestSniffHTTPShowsPassword(t *testing.T) {
	res, err := Sniff(testCtx(t), SniffOptions{Password: "hunter2-secret"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != 200 {
		t.Errorf("status: got %d, want 200 (the login works)", res.Status)
	}
	if !res.PasswordSeen || !bytes.Contains(res.ClientToServer, []byte("password=hunter2-secret")) {
		t.Errorf("over HTTP the tap should see the password; it saw %q", res.ClientToServer)
	}
	var out strings.Builder
	res.WriteText(&out)
	for _, want := range []string{"| user=alice&password=hunter2-secret", "PASSWORD VISIBLE"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("text: missing %q in\n%s", want, out.String())
		}
	}
}

func TestSniffHTTPSHidesPassword(t *testing.T) {
	res, err := Sniff(testCtx(t), SniffOptions{TLS: true, Password: "hunter2-secret"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != 200 {
		t.Errorf("status: got %d, want 200 (the login works over TLS too)", res.Status)
	}
	if res.PasswordSeen || bytes.Contains(res.ClientToServer, []byte("hunter2")) || bytes.Contains(res.ServerToClient, []byte("hunter2")) {
		t.Errorf("over HTTPS the password must not be on the wire")
	}
	if bytes.Contains(res.ClientToServer, []byte("POST /login")) {
		t.Errorf("over HTTPS the request line must not be on the wire")
	}
	if res.BytesClientToServer == 0 || res.BytesServerToClient == 0 {
		t.Fatalf("the tap saw nothing: %d and %d bytes", res.BytesClientToServer, res.BytesServerToClient)
	}
	if res.ServerName != DemoHost {
		t.Errorf("SNI: got %q, want %q (it is sent in the clear)", res.ServerName, DemoHost)
	}
	var appData int
	for _, r := range res.Records {
		if r.Type == RecordApplicationData {
			appData++
		}
	}
	if appData == 0 {
		t.Errorf("no application_data records among %v", res.Records)
	}
	var out strings.Builder
	res.WriteText(&out)
	for _, want := range []string{"PASSWORD NOT FOUND", "application_data (0x17)", `server name "bank.test"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("text: missing %q in\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "| user=") {
		t.Errorf("text shows plaintext over HTTPS:\n%s", out.String())
	}
}

func TestImpersonate(t *testing.T) {
	results, err := Impersonate(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]ImpersonateResult{}
	for _, r := range results {
		got[r.Case] = r
	}
	if len(got) != len(ImpersonateCases) {
		t.Fatalf("got %d cases, want %d", len(got), len(ImpersonateCases))
	}
	tests := []struct {
		kase       string
		accepted   bool
		kind       string
		errText    string
		explainsAs string
	}{
		{CasePlainHTTP, true, "", "", ""},
		{CaseUntrustedCA, false, KindUnknownAuthority, "x509: certificate signed by unknown authority", `issued by "Mallory's CA"`},
		{CaseWrongName, false, KindHostname, "x509: certificate is valid for mallory.test, not bank.test", `the client asked for "bank.test"`},
		{CaseExpired, false, KindExpired, "x509: certificate has expired or is not yet valid", "expired"},
		{CaseGenuine, true, "", "", ""},
	}
	for _, tt := range tests {
		r := got[tt.kase]
		if r.Accepted != tt.accepted {
			t.Errorf("%s: accepted: got %v, want %v (error %v)", tt.kase, r.Accepted, tt.accepted, r.Err)
			continue
		}
		if r.Kind != tt.kind {
			t.Errorf("%s: kind: got %q, want %q", tt.kase, r.Kind, tt.kind)
		}
		if !strings.Contains(r.Error, tt.errText) {
			t.Errorf("%s: error: got %q, want it to contain %q", tt.kase, r.Error, tt.errText)
		}
		if !strings.Contains(r.Explanation, tt.explainsAs) {
			t.Errorf("%s: explanation: got %q, want it to contain %q", tt.kase, r.Explanation, tt.explainsAs)
		}
	}
	if !strings.Contains(got[CasePlainHTTP].Body, "Mallory's server") {
		t.Errorf("over HTTP the client should have accepted the fake server; it got %q", got[CasePlainHTTP].Body)
	}
	if !strings.Contains(got[CaseGenuine].Body, "real bank") {
		t.Errorf("genuine: got %q", got[CaseGenuine].Body)
	}
	// The error is the real crypto/tls one, so callers can inspect it.
	var ua x509.UnknownAuthorityError
	if !errors.As(got[CaseUntrustedCA].Err, &ua) {
		t.Errorf("untrusted-ca: %T does not unwrap to x509.UnknownAuthorityError", got[CaseUntrustedCA].Err)
	}
	var he x509.HostnameError
	if !errors.As(got[CaseWrongName].Err, &he) || he.Host != DemoHost {
		t.Errorf("wrong-name: %v does not unwrap to x509.HostnameError for %q", got[CaseWrongName].Err, DemoHost)
	}
	var out strings.Builder
	WriteImpersonateText(&out, results)
	for _, want := range []string{"REFUSED: tls: failed to verify certificate: x509: certificate signed by unknown authority", "ACCEPTED"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("text: missing %q in\n%s", want, out.String())
		}
	}
}

func TestImpersonateUnknownCase(t *testing.T) {
	_, err := Impersonate(testCtx(t), "nope")
	if err == nil || !strings.Contains(err.Error(), `unknown impersonation case "nope"`) {
		t.Errorf("got %v", err)
	}
}

func TestTamperHTTPDeliversAlteredBody(t *testing.T) {
	res, err := Tamper(testCtx(t), TamperOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Delivered || !res.Altered {
		t.Fatalf("over HTTP the tampered body should be delivered: %+v", res)
	}
	if !strings.Contains(res.Body, TamperReplacement) || strings.Contains(res.Body, TamperOriginal) {
		t.Errorf("body: got %q, want the attacker's IBAN", res.Body)
	}
	if !res.FoundOnWire || res.BytesChanged == 0 {
		t.Errorf("the attacker should have found the text: %+v", res)
	}
	var out strings.Builder
	res.WriteText(&out)
	if !strings.Contains(out.String(), "TAMPERED BODY DELIVERED") {
		t.Errorf("text:\n%s", out.String())
	}
}

func TestTamperHTTPSFailsInstead(t *testing.T) {
	res, err := Tamper(testCtx(t), TamperOptions{TLS: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Delivered {
		t.Fatalf("over HTTPS a tampered body must never be delivered; got %q", res.Body)
	}
	if res.FoundOnWire {
		t.Errorf("the attacker found the plaintext IBAN in TLS records")
	}
	if res.BytesChanged == 0 {
		t.Errorf("the attacker changed nothing, so the test proves nothing: %+v", res)
	}
	if res.Kind != KindBadRecordMAC || !strings.Contains(res.Error, "bad record MAC") {
		t.Errorf("error: got %q (%s), want bad record MAC", res.Error, res.Kind)
	}
	var out strings.Builder
	res.WriteText(&out)
	if !strings.Contains(out.String(), "NOTHING DELIVERED") || !strings.Contains(out.String(), "integrity check") {
		t.Errorf("text:\n%s", out.String())
	}
}
