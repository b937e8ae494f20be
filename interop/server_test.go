package interop

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/websocket"
)

// A connReport is what our server saw on one connection, sent when the
// connection ends.
type connReport struct {
	Origin string
	// Err ends the read loop: a *websocket.CloseError carrying the peer's
	// close frame when the peer closed (or echoed our close) cleanly.
	Err error
	// MaxInFrames is the most data frames one received message had: more
	// than 1 means the peer fragmented.
	MaxInFrames int
	// OutContinuations counts the continuation frames we sent: our
	// NextWriter fragments at 4 KiB.
	OutContinuations int
	// Pongs lists the payloads of the pongs received.
	Pongs []string
	// CloseErr is what our Close returned, for a server-initiated close.
	CloseErr error
}

func (r connReport) closeCode() (websocket.CloseCode, string, bool) {
	var ce *websocket.CloseError
	if errors.As(r.Err, &ce) {
		return ce.Code, ce.Reason, true
	}
	return 0, "", false
}

// offered are the subprotocols every client offers; the peers' servers
// speak only superchat.
var offered = []string{"chat", "superchat"}

// ourUpgrader is the Upgrader of our servers: the default origin policy
// (same origin only), and superchat preferred to chat.
func ourUpgrader() *websocket.Upgrader {
	return &websocket.Upgrader{Subprotocols: []string{"superchat", "chat"}}
}

// An echoServer is our engine serving /echo, on httpcore or on net/http.
type echoServer struct {
	Addr    string
	URL     string // ws://ADDR/echo
	reports chan connReport
	refused chan *websocket.HandshakeError
}

// startEchoServer runs an httpcore server on loopback: /echo upgrades with
// u and runs serveEcho; other paths go to page, if set.
func startEchoServer(t *testing.T, u *websocket.Upgrader, page httpcore.HandlerFunc) *echoServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := newEchoServer(ln.Addr().String())
	var wg sync.WaitGroup
	srv := &httpcore.Server{Handler: httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		if r.Path() != "/echo" {
			if page != nil {
				page(w, r)
				return
			}
			w.WriteHeader(404)
			return
		}
		origin := r.Header.Get("Origin")
		c, err := u.Upgrade(w, r)
		if err != nil {
			s.refuse(err)
			return
		}
		wg.Add(1)
		go func() { defer wg.Done(); s.reports <- serveEcho(c, origin) }()
	})}
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	t.Cleanup(func() {
		srv.Close()
		<-done
		wg.Wait() // the echo loops end once their connections close
	})
	return s
}

// startNetHTTPEchoServer is startEchoServer on net/http, upgrading with
// UpgradeHTTP.
func startNetHTTPEchoServer(t *testing.T, u *websocket.Upgrader) *echoServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := newEchoServer(ln.Addr().String())
	var wg sync.WaitGroup
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		c, err := u.UpgradeHTTP(w, r)
		if err != nil {
			s.refuse(err)
			return
		}
		wg.Add(1)
		go func() { defer wg.Done(); s.reports <- serveEcho(c, origin) }()
	})}
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	t.Cleanup(func() {
		srv.Close()
		<-done
		wg.Wait()
	})
	return s
}

func newEchoServer(addr string) *echoServer {
	return &echoServer{
		Addr:    addr,
		URL:     "ws://" + addr + "/echo",
		reports: make(chan connReport, 16),
		refused: make(chan *websocket.HandshakeError, 16),
	}
}

func (s *echoServer) refuse(err error) {
	var he *websocket.HandshakeError
	if errors.As(err, &he) {
		select {
		case s.refused <- he:
		default:
		}
	}
}

// report returns the next connection report.
func (s *echoServer) report(t *testing.T) connReport {
	t.Helper()
	select {
	case r := <-s.reports:
		return r
	case <-time.After(peerTimeout):
		t.Fatalf("our server reported no closed connection within %v", peerTimeout)
	}
	panic("unreachable")
}

// reportWith returns the next n reports, keyed by the close code each ended
// with; clients close their connections one after the other, but the
// reports race with the client's next connection.
func (s *echoServer) reportsByCode(t *testing.T, n int) map[websocket.CloseCode]connReport {
	t.Helper()
	m := map[websocket.CloseCode]connReport{}
	for range n {
		r := s.report(t)
		code, _, _ := r.closeCode()
		m[code] = r
	}
	return m
}

