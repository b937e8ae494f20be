package websocket

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// packetPair returns a Conn (server or client side) on a Unix
// SOCK_SEQPACKET socket and the raw other end. A seqpacket socket keeps
// record boundaries: each write(2) or writev(2) the Conn makes arrives as
// one record, so reading records counts the Conn's writes. The Conn waits
// on it through syscall.RawConn, as on TCP. The raw side must write whole
// frames, at most bufSize a record: the Conn reads a record at a time into
// its buffer.
func packetPair(t *testing.T, isServer bool) (*Conn, net.Conn) {
	t.Helper()
	dir, err := os.MkdirTemp("", "ws") // short: a socket path has at most 108 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	nc, raw := socketPair(t, "unixpacket", filepath.Join(dir, "s"))
	return NewConn(nc, nil, isServer), raw
}

// readRecord reads one record (one write of the Conn) from a packetPair's
// raw side and returns the payloads of the frames in it, unmasked.
func readRecord(t *testing.T, raw net.Conn) [][]byte {
	t.Helper()
	return parseFrames(t, readRaw(t, raw, 0))
}

// readRaw reads records from raw until it has at least n bytes, and at
// least one record.
func readRaw(t *testing.T, raw net.Conn, n int) []byte {
	t.Helper()
	var b []byte
	buf := make([]byte, 256<<10)
	for len(b) == 0 || len(b) < n {
		m, err := raw.Read(buf)
		if err != nil {
			t.Fatalf("reading a record: %v", err)
		}
		b = append(b, buf[:m]...)
	}
	return b
}

// parseFrames returns the payloads of the whole frames in b, unmasked.
func parseFrames(t *testing.T, b []byte) [][]byte {
	t.Helper()
	r := bytes.NewReader(b)
	var payloads [][]byte
	for r.Len() > 0 {
		h, err := ReadFrameHeader(r)
		if err != nil {
			t.Fatalf("%d bytes, frame %d: %v", len(b), len(payloads)+1, err)
		}
		p := make([]byte, h.Length)
		if _, err := io.ReadFull(r, p); err != nil {
			t.Fatalf("%d bytes end inside frame %d", len(b), len(payloads)+1)
		}
		if h.Masked {
			Mask(h.Key, 0, p)
		}
		payloads = append(payloads, p)
	}
	return payloads
}

// echoLoop echoes with ReadMessageTo and WriteMessage until a read fails.
func echoLoop(c *Conn) error {
	var buf []byte
	for {
		mt, msg, err := c.ReadMessageTo(buf[:0])
		if err != nil {
			return err
		}
		buf = msg
		if err := c.WriteMessage(mt, msg); err != nil {
			return err
		}
	}
}

// TestCorkOneWritePerBatch: an echo loop answers the messages that
// arrived in one read with one write, by default (automatic corking) and
// corked with SetWriteCork alike.
func TestCorkOneWritePerBatch(t *testing.T) {
	const batch, rounds = 8, 3
	for _, cork := range []bool{false, true} {
		c, raw := packetPair(t, true)
		c.SetWriteCork(cork)
		done := make(chan error, 1)
		go func() { done <- echoLoop(c) }()
		writes := 0
		for round := range rounds {
			var in []byte
			for i := range batch {
				in = append(in, frame(true, OpBinary, fmt.Appendf(nil, "round %d message %d", round, i), true)...)
			}
			raw.Write(in) // one record: the Conn reads all of it at once
			for got := 0; got < batch; {
				for _, p := range readRecord(t, raw) {
					if want := fmt.Sprintf("round %d message %d", round, got); string(p) != want {
						t.Fatalf("cork %v: echo %q, want %q", cork, p, want)
					}
					got++
				}
				writes++
			}
		}
		if want := rounds; writes != want {
			t.Errorf("cork %v: %d messages echoed in %d writes, want %d", cork, rounds*batch, writes, want)
		}
		raw.Write(frame(true, OpClose, closePayload(1000, ""), true))
		if err := <-done; !IsCloseError(err, CloseNormal) {
			t.Errorf("cork %v: echo loop ended with %v", cork, err)
		}
	}
}

// TestCorkMidFrame: when a read ends inside a frame, a corked Conn (by
// default or by SetWriteCork) reads on, and its corked frames go out with the next answer if the rest of the
// frame is already there, or on their own before it waits for the rest.
func TestCorkMidFrame(t *testing.T) {
	for _, cork := range []bool{false, true} {
		t.Run(fmt.Sprintf("SetWriteCork(%v)", cork), func(t *testing.T) { testCorkMidFrame(t, cork) })
	}
}

