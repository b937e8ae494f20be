package websocket

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The codec's hot loops, measured alone. Targets from issue 3: masking
// ≥ 8 GB/s (b.SetBytes makes "MB/s" the throughput).
//
//	go test -run '^$' -bench . -benchmem ./websocket

var benchKey = [4]byte{0x37, 0xfa, 0x21, 0x3d}

var benchSizes = []int{125, 4 << 10, 64 << 10}

// BenchmarkMask is Mask, the word-at-a-time XOR, from an aligned start and
// from an odd offset within the payload (as when a read stops mid-frame).
func BenchmarkMask(b *testing.B) {
	for _, n := range benchSizes {
		for _, pos := range []int{0, 3} {
			buf := make([]byte, n)
			b.Run(strconv.Itoa(n)+"/pos="+strconv.Itoa(pos), func(b *testing.B) {
				b.SetBytes(int64(n))
				for b.Loop() {
					Mask(benchKey, pos, buf)
				}
			})
		}
	}
}

// BenchmarkMaskBytes is the byte-at-a-time reference, for scale.
func BenchmarkMaskBytes(b *testing.B) {
	for _, n := range benchSizes[1:] {
		buf := make([]byte, n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(n))
			for b.Loop() {
				maskBytes(benchKey, 0, buf)
			}
		})
	}
}

// utf8Samples are 64 KiB texts: ASCII (the fast path), mixed Latin with 2-byte
// characters, and CJK (3-byte characters, no ASCII run to skip).
func utf8Samples() []struct {
	name string
	text []byte
} {
	fill := func(s string) []byte {
		b := bytes.Repeat([]byte(s), (64<<10)/len(s)+1)
		b = b[:64<<10]
		for !utf8.Valid(b) { // cut on a character boundary
			b = b[:len(b)-1]
		}
		return b
	}
	return []struct {
		name string
		text []byte
	}{
		{"ascii", fill("The quick brown fox jumps over the lazy dog. ")},
		{"latin", fill("Größenwahn, déjà vu, façade, Ærø. ")},
		{"cjk", fill("統一碼標準字元集測試文字")},
	}
}

// BenchmarkUTF8Validator is the fail-fast incremental validator on 64 KiB
// of text, fed in 4 KiB reads as the Conn feeds it.
func BenchmarkUTF8Validator(b *testing.B) {
	for _, s := range utf8Samples() {
		b.Run(s.name, func(b *testing.B) {
			b.SetBytes(int64(len(s.text)))
			for b.Loop() {
				var v utf8Validator
				for p := s.text; len(p) > 0; {
					n := min(len(p), 4<<10)
					if !v.write(p[:n]) {
						b.Fatal("invalid")
					}
					p = p[n:]
				}
				if !v.complete() {
					b.Fatal("incomplete")
				}
			}
		})
	}
}

// BenchmarkUTF8Std is unicode/utf8.Valid on the same texts, for scale (it
// needs the whole message, so it cannot fail fast across frames).
func BenchmarkUTF8Std(b *testing.B) {
	for _, s := range utf8Samples() {
		b.Run(s.name, func(b *testing.B) {
			b.SetBytes(int64(len(s.text)))
			for b.Loop() {
				if !utf8.Valid(s.text) {
					b.Fatal("invalid")
				}
			}
		})
	}
}

// benchHeaders are a masked client frame header of each length form.
var benchHeaders = []struct {
	name string
	h    FrameHeader
}{
	{"len7", FrameHeader{Fin: true, Opcode: OpText, Masked: true, Key: benchKey, Length: 125}},
	{"len16", FrameHeader{Fin: true, Opcode: OpBinary, Masked: true, Key: benchKey, Length: 65535}},
	{"len64", FrameHeader{Fin: true, Opcode: OpBinary, Masked: true, Key: benchKey, Length: 1 << 20}},
}

