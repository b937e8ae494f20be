package websocket

import (
	"bytes"
	"errors"
	"io"
	"net"
	"testing"
	"time"
	"unicode/utf8"
)

// pipeConn is a net.Conn that reads from a fixed input and discards writes.
type pipeConn struct {
	r io.Reader
	w bytes.Buffer
}

func (p *pipeConn) Read(b []byte) (int, error)       { return p.r.Read(b) }
func (p *pipeConn) Write(b []byte) (int, error)      { return p.w.Write(b) }
func (p *pipeConn) Close() error                     { return nil }
func (p *pipeConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (p *pipeConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (p *pipeConn) SetDeadline(time.Time) error      { return nil }
func (p *pipeConn) SetReadDeadline(time.Time) error  { return nil }
func (p *pipeConn) SetWriteDeadline(time.Time) error { return nil }

// FuzzFrameDecoder feeds arbitrary bytes to a server Conn as if a client sent
// them. It must never panic or hang; every message it delivers must be
// well-formed, and it must end with a close or transport error.
func FuzzFrameDecoder(f *testing.F) {
	seeds := [][]byte{
		frame(true, OpText, []byte("Hello"), true),
		append(frame(false, OpText, []byte("Hel"), true), frame(true, OpContinuation, []byte("lo"), true)...),
		frame(true, OpPing, []byte("p"), true),
		frame(true, OpClose, closePayload(1000, "bye"), true),
		frame(true, OpBinary, make([]byte, 300), true),
		frame(true, OpText, []byte{0xff}, true),
		{0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4},
		{0x81, 0x05, 'H', 'e', 'l', 'l', 'o'},
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pc := &pipeConn{r: bytes.NewReader(data)}
		c := NewConn(pc, nil, true)
		c.SetReadLimit(1 << 16)
		for i := 0; ; i++ {
			if i > len(data) {
				t.Fatalf("more messages (%d) than input bytes", i)
			}
			mt, msg, err := c.ReadMessage()
			if err != nil {
				var ce *CloseError
				var fe *FrameError
				if !errors.As(err, &ce) && !errors.As(err, &fe) && err != io.ErrUnexpectedEOF {
					t.Fatalf("unexpected error type %T: %v", err, err)
				}
				return
			}
			if mt == TextMessage && !utf8.Valid(msg) {
				t.Fatalf("delivered invalid UTF-8 text %q", msg)
			}
		}
	})
}

// FuzzUTF8 checks the incremental validator against unicode/utf8, fed
// whole and split at an arbitrary point.
func FuzzUTF8(f *testing.F) {
	for _, s := range []string{"", "hello", "κόσμε", "\xed\xa0\x80", "\xf4\x90\x80\x80", "a\xe2\x82", "\xc0\xaf", "😀"} {
		f.Add([]byte(s), uint8(1))
	}
	f.Fuzz(func(t *testing.T, data []byte, cut uint8) {
		want := utf8.Valid(data)
		if got := validUTF8(data); got != want {
			t.Fatalf("validUTF8(%q) = %v, want %v", data, got, want)
		}
		k := int(cut) % (len(data) + 1)
		var v utf8Validator
		ok := v.write(data[:k]) && v.write(data[k:]) && v.complete()
		if ok != want {
			t.Fatalf("split at %d: %q gave %v, want %v", k, data, ok, want)
		}
		// Fail fast: once the validator rejects a prefix, that prefix must
		// already be invalid however it continues; check it with the
		// longest valid-looking continuation.
		var w utf8Validator
		for i := range data {
			if !w.write(data[i : i+1]) {
				if utf8.Valid(append(data[:i+1:i+1], "\x80\x80\x80"...)) {
					t.Fatalf("rejected prefix %q that could still be valid", data[:i+1])
				}
				break
			}
		}
	})
}
