package http

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/httpcore/inspect"
	"github.com/wirelab/wirelab/internal/cmd/cmdtest"
	"github.com/wirelab/wirelab/internal/iostreams"
	"go.uber.org/goleak"
)

func TestNewCmdGetFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    GetOptions
		wantErr string
	}{
		{"defaults", []string{"http://a/"}, GetOptions{URL: "http://a/", Requests: 1}, ""},
		{"all flags", []string{"--keep-alive", "3", "--method", "PUT", "-H", "X-A: 1", "-H", "X-B: 2", "--data", "hi", "--json", "http://a/x"},
			GetOptions{URL: "http://a/x", Requests: 3, Method: "PUT", Headers: []string{"X-A: 1", "X-B: 2"}, Data: "hi", HasData: true, JSON: true}, ""},
		{"short flags", []string{"-n", "2", "-X", "HEAD", "-d", "", "http://a/"},
			GetOptions{URL: "http://a/", Requests: 2, Method: "HEAD", HasData: true}, ""},
		{"no URL", nil, GetOptions{}, "accepts 1 arg"},
		{"two URLs", []string{"http://a/", "http://b/"}, GetOptions{}, "accepts 1 arg"},
		{"zero requests", []string{"--keep-alive", "0", "http://a/"}, GetOptions{}, "--keep-alive 0"},
	}
	for _, tt := range tests {
		ios, _, _, _ := iostreams.Test()
		var got *GetOptions
		err := cmdtest.ExecuteArgs(NewCmdGet(ios, func(o *GetOptions) error { got = o; return nil }), tt.args...)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: got error %v, want one containing %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		tt.want.IO = ios
		if !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("%s: got %+v, want %+v", tt.name, *got, tt.want)
		}
	}
}

