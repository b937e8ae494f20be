package httpcore_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wirelab/wirelab/httpcore"
	"go.uber.org/goleak"
)

// testServer runs srv on 127.0.0.1:0 until the test ends and returns its
// address and a counter of accepted connections. Goroutine leaks are checked
// after the server has shut down.
func testServer(t *testing.T, h httpcore.Handler) (addr string, conns *atomic.Int64) {
	t.Helper()
	t.Cleanup(func() { goleak.VerifyNone(t) }) // runs last
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
	return ln.Addr().String(), conns
}

func dial(t *testing.T, addr string) *httpcore.ClientConn {
	t.Helper()
	cc, err := httpcore.Dial(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cc.Close() })
	return cc
}

func readBody(t *testing.T, resp *httpcore.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	return string(b)
}

var echoTarget = httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "text/plain")
	w.WriteString(r.Method + " " + r.Target + " " + string(body))
})

func TestClientConnReusesOneConnection(t *testing.T) {
	addr, conns := testServer(t, echoTarget)
	cc := dial(t, addr)
	targets := []string{"/a", "/b?x=1", "/c", "/d", "/e"}
	for _, target := range targets {
		resp, err := cc.Do(&httpcore.Request{Method: "GET", Target: target})
		if err != nil {
			t.Fatalf("Do %s: %v", target, err)
		}
		if got, want := readBody(t, resp), "GET "+target+" "; got != want {
			t.Errorf("Do %s: got body %q, want %q", target, got, want)
		}
		if !cc.Reusable() {
			t.Fatalf("Do %s: connection not reusable", target)
		}
	}
	if got := conns.Load(); got != 1 {
		t.Errorf("%d requests used %d TCP connections, want 1", len(targets), got)
	}
	if got := cc.Requests(); got != len(targets) {
		t.Errorf("Requests() = %d, want %d", got, len(targets))
	}
}

func TestClientConnSendsBodies(t *testing.T) {
	addr, conns := testServer(t, echoTarget)
	cc := dial(t, addr)
	tests := []struct {
		name string
		req  httpcore.Request
		want string
	}{
		{"content-length", httpcore.Request{Method: "POST", Target: "/cl", ContentLength: 5, Body: strings.NewReader("hello")}, "POST /cl hello"},
		{"chunked", httpcore.Request{Method: "PUT", Target: "/ch", ContentLength: -1, Body: strings.NewReader("chunky")}, "PUT /ch chunky"},
		{"no body", httpcore.Request{Method: "DELETE", Target: "/x"}, "DELETE /x "},
	}
	for _, tt := range tests {
		resp, err := cc.Do(&tt.req)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := readBody(t, resp); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
	if got := conns.Load(); got != 1 {
		t.Errorf("used %d connections, want 1", got)
	}
}

func TestClientConnHEAD(t *testing.T) {
	addr, conns := testServer(t, echoTarget)
	cc := dial(t, addr)
	resp, err := cc.Do(&httpcore.Request{Method: "HEAD", Target: "/h"})
	if err != nil {
		t.Fatal(err)
	}
	// RFC 9110 §9.3.2: HEAD gets GET's header section and no content, so
	// Content-Length announces bytes that never come.
	if resp.StatusCode != 200 || resp.ContentLength != int64(len("HEAD /h ")) {
		t.Errorf("HEAD: got %d with Content-Length %d, want 200 with %d", resp.StatusCode, resp.ContentLength, len("HEAD /h "))
	}
	if got := readBody(t, resp); got != "" {
		t.Errorf("HEAD: got body %q, want none", got)
	}
	// The next exchange finds its response right after the header section.
	resp, err = cc.Do(&httpcore.Request{Target: "/after"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := readBody(t, resp), "GET /after "; got != want {
		t.Errorf("after HEAD: got %q, want %q", got, want)
	}
	if got := conns.Load(); got != 1 {
		t.Errorf("used %d connections, want 1", got)
	}
}

func TestClientConnDiscardsUnreadBody(t *testing.T) {
	big := strings.Repeat("x", 100<<10) // sent chunked: larger than the server's buffer
	addr, _ := testServer(t, httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		w.WriteString(r.Target + big)
	}))
	cc := dial(t, addr)
	if _, err := cc.Do(&httpcore.Request{Target: "/first"}); err != nil {
		t.Fatal(err)
	}
	resp, err := cc.Do(&httpcore.Request{Target: "/second"})
	if err != nil {
		t.Fatal(err)
	}
	if got := readBody(t, resp); !strings.HasPrefix(got, "/second") || len(got) != len("/second")+len(big) {
		t.Errorf("second body: got %d bytes starting %q", len(got), got[:min(len(got), 10)])
	}
}

func TestClientConnConnectionClose(t *testing.T) {
	addr, _ := testServer(t, httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		w.Header().Set("Connection", "close")
		w.WriteString("bye")
	}))
	cc := dial(t, addr)
	resp, err := cc.Do(&httpcore.Request{Target: "/"})
	if err != nil {
		t.Fatal(err)
	}
	if !resp.Close {
		t.Errorf("resp.Close = false, want true")
	}
	readBody(t, resp)
	if cc.Reusable() {
		t.Errorf("Reusable after \"Connection: close\" = true, want false")
	}
	_, err = cc.Do(&httpcore.Request{Target: "/"})
	if !errors.Is(err, httpcore.ErrConnClosed) || !strings.Contains(err.Error(), "Connection: close") {
		t.Errorf("Do after close: got %v, want ErrConnClosed naming \"Connection: close\"", err)
	}
}

