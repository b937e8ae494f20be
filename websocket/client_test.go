package websocket

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/wirelab/wirelab/httpcore"
)

// fakeServer answers one handshake with the response respond builds from
// the client's key.
func fakeServer(t *testing.T, respond func(key string) string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		nc, err := ln.Accept()
		if err != nil {
			return
		}
		defer nc.Close()
		req, err := httpcore.ReadRequest(bufio.NewReader(nc))
		if err != nil {
			return
		}
		nc.Write([]byte(respond(req.Header.Get("Sec-WebSocket-Key"))))
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	return ln.Addr().String()
}

func TestClientVerifiesResponse(t *testing.T) {
	ok := func(extra string) func(string) string {
		return func(key string) string {
			return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + AcceptKey(key) + "\r\n" + extra + "\r\n"
		}
	}
	tests := []struct {
		name    string
		respond func(string) string
		header  string // header the error must name; "" means success
	}{
		{"valid", ok(""), ""},
		{"chosen subprotocol we offered", ok("Sec-WebSocket-Protocol: chat\r\n"), ""},
		{"200 instead of 101", func(string) string {
			return "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
		}, "101"},
		{"wrong accept", func(string) string {
			return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n"
		}, "Sec-WebSocket-Accept"},
		{"no upgrade", func(key string) string {
			return "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + AcceptKey(key) + "\r\n\r\n"
		}, "Upgrade"},
		{"connection close", func(key string) string {
			return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: close\r\nSec-WebSocket-Accept: " + AcceptKey(key) + "\r\n\r\n"
		}, "Connection"},
		{"subprotocol not offered", ok("Sec-WebSocket-Protocol: superchat\r\n"), "Sec-WebSocket-Protocol"},
		{"extension not offered", ok("Sec-WebSocket-Extensions: permessage-deflate\r\n"), "Sec-WebSocket-Extensions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := fakeServer(t, tt.respond)
			d := Dialer{Subprotocols: []string{"chat"}}
			c, _, err := d.Dial(context.Background(), "ws://"+addr+"/")
			if tt.header == "" {
				if err != nil {
					t.Fatalf("%s: %v", tt.name, err)
				}
				c.CloseNow()
				return
			}
			var he *HandshakeError
			if !errors.As(err, &he) || !strings.Contains(err.Error(), tt.header) {
				t.Fatalf("%s: got %v, want a HandshakeError naming %s", tt.name, err, tt.header)
			}
		})
	}
}

func TestDialURLs(t *testing.T) {
	for _, u := range []string{"ftp://x/", "ws://x/#frag", "ws:///path", "://"} {
		if _, _, err := Dial(context.Background(), u); err == nil {
			t.Errorf("Dial(%q) succeeded", u)
		}
	}
}

func TestUpgradeOverNetHTTP(t *testing.T) {
	u := &Upgrader{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := u.UpgradeHTTP(w, r)
		if err != nil {
			return
		}
		defer c.CloseNow()
		mt, msg, err := c.ReadMessage()
		if err == nil {
			c.WriteMessage(mt, append([]byte("net/http: "), msg...))
		}
		c.ReadMessage() // until the client's close
	})}
	go srv.Serve(ln)
	defer srv.Close()
	c, _, err := Dial(context.Background(), "ws://"+ln.Addr().String()+"/")
	if err != nil {
		t.Fatal(err)
	}
	c.WriteMessage(TextMessage, []byte("hi"))
	_, msg, err := c.ReadMessage()
	if err != nil || string(msg) != "net/http: hi" {
		t.Fatalf("got %q %v", msg, err)
	}
	if err := c.Close(CloseNormal, ""); err != nil {
		t.Fatal(err)
	}
	// A plain GET (no Upgrade) gets 400 over net/http too.
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := hc.Get("http://" + ln.Addr().String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("plain GET: %d, want 400", resp.StatusCode)
	}
}
