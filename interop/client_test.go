package interop

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirelab/wirelab/websocket"
)

// A clientConn is our Dialer's connection with counters fed by the frame
// hook and the control handlers.
type clientConn struct {
	*websocket.Conn
	mu               sync.Mutex
	inFrames         int // data frames of the message being received
	lastInFrames     int // data frames of the last message received
	outContinuations int
	pongs            []string
	pings            []string
}

func dialPeer(t *testing.T, url string) *clientConn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), peerTimeout)
	defer cancel()
	d := websocket.Dialer{Subprotocols: offered}
	c, resp, err := d.Dial(ctx, url)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	if resp.StatusCode != 101 {
		t.Fatalf("dial %s: status %d", url, resp.StatusCode)
	}
	cc := &clientConn{Conn: c}
	c.SetFrameHook(func(e websocket.FrameEvent) {
		if e.Header.Opcode.IsControl() {
			return
		}
		cc.mu.Lock()
		defer cc.mu.Unlock()
		switch {
		case !e.Incoming && e.Header.Opcode == websocket.OpContinuation:
			cc.outContinuations++
		case e.Incoming && e.Header.Opcode == websocket.OpContinuation:
			cc.inFrames++
		case e.Incoming:
			cc.inFrames = 1
		}
		if e.Incoming && e.Header.Fin {
			cc.lastInFrames = cc.inFrames
		}
	})
	c.SetPongHandler(func(p []byte) { cc.mu.Lock(); cc.pongs = append(cc.pongs, string(p)); cc.mu.Unlock() })
	c.SetPingHandler(func(p []byte) { cc.mu.Lock(); cc.pings = append(cc.pings, string(p)); cc.mu.Unlock() })
	t.Cleanup(func() { c.CloseNow() })
	return cc
}

func (c *clientConn) counters() (lastIn, outCont int, pongs, pings []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastInFrames, c.outContinuations, append([]string(nil), c.pongs...), append([]string(nil), c.pings...)
}

// roundTrip sends msg and checks that the echo has the same type and bytes.
func (c *clientConn) roundTrip(t *testing.T, mt websocket.MessageType, msg []byte) {
	t.Helper()
	if err := c.WriteMessage(mt, msg); err != nil {
		t.Fatalf("write %d bytes: %v", len(msg), err)
	}
	c.expect(t, mt, msg)
}

func (c *clientConn) expect(t *testing.T, mt websocket.MessageType, want []byte) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(peerTimeout))
	gt, got, err := c.ReadMessage()
	if err != nil {
		t.Fatalf("read echo of %d bytes: %v", len(want), err)
	}
	if gt != mt || !bytes.Equal(got, want) {
		t.Fatalf("echo: got %v of %d bytes %q, want %v of %d bytes %q", gt, len(got), clip(got), mt, len(want), clip(want))
	}
}