func TestClientConnRequestConnectionClose(t *testing.T) {
	addr, _ := testServer(t, echoTarget)
	cc := dial(t, addr)
	req := &httpcore.Request{Target: "/"}
	req.Header.Add("Connection", "close")
	resp, err := cc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, resp)
	if cc.Reusable() {
		t.Errorf("Reusable after the request's \"Connection: close\" = true, want false")
	}
}

func TestClientConnInterimResponses(t *testing.T) {
	addr, _ := testServer(t, httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		w.Header().Set("Link", "</style.css>; rel=preload; as=style")
		w.WriteHeader(103) // RFC 8297 Early Hints
		w.WriteString("final")
	}))
	cc := dial(t, addr)
	var interim []int
	cc.Interim = func(r *httpcore.Response) { interim = append(interim, r.StatusCode) }
	resp, err := cc.Do(&httpcore.Request{Target: "/"})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || readBody(t, resp) != "final" {
		t.Errorf("got %d, want the final 200", resp.StatusCode)
	}
	if len(interim) != 1 || interim[0] != 103 {
		t.Errorf("interim responses: got %v, want [103]", interim)
	}
}

func TestClientConnExpectContinue(t *testing.T) {
	addr, conns := testServer(t, httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		if r.Target == "/deny" {
			w.WriteHeader(401) // never reads the body, so 100 is never sent
			return
		}
		b, _ := io.ReadAll(r.Body)
		w.WriteString("got " + string(b))
	}))
	cc := dial(t, addr)
	cc.ContinueTimeout = -1 // wait for the server's word: no timing in this test
	var interim []int
	cc.Interim = func(r *httpcore.Response) { interim = append(interim, r.StatusCode) }

	req := &httpcore.Request{Method: "POST", Target: "/up", ContentLength: 5, Body: strings.NewReader("hello")}
	req.Header.Add("Expect", "100-continue")
	resp, err := cc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if got := readBody(t, resp); got != "got hello" {
		t.Errorf("body: got %q, want %q", got, "got hello")
	}
	if len(interim) != 1 || interim[0] != 100 {
		t.Errorf("interim: got %v, want [100]", interim)
	}

	// A chunked body waits for 100 Continue too.
	req = &httpcore.Request{Method: "POST", Target: "/up", ContentLength: -1, Body: strings.NewReader("chunks")}
	req.Header.Add("Expect", "100-continue")
	if resp, err = cc.Do(req); err != nil {
		t.Fatal(err)
	}
	if got := readBody(t, resp); got != "got chunks" {
		t.Errorf("chunked body: got %q, want %q", got, "got chunks")
	}

	// A final status instead of 100: the body is never sent and the
	// connection is not reused.
	req = &httpcore.Request{Method: "POST", Target: "/deny", ContentLength: 5, Body: strings.NewReader("hello")}
	req.Header.Add("Expect", "100-continue")
	if resp, err = cc.Do(req); err != nil {
		t.Fatal(err)
	}
	readBody(t, resp)
	if resp.StatusCode != 401 || cc.Reusable() {
		t.Errorf("denied: got %d, reusable %v; want 401, not reusable", resp.StatusCode, cc.Reusable())
	}
	if got := conns.Load(); got != 1 {
		t.Errorf("used %d connections, want 1", got)
	}
}

