package websocket

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/flate"
)

// The codec of permessage-deflate (RFC 7692 §7.2). A sender compresses a
// message's payload with DEFLATE, ends it with a sync flush and removes the
// empty stored block the flush ends with (§7.2.1):
//
//	"Hello" → f2 48 cd c9 c9 07 00 | 00 00 ff ff   (the tail after | is not sent)
//
// A receiver appends those four bytes again before it inflates (§7.2.2).
// With context takeover the LZ77 window (the last 2^bits bytes of
// uncompressed data) carries over from one message to the next, so both
// compressor and decompressor keep it on the connection; without, each
// message starts empty, and the flate state returns to a pool between
// messages.

// deflateTail is the end of a sync flush, removed from every compressed
// message (RFC 7692 §7.2.1).
var deflateTail = [4]byte{0x00, 0x00, 0xff, 0xff}

// inflateTail restores deflateTail and adds an empty final stored block, so
// that the decompressor ends the message with io.EOF instead of asking for
// more input.
var inflateTail = []byte{0x00, 0x00, 0xff, 0xff, 0x01, 0x00, 0x00, 0xff, 0xff}

// ErrInflateLimit is the cause of a 1009 close when a compressed message
// inflates past the read limit; decompression stops as soon as the limit
// is passed, so a small frame that inflates to gigabytes costs at most the
// limit (RFC 7692 §8.1 leaves the bound to the implementation).
var ErrInflateLimit = fmt.Errorf("%w after decompression (RFC 7692 §8.1)", ErrReadLimit)

// writerPools holds flate writers by level (1…9) and window bits (8…15);
// pools are created on first use.
var writerPools [10][16]sync.Pool

func getFlateWriter(w io.Writer, level, bits int) *flate.Writer {
	if fw, ok := writerPools[level][bits].Get().(*flate.Writer); ok {
		fw.Reset(w)
		return fw
	}
	var fw *flate.Writer
	if bits < 15 {
		// klauspost/compress honours windows below 32 KiB (one level);
		// compress/flate cannot.
		fw, _ = flate.NewWriterWindow(w, 1<<bits)
	} else {
		fw, _ = flate.NewWriter(w, level)
	}
	return fw
}

func putFlateWriter(fw *flate.Writer, level, bits int) {
	fw.Reset(nil)
	writerPools[level][bits].Put(fw)
}

// A compressor compresses one direction's messages. Its zero state holds
// nothing: without context takeover a flate writer is taken from a pool for
// each message and given back when the message ends.
type compressor struct {
	level, bits int
	takeover    bool
	fw          *flate.Writer // kept between messages only with takeover
	tw          trailerWriter
}

// newCompressor returns a compressor at the given flate level (0 means
// DefaultCompressionLevel) and window bits (0 means 15).
func newCompressor(level, bits int, takeover bool) *compressor {
	if level <= 0 || level > 9 {
		level = DefaultCompressionLevel
	}
	return &compressor{level: level, bits: windowBitsOr15(bits), takeover: takeover}
}

// writer starts a message: what is written to it goes, compressed, to dst,
// without the final tail; Close flushes and ends the message. Only one
// message is open at a time.
func (c *compressor) writer(dst io.Writer) io.WriteCloser {
	// With context takeover c.fw lives on and keeps its window; flate's
	// Reset would empty it, so the trailerWriter is the sink that moves.
	c.tw = trailerWriter{w: dst}
	if c.fw == nil {
		c.fw = getFlateWriter(&c.tw, c.level, c.bits)
	}
	return (*deflateMessage)(c)
}

// compress appends the compressed form of p, without the tail, to dst.
func (c *compressor) compress(dst, p []byte) ([]byte, error) {
	b := bytes.NewBuffer(dst)
	w := c.writer(b)
	if _, err := w.Write(p); err != nil {
		return dst, err
	}
	if err := w.Close(); err != nil {
		return dst, err
	}
	return b.Bytes(), nil
}

// release gives the flate state back, for a connection that closes.
func (c *compressor) release() {
	if c.fw != nil {
		putFlateWriter(c.fw, c.level, c.bits)
		c.fw = nil
	}
}

type deflateMessage compressor

func (m *deflateMessage) Write(p []byte) (int, error) {
	if m.fw == nil {
		return 0, errors.New("websocket: write to a compressed message after Close")
	}
	return m.fw.Write(p)
}

// Close ends the message with a sync flush (RFC 7692 §7.2.1) and checks
// that the flush ended with the tail it removes.
func (m *deflateMessage) Close() error {
	c := (*compressor)(m)
	if c.fw == nil {
		return nil
	}
	err := c.fw.Flush()
	if err == nil {
		err = c.tw.finish()
	}
	if !c.takeover || err != nil {
		c.release()
	}
	return err
}

// trailerWriter passes bytes on but holds back the last four, so that the
// sync flush's 00 00 ff ff never reaches the wire.
type trailerWriter struct {
	w    io.Writer
	held [4]byte
	n    int // bytes in held
}

func (t *trailerWriter) Write(p []byte) (int, error) {
	total := len(p)
	if t.n+len(p) <= 4 {
		t.n += copy(t.held[t.n:], p)
		return total, nil
	}
	// Emit what is held and the start of p, keep p's last four bytes (or
	// the held bytes that p does not push out).
	if len(p) >= 4 {
		if _, err := t.w.Write(t.held[:t.n]); err != nil {
			return 0, err
		}
		if _, err := t.w.Write(p[:len(p)-4]); err != nil {
			return 0, err
		}
		t.n = copy(t.held[:], p[len(p)-4:])
		return total, nil
	}
	out := t.n + len(p) - 4 // held bytes pushed out
	if _, err := t.w.Write(t.held[:out]); err != nil {
		return 0, err
	}
	t.n = copy(t.held[:], t.held[out:t.n])
	t.n += copy(t.held[t.n:], p)
	return total, nil
}

