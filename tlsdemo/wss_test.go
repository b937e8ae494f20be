package tlsdemo

import (
	"crypto/tls"
	"net"
	"testing"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/websocket"
)

// TestWSSEndToEnd runs the websocket package over TLS with a leaf from the
// development CA: wss:// is ws:// inside the same TLS connection HTTPS
// uses, so the opening handshake and every frame are encrypted.
func TestWSSEndToEnd(t *testing.T) {
	ca, err := NewCA("wss CA")
	if err != nil {
		t.Fatal(err)
	}
	cfg, _, err := DevTLSConfig(ca)
	if err != nil {
		t.Fatal(err)
	}
	var negotiated = make(chan tls.ConnectionState, 1)
	cfg = LogHandshakes(cfg, func(_ net.Addr, cs tls.ConnectionState) { negotiated <- cs })
	u := &websocket.Upgrader{}
	done := make(chan struct{})
	h := httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		c, err := u.Upgrade(w, r)
		if err != nil {
			return
		}
		defer close(done)
		defer c.CloseNow()
		for {
			mt, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			if err := c.WriteMessage(mt, msg); err != nil {
				return
			}
		}
	})
	srv, err := startServer(h, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	d := &websocket.Dialer{TLSConfig: ClientConfig(ca.Pool(), "")}
	c, resp, err := d.Dial(testCtx(t), "wss://"+srv.addr+"/echo")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 101 {
		t.Errorf("status %d", resp.StatusCode)
	}
	tc, ok := c.NetConn().(*tls.Conn)
	if !ok {
		t.Fatalf("the client connection is %T, not *tls.Conn", c.NetConn())
	}
	if cs := tc.ConnectionState(); cs.Version != tls.VersionTLS13 || cs.NegotiatedProtocol != "http/1.1" {
		t.Errorf("client: %s, ALPN %q", tls.VersionName(cs.Version), cs.NegotiatedProtocol)
	}
	if cs := <-negotiated; cs.ServerName != "" {
		t.Errorf("SNI for an IP address: got %q, want none (RFC 6066 §3)", cs.ServerName)
	}
	for _, msg := range []string{"hello over wss", string(make([]byte, 70000))} {
		if err := c.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		mt, got, err := c.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		if mt != websocket.TextMessage || string(got) != msg {
			t.Errorf("echo: got %v %d bytes, want %d", mt, len(got), len(msg))
		}
	}
	if err := c.Close(websocket.CloseNormal, "bye"); err != nil {
		t.Error(err)
	}
	<-done

	// A client that does not trust the dev CA refuses the server.
	_, _, err = (&websocket.Dialer{TLSConfig: ClientConfig(nil, "")}).Dial(testCtx(t), "wss://"+srv.addr+"/echo")
	if Classify(err) != KindUnknownAuthority {
		t.Errorf("untrusted: got %v (%s)", err, Classify(err))
	}
}