// pipeServer answers requests read from the server end of a net.Pipe with
// the raw bytes of respond, until the client closes.
func pipeServer(t *testing.T, respond func(req *httpcore.Request) string) *httpcore.ClientConn {
	t.Helper()
	t.Cleanup(func() { goleak.VerifyNone(t) })
	client, server := net.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer server.Close()
		br := bufio.NewReader(server)
		for {
			req, err := httpcore.ReadRequest(br)
			if err != nil {
				return
			}
			if req.Header.HasToken("Expect", "100-continue") {
				// Ignore the expectation, like an HTTP/1.0 server would.
				io.WriteString(server, respond(req))
				continue
			}
			io.Copy(io.Discard, req.Body)
			io.WriteString(server, respond(req))
		}
	}()
	cc := httpcore.NewClientConn(client)
	t.Cleanup(func() {
		cc.Close()
		<-done
	})
	return cc
}

func TestClientConnChunkedTrailers(t *testing.T) {
	cc := pipeServer(t, func(*httpcore.Request) string {
		return "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n" +
			"5\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 42\r\n\r\n"
	})
	for i := 0; i < 2; i++ {
		resp, err := cc.Do(&httpcore.Request{Host: "pipe", Target: "/"})
		if err != nil {
			t.Fatal(err)
		}
		if !resp.Chunked || resp.ContentLength != -1 {
			t.Errorf("Chunked=%v ContentLength=%d, want true, -1", resp.Chunked, resp.ContentLength)
		}
		if got := readBody(t, resp); got != "hello world" {
			t.Errorf("body: got %q, want %q", got, "hello world")
		}
		if got := resp.Trailer.Get("x-sum"); got != "42" {
			t.Errorf("trailer X-Sum: got %q, want %q", got, "42")
		}
	}
}

func TestClientConnContinueTimeout(t *testing.T) {
	cc := pipeServer(t, func(req *httpcore.Request) string {
		b, _ := io.ReadAll(req.Body)
		return "HTTP/1.1 200 OK\r\nContent-Length: " + string(rune('0'+len(b))) + "\r\n\r\n" + string(b)
	})
	cc.ContinueTimeout = time.Millisecond // the server never sends 100
	req := &httpcore.Request{Method: "POST", Host: "pipe", Target: "/", ContentLength: 3, Body: strings.NewReader("abc")}
	req.Header.Add("Expect", "100-continue")
	resp, err := cc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if got := readBody(t, resp); got != "abc" {
		t.Errorf("got %q, want %q", got, "abc")
	}
}

func TestClientConnUntilCloseBody(t *testing.T) {
	cc := pipeServer(t, func(*httpcore.Request) string {
		return "HTTP/1.1 200 OK\r\n\r\n" // no length: the body ends at close
	})
	resp, err := cc.Do(&httpcore.Request{Host: "pipe", Target: "/"})
	if err != nil {
		t.Fatal(err)
	}
	if !resp.Close || cc.Reusable() {
		t.Errorf("body delimited by close: resp.Close=%v Reusable=%v, want true, false", resp.Close, cc.Reusable())
	}
}

func TestClientConnDoContextCancel(t *testing.T) {
	release, started := make(chan struct{}), make(chan struct{})
	addr, _ := testServer(t, httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		close(started)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer close(release)
	cc := dial(t, addr)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := cc.DoContext(ctx, &httpcore.Request{Target: "/slow"})
		errc <- err
	}()
	<-started // the request is on the wire and the response is awaited
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("DoContext after cancel: got %v, want context.Canceled", err)
	}
	if cc.Reusable() {
		t.Errorf("Reusable after a cancelled exchange = true, want false")
	}
}

func TestClientConnHostDefault(t *testing.T) {
	addr, _ := testServer(t, httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		w.WriteString(r.Host)
	}))
	cc := dial(t, addr)
	req := &httpcore.Request{Target: "/"}
	resp, err := cc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if got := readBody(t, resp); got != addr {
		t.Errorf("Host: got %q, want the dialled address %q", got, addr)
	}
	if req.Host != "" || req.Method != "" {
		t.Errorf("Do modified the request: Host %q Method %q", req.Host, req.Method)
	}
}
