package websocket

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"time"
	"unsafe"

	"github.com/wirelab/wirelab/httpcore"
)

// TestConnSize keeps the Conn, allocated once per connection in newConn,
// within 512 bytes: the largest object with pointers that the allocator
// serves from a small size class without an 8-byte malloc header
// (runtime.mallocgcSmallScanNoHeader). At 513 bytes it would take the
// 576-byte class with a header, at 624 (as it once was) the 640-byte one.
func TestConnSize(t *testing.T) {
	size := unsafe.Sizeof(Conn{})
	t.Logf("unsafe.Sizeof(Conn{}) = %d bytes", size)
	if size > 512 {
		t.Errorf("Conn is %d bytes, over 512: each connection would pay a malloc header and a larger size class; move rarely used state to connExtras", size)
	}
	// newConn is on the upgrade's hot path: one allocation, the Conn, also
	// when it is handed a reader with nothing buffered.
	var nc net.Conn = nopConn{Reader: strings.NewReader("")}
	br := bufio.NewReader(nc)
	if n := testing.AllocsPerRun(100, func() { newConn(nc, br, true, "", "") }); n != 1 {
		t.Errorf("newConn: %v allocations, want 1", n)
	}
}

// TestReadBufferReleased: once a message is read and nothing else has
// arrived, a server Conn on TCP holds no read buffer, and it waits on the
// socket itself.
func TestReadBufferReleased(t *testing.T) {
	c, raw, _ := tcpPair(t, true)
	raw.Write(frame(true, OpBinary, []byte("one"), true))
	if _, p, err := c.ReadMessage(); err != nil || string(p) != "one" {
		t.Fatalf("got %q, %v", p, err)
	}
	if c.in == nil {
		t.Error("a server Conn on a *net.TCPConn does not wait through syscall.RawConn")
	}
	if c.rb != nil || c.rp != nil {
		t.Errorf("after the only message: read buffer of %d bytes still held (%d unread)", len(c.rb), c.rw-c.rr)
	}
	// Two messages in one write: the buffer is kept while the second is
	// unread, and given back after it.
	raw.Write(append(frame(true, OpBinary, []byte("two"), true), frame(true, OpText, []byte("three"), true)...))
	if _, p, err := c.ReadMessage(); err != nil || string(p) != "two" {
		t.Fatalf("got %q, %v", p, err)
	}
	if c.rw-c.rr == 0 {
		// The second frame may come in a second segment; then it is read
		// with the next ReadMessage, and the check below still holds.
		t.Log("the second frame was not in the first read")
	}
	if _, p, err := c.ReadMessage(); err != nil || string(p) != "three" {
		t.Fatalf("got %q, %v", p, err)
	}
	if c.rb != nil {
		t.Errorf("after the last message: read buffer still held")
	}
}

// TestIdleConnsHoldNoBuffer parks the reading goroutines of many server
// Conns in ReadMessage and checks that the heap does not grow by a read
// buffer each: a parked Conn waits on the network poller holding none.
func TestIdleConnsHoldNoBuffer(t *testing.T) {
	const n = 100
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	clients := make([]net.Conn, 0, n)
	done := make(chan struct{}, n)
	started := 0
	defer func() {
		for _, c := range clients {
			c.Close() // ends each server's ReadMessage
		}
		for range started {
			<-done
		}
	}()
	heapInUse := func() uint64 {
		var m runtime.MemStats
		for range 3 { // bufPool empties in two collections
			runtime.GC()
		}
		runtime.ReadMemStats(&m)
		return m.HeapInuse
	}
	before := heapInUse()
	for range n {
		raw, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, raw)
		nc, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		c := NewConn(nc, nil, true)
		started++
		go func() {
			defer func() { done <- struct{}{} }()
			defer nc.Close()
			for {
				mt, p, err := c.ReadMessage()
				if err != nil {
					return
				}
				c.WriteMessage(mt, p)
			}
		}()
		// A round trip: the server has read (with a buffer) and written;
		// its next ReadMessage then parks.
		raw.Write(frame(true, OpBinary, []byte("ping"), true))
		if _, err := io.ReadFull(raw, make([]byte, 6)); err != nil {
			t.Fatal(err)
		}
	}
	grew := int64(heapInUse()) - int64(before)
	t.Logf("heap grew %d bytes for %d idle server Conns (%d each)", grew, n, grew/n)
	// With a read buffer each it would be over bufSize per connection.
	if grew/n > bufSize/4 {
		t.Errorf("heap grew %d bytes per idle Conn: read buffers are held while waiting", grew/n)
	}
}

// TestReadDeadlineWhileParked: a read deadline set on the Conn ends a read
// that waits on the poller with no buffer.
func TestReadDeadlineWhileParked(t *testing.T) {
	c, _, _ := tcpPair(t, true)
	start := time.Now()
	c.SetReadDeadline(start.Add(50 * time.Millisecond))
	_, _, err := c.ReadMessage()
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("ReadMessage after the deadline: %v, want a deadline error", err)
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("%v is not a net.Error with Timeout() true", err)
	}
	if !strings.Contains(err.Error(), "read tcp") {
		t.Errorf("error %q does not say it was a read", err)
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("ReadMessage returned after %v, before the deadline", d)
	}
	if c.in == nil || c.rb != nil {
		t.Errorf("raw wait %v, buffer held %v", c.in != nil, c.rb != nil)
	}
}

