package websocket

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
)

// The read buffer. A Conn keeps the bytes it has received but not yet
// consumed in c.rb[c.rr:c.rw]. The buffer comes from bufPool when bytes
// arrive and goes back as soon as the last of them is consumed, so a
// connection that waits for its peer holds no buffer:
//
//   - On a plain TCP or Unix connection the Conn waits through
//     syscall.RawConn.Read. Its callback takes a buffer and reads the
//     non-blocking socket; when there is nothing to read yet (EAGAIN) it puts
//     the buffer back, and the runtime parks the goroutine on the network
//     poller with no buffer held. Deadlines set on the net.Conn still apply:
//     the poller enforces them.
//   - On any other connection (TLS, net.Pipe, a test double), and when
//     NewConn was given a reader to read through, a plain Read must block
//     with a buffer in hand, as a bufio.Reader does; the buffer is still
//     given back whenever it is emptied.

// adoptBuffered copies what br has buffered (bytes the peer sent right after
// the handshake) into the Conn's own buffer, so that br, and whatever it
// reads through, can be dropped. The Conn then reads from its connection
// directly.
func (c *Conn) adoptBuffered(br *bufio.Reader) {
	b, _ := br.Peek(br.Buffered()) // cannot fail: the bytes are buffered
	c.adoptBytes(b)
}

// adoptBytes copies bytes that arrived before the Conn was made into its
// read buffer.
func (c *Conn) adoptBytes(b []byte) {
	n := len(b)
	if n == 0 {
		return
	}
	if n <= bufSize {
		c.rp = getBuf()
		c.rb = c.rp[:]
	} else {
		c.rb = make([]byte, n) // a large reader handed over; dropped once read
	}
	c.rw = copy(c.rb, b)
}

// buffered returns the received bytes not consumed yet.
func (c *Conn) buffered() []byte { return c.rb[c.rr:c.rw] }

// consume marks n buffered bytes as read and gives the buffer back to the
// pool once it is empty.
func (c *Conn) consume(n int) {
	if c.rb == nil {
		return // released when the read side ended
	}
	c.rr += n
	if c.rr == c.rw {
		c.releaseReadBuf()
	}
}

func (c *Conn) releaseReadBuf() {
	if c.rp != nil {
		putBuf(c.rp)
		c.rp = nil
	}
	c.rb, c.rr, c.rw = nil, 0, 0
}

// fill reads until at least n bytes (n <= bufSize) are buffered, moving
// what is buffered to the front when the space after it is too short.
func (c *Conn) fill(n int) error {
	for c.rw-c.rr < n {
		if c.rb != nil && len(c.rb)-c.rr < n {
			c.rw = copy(c.rb, c.rb[c.rr:c.rw])
			c.rr = 0
		}
		if _, err := c.readMore(nil); err != nil {
			return err
		}
	}
	return nil
}

// readMore waits for the peer and reads what it sent: into dst if dst is
// not nil (a large payload read straight into the caller's slice), else
// appended to the read buffer, taken from the pool if need be. It returns
// once at least one byte arrived, with the count read into dst, or with an
// error.
//
// A corked Conn (SetWriteCork) sends its corked frames before it waits:
// on a socket, once a read finds nothing, so that bytes already there (the
// rest of a frame, more messages) are handled first and their answers go
// out in the same write; elsewhere, before every read, since a Read gives
// no sign that it is about to wait.
func (c *Conn) readMore(dst []byte) (int, error) {
	if !c.rawChecked {
		c.setupRaw()
	}
	if in := c.in; in != nil {
		in.flush = c.corkHeld.Load()
		for {
			in.dst, in.n, in.err, in.empty = dst, 0, nil, false
			err := in.raw.Read(in.read)
			in.dst = nil // do not keep the caller's memory
			if err != nil {
				return 0, rawReadError(err)
			}
			if !in.empty {
				return in.n, in.err
			}
			// Nothing to read yet: send the corked frames, then wait.
			c.flushForRead()
		}
	}
	if c.corkHeld.Load() {
		c.flushForRead()
	}
	return c.readSrc(dst)
}

