package websocket

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/wirelab/wirelab/httpcore"
)

// echoServer runs an httpcore server whose handler upgrades and echoes.
func echoServer(t *testing.T, u *Upgrader) string {
	t.Helper()
	return echoServerFunc(t, u, Echo)
}

// echoServerFunc runs an httpcore server whose handler upgrades and runs
// echo on a goroutine of its own.
func echoServerFunc(t *testing.T, u *Upgrader, echo func(*Conn)) string {
	t.Helper()
	return gatedEchoServer(t, u, echo, nil)
}

// gatedEchoServer is echoServerFunc whose handler answers the handshake
// only once gate is closed (nil: at once).
func gatedEchoServer(t *testing.T, u *Upgrader, echo func(*Conn), gate <-chan struct{}) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httpcore.Server{Handler: httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		if gate != nil {
			select {
			case <-gate:
			case <-r.Context().Done():
				return
			}
		}
		c, err := u.Upgrade(w, r)
		if err != nil {
			return
		}
		go echo(c)
	})}
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	t.Cleanup(func() { srv.Close(); <-done })
	return ln.Addr().String()
}

// Echo copies messages back until the connection closes.
func Echo(c *Conn) {
	for {
		mt, r, err := c.NextReader()
		if err != nil {
			return
		}
		w, err := c.NextWriter(mt)
		if err != nil {
			return
		}
		if _, err := io.Copy(w, r); err != nil {
			return
		}
		if err := w.Close(); err != nil {
			return
		}
	}
}

func TestEchoOverHTTPCore(t *testing.T) {
	addr := echoServer(t, &Upgrader{Subprotocols: []string{"superchat", "chat"}})
	d := Dialer{Subprotocols: []string{"chat", "superchat"}}
	c, resp, err := d.Dial(context.Background(), "ws://"+addr+"/echo")
	if err != nil {
		t.Fatal(err)
	}
	if c.Subprotocol() != "superchat" || resp.StatusCode != 101 {
		t.Errorf("subprotocol %q status %d", c.Subprotocol(), resp.StatusCode)
	}
	sizes := []int{0, 1, 125, 126, 127, 4095, 4096, 4097, 65535, 65536, 200000}
	for _, n := range sizes {
		for _, mt := range []MessageType{TextMessage, BinaryMessage} {
			msg := bytes.Repeat([]byte("é"), n/2)
			if err := c.WriteMessage(mt, msg); err != nil {
				t.Fatal(err)
			}
			gt, got, err := c.ReadMessage()
			if err != nil {
				t.Fatalf("size %d: %v", n, err)
			}
			if gt != mt || !bytes.Equal(got, msg) {
				t.Fatalf("size %d %v: got %v len %d", n, mt, gt, len(got))
			}
		}
	}
	// Streaming, fragmented write.
	w, _ := c.NextWriter(TextMessage)
	for i := 0; i < 10; i++ {
		io.WriteString(w, strings.Repeat("x", 1000))
	}
	w.Close()
	_, got, err := c.ReadMessage()
	if err != nil || len(got) != 10000 {
		t.Fatalf("fragmented: %d %v", len(got), err)
	}
	if err := c.Close(CloseNormal, "bye"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.ReadMessage(); !IsCloseError(err, CloseNormal) {
		t.Fatalf("after close: %v", err)
	}
}

func TestHandshakeErrors(t *testing.T) {
	addr := echoServer(t, &Upgrader{})
	good := "GET /echo HTTP/1.1\r\nHost: " + "%s" + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
	_ = good
	tests := []struct {
		name   string
		req    string
		status int
		header string
	}{
		{"POST", "POST / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", 405, ""},
		{"HTTP/1.0", "GET / HTTP/1.0\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", 400, ""},
		{"no upgrade", "GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", 400, "Upgrade"},
		{"connection keep-alive only", "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: keep-alive\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", 400, "Connection"},
		{"bad key", "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n", 400, "Sec-WebSocket-Key"},
		{"version 8", "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n", 426, "Sec-WebSocket-Version"},
		{"cross origin", "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: http://evil.example\r\n\r\n", 403, "Origin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nc, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer nc.Close()
			io.WriteString(nc, tt.req)
			resp, err := httpcore.ReadResponse(newBR(nc), nil)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status {
				t.Errorf("%s: got %d %s, want %d", tt.name, resp.StatusCode, body, tt.status)
			}
			if tt.header != "" && !strings.Contains(string(body), tt.header) {
				t.Errorf("%s: body %q does not name %s", tt.name, body, tt.header)
			}
			if tt.status == 426 && resp.Header.Get("Sec-WebSocket-Version") != "13" {
				t.Errorf("426 without Sec-WebSocket-Version: 13")
			}
		})
	}
	var he *HandshakeError
	_, _, err := (&Dialer{Header: origin("http://evil.example")}).Dial(context.Background(), "ws://"+addr+"/")
	if !errors.As(err, &he) || he.Status != 403 {
		t.Errorf("dial from another origin: %v", err)
	}
}

func origin(o string) httpcore.Header {
	var h httpcore.Header
	h.Add("Origin", o)
	return h
}
