package httpcore

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testServer runs srv on 127.0.0.1 and stops it when the test ends.
func testServer(t *testing.T, srv *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; err != ErrServerClosed {
			t.Errorf("Serve returned %v, want ErrServerClosed", err)
		}
	})
	return ln.Addr().String()
}

// echo answers "METHOD TARGET body" and counts calls.
func echoHandler(calls *atomic.Int32) Handler {
	return HandlerFunc(func(w *ResponseWriter, r *Request) {
		if calls != nil {
			calls.Add(1)
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		fmt.Fprintf(w, "%s %s %s", r.Method, r.Target, body)
	})
}

type rawConn struct {
	net.Conn
	br *bufio.Reader
}

func dial(t *testing.T, addr string) *rawConn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	t.Cleanup(func() { c.Close() })
	return &rawConn{c, bufio.NewReader(c)}
}

func (c *rawConn) send(t *testing.T, s string) {
	t.Helper()
	if _, err := io.WriteString(c, s); err != nil {
		t.Fatal(err)
	}
}

// response reads one response and its body.
func (c *rawConn) response(t *testing.T, method string) (*Response, string) {
	t.Helper()
	resp, err := ReadResponse(c.br, &Request{Method: method})
	if err != nil {
		t.Fatalf("reading response: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	return resp, string(body)
}

// closed reports whether the server closed the connection.
func (c *rawConn) closed(t *testing.T) bool {
	t.Helper()
	_, err := c.br.ReadByte()
	return err == io.EOF
}

func TestKeepAliveAndClose(t *testing.T) {
	var events sync.Map
	var opened atomic.Int32
	srv := &Server{Handler: echoHandler(nil), ConnEvent: func(e ConnEvent) {
		if e.State == StateOpen {
			opened.Add(1)
		}
		events.Store(e.State, e.Requests)
	}}
	addr := testServer(t, srv)

	c := dial(t, addr)
	for i := 0; i < 3; i++ {
		c.send(t, fmt.Sprintf("GET /%d HTTP/1.1\r\nHost: a\r\n\r\n", i))
		resp, body := c.response(t, "GET")
		eq(t, "body", body, fmt.Sprintf("GET /%d ", i))
		if resp.Close || resp.Header.Get("Date") == "" {
			t.Errorf("response %d: close=%v date=%q", i, resp.Close, resp.Header.Get("Date"))
		}
	}
	c.send(t, "GET /last HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
	resp, _ := c.response(t, "GET")
	if !resp.Close {
		t.Error("Connection: close request: response lacks Connection: close")
	}
	if !c.closed(t) {
		t.Error("server kept the connection after Connection: close")
	}
	if n := opened.Load(); n != 1 {
		t.Errorf("connections opened: got %d, want 1", n)
	}

	// HTTP/1.0: close by default, keep-alive on request.
	c = dial(t, addr)
	c.send(t, "GET /a HTTP/1.0\r\n\r\n")
	resp, _ = c.response(t, "GET")
	if !resp.Close || !c.closed(t) {
		t.Error("HTTP/1.0 without keep-alive must close")
	}
	c = dial(t, addr)
	c.send(t, "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
	resp, _ = c.response(t, "GET")
	eq(t, "Connection", resp.Header.Get("Connection"), "keep-alive")
	c.send(t, "GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
	_, body := c.response(t, "GET")
	eq(t, "second 1.0 body", body, "GET /b ")
}

func TestPipelining(t *testing.T) {
	addr := testServer(t, &Server{Handler: echoHandler(nil)})
	c := dial(t, addr)
	c.send(t, "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"+
		"POST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"+
		"PUT /3 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nxy\r\n0\r\n\r\n"+
		"GET /4 HTTP/1.1\r\nHost: a\r\n\r\n")
	for _, want := range []string{"GET /1 ", "POST /2 abc", "PUT /3 xy", "GET /4 "} {
		_, body := c.response(t, "GET")
		eq(t, "pipelined response", body, want)
	}
}

// TestSmugglingNeverAnswered sends ambiguous requests with a second request
// hidden behind them: exactly one error response comes back and the
// connection closes; the handler never runs.
func TestSmugglingNeverAnswered(t *testing.T) {
	hidden := "GET /admin HTTP/1.1\r\nHost: a\r\n\r\n"
	shapes := map[string]string{
		"CL.TE":           "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
		"TE.CL":           "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
		"TE.TE xchunked":  "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
		"TE.TE identity":  "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
		"TE.TE nbsp":      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\xa0\r\n\r\n0\r\n\r\n",
		"bare LF":         "POST / HTTP/1.1\r\nHost: a\r\nX: y\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
		"duplicate CL":    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nContent-Length: 40\r\n\r\n",
		"malformed CL":    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x0\r\n\r\n",
		"HTTP/1.0 TE":     "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
		"obs-fold TE":     "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: x\r\n chunked\r\n\r\n0\r\n\r\n",
		"space-colon TE":  "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
		"bad chunk size":  "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0x0\r\n\r\n",
		"chunk data long": "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n0\r\n\r\n",
	}
	for name, raw := range shapes {
		t.Run(name, func(t *testing.T) {
			var calls atomic.Int32
			var admin atomic.Bool
			addr := testServer(t, &Server{Handler: HandlerFunc(func(w *ResponseWriter, r *Request) {
				calls.Add(1)
				if r.Path() == "/admin" {
					admin.Store(true)
				}
				io.ReadAll(r.Body)
			})})
			c := dial(t, addr)
			c.send(t, raw+hidden)
			resp, body := c.response(t, "POST")
			if resp.StatusCode != 400 {
				t.Errorf("%s: got status %d (%s), want 400", name, resp.StatusCode, body)
			}
			if !resp.Close {
				t.Errorf("%s: error response lacks Connection: close", name)
			}
			if !c.closed(t) {
				t.Errorf("%s: connection still open after a framing error", name)
			}
			if admin.Load() {
				t.Errorf("%s: the smuggled request was answered", name)
			}
		})
	}
}

// TestBadRequestStatuses runs every bad-request row through a live server.
func TestBadRequestStatuses(t *testing.T) {
	var calls atomic.Int32
	addr := testServer(t, &Server{Handler: HandlerFunc(func(w *ResponseWriter, r *Request) {
		calls.Add(1)
		if _, err := io.ReadAll(r.Body); err == nil {
			w.WriteString("ok")
		}
	})})
	for _, tt := range badRequests {
		t.Run(tt.name, func(t *testing.T) {
			c := dial(t, addr)
			c.send(t, tt.raw)
			resp, body := c.response(t, "POST")
			if resp.StatusCode != tt.status {
				t.Errorf("%s: got %d %q, want %d", tt.name, resp.StatusCode, body, tt.status)
			}
			if !strings.Contains(body, "RFC") {
				t.Errorf("%s: body %q does not cite the RFC", tt.name, body)
			}
			if !c.closed(t) {
				t.Errorf("%s: connection left open", tt.name)
			}
		})
	}
}

func TestExpectContinue(t *testing.T) {
	addr := testServer(t, &Server{Handler: echoHandler(nil)})
	c := dial(t, addr)
	c.send(t, "POST /up HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
	resp, _ := c.response(t, "POST")
	if resp.StatusCode != 100 {
		t.Fatalf("got %d, want 100 Continue before sending the body", resp.StatusCode)
	}
	c.send(t, "data")
	resp, body := c.response(t, "POST")
	if resp.StatusCode != 200 || body != "POST /up data" {
		t.Fatalf("got %d %q", resp.StatusCode, body)
	}

	// A handler that answers without reading the body: no 100, and the
	// connection closes since the client may or may not send the body.
	addr = testServer(t, &Server{Handler: HandlerFunc(func(w *ResponseWriter, r *Request) { w.WriteHeader(403) })})
	c = dial(t, addr)
	c.send(t, "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
	resp, _ = c.response(t, "POST")
	if resp.StatusCode != 403 || !c.closed(t) {
		t.Fatalf("got %d, want 403 and close", resp.StatusCode)
	}

	c = dial(t, addr)
	c.send(t, "POST / HTTP/1.1\r\nHost: a\r\nExpect: teapot\r\nContent-Length: 4\r\n\r\n")
	resp, _ = c.response(t, "POST")
	if resp.StatusCode != 417 {
		t.Fatalf("unknown expectation: got %d, want 417", resp.StatusCode)
	}
}

func TestFramingChoices(t *testing.T) {
	big := strings.Repeat("x", 10000)
	addr := testServer(t, &Server{Handler: HandlerFunc(func(w *ResponseWriter, r *Request) {
		switch r.Path() {
		case "/small":
			w.WriteString("hello")
		case "/big":
			w.WriteString(big)
		case "/declared":
			w.Header().Set("Content-Length", "5")
			w.Flush()
			w.WriteString("hello")
		case "/flush":
			w.WriteString("a")
			w.Flush()
			w.WriteString("b")
		case "/204":
			w.WriteHeader(204)
			if _, err := w.WriteString("x"); err != ErrBodyNotAllowed {
				panic("want ErrBodyNotAllowed")
			}
		case "/304":
			w.WriteHeader(304)
		case "/short":
			w.Header().Set("Content-Length", "10")
			w.WriteString("abc")
		case "/early-hints":
			w.Header().Set("Link", "</style.css>; rel=preload")
			w.WriteHeader(103)
			w.WriteString("final")
		}
	})})
	c := dial(t, addr)
	get := func(path, method string) (*Response, string) {
		c.send(t, method+" "+path+" HTTP/1.1\r\nHost: a\r\n\r\n")
		return c.response(t, method)
	}
	resp, body := get("/small", "GET")
	if resp.ContentLength != 5 || resp.Chunked || body != "hello" {
		t.Errorf("/small: cl=%d chunked=%v body=%q", resp.ContentLength, resp.Chunked, body)
	}
	resp, body = get("/big", "GET")
	if !resp.Chunked || body != big {
		t.Errorf("/big: chunked=%v len=%d", resp.Chunked, len(body))
	}
	resp, body = get("/declared", "GET")
	if resp.Chunked || resp.ContentLength != 5 || body != "hello" {
		t.Errorf("/declared: %+v %q", resp.ContentLength, body)
	}
	resp, body = get("/flush", "GET")
	if !resp.Chunked || body != "ab" {
		t.Errorf("/flush: chunked=%v %q", resp.Chunked, body)
	}
	resp, _ = get("/small", "HEAD")
	if resp.ContentLength != 5 {
		t.Errorf("HEAD /small: Content-Length %d, want 5 like GET", resp.ContentLength)
	}
	resp, body = get("/204", "GET")
	if resp.StatusCode != 204 || body != "" || resp.Header.Has("Content-Length") {
		t.Errorf("/204: %d %q %v", resp.StatusCode, body, resp.Header.Fields())
	}
	resp, _ = get("/304", "GET")
	if resp.StatusCode != 304 {
		t.Errorf("/304: %d", resp.StatusCode)
	}
	resp, _ = get("/early-hints", "GET")
	if resp.StatusCode != 103 || resp.Header.Get("Link") == "" {
		t.Errorf("/early-hints: interim %d %v", resp.StatusCode, resp.Header.Fields())
	}
	resp, body = c.response(t, "GET")
	if resp.StatusCode != 200 || body != "final" {
		t.Errorf("/early-hints final: %d %q", resp.StatusCode, body)
	}
	// A short body with a declared length must end with a close.
	c.send(t, "GET /short HTTP/1.1\r\nHost: a\r\n\r\n")
	resp, err := ReadResponse(c.br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(resp.Body); err != io.ErrUnexpectedEOF {
		t.Errorf("/short: got %v, want the connection closed mid-body", err)
	}
}

func TestHTTP10GetsCloseDelimitedStream(t *testing.T) {
	addr := testServer(t, &Server{Handler: HandlerFunc(func(w *ResponseWriter, r *Request) {
		w.WriteString("a")
		w.Flush()
		w.WriteString("b")
	})})
	c := dial(t, addr)
	c.send(t, "GET / HTTP/1.0\r\n\r\n")
	resp, body := c.response(t, "GET")
	if resp.Chunked || body != "ab" || !resp.Close {
		t.Errorf("HTTP/1.0 stream: chunked=%v body=%q close=%v", resp.Chunked, body, resp.Close)
	}
}

func TestTimeouts(t *testing.T) {
	srv := &Server{Handler: echoHandler(nil), ReadHeaderTimeout: 200 * time.Millisecond, IdleTimeout: 200 * time.Millisecond}
	addr := testServer(t, srv)

	// Slowloris: half a header, then silence → 408 and close.
	c := dial(t, addr)
	c.send(t, "GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ")
	resp, _ := c.response(t, "GET")
	if resp.StatusCode != 408 || !c.closed(t) {
		t.Errorf("slow header: got %d, want 408 and close", resp.StatusCode)
	}

	// Idle persistent connection: closed silently.
	c = dial(t, addr)
	c.send(t, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	c.response(t, "GET")
	if !c.closed(t) {
		t.Error("idle connection not closed")
	}

	// A connection that never sends a byte is closed too.
	c = dial(t, addr)
	if !c.closed(t) {
		t.Error("silent connection not closed")
	}
}

func TestMaxConns(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	addr := testServer(t, &Server{MaxConns: 1, Handler: HandlerFunc(func(w *ResponseWriter, r *Request) {
		started <- struct{}{}
		<-release
	})})
	c1 := dial(t, addr)
	c1.send(t, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	<-started
	c2 := dial(t, addr)
	resp, body := c2.response(t, "GET")
	close(release)
	if resp.StatusCode != 503 {
		t.Fatalf("second connection: got %d %q, want 503", resp.StatusCode, body)
	}
	if resp, _ := c1.response(t, "GET"); resp.StatusCode != 200 {
		t.Fatalf("first connection: got %d", resp.StatusCode)
	}
}

func TestShutdownGraceful(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{})
	srv := &Server{Handler: HandlerFunc(func(w *ResponseWriter, r *Request) {
		if r.Path() == "/slow" {
			close(started)
			<-release
		}
		w.WriteString("done")
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	addr := ln.Addr().String()

	idle := dial(t, addr)
	idle.send(t, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	idle.response(t, "GET")
	busy := dial(t, addr)
	busy.send(t, "GET /slow HTTP/1.1\r\nHost: a\r\n\r\n")
	<-started

	shut := make(chan error, 1)
	go func() { shut <- srv.Shutdown(context.Background()) }()
	if !idle.closed(t) {
		t.Error("idle connection not closed by Shutdown")
	}
	if err := <-served; err != ErrServerClosed {
		t.Errorf("Serve: got %v, want ErrServerClosed", err)
	}
	close(release)
	resp, body := busy.response(t, "GET")
	if body != "done" || !resp.Close {
		t.Errorf("in-flight request: body %q close=%v", body, resp.Close)
	}
	if err := <-shut; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

func TestShutdownDeadline(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{})
	srv := &Server{Handler: HandlerFunc(func(w *ResponseWriter, r *Request) {
		close(started)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})}
	addr := testServer(t, srv)
	c := dial(t, addr)
	c.send(t, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := srv.Shutdown(ctx); err != context.Canceled {
		t.Errorf("Shutdown with an ended context: got %v", err)
	}
	close(release)
}

func TestHijack(t *testing.T) {
	done := make(chan struct{})
	addr := testServer(t, &Server{Handler: HandlerFunc(func(w *ResponseWriter, r *Request) {
		w.Header().Set("Upgrade", "echo")
		w.WriteHeader(101)
		conn, rw, err := w.Hijack()
		if err != nil {
			panic(err)
		}
		go func() {
			defer close(done)
			defer conn.Close()
			line, _ := rw.ReadString('\n')
			rw.WriteString("echo: " + line)
			rw.Flush()
		}()
	})})
	c := dial(t, addr)
	// The bytes after the request arrive in the same write: Hijack must
	// hand them over.
	c.send(t, "GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\nhello\n")
	resp, err := ReadResponse(c.br, nil)
	if err != nil || resp.StatusCode != 101 {
		t.Fatalf("got %v %v, want 101", resp, err)
	}
	line, err := c.br.ReadString('\n')
	if err != nil || line != "echo: hello\n" {
		t.Fatalf("after hijack: %q %v", line, err)
	}
	<-done
}

// TestDetachKeepsBackgroundByte: a handler that asked for the request
// context (which starts a background read to notice a disconnect) and then
// detaches must find a byte that read took in the returned reader's buffer,
// since an upgrade takes br.Buffered() bytes and then reads the connection
// itself.
func TestDetachKeepsBackgroundByte(t *testing.T) {
	ready := make(chan struct{})
	got := make(chan string, 1)
	addr := testServer(t, &Server{Handler: HandlerFunc(func(w *ResponseWriter, r *Request) {
		r.Context()
		close(ready)
		<-w.c.bgDone // the background read returns once the byte has arrived
		nc, br, err := w.Detach()
		if err != nil {
			got <- err.Error()
			return
		}
		defer nc.Close()
		b, _ := br.Peek(br.Buffered())
		got <- string(b)
	})})
	c := dial(t, addr)
	c.send(t, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	<-ready
	c.send(t, "X")
	if s := <-got; s != "X" {
		t.Errorf("after Detach the reader buffers %q, want %q", s, "X")
	}
}

// TestDetachBuffered: each connection's handler gets the bytes its own
// client sent after the request, also when the server reuses the reader a
// previous connection gave back.
func TestDetachBuffered(t *testing.T) {
	got := make(chan string, 1)
	addr := testServer(t, &Server{Handler: HandlerFunc(func(w *ResponseWriter, r *Request) {
		nc, b, err := w.DetachBuffered()
		if err != nil {
			got <- err.Error()
			return
		}
		defer nc.Close()
		got <- string(b) // copied before the handler returns
	})})
	for i, early := range []string{"first early bytes", "2nd", "", "the fourth connection's bytes"} {
		c := dial(t, addr)
		c.send(t, "GET / HTTP/1.1\r\nHost: a\r\n\r\n"+early)
		if s := <-got; s != early {
			t.Errorf("connection %d: DetachBuffered returned %q, want %q", i, s, early)
		}
		if !c.closed(t) {
			t.Errorf("connection %d: the handler closed the detached connection, but the client still reads", i)
		}
	}
}

// TestWorkerReuse: a connection that arrives after another has ended is
// served by the goroutine that served the earlier one (Server.worker), whose
// stack has already grown, not by a new goroutine.
func TestWorkerReuse(t *testing.T) {
	ids := make(chan string, 1)
	addr := testServer(t, &Server{Handler: HandlerFunc(func(w *ResponseWriter, r *Request) {
		var buf [64]byte
		id, _, _ := strings.Cut(strings.TrimPrefix(string(buf[:runtime.Stack(buf[:], false)]), "goroutine "), " ")
		ids <- id
		w.Header().Set("Connection", "close")
	})})
	const n = 20
	seen := map[string]bool{}
	for range n {
		c := dial(t, addr)
		c.send(t, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
		seen[<-ids] = true
		if resp, _ := c.response(t, "GET"); resp.StatusCode != 200 || !c.closed(t) {
			t.Fatalf("got %d, want 200 and close", resp.StatusCode)
		}
	}
	// Each connection ends (the server closes it) before the next is
	// dialled, so one worker could serve them all; a new goroutine per
	// connection would give n different goroutines.
	if len(seen) == n {
		t.Errorf("%d connections one after another ran on %d different goroutines: no worker was reused", n, len(seen))
	}
	t.Logf("%d connections on %d goroutines", n, len(seen))
}

func TestHandlerPanic(t *testing.T) {
	srv := &Server{Handler: HandlerFunc(func(w *ResponseWriter, r *Request) { panic("boom") })}
	var logged strings.Builder
	var mu sync.Mutex
	srv.ErrorLog = newTestLogger(&logged, &mu)
	addr := testServer(t, srv)
	c := dial(t, addr)
	c.send(t, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	resp, _ := c.response(t, "GET")
	if resp.StatusCode != 500 || !c.closed(t) {
		t.Errorf("panic: got %d, want 500 and close", resp.StatusCode)
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(logged.String(), "boom") {
		t.Errorf("panic not logged: %q", logged.String())
	}
}

func TestBodyTooLargeMidStream(t *testing.T) {
	addr := testServer(t, &Server{Limits: Limits{MaxBodyBytes: 8}, Handler: echoHandler(nil)})
	c := dial(t, addr)
	c.send(t, chunked("5\r\nabcde\r\n5\r\nfghij\r\n0\r\n\r\n"))
	resp, body := c.response(t, "POST")
	if resp.StatusCode != 413 {
		t.Errorf("got %d %q, want 413", resp.StatusCode, body)
	}
}

func TestReviewedEdgeCases(t *testing.T) {
	addr := testServer(t, &Server{Handler: HandlerFunc(func(w *ResponseWriter, r *Request) {
		switch r.Path() {
		case "/deny":
			w.WriteHeader(401)
		case "/early":
			w.WriteHeader(103)
			w.WriteString("final")
		}
	})})
	// Expect: 100-continue answered without reading: the response must say
	// it closes.
	c := dial(t, addr)
	c.send(t, "POST /deny HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
	resp, _ := c.response(t, "POST")
	if resp.StatusCode != 401 || !resp.Close || !c.closed(t) {
		t.Errorf("deny: %d close=%v", resp.StatusCode, resp.Close)
	}
	// No 1xx to an HTTP/1.0 client.
	c = dial(t, addr)
	c.send(t, "GET /early HTTP/1.0\r\n\r\n")
	resp, body := c.response(t, "GET")
	if resp.StatusCode != 200 || body != "final" {
		t.Errorf("1.0 early hints: %d %q", resp.StatusCode, body)
	}
	// An error after a HEAD must not inherit HEAD's bodiless framing.
	c = dial(t, addr)
	c.send(t, "HEAD / HTTP/1.1\r\nHost: a\r\n\r\nHEAD  / HTTP/1.1\r\nHost: a\r\n\r\n")
	c.response(t, "HEAD")
	resp, body = c.response(t, "GET")
	if resp.StatusCode != 400 || !strings.Contains(body, "SP") {
		t.Errorf("error after HEAD: %d %q", resp.StatusCode, body)
	}
}

// TestContextCancelledOnDisconnect: a handler waiting on its request's
// context learns that the client left, and a pipelined request that arrives
// while a handler waits is not lost.
func TestContextCancelledOnDisconnect(t *testing.T) {
	gone := make(chan error, 1)
	waiting := make(chan struct{}, 2)
	release := make(chan struct{})
	addr := testServer(t, &Server{Handler: HandlerFunc(func(w *ResponseWriter, r *Request) {
		switch r.Path() {
		case "/wait":
			ctx := r.Context()
			waiting <- struct{}{}
			<-ctx.Done()
			gone <- ctx.Err()
		case "/hold":
			r.Context()
			waiting <- struct{}{}
			<-release
			w.WriteString("held")
		default:
			w.WriteString("next")
		}
	})})
	c := dial(t, addr)
	c.send(t, "GET /wait HTTP/1.1\r\nHost: a\r\n\r\n")
	<-waiting
	c.Close()
	if err := <-gone; err != context.Canceled {
		t.Errorf("handler saw %v, want context.Canceled", err)
	}

	c = dial(t, addr)
	c.send(t, "GET /hold HTTP/1.1\r\nHost: a\r\n\r\n")
	<-waiting
	c.send(t, "GET /next HTTP/1.1\r\nHost: a\r\n\r\n")
	close(release)
	_, body := c.response(t, "GET")
	_, body2 := c.response(t, "GET")
	if body != "held" || body2 != "next" {
		t.Errorf("got %q, %q; want held, next", body, body2)
	}
}

func TestRemoteAddrSet(t *testing.T) {
	got := make(chan string, 1)
	addr := testServer(t, &Server{Handler: HandlerFunc(func(w *ResponseWriter, r *Request) {
		tlsState := "plain"
		if r.TLS != nil {
			tlsState = "tls"
		}
		got <- r.RemoteAddr + " " + tlsState
	})})
	c := dial(t, addr)
	c.send(t, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	c.response(t, "GET")
	if want := c.LocalAddr().String() + " plain"; <-got != want {
		t.Errorf("RemoteAddr/TLS: want %q", want)
	}
}

func TestConnectionOptionsMerged(t *testing.T) {
	addr := testServer(t, &Server{Handler: HandlerFunc(func(w *ResponseWriter, r *Request) {
		w.Header().Set("Upgrade", "websocket")
		w.Header().Set("Connection", "Upgrade")
		w.WriteHeader(426)
	})})
	c := dial(t, addr)
	c.send(t, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
	resp, _ := c.response(t, "GET")
	if got := resp.Header.Values("Connection"); len(got) != 1 || got[0] != "Upgrade, close" {
		t.Errorf("Connection fields %q, want one \"Upgrade, close\"", got)
	}
}