// rawInput is how a Conn on a plain socket waits for its peer with no
// buffer in hand: the connection's syscall.RawConn, the callback given to
// its Read (made once, not once per wait), and what the callback passes
// back. It is allocated by setupRaw rather than kept in the Conn, which
// it would push past 512 bytes, and which other connections share.
type rawInput struct {
	raw  syscall.RawConn
	read func(fd uintptr) bool // c.readFD
	dst  []byte                // readMore's target when not the buffer
	n    int                   // bytes read into dst
	err  error                 // readFD's error

	// With frames corked, readMore sets flush: the first read that finds
	// nothing then ends the wait at once, with empty set, so that
	// readMore sends the frames before it waits.
	flush, empty bool
}

// readSrc is readMore for a Conn that cannot wait on the socket: a plain
// Read, with the buffer in hand.
func (c *Conn) readSrc(dst []byte) (int, error) {
	direct := dst != nil
	if !direct {
		if c.rb == nil {
			c.rp = getBuf()
			c.rb = c.rp[:]
		}
		dst = c.rb[c.rw:]
	}
	src := c.src
	if src == nil {
		src = c.conn
	}
	n, err := 0, error(nil)
	for range 100 { // as bufio: a Read may return nothing without an error
		if n, err = src.Read(dst); n > 0 || err != nil {
			break
		}
	}
	if !direct {
		c.rw += n
		if c.rr == c.rw {
			c.releaseReadBuf()
		}
	}
	switch {
	case n > 0:
		return n, nil // an error that came with data comes back on the next read
	case err == nil:
		return 0, io.ErrNoProgress
	}
	return 0, err
}

// setupRaw decides, on the first read, whether the Conn can wait on the
// socket without a buffer. Only the standard library's own stream sockets
// qualify: a wrapper that embeds one but overrides Read would be bypassed.
func (c *Conn) setupRaw() {
	c.rawChecked = true
	if c.src != nil {
		return
	}
	var sc syscall.Conn
	switch nc := c.conn.(type) {
	case *net.TCPConn:
		sc = nc
	case *net.UnixConn:
		sc = nc
	default:
		return
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return
	}
	c.in = &rawInput{raw: raw}
	c.in.read = c.readFD // one method value for the Conn's life, not one per wait
}

// readFD is the syscall.RawConn.Read callback: it reads the non-blocking
// socket into c.in.dst or the read buffer. It returns false, to be called
// again when the socket is readable, if nothing has arrived yet; a buffer
// taken for this attempt is given back first.
func (c *Conn) readFD(fd uintptr) bool {
	in := c.in
	dst, fresh := in.dst, false
	if dst == nil {
		if c.rb == nil {
			c.rp = getBuf()
			c.rb, fresh = c.rp[:], true
		}
		dst = c.rb[c.rw:]
	}
	n, err := syscall.Read(int(fd), dst)
	for err == syscall.EINTR {
		n, err = syscall.Read(int(fd), dst)
	}
	switch {
	case err == syscall.EAGAIN:
		if fresh {
			c.releaseReadBuf()
		}
		if in.flush {
			// Frames are corked: return to readMore, which sends them
			// before it waits, rather than send them from here, deep in
			// the stack (a goroutine's stack grows to its deepest call).
			in.flush, in.empty = false, true
			return true
		}
		return false
	case err != nil:
		in.err = c.readError(err)
		n = 0
	case n == 0:
		in.err = io.EOF
	}
	if in.dst != nil {
		in.n = n
	} else {
		c.rw += n
		if c.rr == c.rw {
			c.releaseReadBuf()
		}
	}
	return true
}

// The error paths of readMore and readFD are functions of their own, so that
// their temporaries are not in the frames of every waiting reader.

// rawReadError names the operation the caller did in an error from
// syscall.RawConn.Read (deadline, closed connection).
func rawReadError(err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "raw-read" {
		oe.Op = "read" // the error is ours alone
	}
	return err
}

// readError wraps an errno from read(2) as net.Conn.Read would.
func (c *Conn) readError(errno error) error {
	la := c.conn.LocalAddr()
	return &net.OpError{Op: "read", Net: la.Network(), Source: la, Addr: c.conn.RemoteAddr(), Err: os.NewSyscallError("read", errno)}
}
