package websocket

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"testing"
	"time"
)

// tcpPair returns a Conn (server or client side) and the raw other end.
func tcpPair(t *testing.T, isServer bool) (*Conn, net.Conn, *bufio.Reader) {
	t.Helper()
	nc, raw := socketPair(t, "tcp", "127.0.0.1:0")
	return NewConn(nc, nil, isServer), raw, bufio.NewReader(raw)
}

// socketPair connects two sockets through a listener of network on addr
// and returns the accepted end and the dialled one, each with a 10-second
// deadline, closed when the test ends. Without that kind of socket (unix,
// unixpacket), the test is skipped.
func socketPair(t *testing.T, network, addr string) (accepted, dialled net.Conn) {
	t.Helper()
	ln, err := net.Listen(network, addr)
	if err != nil {
		if network == "tcp" {
			t.Fatal(err)
		}
		t.Skipf("no %s sockets: %v", network, err)
	}
	defer ln.Close()
	raw, err := net.Dial(network, ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	nc, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	raw.SetDeadline(deadline)
	nc.SetDeadline(deadline)
	t.Cleanup(func() { raw.Close(); nc.Close() })
	return nc, raw
}

// frame builds one frame; masked frames get a fixed key.
func frame(fin bool, op Opcode, payload []byte, masked bool) []byte {
	h := FrameHeader{Fin: fin, Opcode: op, Length: int64(len(payload)), Masked: masked, Key: [4]byte{0x37, 0xfa, 0x21, 0x3d}}
	b := AppendFrameHeader(nil, h)
	start := len(b)
	b = append(b, payload...)
	if masked {
		Mask(h.Key, 0, b[start:])
	}
	return b
}

func closePayload(code uint16, reason string) []byte {
	b := binary.BigEndian.AppendUint16(nil, code)
	return append(b, reason...)
}

// readFrame reads one frame from the raw side, unmasking it.
func readFrame(t *testing.T, br *bufio.Reader) (FrameHeader, []byte) {
	t.Helper()
	h, err := ReadFrameHeader(br)
	if err != nil {
		t.Fatalf("reading a frame: %v", err)
	}
	p := make([]byte, h.Length)
	if _, err := io.ReadFull(br, p); err != nil {
		t.Fatal(err)
	}
	if h.Masked {
		Mask(h.Key, 0, p)
	}
	return h, p
}

func TestFrameHeaderBoundaries(t *testing.T) {
	for _, n := range []int64{0, 1, 125, 126, 127, 65535, 65536, 1 << 32} {
		for _, masked := range []bool{false, true} {
			h := FrameHeader{Fin: true, Opcode: OpBinary, Length: n, Masked: masked}
			if masked {
				h.Key = [4]byte{1, 2, 3, 4}
			}
			b := AppendFrameHeader(nil, h)
			want := 2
			switch {
			case n > 65535:
				want = 10
			case n > 125:
				want = 4
			}
			if masked {
				want += 4
			}
			if len(b) != want {
				t.Errorf("length %d masked=%v: header is %d bytes, want %d (shortest form)", n, masked, len(b), want)
			}
			got, err := ReadFrameHeader(bytes.NewReader(b))
			if err != nil || got != h {
				t.Errorf("length %d: round trip %+v, %v", n, got, err)
			}
		}
	}
	// RFC 6455 §5.7 examples.
	if h, err := ReadFrameHeader(bytes.NewReader([]byte{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d})); err != nil || !h.Fin || h.Opcode != OpText || h.Length != 5 || !h.Masked {
		t.Errorf("§5.7 masked Hello: %+v %v", h, err)
	}
	p := []byte{0x7f, 0x9f, 0x4d, 0x51, 0x58}
	Mask([4]byte{0x37, 0xfa, 0x21, 0x3d}, 0, p)
	if string(p) != "Hello" {
		t.Errorf("unmasked §5.7 payload: %q", p)
	}
}

func TestMaskMatchesReference(t *testing.T) {
	key := [4]byte{0xde, 0xad, 0xbe, 0xef}
	for n := 0; n < 100; n++ {
		for pos := 0; pos < 4; pos++ {
			a := make([]byte, n)
			for i := range a {
				a[i] = byte(i * 7)
			}
			b := append([]byte(nil), a...)
			dst := make([]byte, n+3)
			if maskCopy(key, pos, dst, a) != pos+n || bytes.Equal(dst[:n], a) && n > 0 {
				t.Fatalf("n=%d pos=%d: maskCopy did not transform", n, pos)
			}
			if Mask(key, pos, a) != maskBytes(key, pos, b) || !bytes.Equal(a, b) {
				t.Fatalf("n=%d pos=%d: word mask differs from byte mask", n, pos)
			}
			if !bytes.Equal(dst[:n], a) || !bytes.Equal(dst[n:], []byte{0, 0, 0}) {
				t.Fatalf("n=%d pos=%d: maskCopy differs from Mask, or wrote past len(src)", n, pos)
			}
		}
	}
}

func TestAcceptKey(t *testing.T) {
	// RFC 6455 §1.3.
	if got := AcceptKey("dGhlIHNhbXBsZSBub25jZQ=="); got != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
		t.Errorf("AcceptKey: got %q", got)
	}
}

