package websocket

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// TestInflateRFCExamples decodes the examples of RFC 7692 §7.2.3, whose
// bytes are the tail-less payloads a peer sends.
func TestInflateRFCExamples(t *testing.T) {
	tests := []struct {
		name string
		msgs [][]byte // consecutive messages on one connection
		want []string
		// takeover: the second message refers back into the first
		takeover bool
	}{
		{name: "§7.2.3.1 Hello", msgs: [][]byte{{0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}}, want: []string{"Hello"}},
		{name: "§7.2.3.2 context takeover", takeover: true,
			msgs: [][]byte{{0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}, {0xf2, 0x00, 0x11, 0x00, 0x00}}, want: []string{"Hello", "Hello"}},
		{name: "§7.2.3.3 stored block", msgs: [][]byte{{0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00}}, want: []string{"Hello"}},
		{name: "§7.2.3.4 empty", msgs: [][]byte{{0x00}}, want: []string{""}},
		{name: "§7.2.3.5 two blocks", msgs: [][]byte{{0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xca, 0xc9, 0xc9, 0x07, 0x00}}, want: []string{"Hello"}},
		{name: "§7.2.3.6 BFINAL set", msgs: [][]byte{{0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00}}, want: []string{"Hello"}},
	}
	for _, tt := range tests {
		d := newDecompressor(0, tt.takeover)
		for i, m := range tt.msgs {
			got, err := d.decompress(nil, m, 0)
			if err != nil || string(got) != tt.want[i] {
				t.Errorf("%s message %d: got %q, %v, want %q", tt.name, i, got, err, tt.want[i])
			}
		}
	}
}

func TestCompressStripsTail(t *testing.T) {
	c := newCompressor(1, 0, false)
	got, err := c.compress(nil, []byte("Hello"))
	if err != nil {
		t.Fatal(err)
	}
	// The Huffman coding may differ by library; the tail must be gone and
	// the bytes must inflate on their own.
	if bytes.HasSuffix(got, deflateTail[:]) {
		t.Errorf("compressed % x still ends with 00 00 ff ff", got)
	}
	if back, err := newDecompressor(0, false).decompress(nil, got, 0); err != nil || string(back) != "Hello" {
		t.Errorf("round trip of % x: got %q, %v", got, back, err)
	}
	if c.fw != nil {
		t.Error("compressor without context takeover kept its flate writer after the message")
	}
}

// TestContextTakeover checks that the second copy of a message is smaller
// with takeover (it refers back into the first) and not without.
func TestContextTakeover(t *testing.T) {
	msg := []byte(strings.Repeat(`{"user":"ada","status":"online","room":"lobby"} `, 4))
	for _, takeover := range []bool{true, false} {
		c, d := newCompressor(1, 0, takeover), newDecompressor(0, takeover)
		first, err := c.compress(nil, msg)
		if err != nil {
			t.Fatal(err)
		}
		second, err := c.compress(nil, msg)
		if err != nil {
			t.Fatal(err)
		}
		if smaller := len(second) < len(first)/2; smaller != takeover {
			t.Errorf("takeover %v: first %d bytes, second %d", takeover, len(first), len(second))
		}
		for _, m := range [][]byte{first, second} {
			if got, err := d.decompress(nil, m, 0); err != nil || !bytes.Equal(got, msg) {
				t.Errorf("takeover %v: inflate got %q, %v", takeover, got, err)
			}
		}
		if !takeover && (c.fw != nil || d.in != nil || d.dict != nil) {
			t.Errorf("without takeover the connection holds flate state: writer %v reader %v dict %d", c.fw != nil, d.in != nil, len(d.dict))
		}
	}
}

// TestWindowBits compresses with each window size and inflates with a
// decompressor that keeps only that much history: a back-reference farther
// than the window would break the round trip over several messages.
func TestWindowBits(t *testing.T) {
	msg := jsonMessage(3, 4096)
	for bits := 8; bits <= 15; bits++ {
		c, d := newCompressor(1, bits, true), newDecompressor(bits, true)
		for i := range 3 {
			z, err := c.compress(nil, msg)
			if err != nil {
				t.Fatalf("bits %d: %v", bits, err)
			}
			if got, err := d.decompress(nil, z, 0); err != nil || !bytes.Equal(got, msg) {
				t.Fatalf("bits %d message %d: round trip failed: %v", bits, i, err)
			}
		}
		if len(d.dict) != min(1<<bits, 3*len(msg)) {
			t.Errorf("bits %d: decompressor keeps %d bytes of window, want %d", bits, len(d.dict), 1<<bits)
		}
	}
}