// TestBytesAfterHandshakeKept: frames the client sends in the same write
// as its handshake request end up in httpcore's reader; the Conn must take
// them over when it drops that reader.
func TestBytesAfterHandshakeKept(t *testing.T) {
	addr := echoServer(t, &Upgrader{})
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	req := "GET / HTTP/1.1\r\nHost: " + addr + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
	wire := []byte(req)
	for _, m := range []string{"early", "bird"} {
		wire = append(wire, frame(true, OpText, []byte(m), true)...)
	}
	if _, err := nc.Write(wire); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(nc)
	resp, err := httpcore.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != 101 {
		t.Fatalf("handshake: %v %v", resp, err)
	}
	for _, want := range []string{"early", "bird"} {
		h, p := readFrame(t, br)
		if h.Opcode != OpText || string(p) != want {
			t.Errorf("echo: %v %q, want text %q", h.Opcode, p, want)
		}
	}
}

// TestAdoptLargeBuffered: a handed-over reader holding more than a pooled
// buffer's worth is copied whole.
func TestAdoptLargeBuffered(t *testing.T) {
	var wire []byte
	var want []string
	for i := 0; len(wire) < 3*bufSize; i++ {
		m := strings.Repeat(string(rune('a'+i%26)), 1000+i)
		want = append(want, m)
		wire = append(wire, frame(true, OpText, []byte(m), true)...)
	}
	br := bufio.NewReaderSize(bytes.NewReader(wire), 4*bufSize)
	br.Peek(len(wire))
	c := newConn(nopConn{Reader: strings.NewReader("")}, br, true, "", "")
	if c.rp != nil || len(c.rb) != len(wire) {
		t.Fatalf("adopted %d bytes (pooled %v), want %d unpooled", len(c.rb), c.rp != nil, len(wire))
	}
	for i, w := range want {
		if _, p, err := c.ReadMessage(); err != nil || string(p) != w {
			t.Fatalf("message %d: %d bytes, %v", i, len(p), err)
		}
	}
	if c.rb != nil {
		t.Error("the large buffer is still held after its last byte")
	}
}

// TestSplitReads feeds frames one byte per read: headers, control frames
// and payloads all arrive in pieces.
func TestSplitReads(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef"), bufSize/16+7) // over the direct-read size
	var wire []byte
	wire = append(wire, frame(false, OpText, []byte("Hel"), true)...)
	wire = append(wire, frame(true, OpPing, []byte("ping payload"), true)...)
	wire = append(wire, frame(true, OpContinuation, []byte("lo, wörld"), true)...)
	bigAt := len(wire)
	wire = append(wire, frame(true, OpBinary, big, true)...)
	hugeAt := len(wire)
	wire = append(wire, frame(true, OpBinary, make([]byte, 70000), true)...) // 64-bit length
	bigEnd := len(wire)
	wire = append(wire, frame(true, OpText, nil, true)...)
	// An empty first fragment: ReadMessage has no slice yet when the
	// payload starts in the next frame.
	wire = append(wire, frame(false, OpBinary, nil, true)...)
	wire = append(wire, frame(true, OpContinuation, []byte("after an empty fragment"), true)...)
	check := func(t *testing.T, c *Conn) {
		t.Helper()
		for _, want := range []struct {
			mt MessageType
			p  []byte
		}{{TextMessage, []byte("Hello, wörld")}, {BinaryMessage, big}, {BinaryMessage, make([]byte, 70000)}, {TextMessage, []byte{}}, {BinaryMessage, []byte("after an empty fragment")}} {
			mt, p, err := c.ReadMessage()
			if err != nil || mt != want.mt || !bytes.Equal(p, want.p) {
				t.Fatalf("got %v %d bytes %v, want %v %d bytes", mt, len(p), err, want.mt, len(want.p))
			}
		}
	}
	t.Run("OneByteReader", func(t *testing.T) {
		// One byte per read but in the middle of the two large payloads,
		// read in halves: 130 KB a byte at a time, each read taking and
		// giving back a pooled buffer, takes seconds under the race
		// detector, whose sync.Pool drops a quarter of what is put back.
		// Every header, and the ends of every payload, come a byte a time.
		cuts := []int{0, bigAt + 300, hugeAt - 20, hugeAt + 300, bigEnd - 300, len(wire)}
		var parts []io.Reader
		for i := 0; i+1 < len(cuts); i++ {
			var r io.Reader = bytes.NewReader(wire[cuts[i]:cuts[i+1]])
			if i%2 == 0 {
				r = iotest.OneByteReader(r)
			} else {
				r = iotest.HalfReader(r)
			}
			parts = append(parts, r)
		}
		r := io.MultiReader(parts...)
		check(t, NewConn(nopConn{Reader: r}, nil, true))
	})
	t.Run("HalfReader through NewConn's reader", func(t *testing.T) {
		br := bufio.NewReaderSize(iotest.HalfReader(bytes.NewReader(wire)), 16)
		check(t, NewConn(nopConn{Reader: strings.NewReader("")}, br, true))
	})
	t.Run("TCP byte by byte", func(t *testing.T) {
		c, raw, _ := tcpPair(t, true)
		errc := make(chan error, 1)
		go func() {
			for i := range wire {
				if _, err := raw.Write(wire[i : i+1]); err != nil {
					errc <- err
					return
				}
				if i > 200 { // the rest in larger pieces: 200 KB one byte at a time is slow
					_, err := raw.Write(wire[i+1:])
					errc <- err
					return
				}
			}
			errc <- nil
		}()
		check(t, c)
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	})
}