// TestBadFrames sends each malformed frame to a server Conn and checks the
// close code it fails the connection with, then that it closes TCP.
func TestBadFrames(t *testing.T) {
	long := make([]byte, 126)
	tests := []struct {
		name   string
		raw    []byte
		client bool // the Conn under test is a client
		limit  int64
		code   CloseCode
	}{
		{name: "unmasked client frame", raw: frame(true, OpText, []byte("hi"), false), code: CloseProtocolError},
		{name: "masked server frame", raw: frame(true, OpText, []byte("hi"), true), client: true, code: CloseProtocolError},
		{name: "RSV1 without extension", raw: append([]byte{0xc1}, frame(true, OpText, []byte("hi"), true)[1:]...), code: CloseProtocolError},
		{name: "RSV3", raw: append([]byte{0x91}, frame(true, OpText, nil, true)[1:]...), code: CloseProtocolError},
		{name: "reserved data opcode 3", raw: frame(true, 3, nil, true), code: CloseProtocolError},
		{name: "reserved control opcode 0xB", raw: frame(true, 0xB, nil, true), code: CloseProtocolError},
		{name: "ping with 126 bytes", raw: frame(true, OpPing, long, true), code: CloseProtocolError},
		{name: "fragmented ping", raw: frame(false, OpPing, nil, true), code: CloseProtocolError},
		{name: "continuation with nothing to continue", raw: frame(true, OpContinuation, []byte("x"), true), code: CloseProtocolError},
		{name: "text inside a fragmented message", raw: append(frame(false, OpText, []byte("a"), true), frame(true, OpText, []byte("b"), true)...), code: CloseProtocolError},
		{name: "invalid UTF-8", raw: frame(true, OpText, []byte{0xce, 0xba, 0xe1, 0xbd, 0xb9, 0xcf, 0x83, 0xce, 0xbc, 0xce, 0xb5, 0xed, 0xa0, 0x80, 0x65}, true), code: CloseInvalidPayload},
		{name: "invalid UTF-8 fails fast in the first fragment", raw: frame(false, OpText, []byte{'a', 0xff}, true), code: CloseInvalidPayload},
		{name: "text ends inside a UTF-8 sequence", raw: frame(true, OpText, []byte{'a', 0xe2, 0x82}, true), code: CloseInvalidPayload},
		{name: "1-byte close payload", raw: frame(true, OpClose, []byte{3}, true), code: CloseProtocolError},
		{name: "close code 1005 on the wire", raw: frame(true, OpClose, closePayload(1005, ""), true), code: CloseProtocolError},
		{name: "close code 1006 on the wire", raw: frame(true, OpClose, closePayload(1006, ""), true), code: CloseProtocolError},
		{name: "close code 1004", raw: frame(true, OpClose, closePayload(1004, ""), true), code: CloseProtocolError},
		{name: "close code 999", raw: frame(true, OpClose, closePayload(999, ""), true), code: CloseProtocolError},
		{name: "close code 2999", raw: frame(true, OpClose, closePayload(2999, ""), true), code: CloseProtocolError},
		{name: "close code 5000", raw: frame(true, OpClose, closePayload(5000, ""), true), code: CloseProtocolError},
		{name: "close code 1015", raw: frame(true, OpClose, closePayload(1015, ""), true), code: CloseProtocolError},
		{name: "close reason not UTF-8", raw: frame(true, OpClose, closePayload(1000, "\xff"), true), code: CloseInvalidPayload},
		{name: "64-bit length with MSB set", raw: []byte{0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4}, code: CloseProtocolError},
		{name: "message over the read limit", raw: frame(true, OpBinary, make([]byte, 100), true), limit: 50, code: CloseMessageTooBig},
		{name: "fragments over the read limit", raw: append(frame(false, OpBinary, make([]byte, 40), true), frame(true, OpContinuation, make([]byte, 40), true)...), limit: 50, code: CloseMessageTooBig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, raw, br := tcpPair(t, !tt.client)
			if tt.limit > 0 {
				c.SetReadLimit(tt.limit)
			}
			if _, err := raw.Write(tt.raw); err != nil {
				t.Fatal(err)
			}
			errc := make(chan error, 1)
			go func() {
				_, _, err := c.ReadMessage()
				errc <- err
			}()
			h, p := readFrame(t, br)
			if tt.client {
				raw.Close() // the server's side of the close: the client may now close
			}
			if err := <-errc; err == nil {
				t.Fatalf("%s: ReadMessage succeeded", tt.name)
			}
			if h.Opcode != OpClose || len(p) < 2 {
				t.Fatalf("%s: got %v frame %q, want a close frame", tt.name, h.Opcode, p)
			}
			if got := CloseCode(binary.BigEndian.Uint16(p)); got != tt.code {
				t.Errorf("%s: closed with %v (%s), want %v", tt.name, got, p[2:], tt.code)
			}
			if !tt.client {
				if _, err := br.ReadByte(); err != io.EOF {
					t.Errorf("%s: server did not close TCP after failing: %v", tt.name, err)
				}
			}
		})
	}
}