func testCorkMidFrame(t *testing.T, cork bool) {
	c, raw := packetPair(t, true)
	c.SetWriteCork(cork)
	split := func(a, b string) (first, rest []byte) {
		fb := frame(true, OpText, []byte(b), true)
		return append(frame(true, OpText, []byte(a), true), fb[:5]...), fb[5:]
	}
	expect := func(want ...string) {
		t.Helper()
		got := readRecord(t, raw)
		if len(got) != len(want) {
			t.Fatalf("a write of %d frames, want %d (%q)", len(got), len(want), want)
		}
		for i := range got {
			if string(got[i]) != want[i] {
				t.Fatalf("frame %d: %q, want %q", i, got[i], want[i])
			}
		}
	}

	// Both parts are there before the Conn reads: one write answers both.
	first, rest := split("message A", "message B")
	raw.Write(first)
	raw.Write(rest)
	done := make(chan error, 1)
	go func() { done <- echoLoop(c) }()
	expect("message A", "message B")

	// The rest of the frame comes only after the answer to the first
	// message: that answer must not wait for it.
	first, rest = split("message C", "message D")
	raw.Write(first)
	expect("message C")
	raw.Write(rest)
	expect("message D")

	raw.Write(frame(true, OpClose, closePayload(1000, ""), true))
	if err := <-done; !IsCloseError(err, CloseNormal) {
		t.Errorf("echo loop ended with %v", err)
	}
}

// TestCorkBound: corked frames go out when the next one does not fit in
// the buffer (bufSize), together with it in one writev; a message too large
// for the buffer goes out after the corked ones; fragments of a NextWriter
// message are corked like whole messages; SetWriteCork(false) and Flush
// send what is corked. Both sides: a client's corked frames are masked.
func TestCorkBound(t *testing.T) {
	for _, isServer := range []bool{true, false} {
		c, raw := packetPair(t, isServer)
		c.SetWriteCork(true)
		msg := func(i, n int) []byte {
			p := bytes.Repeat([]byte{byte('a' + i%26)}, n)
			binary.BigEndian.PutUint32(p, uint32(i))
			return p
		}
		expect := func(what string, want ...[]byte) {
			t.Helper()
			got := readRecord(t, raw)
			if len(got) != len(want) {
				t.Fatalf("server %v, %s: a write of %d frames, want %d", isServer, what, len(got), len(want))
			}
			for i := range got {
				if !bytes.Equal(got[i], want[i]) {
					t.Fatalf("server %v, %s: frame %d differs (%d bytes, want %d)", isServer, what, i, len(got[i]), len(want[i]))
				}
			}
		}

		// Two messages of half the buffer do not fit together (with
		// their headers): the second goes out with the first, in one
		// write made by WriteMessage itself.
		half := bufSize / 2
		a, b, d := msg(0, half), msg(1, half), msg(2, half)
		c.WriteMessage(BinaryMessage, a)
		c.WriteMessage(BinaryMessage, b)
		expect("two messages of half the buffer", a, b)
		c.WriteMessage(BinaryMessage, d)
		if c.cork.n == 0 || !c.corkHeld.Load() {
			t.Fatalf("server %v: the third message of half the buffer was not corked", isServer)
		}
		if err := c.Flush(); err != nil {
			t.Fatal(err)
		}
		expect("Flush", d)
		if c.cork.buf != nil || c.corkHeld.Load() {
			t.Errorf("server %v: the buffer is held after Flush", isServer)
		}

		// Small messages fill the buffer; each write is a full buffer and
		// the frame that did not fit.
		const small = 100
		var sent [][]byte
		for i := range 2*bufSize/small + 5 {
			sent = append(sent, msg(i, small))
			c.WriteMessage(BinaryMessage, sent[i])
			if c.cork.n > bufSize {
				t.Fatalf("server %v: %d bytes corked, over %d", isServer, c.cork.n, bufSize)
			}
		}
		frameSize := headerSize(small, !isServer) + small
		perWrite := bufSize/frameSize + 1
		for len(sent) >= perWrite {
			expect("a full buffer", sent[:perWrite]...)
			sent = sent[perWrite:]
		}

		// A message too large for the buffer goes out after the corked
		// frames, which go first; then a fragmented message, corked.
		large := msg(3, bufSize+20000)
		c.WriteMessage(BinaryMessage, large)
		expect("the frames corked before a large message", sent...)
		// A client masks a large message a buffer at a time: it may take
		// several writes.
		if got := parseFrames(t, readRaw(t, raw, headerSize(int64(len(large)), !isServer)+len(large))); len(got) != 1 || !bytes.Equal(got[0], large) {
			t.Fatalf("server %v: the large message came as %d frames", isServer, len(got))
		}
		w, _ := c.NextWriter(TextMessage)
		w.Write(bytes.Repeat([]byte("é"), 3000)) // 6000 bytes: 4096 + 1904
		w.Close()
		if err := c.SetWriteCork(false); err != nil {
			t.Fatal(err)
		}
		got := readRecord(t, raw)
		if len(got) != 2 || len(got[0]) != fragmentSize || len(got[0])+len(got[1]) != 6000 {
			t.Fatalf("server %v: the fragments came as %d frames in one write, want 2", isServer, len(got))
		}

		// Uncorked again: one write per message.
		c.WriteMessage(TextMessage, []byte("x"))
		c.WriteMessage(TextMessage, []byte("y"))
		expect("uncorked", []byte("x"))
		expect("uncorked", []byte("y"))
	}
}