// TestInflateLimit sends a bomb: 16 MiB of zeros compresses to about 16
// KiB; with a 64 KiB limit the reader stops just past it, having read a few
// KiB of input.
func TestInflateLimit(t *testing.T) {
	z, err := newCompressor(1, 0, false).compress(nil, make([]byte, 16<<20))
	if err != nil {
		t.Fatal(err)
	}
	const limit = 64 << 10
	src := &countingReader{r: bytes.NewReader(z)}
	d := newDecompressor(0, false)
	n, err := io.Copy(io.Discard, d.reader(src, limit))
	if !errors.Is(err, ErrInflateLimit) || !errors.Is(err, ErrReadLimit) {
		t.Fatalf("got %d bytes, %v; want ErrInflateLimit", n, err)
	}
	if n > limit+1 {
		t.Errorf("read %d bytes, more than the limit %d + 1", n, limit)
	}
	if src.n >= int64(len(z))/2 {
		t.Errorf("the decompressor read all %d compressed bytes; it should stop early", len(z))
	}
	if d.in != nil {
		t.Error("decompressor kept its flate reader after the limit")
	}
	// Exactly at the limit is fine.
	z, _ = newCompressor(1, 0, false).compress(nil, make([]byte, limit))
	if got, err := d.decompress(nil, z, limit); err != nil || len(got) != limit {
		t.Errorf("message of exactly the limit: got %d bytes, %v", len(got), err)
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// TestStreaming writes a message in pieces and reads it back one byte at a
// time, as fragments arrive through NextWriter and NextReader.
func TestStreaming(t *testing.T) {
	msg := jsonMessage(7, 16<<10)
	c := newCompressor(1, 0, true)
	var wire bytes.Buffer
	w := c.writer(&wire)
	for p := msg; len(p) > 0; {
		n := min(len(p), 1000)
		if _, err := w.Write(p[:n]); err != nil {
			t.Fatal(err)
		}
		p = p[n:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	d := newDecompressor(0, true)
	got, err := io.ReadAll(d.reader(iotest.OneByteReader(&wire), 0))
	if err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("streamed round trip: %d bytes, %v", len(got), err)
	}
}

func TestInflateCorrupt(t *testing.T) {
	_, err := newDecompressor(0, false).decompress(nil, []byte{0xff, 0xff, 0xff}, 0)
	if err == nil || !strings.Contains(err.Error(), "RFC 7692 §7.2.2") {
		t.Errorf("got %v, want an error citing §7.2.2", err)
	}
}

func TestTrailerWriter(t *testing.T) {
	in := []byte{1, 2, 3, 4, 5, 6, 0x00, 0x00, 0xff, 0xff}
	for _, step := range []int{1, 2, 3, 4, 5, 10} {
		var out bytes.Buffer
		tw := trailerWriter{w: &out}
		for p := in; len(p) > 0; {
			n := min(step, len(p))
			if _, err := tw.Write(p[:n]); err != nil {
				t.Fatal(err)
			}
			p = p[n:]
		}
		if err := tw.finish(); err != nil || !bytes.Equal(out.Bytes(), in[:6]) {
			t.Errorf("step %d: got % x, %v", step, out.Bytes(), err)
		}
	}
	tw := trailerWriter{w: io.Discard}
	_, _ = tw.Write([]byte{1, 2, 3, 4, 5})
	if err := tw.finish(); err == nil || !strings.Contains(err.Error(), "§7.2.1") {
		t.Errorf("bad tail: got %v", err)
	}
}

// TestDeflateConnDirections runs what a client and a server agreed on
// through both sides' state, several messages each way: each side's
// compressor must match the other's decompressor (window bits and context
// takeover of its direction).
func TestDeflateConnDirections(t *testing.T) {
	msgs := [][]byte{jsonMessage(1, 1024), jsonMessage(2, 16<<10), []byte("tiny"), jsonMessage(1, 1024), jsonMessage(3, 2048), jsonMessage(3, 2048)}
	for _, p := range []DeflateParams{
		{},
		{ServerNoContextTakeover: true, ClientNoContextTakeover: true},
		{ServerNoContextTakeover: true, ClientMaxWindowBits: 9},
		{ServerMaxWindowBits: 8, ClientNoContextTakeover: true},
		{ServerMaxWindowBits: 10, ClientMaxWindowBits: 12},
	} {
		client, server := newDeflateConn(p, false, nil), newDeflateConn(p, true, &Compression{Threshold: 16})
		// The server's compressor follows the server_* parameters (§7.1).
		if server.w.bits != p.serverBits() || server.w.takeover == p.ServerNoContextTakeover ||
			client.w.bits != p.clientBits() || client.w.takeover == p.ClientNoContextTakeover {
			t.Fatalf("%+v: server compresses with %d bits (takeover %v), client with %d (takeover %v)",
				p, server.w.bits, server.w.takeover, client.w.bits, client.w.takeover)
		}
		for _, dir := range []struct {
			name     string
			from, to *deflateConn
		}{{"client→server", client, server}, {"server→client", server, client}} {
			for i, m := range msgs {
				payload, rsv, err := dir.from.compress(nil, m)
				if err != nil {
					t.Fatal(err)
				}
				if rsv == 0 {
					if !bytes.Equal(payload, m) {
						t.Fatalf("%+v %s message %d: uncompressed payload changed", p, dir.name, i)
					}
					continue
				}
				got, err := io.ReadAll(dir.to.reader(bytes.NewReader(payload), 0))
				if err != nil || !bytes.Equal(got, m) {
					t.Fatalf("%+v %s message %d: round trip failed: %v", p, dir.name, i, err)
				}
			}
		}
		client.release()
		server.release()
	}
}

func TestDeflateConnThreshold(t *testing.T) {
	for _, tt := range []struct {
		c    *Compression
		n    int
		want byte
	}{
		{nil, DefaultCompressionThreshold - 1, 0},
		{nil, DefaultCompressionThreshold, rsv1},
		{&Compression{Threshold: -1}, 0, rsv1},
		{&Compression{Threshold: 1000}, 999, 0},
	} {
		_, rsv, err := newDeflateConn(DeflateParams{}, true, tt.c).compress(nil, make([]byte, tt.n))
		if err != nil || rsv != tt.want {
			t.Errorf("%+v, %d bytes: rsv %x, %v; want %x", tt.c, tt.n, rsv, err, tt.want)
		}
	}
}