// TestReadMessageTo: messages are appended to the caller's slice, and a
// slice with room is reused without allocating.
func TestReadMessageTo(t *testing.T) {
	var wire []byte
	for range 4 {
		wire = append(wire, frame(true, OpBinary, bytes.Repeat([]byte{7}, 8192), true)...)
	}
	wire = append(wire, frame(false, OpText, []byte("frag"), true)...)
	wire = append(wire, frame(true, OpContinuation, []byte("mented"), true)...)
	r := bytes.NewReader(wire)
	c := NewConn(nopConn{Reader: r}, nil, true)
	mt, p, err := c.ReadMessageTo([]byte("prefix:"))
	if err != nil || mt != BinaryMessage || string(p[:7]) != "prefix:" || len(p) != 7+8192 {
		t.Fatalf("appended %v %d bytes, %v", mt, len(p), err)
	}
	buf := make([]byte, 0, 8192)
	allocs := testing.AllocsPerRun(2, func() {
		_, p, err = c.ReadMessageTo(buf[:0])
		if err != nil || len(p) != 8192 || &p[0] != &buf[:1][0] {
			t.Fatalf("reuse: %d bytes, %v, same array %v", len(p), err, len(p) > 0 && &p[0] == &buf[:1][0])
		}
	})
	if allocs != 0 {
		t.Errorf("ReadMessageTo into a large enough buffer: %v allocations", allocs)
	}
	mt, p, err = c.ReadMessageTo(buf[:0])
	if err != nil || mt != TextMessage || string(p) != "fragmented" {
		t.Fatalf("fragmented: %v %q %v", mt, p, err)
	}
}

// TestNextWriterReadFrom: io.Copy into a message writer reads straight into
// its frame buffer and still fragments at 4 KiB.
func TestNextWriterReadFrom(t *testing.T) {
	c, _, br := tcpPair(t, true)
	msg := bytes.Repeat([]byte("x"), fragmentSize+10)
	go func() {
		w, _ := c.NextWriter(BinaryMessage)
		io.Copy(w, iotest.HalfReader(bytes.NewReader(msg)))
		w.Close()
	}()
	h1, p1 := readFrame(t, br)
	h2, p2 := readFrame(t, br)
	if h1.Fin || !h2.Fin || h1.Opcode != OpBinary || h2.Opcode != OpContinuation || !bytes.Equal(append(p1, p2...), msg) {
		t.Errorf("frames %+v (%d bytes), %+v (%d bytes)", h1, len(p1), h2, len(p2))
	}
}

// TestUnixSocketWaitsRaw: a Conn on a Unix stream socket also waits on the
// socket without a buffer, and reads its frames.
func TestUnixSocketWaitsRaw(t *testing.T) {
	nc, raw := socketPair(t, "unix", t.TempDir()+"/ws.sock")
	c := NewConn(nc, nil, true)
	raw.Write(frame(true, OpText, []byte("over unix"), true))
	if _, p, err := c.ReadMessage(); err != nil || string(p) != "over unix" {
		t.Fatalf("got %q, %v", p, err)
	}
	if c.in == nil || c.rb != nil {
		t.Errorf("raw wait %v, buffer held %v", c.in != nil, c.rb != nil)
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
	if _, _, err := c.ReadMessage(); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("after the deadline: %v", err)
	}
}

// TestPeerGoneWhileParked: the peer closing TCP wakes a parked reader with
// 1006, and a mid-frame EOF too.
func TestPeerGoneWhileParked(t *testing.T) {
	for _, tail := range [][]byte{nil, frame(true, OpBinary, []byte("cut short"), true)[:5]} {
		c, raw, _ := tcpPair(t, true)
		errc := make(chan error, 1)
		go func() {
			_, _, err := c.ReadMessage()
			errc <- err
		}()
		raw.Write(tail)
		raw.Close()
		if err := <-errc; !IsCloseError(err, CloseAbnormal) {
			t.Errorf("%d bytes then EOF: %v, want a 1006 CloseError", len(tail), err)
		}
		if c.rb != nil {
			t.Errorf("%d bytes then EOF: read buffer still held", len(tail))
		}
	}
}
