package interop

import (
	"bytes"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gws "github.com/gorilla/websocket"
)

// TestGorillaClient runs a gorilla client against our Upgrader on httpcore.
func TestGorillaClient(t *testing.T) {
	s := startEchoServer(t, ourUpgrader(), nil)
	gorillaClientMatrix(t, s.URL)
	checkServerReports(t, s)
}

// TestGorillaClientNetHTTP runs a gorilla client against our
// Upgrader.UpgradeHTTP on a net/http server.
func TestGorillaClientNetHTTP(t *testing.T) {
	s := startNetHTTPEchoServer(t, ourUpgrader())
	gorillaClientMatrix(t, s.URL)
	checkServerReports(t, s)
}

// TestGorillaServer runs our Dialer against a gorilla server on net/http.
func TestGorillaServer(t *testing.T) {
	url, closes := startGorillaServer(t)
	runClientMatrix(t, url, closes)
}

// gorillaClientMatrix is python/client.py's matrix, with gorilla as the
// client.
func gorillaClientMatrix(t *testing.T, url string) {
	dial := func(t *testing.T) *gws.Conn {
		// A 1 KiB write buffer makes gorilla's NextWriter send 1 KiB
		// fragments.
		d := gws.Dialer{HandshakeTimeout: peerTimeout, WriteBufferSize: 1024, Subprotocols: offered}
		c, _, err := d.Dial(url, nil)
		if err != nil {
			t.Fatalf("gorilla dial %s: %v", url, err)
		}
		t.Cleanup(func() { c.NetConn().Close() })
		return c
	}
	c := dial(t)
	var mu sync.Mutex
	var pongs, pings []string
	c.SetPongHandler(func(s string) error { mu.Lock(); pongs = append(pongs, s); mu.Unlock(); return nil })
	c.SetPingHandler(func(s string) error {
		mu.Lock()
		pings = append(pings, s)
		mu.Unlock()
		return c.WriteControl(gws.PongMessage, []byte(s), time.Now().Add(peerTimeout))
	})
	expect := func(t *testing.T, mt int, want []byte) {
		t.Helper()
		c.SetReadDeadline(time.Now().Add(peerTimeout))
		gt, got, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("gorilla read: %v", err)
		}
		if gt != mt || !bytes.Equal(got, want) {
			t.Fatalf("echo: got type %d of %d bytes %q, want type %d of %d bytes %q", gt, len(got), clip(got), mt, len(want), clip(want))
		}
	}
	roundTrip := func(t *testing.T, mt int, msg []byte) {
		t.Helper()
		if err := c.WriteMessage(mt, msg); err != nil {
			t.Fatal(err)
		}
		expect(t, mt, msg)
	}

	t.Run("subprotocol", func(t *testing.T) {
		if p := c.Subprotocol(); p != "superchat" {
			t.Errorf("offered %q, the server chose %q, want superchat", offered, p)
		}
	})
	t.Run("text", func(t *testing.T) { roundTrip(t, gws.TextMessage, []byte("hello, 世界")) })
	t.Run("binary", func(t *testing.T) {
		b := make([]byte, 256)
		for i := range b {
			b[i] = byte(i)
		}
		roundTrip(t, gws.BinaryMessage, b)
	})
	t.Run("fragmented", func(t *testing.T) {
		msg := []byte("x" + strings.Repeat("é", 6000)) // our echo splits é at 4 KiB
		w, err := c.NextWriter(gws.TextMessage)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(msg)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		expect(t, gws.TextMessage, msg)
	})
	t.Run("70000", func(t *testing.T) { roundTrip(t, gws.BinaryMessage, randomBytes(70000)) })
	t.Run("1MiB", func(t *testing.T) {
		roundTrip(t, gws.BinaryMessage, randomBytes(1<<20))
		roundTrip(t, gws.TextMessage, bytes.Repeat([]byte("a"), 1<<20))
	})
	t.Run("ping", func(t *testing.T) {
		if err := c.WriteControl(gws.PingMessage, []byte("cli"), time.Now().Add(peerTimeout)); err != nil {
			t.Fatal(err)
		}
		roundTrip(t, gws.TextMessage, []byte("after ping"))
		mu.Lock()
		defer mu.Unlock()
		if len(pongs) != 1 || pongs[0] != "cli" {
			t.Errorf("pongs %q, want [cli]", pongs)
		}
	})
	t.Run("server-ping", func(t *testing.T) {
		if err := c.WriteMessage(gws.TextMessage, []byte("!ping srv")); err != nil {
			t.Fatal(err)
		}
		expect(t, gws.TextMessage, []byte("pong:srv"))
		mu.Lock()
		defer mu.Unlock()
		if len(pings) != 1 || pings[0] != "srv" {
			t.Errorf("pings %q, want [srv]", pings)
		}
	})
	t.Run("close-4000", func(t *testing.T) {
		if err := c.WriteMessage(gws.CloseMessage, gws.FormatCloseMessage(4000, "client bye")); err != nil {
			t.Fatal(err)
		}
		// A clean close: our server echoes a close frame with our code.
		c.SetReadDeadline(time.Now().Add(peerTimeout))
		_, _, err := c.ReadMessage()
		var ce *gws.CloseError
		if !errors.As(err, &ce) || ce.Code != 4000 {
			t.Fatalf("after our close, gorilla read %v, want the echo of close 4000", err)
		}
		// Then the server closes TCP first (RFC 6455 §7.1.1).
		if _, err := c.NetConn().Read(make([]byte, 1)); err == nil {
			t.Errorf("the server did not close the TCP connection after the close handshake")
		}
	})
	t.Run("server-close-4001", func(t *testing.T) {
		c := dial(t)
		if err := c.WriteMessage(gws.TextMessage, []byte("!close 4001 server bye")); err != nil {
			t.Fatal(err)
		}
		// gorilla's default close handler echoes the close frame.
		c.SetReadDeadline(time.Now().Add(peerTimeout))
		_, _, err := c.ReadMessage()
		var ce *gws.CloseError
		if !errors.As(err, &ce) || ce.Code != 4001 || ce.Text != "server bye" {
			t.Fatalf("gorilla read %v, want close 4001 %q", err, "server bye")
		}
	})
}