func clip(b []byte) []byte {
	if len(b) > 40 {
		return append(b[:40:40], "..."...)
	}
	return b
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// A peerCloses returns how the peer server saw the next connection end.
type peerCloses func(t *testing.T) peerEvent

// procCloses reads "closed" events from a peer server's stdout.
func procCloses(p *proc) peerCloses {
	return func(t *testing.T) peerEvent {
		t.Helper()
		for {
			ev := p.next(t)
			if ev.Event == "closed" {
				return ev
			}
			if ev.Event == "error" {
				t.Errorf("%s: %s", p.name, ev.Detail)
			}
		}
	}
}

// runClientMatrix runs our Dialer against a peer echo server that speaks the
// command protocol of the package doc.
func runClientMatrix(t *testing.T, url string, closes peerCloses) {
	c := dialPeer(t, url)
	t.Run("subprotocol", func(t *testing.T) {
		if p := c.Subprotocol(); p != "superchat" {
			t.Errorf("offered %q, the server chose %q, want superchat", offered, p)
		}
	})
	t.Run("text", func(t *testing.T) {
		c.roundTrip(t, websocket.TextMessage, []byte("hello, 世界"))
	})
	t.Run("binary", func(t *testing.T) {
		b := make([]byte, 256)
		for i := range b {
			b[i] = byte(i)
		}
		c.roundTrip(t, websocket.BinaryMessage, b)
	})
	t.Run("fragmented-by-us", func(t *testing.T) {
		_, before, _, _ := c.counters()
		// 12001 bytes: 3 frames of ≤ 4 KiB, each boundary inside an é, so
		// the peer must validate UTF-8 across fragments.
		msg := []byte("x" + strings.Repeat("é", 6000))
		w, err := c.NextWriter(websocket.TextMessage)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(msg)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if _, after, _, _ := c.counters(); after-before != 2 {
			t.Errorf("sent %d continuation frames, want 2", after-before)
		}
		c.expect(t, websocket.TextMessage, msg)
	})
	t.Run("fragmented-by-peer", func(t *testing.T) {
		if err := c.WriteMessage(websocket.TextMessage, []byte("!frag 10000")); err != nil {
			t.Fatal(err)
		}
		c.expect(t, websocket.TextMessage, bytes.Repeat([]byte("f"), 10000))
		if n, _, _, _ := c.counters(); n < 2 {
			t.Errorf("the peer's fragmented message arrived in %d frame(s), want several", n)
		}
	})
	t.Run("70000", func(t *testing.T) {
		c.roundTrip(t, websocket.BinaryMessage, randomBytes(70000))
	})
	t.Run("1MiB", func(t *testing.T) {
		c.roundTrip(t, websocket.BinaryMessage, randomBytes(1<<20))
		c.roundTrip(t, websocket.TextMessage, bytes.Repeat([]byte("a"), 1<<20))
	})
	t.Run("ping", func(t *testing.T) {
		if err := c.Ping([]byte("cli")); err != nil {
			t.Fatal(err)
		}
		// The peer answers the ping before it reads our next message, so
		// the pong arrives before that message's echo.
		c.roundTrip(t, websocket.TextMessage, []byte("after ping"))
		if _, _, pongs, _ := c.counters(); len(pongs) != 1 || pongs[0] != "cli" {
			t.Errorf("pongs %q, want [cli]", pongs)
		}
	})
	t.Run("server-ping", func(t *testing.T) {
		if err := c.WriteMessage(websocket.TextMessage, []byte("!ping srv")); err != nil {
			t.Fatal(err)
		}
		c.expect(t, websocket.TextMessage, []byte("pong:srv"))
		if _, _, _, pings := c.counters(); len(pings) != 1 || pings[0] != "srv" {
			t.Errorf("pings %q, want [srv]", pings)
		}
	})
	t.Run("close-4000", func(t *testing.T) {
		if err := c.Close(4000, "client bye"); err != nil {
			t.Fatalf("Close: %v", err)
		}
		// The peer echoes our code (RFC 6455 §5.5.1); the next read
		// reports it.
		c.SetReadDeadline(time.Now().Add(peerTimeout))
		_, _, err := c.ReadMessage()
		if !websocket.IsCloseError(err, 4000) {
			t.Errorf("after Close, ReadMessage: %v, want the peer's close 4000", err)
		}
		ev := closes(t)
		if ev.Code != 4000 || ev.Reason != "client bye" || !ev.Clean {
			t.Errorf("peer saw close %d %q clean=%v, want 4000 %q clean", ev.Code, ev.Reason, ev.Clean, "client bye")
		}
	})
	t.Run("server-close-4001", func(t *testing.T) {
		c := dialPeer(t, url)
		if err := c.WriteMessage(websocket.TextMessage, []byte("!close 4001 server bye")); err != nil {
			t.Fatal(err)
		}
		c.SetReadDeadline(time.Now().Add(peerTimeout))
		_, _, err := c.ReadMessage()
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != 4001 || ce.Reason != "server bye" {
			t.Errorf("ReadMessage: %v, want close 4001 %q", err, "server bye")
		}
		// We echoed the close; the peer reports the handshake as clean.
		ev := closes(t)
		if ev.Code != 4001 || !ev.Clean {
			t.Errorf("peer saw close %d %q clean=%v, want our echo of 4001, clean", ev.Code, ev.Reason, ev.Clean)
		}
		if err := c.Close(websocket.CloseNormal, ""); err != nil {
			t.Errorf("Close after the close handshake: %v", err)
		}
	})
}