// corkedEchoServer runs an httpcore server whose handler upgrades, corks
// and echoes with echoLoop.
func corkedEchoServer(t *testing.T) string {
	return echoServerFunc(t, &Upgrader{}, func(c *Conn) {
		defer c.CloseNow()
		c.SetWriteCork(true)
		echoLoop(c)
	})
}

// TestCorkEchoTCP: over TCP, a corked echo server answers a burst of
// messages of all sizes in order, answers a lone message without waiting
// for more input, and answers pings.
func TestCorkEchoTCP(t *testing.T) {
	addr := corkedEchoServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, _, err := Dial(ctx, "ws://"+addr+"/")
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	c.SetReadDeadline(time.Now().Add(20 * time.Second)) // a lost echo fails, not hangs

	// One message at a time: each echo must come back although the
	// client sends nothing more until it does.
	for i := range 20 {
		p := fmt.Appendf(nil, "lone %d", i)
		c.WriteMessage(TextMessage, p)
		if _, got, err := c.ReadMessage(); err != nil || !bytes.Equal(got, p) {
			t.Fatalf("lone message %d: got %q, %v", i, got, err)
		}
	}

	// A burst, written while the echoes come back.
	const n = 120
	size := func(i int) int { return i * 997 % (bufSize * 5 / 2) } // 0 to 2.5 buffers: small, buffer-bound and large frames
	werr := make(chan error, 1)
	go func() {
		for i := range n {
			p := bytes.Repeat([]byte{byte(i)}, size(i))
			if err := c.WriteMessage(BinaryMessage, p); err != nil {
				werr <- err
				return
			}
		}
		werr <- nil
	}()
	for i := range n {
		_, got, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("burst echo %d: %v", i, err)
		}
		if len(got) != size(i) || len(got) > 0 && (got[0] != byte(i) || got[len(got)-1] != byte(i)) {
			t.Fatalf("burst echo %d: %d bytes, want %d of %d", i, len(got), size(i), byte(i))
		}
	}
	if err := <-werr; err != nil {
		t.Fatal(err)
	}

	// A ping is answered while a message's echo is corked: the pong goes
	// out with it.
	pong := make(chan string, 1)
	c.SetPongHandler(func(p []byte) { pong <- string(p) })
	c.WriteMessage(TextMessage, []byte("before the ping"))
	c.Ping([]byte("p"))
	if _, got, err := c.ReadMessage(); err != nil || string(got) != "before the ping" {
		t.Fatalf("got %q, %v", got, err)
	}
	c.WriteMessage(TextMessage, []byte("after")) // the pong is handled on the way to it
	if _, got, err := c.ReadMessage(); err != nil || string(got) != "after" {
		t.Fatalf("got %q, %v", got, err)
	}
	if p := <-pong; p != "p" {
		t.Errorf("pong %q", p)
	}
	if err := c.Close(CloseNormal, ""); err != nil {
		t.Fatal(err)
	}
}