// startGorillaServer runs a gorilla echo server speaking the command
// protocol on a net/http server. Each ended connection is reported on the
// returned peerCloses.
func startGorillaServer(t *testing.T) (string, peerCloses) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	events := make(chan peerEvent, 16)
	// A 1 KiB write buffer makes NextWriter send 1 KiB fragments.
	up := gws.Upgrader{WriteBufferSize: 1024, Subprotocols: []string{"superchat"}}
	var wg sync.WaitGroup
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		wg.Add(1)
		go func() { defer wg.Done(); events <- gorillaEcho(c) }()
	})}
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	t.Cleanup(func() { srv.Close(); <-done; wg.Wait() })
	closes := func(t *testing.T) peerEvent {
		t.Helper()
		select {
		case ev := <-events:
			return ev
		case <-time.After(peerTimeout):
			t.Fatalf("the gorilla server reported no closed connection within %v", peerTimeout)
		}
		panic("unreachable")
	}
	return "ws://" + ln.Addr().String() + "/echo", closes
}

// gorillaEcho serves one connection and reports how it closed.
func gorillaEcho(c *gws.Conn) peerEvent {
	defer c.Close()
	var ev peerEvent
	sentClose := false
	c.SetCloseHandler(func(code int, text string) error {
		ev.Code, ev.Reason = code, text
		if sentClose { // the peer's echo of our close
			ev.Clean = true
			return nil
		}
		err := c.WriteControl(gws.CloseMessage, gws.FormatCloseMessage(code, ""), time.Now().Add(peerTimeout))
		ev.Clean = err == nil
		return err
	})
	c.SetPongHandler(func(s string) error { return c.WriteMessage(gws.TextMessage, []byte("pong:"+s)) })
	for {
		c.SetReadDeadline(time.Now().Add(peerTimeout))
		mt, msg, err := c.ReadMessage()
		if err != nil {
			if ev.Code == 0 {
				ev.Code = 1006
			}
			ev.Event = "closed"
			return ev
		}
		if mt == gws.TextMessage && bytes.HasPrefix(msg, []byte("!")) {
			verb, arg, _ := strings.Cut(string(msg), " ")
			switch verb {
			case "!ping":
				c.WriteControl(gws.PingMessage, []byte(arg), time.Now().Add(peerTimeout))
			case "!close":
				code, reason, _ := strings.Cut(arg, " ")
				n, _ := strconv.Atoi(code)
				sentClose = true
				c.WriteControl(gws.CloseMessage, gws.FormatCloseMessage(n, reason), time.Now().Add(peerTimeout))
			case "!frag":
				n, _ := strconv.Atoi(arg)
				w, _ := c.NextWriter(gws.TextMessage)
				w.Write(bytes.Repeat([]byte("f"), n))
				w.Close()
			}
			continue
		}
		w, err := c.NextWriter(mt)
		if err != nil {
			continue
		}
		w.Write(msg)
		w.Close()
	}
}