// getServer runs an httpcore.Server on 127.0.0.1:0 for the test and counts
// the TCP connections it accepts.
func getServer(t *testing.T, h httpcore.Handler) (url string, conns *atomic.Int64) {
	t.Helper()
	t.Cleanup(func() { goleak.VerifyNone(t) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conns = new(atomic.Int64)
	srv := &httpcore.Server{Handler: h, ConnEvent: func(e httpcore.ConnEvent) {
		if e.State == httpcore.StateOpen {
			conns.Add(1)
		}
	}}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; !errors.Is(err, httpcore.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String(), conns
}

func get(t *testing.T, opts *GetOptions) (out, errOut string, err error) {
	t.Helper()
	ios, _, stdout, stderr := iostreams.Test()
	opts.IO = ios
	if opts.Requests == 0 {
		opts.Requests = 1
	}
	err = runGet(context.Background(), opts)
	return stdout.String(), stderr.String(), err
}

func lastLine(s string) string {
	s = strings.TrimSuffix(s, "\n")
	return s[strings.LastIndexByte(s, '\n')+1:]
}

func TestRunGetKeepAlive(t *testing.T) {
	url, conns := getServer(t, inspect.Handler())
	out, errOut, err := get(t, &GetOptions{URL: url + "/", Requests: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "> GET / HTTP/1.1\n> Host: "+strings.TrimPrefix(url, "http://")+"\n") {
		t.Errorf("output does not begin with the request line and Host:\n%s", out)
	}
	if got, want := lastLine(out), "3 requests over 1 TCP connection"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := strings.Count(out, "\n< HTTP/1.1 200 OK\n"); got != 3 {
		t.Errorf("got %d responses shown, want 3:\n%s", got, out)
	}
	if got := strings.Count(errOut, "* reusing TCP connection 1\n"); got != 2 {
		t.Errorf("stderr: got %d reuse notes, want 2:\n%s", got, errOut)
	}
	if got := conns.Load(); got != 1 {
		t.Errorf("the server accepted %d connections, want 1", got)
	}
}

func TestRunGetConnectionClose(t *testing.T) {
	url, conns := getServer(t, httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		w.Header().Set("Connection", "close")
		w.WriteString("bye\n")
	}))
	out, errOut, err := get(t, &GetOptions{URL: url, Requests: 3})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := lastLine(out), "3 requests over 3 TCP connections"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if !strings.Contains(out, "\n< Connection: close\n") {
		t.Errorf("output does not show Connection: close:\n%s", out)
	}
	if !strings.Contains(errOut, `* not reusing TCP connection 1: the server sent "Connection: close"`) {
		t.Errorf("stderr does not say why the connection was not reused:\n%s", errOut)
	}
	if got := conns.Load(); got != 3 {
		t.Errorf("the server accepted %d connections, want 3", got)
	}
}

func TestRunGetJSON(t *testing.T) {
	url, _ := getServer(t, inspect.Handler())
	out, errOut, err := get(t, &GetOptions{URL: url + "/status/103", Requests: 2, JSON: true})
	if err != nil {
		t.Fatal(err)
	}
	if errOut != "" {
		t.Errorf("--json wrote to stderr: %q", errOut)
	}
	var sum GetSummary
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("%v in %q", err, out)
	}
	if sum.Requests != 2 || sum.Connections != 1 || len(sum.Responses) != 2 {
		t.Fatalf("got %+v, want 2 requests over 1 connection", sum)
	}
	for i, r := range sum.Responses {
		if r.Status != 200 || !reflect.DeepEqual(r.Interim, []int{103}) || r.Connection != 1 || r.BytesSent == 0 || r.BytesReceived <= r.BytesSent {
			t.Errorf("response %d: got %+v", i, r)
		}
	}
	for _, key := range []string{`"requests"`, `"connections"`, `"responses"`, `"status"`, `"bytes_sent"`, `"bytes_received"`} {
		if !strings.Contains(out, key) {
			t.Errorf("JSON has no key %s: %s", key, out)
		}
	}
}

func TestRunGetSendsMethodHeadersAndData(t *testing.T) {
	url, _ := getServer(t, inspect.Handler())
	out, _, err := get(t, &GetOptions{URL: url + "/x?y=1", Method: "PUT", Headers: []string{"X-Lesson: 1", "User-Agent: curl/8"}, Data: "hello", HasData: true})
	if err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(url, "http://")
	wantSent := "> PUT /x?y=1 HTTP/1.1\n> Host: " + host + "\n> Accept: */*\n> X-Lesson: 1\n> User-Agent: curl/8\n> Content-Length: 5\n> \n> hello\n"
	if !strings.HasPrefix(out, wantSent) {
		t.Errorf("got\n%s\nwant it to begin with\n%s", out, wantSent)
	}
	if !strings.Contains(out, `"body":"hello"`) {
		t.Errorf("the server did not echo the body:\n%s", out)
	}

	// --data alone means POST.
	out, _, err = get(t, &GetOptions{URL: url, Data: "", HasData: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "> POST / HTTP/1.1\n") || !strings.Contains(out, "> Content-Length: 0\n") {
		t.Errorf("empty --data: got\n%s", out)
	}
}

func TestRunGetTruncatesLongBodies(t *testing.T) {
	url, _ := getServer(t, httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		w.Header().Set("Content-Length", "10240")
		w.Write(bytes.Repeat([]byte("x"), 10240))
	}))
	out, _, err := get(t, &GetOptions{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "\n< [6144 more bytes not shown]\n") {
		t.Errorf("no truncation note in:\n%.300s", out)
	}
	if !strings.Contains(out, "\n< "+strings.Repeat("x", 4096)+"\n") {
		t.Errorf("the first 4 KiB of the body are not shown")
	}
}

// TestRunGetRetriesOnClosedIdleConnection uses a server that answers one
// request per connection without saying "Connection: close": the second
// request finds the connection closed and is sent again on a new one.
func TestRunGetRetriesOnClosedIdleConnection(t *testing.T) {
	defer goleak.VerifyNone(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if _, err := httpcore.ReadRequest(bufio.NewReader(c)); err == nil {
				io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
			}
			c.Close()
		}
	}()
	defer func() {
		ln.Close()
		wg.Wait()
	}()
	out, errOut, err := get(t, &GetOptions{URL: "http://" + ln.Addr().String() + "/", Requests: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := lastLine(out), "2 requests over 2 TCP connections"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if !strings.Contains(errOut, "before answering") || !strings.Contains(errOut, "retrying on a new one") {
		t.Errorf("stderr does not explain the retry:\n%s", errOut)
	}
}

func TestRunGetErrors(t *testing.T) {
	tests := []struct {
		name string
		opts GetOptions
		want string
	}{
		{"https", GetOptions{URL: "https://127.0.0.1/"}, "https is covered by wirelab https (coming)"},
		{"other scheme", GetOptions{URL: "ftp://127.0.0.1/"}, `scheme "ftp" is not supported`},
		{"no scheme", GetOptions{URL: "//127.0.0.1/"}, "has no scheme"},
		{"no host", GetOptions{URL: "http:///x"}, "has no host"},
		{"bad header", GetOptions{URL: "http://127.0.0.1/", Headers: []string{"NoColon"}}, `header "NoColon": want "Name: value"`},
		{"space before colon", GetOptions{URL: "http://127.0.0.1/", Headers: []string{"X-A : 1"}}, `header "X-A : 1"`},
	}
	for _, tt := range tests {
		_, _, err := get(t, &tt.opts)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
}

func TestParseTarget(t *testing.T) {
	tests := []struct {
		url  string
		want target
	}{
		{"http://127.0.0.1:8080/x?y=1#frag", target{"127.0.0.1:8080", "127.0.0.1:8080", "/x?y=1"}},
		{"http://localhost", target{"localhost:80", "localhost", "/"}},
		{"HTTP://[::1]:81/a%20b", target{"[::1]:81", "[::1]:81", "/a%20b"}},
	}
	for _, tt := range tests {
		got, err := parseTarget(tt.url)
		if err != nil || got != tt.want {
			t.Errorf("parseTarget(%q): got %+v, %v; want %+v", tt.url, got, err, tt.want)
		}
	}
}

func TestShowBytes(t *testing.T) {
	tests := []struct {
		name     string
		raw      string
		response bool
		want     string
	}{
		{"request", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", false, "> GET / HTTP/1.1\n> Host: a\n> \n"},
		{"bare LF in a header is quoted", "HTTP/1.1 200 OK\nX: 1\r\n\r\nhi\n", true, "> \"HTTP/1.1 200 OK\\n\"\n> X: 1\n> \n> hi\n"},
		{"control byte is quoted", "HTTP/1.1 200 OK\r\n\r\na\x00b", true, "> HTTP/1.1 200 OK\n> \n> \"a\\x00b\"\n"},
		{"interim then final", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\nbody", true, "> HTTP/1.1 100 Continue\n> \n> HTTP/1.1 200 OK\n> \n> body\n"},
	}
	for _, tt := range tests {
		var b strings.Builder
		showBytes(&b, "> ", []byte(tt.raw), tt.response)
		if b.String() != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, b.String(), tt.want)
		}
	}
}
