package polling

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirelab/wirelab/httpcore"
)

// get sends one request on a fresh connection and returns the status and
// body.
func get(t *testing.T, addr, method, target string, header ...string) (int, string) {
	t.Helper()
	cc, err := httpcore.Dial(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	req := &httpcore.Request{Method: method, Target: target}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	resp, err := cc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestBadInput(t *testing.T) {
	hub := NewMemoryHub(3)
	addr := startServer(t, &Server{Hub: hub}, nil)
	publishN(t, hub, 1, 5) // the ring keeps 3..5
	tests := []struct {
		name, method, target string
		header               []string
		status               int
		body                 string
	}{
		{"letters", "GET", "/poll?after=abc", nil, 400, `after= "abc" is not a cursor`},
		{"negative", "GET", "/poll?after=-1", nil, 400, "is not a cursor"},
		{"empty", "GET", "/poll?after=", nil, 400, "is not a cursor"},
		{"overflow", "GET", "/poll?after=18446744073709551616", nil, 400, "is not a cursor"},
		{"twice", "GET", "/poll?after=1&after=2", nil, 400, "after= appears 2 times"},
		{"ahead", "GET", "/poll?after=99", nil, 400, "cursor 99 is ahead of the stream"},
		{"expired", "GET", "/poll?after=1", nil, 410, "cursor 1 is too old"},
		{"bad query", "GET", "/poll?after=%zz", nil, 400, "malformed query"},
		{"bad wait", "GET", "/poll?after=5&wait=soon", nil, 400, `wait="soon" is not a number of seconds`},
		{"wait too long", "GET", "/poll?after=5&wait=3600", nil, 400, "from 0 to 60"},
		{"sse bad Last-Event-ID", "GET", "/events", []string{"Last-Event-ID", "x1"}, 400, `Last-Event-ID "x1" is not a cursor`},
		{"sse bad after", "GET", "/events?after=1.5", nil, 400, "is not a cursor"},
		{"sse expired", "GET", "/events?after=0", nil, 410, "too old"},
		{"ws bad cursor", "GET", "/ws?after=zz", nil, 400, "is not a cursor"},
		{"ws expired", "GET", "/ws?after=1", nil, 410, "too old"},
		{"ws not an upgrade", "GET", "/ws?after=5", nil, 400, "Upgrade"},
		{"method", "POST", "/poll?after=5", nil, 405, "takes GET, not POST"},
		{"publish off", "POST", "/publish", nil, 404, "publishing over HTTP is turned off"},
		{"unknown path", "GET", "/nope", nil, 404, "try /poll, /events or /ws"},
		{"ok", "GET", "/poll?after=4", nil, 200, `"cursor":5,"messages":[{"seq":5,`},
		{"no cursor: from now", "GET", "/poll", nil, 200, `{"cursor":5,"messages":[]}`},
	}
	for _, tt := range tests {
		status, body := get(t, addr, tt.method, tt.target, tt.header...)
		if status != tt.status || !strings.Contains(body, tt.body) {
			t.Errorf("%s: %s %s: got %d %q, want %d containing %q", tt.name, tt.method, tt.target, status, body, tt.status, tt.body)
		}
	}
}

func TestClientStopsOnPermanentError(t *testing.T) {
	hub := NewMemoryHub(2)
	addr := startServer(t, &Server{Hub: hub}, nil)
	publishN(t, hub, 1, 5)
	for _, tr := range Transports() {
		c := &Client{Transport: tr, Addr: addr, After: 1}
		err := c.Run(context.Background(), func(Message) error { return nil })
		var he *HTTPError
		if !errAs(err, &he) || he.Status != 410 || !strings.Contains(he.Body, "too old") {
			t.Errorf("%s: got %v, want an HTTPError 410 saying the cursor is too old", tr, err)
		}
	}
}

func errAs(err error, target **HTTPError) bool {
	he, ok := err.(*HTTPError)
	if ok {
		*target = he
	}
	return ok
}

// TestLongPollWaitersBounded holds three long polls for one client id; the
// server keeps two, releasing the oldest with an empty answer at once. The
// two it keeps get the next message.
func TestLongPollWaitersBounded(t *testing.T) {
	hub := NewMemoryHub(16)
	addr := startServer(t, &Server{Hub: hub, MaxWaitersPerClient: 2}, nil)
	type answer struct {
		pr  pollResponse
		err error
	}
	answers := make(chan answer, 3)
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cc, err := httpcore.Dial(context.Background(), addr)
			if err != nil {
				answers <- answer{err: err}
				return
			}
			defer cc.Close()
			resp, err := cc.Do(&httpcore.Request{Target: "/poll?after=0&wait=30&id=same"})
			if err != nil {
				answers <- answer{err: err}
				return
			}
			var a answer
			a.err = json.NewDecoder(resp.Body).Decode(&a.pr)
			answers <- a
		}()
	}
	first := <-answers
	if first.err != nil || len(first.pr.Messages) != 0 || first.pr.Cursor != 0 {
		t.Fatalf("first answer: %+v, want an empty answer released by the third poll", first)
	}
	publishN(t, hub, 1, 1)
	for i := 0; i < 2; i++ {
		a := <-answers
		if a.err != nil || len(a.pr.Messages) != 1 || a.pr.Cursor != 1 {
			t.Errorf("held poll answered %+v, want message 1", a)
		}
	}
	wg.Wait()
}