// serveEcho echoes messages and runs the commands of the package doc until
// the connection ends.
func serveEcho(c *websocket.Conn, origin string) connReport {
	rep := connReport{Origin: origin}
	var mu sync.Mutex // the frame hook runs on the reading and the writing side
	inFrames := 0
	c.SetFrameHook(func(e websocket.FrameEvent) {
		if e.Header.Opcode.IsControl() {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		switch {
		case !e.Incoming && e.Header.Opcode == websocket.OpContinuation:
			rep.OutContinuations++
		case e.Incoming && e.Header.Opcode == websocket.OpContinuation:
			inFrames++
			rep.MaxInFrames = max(rep.MaxInFrames, inFrames)
		case e.Incoming:
			inFrames = 1
			rep.MaxInFrames = max(rep.MaxInFrames, inFrames)
		}
	})
	// The pong handler runs inside NextReader, on this goroutine, while no
	// message writer is open: it may write a message.
	c.SetPongHandler(func(p []byte) {
		mu.Lock()
		rep.Pongs = append(rep.Pongs, string(p))
		mu.Unlock()
		c.WriteMessage(websocket.TextMessage, []byte("pong:"+string(p)))
	})
	for {
		c.SetReadDeadline(time.Now().Add(peerTimeout))
		mt, r, err := c.NextReader()
		if err != nil {
			rep.Err = err
			break
		}
		msg, err := io.ReadAll(r)
		if err != nil {
			rep.Err = err
			break
		}
		if mt == websocket.TextMessage && bytes.HasPrefix(msg, []byte("!")) {
			if done := runCommand(c, string(msg), &rep); done {
				break
			}
			continue
		}
		// Echo through NextWriter, which fragments at 4 KiB.
		w, err := c.NextWriter(mt)
		if err != nil {
			rep.Err = err
			break
		}
		if _, err := w.Write(msg); err != nil {
			rep.Err = err
			break
		}
		if err := w.Close(); err != nil {
			rep.Err = err
			break
		}
	}
	c.CloseNow()
	mu.Lock()
	defer mu.Unlock()
	return rep
}

// runCommand runs a "!..." command; it reports whether the connection is
// done.
func runCommand(c *websocket.Conn, cmd string, rep *connReport) bool {
	verb, arg, _ := strings.Cut(cmd, " ")
	switch verb {
	case "!ping":
		c.Ping([]byte(arg))
	case "!close":
		codeStr, reason, _ := strings.Cut(arg, " ")
		code, _ := strconv.Atoi(codeStr)
		rep.CloseErr = c.Close(websocket.CloseCode(code), reason)
		// Close read until the peer's close frame; NextReader returns it.
		_, _, rep.Err = c.NextReader()
		return true
	case "!frag":
		n, _ := strconv.Atoi(arg)
		w, _ := c.NextWriter(websocket.TextMessage)
		w.Write(bytes.Repeat([]byte("f"), n))
		w.Close()
	default:
		c.WriteMessage(websocket.TextMessage, []byte("unknown command "+cmd))
	}
	return false
}

// checkServerReports checks what our server saw of a peer client's run:
// one connection that the client closed with 4000 "client bye" after
// fragmented messages both ways and a pong, and one that the server closed
// with 4001, which the client echoed.
func checkServerReports(t *testing.T, s *echoServer) {
	t.Helper()
	reps := s.reportsByCode(t, 2)
	t.Run("server-saw-client-close", func(t *testing.T) {
		r, ok := reps[4000]
		if !ok {
			t.Fatalf("no connection ended with the client's close 4000; got %v", summary(reps))
		}
		if _, reason, _ := r.closeCode(); reason != "client bye" {
			t.Errorf("close reason %q, want %q", reason, "client bye")
		}
		if r.MaxInFrames < 2 {
			t.Errorf("the client's fragmented message arrived in %d frame(s), want several", r.MaxInFrames)
		}
		if r.OutContinuations == 0 {
			t.Errorf("our server sent no continuation frames; NextWriter should fragment large echoes")
		}
		if len(r.Pongs) == 0 || r.Pongs[0] != "srv" {
			t.Errorf("pongs %q, want [srv]", r.Pongs)
		}
	})
	t.Run("server-saw-echo-of-its-close", func(t *testing.T) {
		r, ok := reps[4001]
		if !ok {
			t.Fatalf("no connection ended with the echo of our close 4001; got %v", summary(reps))
		}
		if r.CloseErr != nil {
			t.Errorf("Close(4001) returned %v", r.CloseErr)
		}
	})
}

func summary(reps map[websocket.CloseCode]connReport) map[websocket.CloseCode]string {
	m := map[websocket.CloseCode]string{}
	for k, r := range reps {
		m[k] = strings.TrimPrefix(errString(r.Err), "websocket: ")
	}
	return m
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}
