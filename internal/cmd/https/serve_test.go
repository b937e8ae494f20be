package https

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/internal/cmd/cmdtest"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/tlsdemo"
)

func TestServeFlags(t *testing.T) {
	tests := []struct {
		args    string
		check   func(*ServeOptions) bool
		wantErr string
	}{
		{"--dev", func(o *ServeOptions) bool { return o.Dev && o.Addr == "127.0.0.1:8443" && o.ACME == "" }, ""},
		{"--dev --name app.test --ca-dir /tmp/ca --addr 127.0.0.1:0", func(o *ServeOptions) bool {
			return o.Names[0] == "app.test" && o.CADir == "/tmp/ca" && o.Addr == "127.0.0.1:0"
		}, ""},
		{"--acme staging --domain a.test --domain b.test --cache /tmp/c --http-addr 127.0.0.1:0 --acme-ca p.pem", func(o *ServeOptions) bool {
			return o.ACME == "staging" && strings.Join(o.Domains, ",") == "a.test,b.test" && o.CacheDir == "/tmp/c" && o.HTTPAddr == "127.0.0.1:0" && o.ACMECAFiles[0] == "p.pem"
		}, ""},
		{"", nil, "choose a source of certificates"},
		{"--dev --acme staging --domain a.test", nil, "exclusive"},
		{"--acme staging", nil, "at least one --domain"},
		{"--dev --domain a.test", nil, "--domain goes with --acme"},
		{"--dev extra", nil, "unknown command"},
	}
	for _, tt := range tests {
		ios, _, _, _ := iostreams.Test()
		var got *ServeOptions
		err := cmdtest.Execute(NewCmdServe(ios, func(o *ServeOptions) error { got = o; return nil }), tt.args)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: got error %v, want %q", tt.args, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.args, err)
			continue
		}
		if !tt.check(got) {
			t.Errorf("%q: got %+v", tt.args, *got)
		}
	}
}

// startServe runs runServe and returns its log and a function that stops
// it and returns its error.
func startServe(t *testing.T, opts *ServeOptions) (log *cmdtest.Lines, stop func() error) {
	t.Helper()
	return cmdtest.Serve(t, func(ctx context.Context, ios *iostreams.IOStreams) error {
		opts.IO = ios
		return runServe(ctx, opts)
	})
}

func TestServeDev(t *testing.T) {
	caDir := filepath.Join(t.TempDir(), "ca")
	log, stop := startServe(t, &ServeOptions{Dev: true, CADir: caDir, Names: []string{"app.test"}, Addr: "127.0.0.1:0", Grace: time.Second})
	addr := strings.TrimPrefix(log.WaitFor(t, "listening on https://"), "listening on https://")
	log.WaitFor(t, "certificate for localhost, app.test, 127.0.0.1, ::1")

	ca, err := tlsdemo.LoadCA(caDir)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := tls.Dial("tcp", addr, tlsdemo.ClientConfig(ca.Pool(), "app.test"))
	if err != nil {
		t.Fatal(err)
	}
	cc := httpcore.NewClientConn(conn)
	resp, err := cc.Do(&httpcore.Request{Method: "GET", Target: "/hello", Host: "app.test"})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	cc.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"target":"/hello"`) {
		t.Errorf("got %d %s", resp.StatusCode, body)
	}
	line := log.WaitFor(t, "tls ")
	for _, want := range []string{"TLS 1.3", "alpn=http/1.1", "sni=app.test"} {
		if !strings.Contains(line, want) {
			t.Errorf("handshake log %q lacks %q", line, want)
		}
	}

	// A client that offers only h2 gets no ALPN: the server does not
	// pretend to speak HTTP/2.
	conn, err = tls.Dial("tcp", addr, &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost", NextProtos: []string{"h2"}})
	if err == nil {
		conn.Close()
		t.Error("an h2-only client was accepted")
	}
	// TLS 1.1 is refused.
	conn, err = tls.Dial("tcp", addr, &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost", MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11})
	if err == nil {
		conn.Close()
		t.Error("TLS 1.1 was accepted")
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

func TestServeACMEPolicyAndRedirect(t *testing.T) {
	// No ACME server is needed: the host policy refuses unknown names
	// before autocert contacts the CA, and redirects are local.
	log, stop := startServe(t, &ServeOptions{
		ACME: "https://127.0.0.1:1/dir", Domains: []string{"wirelab.test"}, CacheDir: t.TempDir(),
		Addr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0", Grace: time.Second,
	})
	httpsAddr := strings.TrimPrefix(log.WaitFor(t, "listening on https://"), "listening on https://")
	httpLine := strings.TrimPrefix(log.WaitFor(t, "listening on http://"), "listening on http://")
	httpAddr, _, _ := strings.Cut(httpLine, " ")
	_, httpsPort, _ := net.SplitHostPort(httpsAddr)

	_, err := tls.Dial("tcp", httpsAddr, &tls.Config{ServerName: "unknown.test", InsecureSkipVerify: true})
	if err == nil {
		t.Fatal("a handshake for unknown.test succeeded")
	}
	line := log.WaitFor(t, "tlsdemo: acme: host policy refused")
	if !strings.Contains(line, `"unknown.test"`) || !strings.Contains(line, "[wirelab.test]") {
		t.Errorf("log line: %q", line)
	}

	tests := []struct {
		req, status, location string
	}{
		{"GET /a?b=1 HTTP/1.1\r\nHost: wirelab.test\r\n\r\n", "301", "https://wirelab.test:" + httpsPort + "/a?b=1"},
		{"POST /form HTTP/1.1\r\nHost: wirelab.test:80\r\nContent-Length: 0\r\n\r\n", "308", "https://wirelab.test:" + httpsPort + "/form"},
		{"GET / HTTP/1.1\r\nHost: evil.test\r\n\r\n", "421", ""},
		{"GET /.well-known/acme-challenge/nope HTTP/1.1\r\nHost: wirelab.test\r\n\r\n", "404", ""},
	}
	for _, tt := range tests {
		c, err := net.Dial("tcp", httpAddr)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(c, tt.req)
		resp, err := httpcore.ReadResponse(bufio.NewReader(c), &httpcore.Request{Method: strings.Fields(tt.req)[0]})
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
		if got := resp.Header.Get("Location"); resp.StatusCode != atoi(tt.status) || got != tt.location {
			t.Errorf("%q: got %d %q, want %s %q", tt.req, resp.StatusCode, got, tt.status, tt.location)
		}
	}
	if err := stop(); err != nil && !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}