// finish checks that the held bytes are the sync flush's tail and drops
// them.
func (t *trailerWriter) finish() error {
	if t.n != 4 || t.held != deflateTail {
		return fmt.Errorf("websocket: compressed message ends with % x, not the sync flush 00 00 ff ff (RFC 7692 §7.2.1)", t.held[:t.n])
	}
	t.n = 0
	return nil
}

// An inflater is a flate decompressor with its input: the message's
// payload, then inflateTail, through a bufio.Reader (flate reads byte by
// byte and would otherwise allocate its own bufio.Reader on every Reset).
// It holds about 45 KiB (its 32 KiB window, Huffman tables and the 4 KiB
// buffer), so it lives in a pool and a connection takes one only while it
// reads a compressed message.
type inflater struct {
	fr  io.ReadCloser
	br  *bufio.Reader
	src tailSource
}

var inflaterPool sync.Pool

func getInflater(src io.Reader, dict []byte) *inflater {
	f, ok := inflaterPool.Get().(*inflater)
	if !ok {
		f = &inflater{}
		f.br = bufio.NewReaderSize(&f.src, 4096)
	}
	f.src = tailSource{r: src}
	f.br.Reset(&f.src)
	if f.fr == nil {
		f.fr = flate.NewReaderDict(f.br, dict)
	} else {
		_ = f.fr.(flate.Resetter).Reset(f.br, dict)
	}
	return f
}

func putInflater(f *inflater) {
	f.src = tailSource{}
	f.br.Reset(&f.src)
	inflaterPool.Put(f)
}

// tailSource reads r to its end, then inflateTail.
type tailSource struct {
	r    io.Reader
	tail int // bytes of inflateTail already read
}

func (t *tailSource) Read(p []byte) (int, error) {
	if t.r != nil {
		n, err := t.r.Read(p)
		if err == io.EOF {
			t.r, err = nil, nil
		}
		if n > 0 || err != nil {
			return n, err
		}
	}
	if t.tail == len(inflateTail) {
		return 0, io.EOF
	}
	n := copy(p, inflateTail[t.tail:])
	t.tail += n
	return n, nil
}

// A decompressor inflates one direction's messages.
type decompressor struct {
	takeover bool
	bits     int
	in       *inflater // while a message is read
	dict     []byte    // with takeover: the last 2^bits bytes inflated
	n, limit int64
}

// newDecompressor returns a decompressor for a peer that compresses with
// the given window bits (0 means 15) and, with takeover, carries its window
// from one message to the next.
func newDecompressor(bits int, takeover bool) *decompressor {
	return &decompressor{bits: windowBitsOr15(bits), takeover: takeover}
}

// reader starts a message whose compressed payload (without the tail) is
// read from src, and returns a reader of the inflated payload. It fails
// with ErrInflateLimit once more than limit bytes come out (limit ≤ 0: no
// limit). The message ends when the reader returns io.EOF.
func (d *decompressor) reader(src io.Reader, limit int64) io.Reader {
	if d.in != nil {
		d.end() // the previous message was abandoned
	}
	d.in = getInflater(src, d.dict)
	d.n, d.limit = 0, limit
	return (*inflateMessage)(d)
}

// decompress appends the inflated form of p to dst.
func (d *decompressor) decompress(dst, p []byte, limit int64) ([]byte, error) {
	b := bytes.NewBuffer(dst)
	_, err := b.ReadFrom(d.reader(bytes.NewReader(p), limit))
	return b.Bytes(), err
}

type inflateMessage decompressor

func (r *inflateMessage) Read(p []byte) (int, error) {
	d := (*decompressor)(r)
	if d.in == nil {
		return 0, io.EOF
	}
	if d.limit > 0 && int64(len(p)) > d.limit-d.n+1 {
		p = p[:d.limit-d.n+1] // one byte past the limit proves it passed
	}
	n, err := d.in.fr.Read(p)
	d.n += int64(n)
	if d.takeover {
		d.remember(p[:n])
	}
	switch {
	case d.limit > 0 && d.n > d.limit:
		d.end()
		return n, ErrInflateLimit
	case err == io.EOF:
		d.end()
	case err != nil:
		d.end()
		err = fmt.Errorf("websocket: compressed message does not inflate (RFC 7692 §7.2.2): %w", err)
	}
	return n, err
}

// remember keeps the last 2^bits inflated bytes as the next message's
// dictionary (context takeover, RFC 7692 §7.2.2).
func (d *decompressor) remember(p []byte) {
	window := 1 << d.bits
	if len(p) >= window {
		d.dict = append(d.dict[:0], p[len(p)-window:]...)
		return
	}
	if over := len(d.dict) + len(p) - window; over > 0 {
		d.dict = d.dict[:copy(d.dict, d.dict[over:])]
	}
	d.dict = append(d.dict, p...)
}

// end gives the inflater back to the pool; with context takeover the
// window lives on in dict.
func (d *decompressor) end() {
	if d.in != nil {
		putInflater(d.in)
		d.in = nil
	}
}