// closeWatcher is a listener whose connections report when the server
// closes them.
type closeWatcher struct {
	net.Listener
	closed chan string // remote addresses
}

func (l *closeWatcher) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	// Small socket buffers, so a reader that stops blocks the writer soon.
	c.(*net.TCPConn).SetWriteBuffer(32 << 10)
	return &watchedConn{Conn: c, closed: l.closed}, nil
}

type watchedConn struct {
	net.Conn
	once   sync.Once
	closed chan string
}

func (c *watchedConn) Close() error {
	c.once.Do(func() { c.closed <- c.RemoteAddr().String() })
	return c.Conn.Close()
}

// TestSlowReaderCutOff connects a client that never reads, then publishes
// more than the socket buffers hold. The server's write deadline cuts that
// connection off; a normal client on the same stream meanwhile gets every
// message, before the cut, so it was never held up.
func TestSlowReaderCutOff(t *testing.T) {
	for _, tr := range []Transport{SSE, WebSocket} {
		t.Run(tr.String(), func(t *testing.T) {
			t.Parallel()
			// The write deadline must outlast the fast client's whole run
			// (64 × 16 KiB), which takes far less than a second on an idle
			// machine but several under the race detector on a loaded one.
			const writeTimeout = 3 * time.Second
			hub := NewMemoryHub(256)
			srv := &Server{Hub: hub, WriteTimeout: writeTimeout}
			hs := &httpcore.Server{Handler: srv, WriteTimeout: writeTimeout}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			w := &closeWatcher{Listener: ln, closed: make(chan string, 100)}
			done := make(chan error, 1)
			go func() { done <- hs.Serve(w) }()
			defer func() {
				srv.Close()
				hs.Close()
				<-done
			}()
			addr := ln.Addr().String()

			slow, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer slow.Close()
			slow.(*net.TCPConn).SetReadBuffer(4096)
			req := "GET /events?after=0 HTTP/1.1\r\nHost: x\r\n\r\n"
			if tr == WebSocket {
				req = "GET /ws?after=0 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
					"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
			}
			if _, err := io.WriteString(slow, req); err != nil {
				t.Fatal(err)
			}
			// Wait until the server answered the slow client, so it is
			// subscribed, then never read again.
			br := bufio.NewReaderSize(slow, 16)
			if line, err := br.ReadString('\n'); err != nil || !strings.Contains(line, " 200 ") && !strings.Contains(line, " 101 ") {
				t.Fatalf("slow client's status line %q, %v", line, err)
			}

			const n, size = 64, 16 << 10
			big := strings.Repeat("x", size)
			fast := &Client{Transport: tr, Addr: addr}
			ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
			defer cancel()
			published := make(chan struct{})
			go func() {
				defer close(published)
				for i := 0; i < n; i++ {
					hub.Publish(context.Background(), []byte(big))
				}
			}()
			slowAddr := slow.LocalAddr().String()
			var got int
			err = fast.Run(ctx, func(m Message) error {
				got++
				if len(m.Data) != size {
					t.Errorf("message %d: %d bytes, want %d", m.Seq, len(m.Data), size)
				}
				if got == n {
					// Every message arrived while the slow client was still
					// connected (its write deadline is seconds away): it
					// held nobody up.
					select {
					case a := <-w.closed:
						t.Errorf("connection %s closed before the fast client finished (slow client is %s)", a, slowAddr)
					default:
					}
					cancel()
				}
				return nil
			})
			<-published
			if err != nil || got != n {
				t.Fatalf("fast client: %d of %d messages, %v", got, n, err)
			}
			// The slow connection must now be cut off.
			timeout := time.After(testTimeout)
			for cut := false; !cut; {
				select {
				case a := <-w.closed:
					cut = a == slowAddr
				case <-timeout:
					t.Fatal("the slow client was never cut off")
				}
			}
		})
	}
}

// TestPublishLimit posts a body of exactly MaxPublishBytes, which becomes a
// message, and one byte more, which is answered 413.
func TestPublishLimit(t *testing.T) {
	hub := NewMemoryHub(4)
	addr := startServer(t, &Server{Hub: hub, AllowPublish: true}, nil)
	for _, tt := range []struct {
		size   int
		status int
		body   string
	}{
		{MaxPublishBytes, 200, `{"seq":1}`},
		{MaxPublishBytes + 1, 413, fmt.Sprintf("at most %d bytes", MaxPublishBytes)},
	} {
		cc, err := httpcore.Dial(context.Background(), addr)
		if err != nil {
			t.Fatal(err)
		}
		payload := bytes.Repeat([]byte{'x'}, tt.size)
		resp, err := cc.Do(&httpcore.Request{Method: "POST", Target: "/publish", ContentLength: int64(tt.size), Body: bytes.NewReader(payload)})
		if err != nil {
			cc.Close()
			t.Fatalf("POST %d bytes: %v", tt.size, err)
		}
		body, _ := io.ReadAll(resp.Body)
		cc.Close()
		if resp.StatusCode != tt.status || !strings.Contains(string(body), tt.body) {
			t.Errorf("POST %d bytes: got %d %q, want %d containing %q", tt.size, resp.StatusCode, body, tt.status, tt.body)
		}
	}
	if last := hub.Last(); last != 1 {
		t.Errorf("hub holds %d messages, want 1", last)
	}
}