// TestCorkFlushFromAnotherGoroutine: frames corked by a writer that is
// not the read loop wait until Flush, which any goroutine may call while
// a reader is parked.
func TestCorkFlushFromAnotherGoroutine(t *testing.T) {
	c, raw, br := tcpPair(t, true)
	c.SetWriteCork(true)
	readErr := make(chan error, 1)
	go func() {
		_, _, err := c.ReadMessage()
		readErr <- err
	}()
	wrote := make(chan struct{})
	go func() {
		for _, s := range []string{"one", "two", "three"} {
			c.WriteMessage(TextMessage, []byte(s))
		}
		close(wrote)
	}()
	<-wrote
	flushed := make(chan error, 1)
	go func() { flushed <- c.Flush() }()
	if err := <-flushed; err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"one", "two", "three"} {
		if _, p := readFrame(t, br); string(p) != want {
			t.Fatalf("got %q, want %q", p, want)
		}
	}
	raw.Write(frame(true, OpClose, closePayload(1000, ""), true))
	if err := <-readErr; !IsCloseError(err, CloseNormal) {
		t.Errorf("reader: %v", err)
	}
}

// TestCorkHeldUntilFlush: without a reader, corked frames stay in the
// buffer until Flush; nothing reaches the peer before.
func TestCorkHeldUntilFlush(t *testing.T) {
	c, _, br := tcpPair(t, true)
	c.SetWriteCork(true)
	c.WriteMessage(TextMessage, []byte("held"))
	if want := 2 + len("held"); c.cork.n != want || !c.corkHeld.Load() {
		t.Fatalf("%d bytes corked (held %v), want %d", c.cork.n, c.corkHeld.Load(), want)
	}
	c.Flush()
	if _, p := readFrame(t, br); string(p) != "held" {
		t.Fatalf("got %q", p)
	}
}

// TestCorkClose: Close sends the corked frames before its close frame;
// CloseNow drops them, as documented.
func TestCorkClose(t *testing.T) {
	c, raw, br := tcpPair(t, true)
	c.SetWriteCork(true)
	c.WriteMessage(TextMessage, []byte("a"))
	c.WriteMessage(TextMessage, []byte("b"))
	closed := make(chan error, 1)
	go func() { closed <- c.Close(CloseNormal, "bye") }()
	for _, want := range []string{"a", "b"} {
		if h, p := readFrame(t, br); h.Opcode != OpText || string(p) != want {
			t.Fatalf("got %v %q, want text %q", h.Opcode, p, want)
		}
	}
	if h, p := readFrame(t, br); h.Opcode != OpClose || string(p[2:]) != "bye" {
		t.Fatalf("got %v %q, want the close frame", h.Opcode, p)
	}
	raw.Write(frame(true, OpClose, closePayload(1000, ""), true))
	if err := <-closed; err != nil {
		t.Fatal(err)
	}

	c, _, br = tcpPair(t, true)
	c.SetWriteCork(true)
	c.WriteMessage(TextMessage, []byte("dropped"))
	c.CloseNow()
	if b, err := br.ReadByte(); err != io.EOF {
		t.Errorf("after CloseNow: read %q, %v; want EOF", b, err)
	}
}

// failWriteConn is a connection whose writes fail.
type failWriteConn struct {
	net.Conn
	err error
}

func (f failWriteConn) Write([]byte) (int, error) { return 0, f.err }

// TestCorkWriteError: a write that fails while the reader flushes does not
// fail the read; the next write and Flush return its error, and the corked
// frames are dropped.
func TestCorkWriteError(t *testing.T) {
	errBroken := errors.New("broken pipe, for the test")
	t0, raw, _ := tcpPair(t, true)
	c := NewConn(failWriteConn{t0.NetConn(), errBroken}, nil, true)
	c.SetWriteCork(true)
	if err := c.WriteMessage(TextMessage, []byte("corked")); err != nil {
		t.Fatalf("corked write: %v", err)
	}
	raw.Write(frame(true, OpText, []byte("hi"), true))
	if _, p, err := c.ReadMessage(); err != nil || string(p) != "hi" {
		t.Fatalf("read after a failed flush: %q, %v", p, err)
	}
	if c.cork.buf != nil || c.corkHeld.Load() {
		t.Error("the corked frames are still held after the failed write")
	}
	if err := c.WriteMessage(TextMessage, []byte("next")); !errors.Is(err, errBroken) {
		t.Errorf("next write: %v, want %v", err, errBroken)
	}
	if err := c.Flush(); !errors.Is(err, errBroken) {
		t.Errorf("Flush: %v, want %v", err, errBroken)
	}

	// Flush itself reports the failure of the write it makes.
	c = NewConn(failWriteConn{t0.NetConn(), errBroken}, nil, true)
	c.SetWriteCork(true)
	c.WriteMessage(TextMessage, []byte("corked"))
	if err := c.Flush(); !errors.Is(err, errBroken) {
		t.Errorf("Flush: %v, want %v", err, errBroken)
	}
}

