package websocket

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
)

// TestCompressedEcho negotiates permessage-deflate between our Dialer and
// Upgrader and echoes messages through NextReader/NextWriter (the server's
// Echo) and WriteMessage/ReadMessage (the client): small ones go
// uncompressed, the rest carry RSV1 on their first frame only.
func TestCompressedEcho(t *testing.T) {
	for _, cfg := range []Compression{{}, {ServerContextTakeover: true, ClientContextTakeover: true}, {ServerMaxWindowBits: 9, ClientMaxWindowBits: 10, ServerContextTakeover: true, ClientContextTakeover: true}} {
		server := cfg
		addr := echoServer(t, &Upgrader{Compression: &server})
		client := cfg
		c, resp, err := (&Dialer{Compression: &client}).Dial(context.Background(), "ws://"+addr+"/")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(resp.Header.Get("Sec-WebSocket-Extensions"), DeflateName) {
			t.Fatalf("%+v: response %q does not accept permessage-deflate", cfg, resp.Header.Get("Sec-WebSocket-Extensions"))
		}
		var mu sync.Mutex
		var frames []FrameEvent
		c.SetFrameHook(func(e FrameEvent) { mu.Lock(); frames = append(frames, e); mu.Unlock() })
		msgs := [][]byte{[]byte("tiny"), jsonMessage(1, 1024), jsonMessage(2, 16<<10), jsonMessage(1, 1024), make([]byte, 200<<10)}
		for i, m := range msgs {
			mu.Lock()
			frames = frames[:0]
			mu.Unlock()
			if err := c.WriteMessage(TextMessage, m); err != nil {
				t.Fatal(err)
			}
			mt, got, err := c.ReadMessage()
			if err != nil || mt != TextMessage || !bytes.Equal(got, m) {
				t.Fatalf("%+v message %d: got %d bytes, %v", cfg, i, len(got), err)
			}
			mu.Lock()
			var out, in []FrameEvent
			for _, f := range frames {
				if f.Incoming {
					in = append(in, f)
				} else {
					out = append(out, f)
				}
			}
			mu.Unlock()
			wantRSV := byte(rsv1)
			if len(m) < DefaultCompressionThreshold {
				wantRSV = 0
			}
			if len(out) != 1 || out[0].Header.Rsv != wantRSV || out[0].Header.Length >= int64(len(m)) && wantRSV != 0 {
				t.Errorf("%+v message %d (%d bytes): sent %+v, want one frame with RSV %x, smaller than the message", cfg, i, len(m), out, wantRSV)
			}
			// The server echoes through NextWriter: compressed, in 4 KiB
			// fragments with RSV1 on the first only.
			if len(in) == 0 {
				t.Fatalf("%+v message %d: the frame hook saw no echoed frame", cfg, i)
			}
			for j, f := range in {
				if want := byte(rsv1) * byte(boolToInt(j == 0)); f.Header.Rsv != want {
					t.Errorf("%+v message %d: echoed frame %d has RSV %x, want %x", cfg, i, j, f.Header.Rsv, want)
				}
			}
		}
		if err := c.Close(CloseNormal, ""); err != nil {
			t.Error(err)
		}
	}
}

func boolToInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestCompressedLimit sends a message that inflates past the server's read
// limit: the server closes with 1009.
func TestCompressedLimit(t *testing.T) {
	addr := echoServer(t, &Upgrader{Compression: &Compression{}, ReadLimit: 64 << 10})
	c, _, err := (&Dialer{Compression: &Compression{}}).Dial(context.Background(), "ws://"+addr+"/")
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if err := c.WriteMessage(BinaryMessage, make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	_, _, err = c.ReadMessage()
	var ce *CloseError
	if !errors.As(err, &ce) || ce.Code != CloseMessageTooBig {
		t.Fatalf("got %v, want a 1009 close", err)
	}
}

// TestCompressionDeclined: a Dialer that offers compression to a server
// without it gets a plain connection, and RSV1 is still a protocol error.
func TestCompressionDeclined(t *testing.T) {
	addr := echoServer(t, &Upgrader{})
	c, resp, err := (&Dialer{Compression: &Compression{}}).Dial(context.Background(), "ws://"+addr+"/")
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if e := resp.Header.Get("Sec-WebSocket-Extensions"); e != "" {
		t.Fatalf("server without Compression answered %q", e)
	}
	if err := c.WriteMessage(TextMessage, bytes.Repeat([]byte("a"), 1000)); err != nil {
		t.Fatal(err)
	}
	if _, got, err := c.ReadMessage(); err != nil || len(got) != 1000 {
		t.Fatalf("echo: %d bytes, %v", len(got), err)
	}
}