func TestCloseCodesEchoed(t *testing.T) {
	for _, code := range []CloseCode{1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999} {
		c, raw, br := tcpPair(t, true)
		raw.Write(frame(true, OpClose, closePayload(uint16(code), "why"), true))
		_, _, err := c.ReadMessage()
		var ce *CloseError
		if !errors.As(err, &ce) || ce.Code != code || ce.Reason != "why" {
			t.Errorf("code %d: ReadMessage error %v", code, err)
		}
		h, p := readFrame(t, br)
		if h.Opcode != OpClose || CloseCode(binary.BigEndian.Uint16(p)) != code {
			t.Errorf("code %d: echoed %v %x", code, h.Opcode, p)
		}
	}
	// An empty close is answered with an empty close, reported as 1005.
	c, raw, br := tcpPair(t, true)
	raw.Write(frame(true, OpClose, nil, true))
	if _, _, err := c.ReadMessage(); !IsCloseError(err, CloseNoStatus) {
		t.Errorf("empty close: %v", err)
	}
	if h, p := readFrame(t, br); h.Opcode != OpClose || len(p) != 0 {
		t.Errorf("empty close echo: %v %x", h.Opcode, p)
	}
}

func TestControlFramesInsideFragmentedMessage(t *testing.T) {
	c, raw, br := tcpPair(t, true)
	var pongs []string
	c.SetPongHandler(func(p []byte) { pongs = append(pongs, string(p)) })
	msg := append(frame(false, OpText, []byte("Hel"), true), frame(true, OpPing, []byte("p1"), true)...)
	msg = append(msg, frame(true, OpPong, []byte("unsolicited"), true)...)
	msg = append(msg, frame(false, OpContinuation, []byte("lo, "), true)...)
	msg = append(msg, frame(true, OpContinuation, []byte("wörld"), true)...)
	raw.Write(msg)
	mt, b, err := c.ReadMessage()
	if err != nil || mt != TextMessage || string(b) != "Hello, wörld" {
		t.Fatalf("got %v %q %v", mt, b, err)
	}
	h, p := readFrame(t, br)
	if h.Opcode != OpPong || string(p) != "p1" || h.Masked {
		t.Errorf("auto pong: %v %q masked=%v", h.Opcode, p, h.Masked)
	}
	if len(pongs) != 1 || pongs[0] != "unsolicited" {
		t.Errorf("pong handler saw %q", pongs)
	}
}