// TestCorkStreamingEcho: a corked Conn that echoes with NextReader and
// NextWriter (Echo) corks each fragment it writes while it reads the rest
// of the message, and sends them before it waits.
func TestCorkStreamingEcho(t *testing.T) {
	addr := echoServerFunc(t, &Upgrader{}, func(c *Conn) {
		c.SetWriteCork(true)
		Echo(c)
	})
	c, _, err := Dial(context.Background(), "ws://"+addr+"/")
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	for _, n := range []int{0, 1, 125, 4095, 4097, 16 << 10, 65536, 200000} {
		msg := bytes.Repeat([]byte{byte(n)}, n)
		if err := c.WriteMessage(BinaryMessage, msg); err != nil {
			t.Fatal(err)
		}
		if _, got, err := c.ReadMessage(); err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("size %d: got %d bytes, %v", n, len(got), err)
		}
	}
	if err := c.Close(CloseNormal, ""); err != nil {
		t.Fatal(err)
	}
}

// TestAutoCorkLoneMessage: by default, a frame written while the reader
// holds no unread input goes out before WriteMessage returns: a lone
// request's answer never waits.
func TestAutoCorkLoneMessage(t *testing.T) {
	c, raw := packetPair(t, true)
	raw.Write(frame(true, OpText, []byte("ping"), true))
	mt, p, err := c.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.WriteMessage(mt, p); err != nil {
		t.Fatal(err)
	}
	if c.corkHeld.Load() {
		t.Fatal("the answer to a lone message was gathered, not written")
	}
	expectOne(t, raw, "ping")
}

// TestAutoCorkReaderStops: a frame gathered because the reader held more
// input goes out on its own (the timer, autoFlushDelay) when the reader
// does not come back for that input.
func TestAutoCorkReaderStops(t *testing.T) {
	c, raw := packetPair(t, true)
	start := answerFirstOfTwo(t, c, raw)
	raw.SetReadDeadline(time.Now().Add(5 * time.Second))
	expectOne(t, raw, "one")
	t.Logf("the gathered frame went out after %v (autoFlushDelay %v)", time.Since(start), autoFlushDelay)
}

// TestAutoCorkCloseNow: CloseNow sends the frames automatic corking
// gathered (SetWriteCork's are dropped, TestCorkHeldUntilFlush's rule).
func TestAutoCorkCloseNow(t *testing.T) {
	c, raw := packetPair(t, true)
	answerFirstOfTwo(t, c, raw)
	c.CloseNow()
	expectOne(t, raw, "one")
}

// answerFirstOfTwo sends "one" and "two" in one record, reads the first
// and answers it, and checks that the answer waits in the cork buffer: the
// reader holds "two". If autoFlushDelay passes before the check (a loaded
// machine), the timer may have sent it already, and nothing can be told.
// It returns when the answer was written.
func answerFirstOfTwo(t *testing.T, c *Conn, raw net.Conn) time.Time {
	t.Helper()
	raw.Write(append(frame(true, OpText, []byte("one"), true), frame(true, OpText, []byte("two"), true)...))
	_, p, err := c.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := c.WriteMessage(TextMessage, p); err != nil {
		t.Fatal(err)
	}
	if held := c.corkHeld.Load(); !held && time.Since(start) < autoFlushDelay {
		t.Fatal("with a second message in hand, the answer to the first was written at once, not gathered")
	}
	return start
}

// expectOne reads one record from raw and fails unless it is one frame
// with payload want.
func expectOne(t *testing.T, raw net.Conn, want string) {
	t.Helper()
	if got := readRecord(t, raw); len(got) != 1 || string(got[0]) != want {
		t.Fatalf("got %q, want one frame %q", got, want)
	}
}

// TestAutoCorkOtherWriter: a writer on another goroutine, while the reader
// waits for the peer with nothing in hand, writes at once.
func TestAutoCorkOtherWriter(t *testing.T) {
	c, raw := packetPair(t, true)
	done := make(chan error, 1)
	go func() { _, _, err := c.ReadMessage(); done <- err }()
	for i := range 3 {
		msg := fmt.Sprintf("push %d", i)
		if err := c.WriteMessage(TextMessage, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		expectOne(t, raw, msg)
	}
	raw.Write(frame(true, OpClose, closePayload(1000, ""), true))
	if err := <-done; !IsCloseError(err, CloseNormal) {
		t.Errorf("reader ended with %v", err)
	}
}
