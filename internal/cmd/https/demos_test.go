package https

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/wirelab/wirelab/internal/cmd/cmdtest"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/tlsdemo"
)

func TestDemoFlags(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	var so *SniffOptions
	if err := cmdtest.Execute(NewCmdSniff(ios, func(o *SniffOptions) error { so = o; return nil }), "--https --password pw --json"); err != nil {
		t.Fatal(err)
	}
	if !so.TLSOnly || so.HTTPOnly || so.Password != "pw" || !so.JSON {
		t.Errorf("sniff: %+v", so)
	}
	if err := cmdtest.Execute(NewCmdSniff(ios, func(*SniffOptions) error { return nil }), "--http --https"); err == nil {
		t.Error("sniff --http --https: no error")
	}
	var to *TamperOptions
	if err := cmdtest.Execute(NewCmdTamper(ios, func(o *TamperOptions) error { to = o; return nil }), "--http"); err != nil {
		t.Fatal(err)
	}
	if !to.HTTPOnly || to.TLSOnly {
		t.Errorf("tamper: %+v", to)
	}
	var io *ImpersonateOptions
	if err := cmdtest.Execute(NewCmdImpersonate(ios, func(o *ImpersonateOptions) error { io = o; return nil }), "wrong-name expired"); err != nil {
		t.Fatal(err)
	}
	if strings.Join(io.Cases, ",") != "wrong-name,expired" {
		t.Errorf("impersonate: %+v", io)
	}
	err := cmdtest.Execute(NewCmdImpersonate(ios, func(*ImpersonateOptions) error { return nil }), "phishing")
	if err == nil || !strings.Contains(err.Error(), `unknown case "phishing"`) {
		t.Errorf("impersonate phishing: %v", err)
	}
}

func TestSniffCommand(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	if err := runSniff(t.Context(), &SniffOptions{IO: ios, Password: "s3cret-pw"}); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	httpPart, httpsPart, ok := strings.Cut(text, rule)
	if !ok {
		t.Fatalf("no separator between the HTTP and HTTPS runs:\n%s", text)
	}
	if !strings.Contains(httpPart, "password=s3cret-pw") || !strings.Contains(httpPart, "PASSWORD VISIBLE") {
		t.Errorf("HTTP run should show the password:\n%s", httpPart)
	}
	if strings.Contains(httpsPart, "password=s3cret-pw") || !strings.Contains(httpsPart, "PASSWORD NOT FOUND") {
		t.Errorf("HTTPS run should not show the password:\n%s", httpsPart)
	}

	ios, _, out, _ = iostreams.Test()
	if err := runSniff(t.Context(), &SniffOptions{IO: ios, JSON: true}); err != nil {
		t.Fatal(err)
	}
	var got []tlsdemo.SniffResult
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Scheme != "http" || !got[0].PasswordSeen || got[1].Scheme != "https" || got[1].PasswordSeen {
		t.Errorf("json: %+v", got)
	}
}

func TestImpersonateCommand(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	if err := runImpersonate(t.Context(), &ImpersonateOptions{IO: ios, Cases: []string{"http", "untrusted-ca"}}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"== http:", "ACCEPTED", "== untrusted-ca:", "REFUSED: tls: failed to verify certificate: x509: certificate signed by unknown authority", "Mallory's CA"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("missing %q in\n%s", want, out.String())
		}
	}
	ios, _, out, _ = iostreams.Test()
	if err := runImpersonate(t.Context(), &ImpersonateOptions{IO: ios, JSON: true}); err != nil {
		t.Fatal(err)
	}
	var got []tlsdemo.ImpersonateResult
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, r := range got {
		kinds[r.Case] = r.Kind
	}
	want := map[string]string{"http": "", "untrusted-ca": tlsdemo.KindUnknownAuthority, "wrong-name": tlsdemo.KindHostname, "expired": tlsdemo.KindExpired, "genuine": ""}
	for k, v := range want {
		if kinds[k] != v {
			t.Errorf("%s: kind %q, want %q", k, kinds[k], v)
		}
	}
}

func TestTamperCommand(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	if err := runTamper(t.Context(), &TamperOptions{IO: ios, JSON: true}); err != nil {
		t.Fatal(err)
	}
	var got []tlsdemo.TamperResult
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d results", len(got))
	}
	if h := got[0]; h.Scheme != "http" || !h.Delivered || !h.Altered || !strings.Contains(h.Body, tlsdemo.TamperReplacement) {
		t.Errorf("http: %+v", h)
	}
	if s := got[1]; s.Scheme != "https" || s.Delivered || s.Body != "" || s.Kind != tlsdemo.KindBadRecordMAC {
		t.Errorf("https: %+v", s)
	}
	ios, _, out, _ = iostreams.Test()
	if err := runTamper(t.Context(), &TamperOptions{IO: ios, TLSOnly: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "NOTHING DELIVERED") || strings.Contains(out.String(), "TAMPERED BODY DELIVERED") {
		t.Errorf("text:\n%s", out.String())
	}
}