func TestStreamingReaderAcrossFrames(t *testing.T) {
	c, raw, _ := tcpPair(t, true)
	big := bytes.Repeat([]byte("0123456789"), 10000)
	var wire []byte
	for i := 0; i < len(big); i += 30000 {
		end := min(i+30000, len(big))
		op := OpContinuation
		if i == 0 {
			op = OpBinary
		}
		wire = append(wire, frame(end == len(big), op, big[i:end], true)...)
	}
	go raw.Write(wire)
	mt, r, err := c.NextReader()
	if err != nil || mt != BinaryMessage {
		t.Fatal(mt, err)
	}
	got, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(got, big) {
		t.Fatalf("streamed %d bytes, %v", len(got), err)
	}
}

func TestClientMasksEveryFrame(t *testing.T) {
	c, _, br := tcpPair(t, false)
	go func() {
		c.WriteMessage(TextMessage, []byte("hello"))
		w, _ := c.NextWriter(BinaryMessage)
		w.Write(make([]byte, 5000))
		w.Close()
	}()
	h, p := readFrame(t, br)
	if !h.Masked || string(p) != "hello" {
		t.Errorf("text: masked=%v %q", h.Masked, p)
	}
	h1, p1 := readFrame(t, br)
	h2, p2 := readFrame(t, br)
	if !h1.Masked || !h2.Masked || h1.Fin || !h2.Fin || h1.Opcode != OpBinary || h2.Opcode != OpContinuation || len(p1)+len(p2) != 5000 {
		t.Errorf("fragments: %+v %+v", h1, h2)
	}
	if h1.Key == h2.Key {
		t.Error("two frames used the same masking key")
	}
}

// TestPongKeepsWriteDeadline: the automatic pong must not clear a write
// deadline the application set.
func TestPongKeepsWriteDeadline(t *testing.T) {
	c, raw, br := tcpPair(t, true)
	past := time.Now().Add(-time.Second)
	c.SetWriteDeadline(past)
	raw.Write(append(frame(true, OpPing, []byte("p"), true), frame(true, OpText, []byte("hi"), true)...))
	if _, _, err := c.ReadMessage(); err != nil {
		t.Fatal(err)
	}
	if h, _ := readFrame(t, br); h.Opcode != OpPong {
		t.Fatalf("got %v, want the pong", h.Opcode)
	}
	if err := c.WriteMessage(TextMessage, []byte("late")); err == nil {
		t.Error("a write after the deadline succeeded: the pong reset the deadline")
	}
}

// TestCloseKeepsMessagesForReader: messages that arrive before the peer's
// close frame reach the application even when Close does the reading.
func TestCloseKeepsMessagesForReader(t *testing.T) {
	addr := echoServer(t, &Upgrader{})
	for i := 0; i < 20; i++ {
		c, _, err := Dial(context.Background(), "ws://"+addr+"/")
		if err != nil {
			t.Fatal(err)
		}
		got := make(chan int)
		go func() {
			n := 0
			for {
				if _, _, err := c.ReadMessage(); err != nil {
					got <- n
					return
				}
				n++
			}
		}()
		for j := 0; j < 3; j++ {
			c.WriteMessage(TextMessage, []byte("m"))
		}
		c.Close(CloseNormal, "")
		if n := <-got; n != 3 {
			t.Fatalf("run %d: reader got %d of 3 echoes", i, n)
		}
	}
}