// BenchmarkParseHeader is the header decoder the Conn uses on bytes already
// in its buffer.
func BenchmarkParseHeader(b *testing.B) {
	for _, tc := range benchHeaders {
		raw := AppendFrameHeader(nil, tc.h)
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := parseHeader(raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReadFrameHeader is the exported ReadFrameHeader over an
// io.Reader (a bufio.Reader over a repeating stream of headers).
func BenchmarkReadFrameHeader(b *testing.B) {
	for _, tc := range benchHeaders {
		raw := AppendFrameHeader(nil, tc.h)
		b.Run(tc.name, func(b *testing.B) {
			stream := bytes.Repeat(raw, 4096)
			r := bytes.NewReader(stream)
			br := bufio.NewReaderSize(r, 4096)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ReadFrameHeader(br); err != nil {
					if err != io.EOF {
						b.Fatal(err)
					}
					r.Reset(stream)
					br.Reset(r)
				}
			}
		})
	}
}

// BenchmarkAppendFrameHeader is the encoder.
func BenchmarkAppendFrameHeader(b *testing.B) {
	buf := make([]byte, 0, MaxHeaderLen)
	for _, tc := range benchHeaders {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				buf = AppendFrameHeader(buf[:0], tc.h)
			}
		})
	}
}

// BenchmarkConnReadMessage reads 512-byte and 8 KiB masked binary messages
// through a server Conn from memory: header parse, unmask, copy out, with
// ReadMessage (a new slice each) and ReadMessageTo (a reused one).
func BenchmarkConnReadMessage(b *testing.B) {
	for _, n := range []int{512, 8 << 10} {
		var frame []byte
		frame = AppendFrameHeader(frame, FrameHeader{Fin: true, Opcode: OpBinary, Masked: true, Key: benchKey, Length: int64(n)})
		frame = append(frame, make([]byte, n)...)
		stream := bytes.Repeat(frame, 64)
		for _, reuse := range []bool{false, true} {
			name := "ReadMessage/" + strconv.Itoa(n)
			if reuse {
				name = "ReadMessageTo/" + strconv.Itoa(n)
			}
			b.Run(name, func(b *testing.B) {
				r := bytes.NewReader(stream)
				c := newConn(nopConn{Reader: r}, nil, true, "", "")
				var buf []byte
				b.SetBytes(int64(n))
				b.ReportAllocs()
				for b.Loop() {
					if r.Len() == 0 && c.rr == c.rw {
						r.Reset(stream)
					}
					var err error
					if reuse {
						_, buf, err = c.ReadMessageTo(buf[:0])
					} else {
						_, _, err = c.ReadMessage()
					}
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkConnWriteMessage writes 512-byte and 8 KiB binary messages
// through a server Conn (unmasked) and a client Conn (masked) to io.Discard,
// and through a corked server Conn flushed every 8 messages (SetWriteCork).
func BenchmarkConnWriteMessage(b *testing.B) {
	for _, side := range []string{"server", "client", "server-corked"} {
		for _, n := range []int{512, 8 << 10} {
			msg := make([]byte, n)
			b.Run(side+"/"+strconv.Itoa(n), func(b *testing.B) {
				c := newConn(nopConn{Reader: strings.NewReader("")}, nil, side != "client", "", "")
				corked := side == "server-corked"
				c.SetWriteCork(corked)
				b.SetBytes(int64(n))
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					if err := c.WriteMessage(BinaryMessage, msg); err != nil {
						b.Fatal(err)
					}
					if i++; corked && i%8 == 0 {
						if err := c.Flush(); err != nil {
							b.Fatal(err)
						}
					}
				}
			})
		}
	}
}

// nopConn is a net.Conn that reads from Reader and discards writes.
type nopConn struct {
	io.Reader
	net.Conn // nil: the methods not overridden here are never called
}

func (c nopConn) Read(p []byte) (int, error)     { return c.Reader.Read(p) }
func (nopConn) Write(p []byte) (int, error)      { return len(p), nil }
func (nopConn) Close() error                     { return nil }
func (nopConn) SetDeadline(time.Time) error      { return nil }
func (nopConn) SetReadDeadline(time.Time) error  { return nil }
func (nopConn) SetWriteDeadline(time.Time) error { return nil }
