package https

import (
	"crypto/tls"
	"encoding/json"
	"io"
	"log"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/internal/cmd/cmdtest"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/tlsdemo"
)

func TestInspectFlags(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	var got *InspectOptions
	if err := cmdtest.Execute(NewCmdInspect(ios, func(o *InspectOptions) error { got = o; return nil }), "--ca a.pem --ca b.pem --tls12 --alpn http/1.1 --json 127.0.0.1:8443"); err != nil {
		t.Fatal(err)
	}
	if got.Addr != "127.0.0.1:8443" || strings.Join(got.CAFiles, ",") != "a.pem,b.pem" || !got.TLS12 || strings.Join(got.ALPN, ",") != "http/1.1" || !got.JSON {
		t.Errorf("got %+v", got)
	}
	for _, bad := range []string{"", "127.0.0.1", "a b"} {
		if err := cmdtest.Execute(NewCmdInspect(ios, func(*InspectOptions) error { return nil }), bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// startDevServer serves HTTPS with a leaf from a CA saved in a temp dir and
// returns the address and the CA certificate's path.
func startDevServer(t *testing.T) (addr, caPath string) {
	t.Helper()
	ca, _, err := tlsdemo.LoadOrCreateCA(filepath.Join(t.TempDir(), "ca"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, _, err := tlsdemo.DevTLSConfig(ca)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httpcore.Server{Handler: httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		w.WriteString("hi\n")
	}), ErrorLog: log.New(io.Discard, "", 0)}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(tls.NewListener(ln, cfg)) }()
	t.Cleanup(func() {
		srv.Close()
		<-done
	})
	return ln.Addr().String(), ca.CertPath()
}

func TestInspectCommand(t *testing.T) {
	addr, caPath := startDevServer(t)
	ios, _, out, _ := iostreams.Test()
	if err := runInspect(t.Context(), &InspectOptions{IO: ios, Addr: addr, CAFiles: []string{caPath}, ALPN: []string{"h2", "http/1.1"}}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"protocol      TLS 1.3", "ALPN          http/1.1 (offered: h2, http/1.1)", "names     localhost, 127.0.0.1, ::1",
		"key       ECDSA P-256", "verified: the chain leads to a trusted root", "Key agreement", "Why hybrid"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("missing %q in\n%s", want, out.String())
		}
	}

	// Without --ca: the system roots do not know the dev CA.
	ios, _, out, _ = iostreams.Test()
	if err := runInspect(t.Context(), &InspectOptions{IO: ios, Addr: addr, TLS12: true, JSON: true}); err != nil {
		t.Fatal(err)
	}
	var rep tlsdemo.Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Verified || rep.VerifyKind != tlsdemo.KindUnknownAuthority || rep.Version != "TLS 1.2" || len(rep.Chain) != 1 {
		t.Errorf("json: %+v", rep)
	}

	// Not a TLS server: one clear error.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httpcore.Server{Handler: httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {}), ErrorLog: log.New(io.Discard, "", 0)}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	defer func() { srv.Close(); <-done }()
	err = runInspect(t.Context(), &InspectOptions{IO: ios, Addr: ln.Addr().String()})
	if err == nil || !strings.Contains(err.Error(), "TLS handshake") {
		t.Errorf("plain HTTP server: got %v", err)
	}
}
