package websocket

import (
	"net"
	"time"
)

// Write corking. An echo or request/response server that answers every
// message with its own write makes one system call per message, and at
// small sizes that call is most of its CPU time. A corked Conn gathers its
// outgoing frames instead and sends them together when its reader has
// handled everything received so far, so that a batch of messages that
// arrived in one read is answered in one write. uWebSockets corks the same
// way around each batch it reads.
//
// Every Conn does this on its own where it cannot delay an answer the peer
// waits for (automatic corking): a data frame is gathered only while the
// reader holds received bytes it has not yet returned, which it will come
// to without waiting for the peer, and it goes out when the reader has
// handled them, or with the next frame written once they are handled. A
// frame written when the reader has nothing in hand goes out at once, as
// before. A timer bounds the wait (autoFlushDelay) for a reader that stops
// reading with input in hand. SetWriteCork(true) gathers every frame,
// whatever the reader holds, until the reader is about to wait for the
// peer, with no timer: the explicit case, for a writer that knows more
// frames follow.

// autoFlushDelay bounds how long a frame gathered by automatic corking
// waits for the reader to come back. An echo loop comes back within
// microseconds; the timer is for a reader that stopped, or a writer on
// another goroutine that raced with it.
const autoFlushDelay = time.Millisecond

// corkState is a corking Conn's unsent frames: cork.buf[:cork.n], in a
// pooled buffer held only while n > 0. iov and bufs send them and one more
// frame with one writev, without allocating. It is made by SetWriteCork or
// by the first frame that automatic corking gathers, and kept. The caller
// holds wmu.
type corkState struct {
	buf   *[bufSize]byte
	n     int
	iov   [2][]byte
	bufs  net.Buffers
	on    bool        // SetWriteCork(true): gather every frame that fits
	timer *time.Timer // automatic corking: sends frames the reader left waiting
	armed bool        // timer is set for the frames in buf
}

// SetWriteCork turns explicit write corking on or off; it is off on a new
// Conn, which corks automatically instead (below).
//
// Off, each WriteMessage, and each frame of a NextWriter message, is one
// write to the connection made before the call returns, except while the
// reader holds received bytes it has not yet returned to the application:
// then the frame is gathered, and goes out, with the frames gathered
// before it, when the reader has handled those bytes (as below), or with
// the next frame written once it has, or at the latest after a
// millisecond. A read-then-answer loop thus makes one write per batch of
// messages that arrived together, with no wait for an answer the peer
// could be waiting for: the reader had more input in hand.
//
// On, data frames are gathered in a pooled 64 KiB buffer instead, and go
// out together, in one write, when
//
//   - the reader is about to wait for the peer: ReadMessage, ReadMessageTo
//     or NextReader is called once all the bytes received so far are
//     handled, or the reader needs the rest of a frame and the socket has
//     nothing more yet (on a connection other than a TCP or Unix socket,
//     whenever the reader reads from it);
//   - Flush is called;
//   - the next frame does not fit in the buffer: the buffer and that frame
//     go out in one writev (a frame over 64 KiB goes out on its own, after
//     the buffer);
//   - a control frame is written (Ping, WriteControl, the automatic pong,
//     Close), in the same write;
//   - SetWriteCork(false) is called.
//
// A loop that reads a message and writes its answer on the same goroutine
// then makes one write for each batch of messages that arrived together
// rather than one per message, and no answer waits longer than the rest of
// its batch takes to handle. The buffer is given back after each write, so
// a waiting Conn holds none.
//
// The rule to remember: a frame written while corked may wait in the buffer
// until one of the above happens. Call Flush when you write outside the
// read loop (another goroutine's frames can arrive after the reader has
// started waiting; the reader does not wait for another writer's lock),
// and before the read loop stops reading. CloseNow drops frames still
// waiting, rather than risk a write that blocks; Close sends them before
// its close frame. (Frames gathered automatically, with corking off, are
// not dropped: CloseNow tries to send them, for at most 100 ms.)
//
// SetWriteCork and Flush take the write lock, so any goroutine may call
// them; they wait for a write in progress. Turning corking off returns the
// error of the write it makes, if any. A write made on the reader's behalf
// that fails is returned by the next write or Flush, as other write errors
// are; the frames that were waiting are dropped.
func (c *Conn) SetWriteCork(on bool) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if on {
		if c.cork == nil {
			c.cork = new(corkState)
		}
		c.cork.on = true
		return nil
	}
	var err error
	if k := c.cork; k != nil {
		if k.n > 0 {
			err = c.writeCorked(nil)
		}
		k.on = false
	}
	return err
}

// Flush writes the frames corked so far (see SetWriteCork) in one write.
// It returns the error of that write or of an earlier failed one.
func (c *Conn) Flush() error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.cork != nil && c.cork.n > 0 {
		return c.writeCorked(nil)
	}
	return c.writeErr
}

// corkRoom reports whether a frame of size bytes is to be gathered after
// the frames already corked: corking is on, or the reader holds input it
// has not returned yet (automatic corking), and the frame fits. The caller
// holds wmu.
func (c *Conn) corkRoom(size int) bool {
	k := c.cork
	if k != nil && k.on {
		return k.n+size <= bufSize
	}
	if !c.readAhead.Load() {
		return false
	}
	if k == nil {
		k = new(corkState)
		c.cork = k
	}
	return k.n+size <= bufSize
}

// corkTail returns the empty slice after the corked frames, with room for
// the rest of the buffer; the first frame takes the buffer from the pool,
// and, corked automatically, sets the timer. The caller holds wmu.
func (c *Conn) corkTail() []byte {
	k := c.cork
	if k.buf == nil {
		k.buf = getBuf()
		c.corkHeld.Store(true)
		if !k.on {
			c.armAutoFlush()
		}
	}
	return k.buf[k.n:k.n]
}

// armAutoFlush sets the timer that sends automatically corked frames if
// the reader does not come back for them. The caller holds wmu.
//
//go:noinline
func (c *Conn) armAutoFlush() {
	k := c.cork
	switch {
	case k.armed:
	case k.timer == nil:
		k.timer = time.AfterFunc(autoFlushDelay, c.autoFlush)
	default:
		k.timer.Reset(autoFlushDelay)
	}
	k.armed = true
}

// autoFlush is the timer's function: it sends the frames still corked.
func (c *Conn) autoFlush() {
	c.wmu.Lock()
	if k := c.cork; k != nil && k.n > 0 {
		c.writeCorked(nil)
	}
	c.wmu.Unlock()
}

// corkAppend adds the frame with header h and payload p, which fits
// (corkRoom), to the corked frames. The caller holds wmu.
func (c *Conn) corkAppend(h FrameHeader, p []byte) {
	c.cork.n += len(appendFrame(c.corkTail(), h, p))
}

// send writes frame, a whole frame in wire form: on its own, or after the
// corked frames, or, when it fits, corked itself. The caller holds wmu.
func (c *Conn) send(frame []byte) error {
	switch {
	case c.corkRoom(len(frame)):
		c.cork.n += len(append(c.corkTail(), frame...))
		return nil
	case c.cork != nil && c.cork.n > 0:
		return c.writeCorked(frame)
	}
	_, err := c.conn.Write(frame)
	if err != nil {
		c.writeErr = err
	}
	return err
}

// writeCorked writes the corked frames, then frame if it is not empty, in
// one write (a writev for the two), and gives the buffer back whatever
// happens. The caller holds wmu and c.cork.n > 0.
func (c *Conn) writeCorked(frame []byte) error {
	k := c.cork
	var err error
	if len(frame) == 0 {
		_, err = c.conn.Write(k.buf[:k.n])
	} else {
		k.iov = [2][]byte{k.buf[:k.n], frame}
		k.bufs = k.iov[:]
		_, err = k.bufs.WriteTo(c.conn)
		k.iov, k.bufs = [2][]byte{}, nil // hold on to neither buffer
	}
	putBuf(k.buf)
	k.buf, k.n = nil, 0
	c.corkHeld.Store(false)
	if k.armed {
		k.timer.Stop()
		k.armed = false
	}
	if err != nil {
		c.writeErr = err
	}
	return err
}

// flushBeforeWait sends the corked frames when the reader has consumed all
// it received, before it goes to the socket for the next message. It is
// called at the top of the read path, by ReadMessageTo and NextReader, not
// by readMore: a goroutine's stack grows to fit its deepest call, and the
// write would take a reader's past 2 KiB from further down. When the reader
// goes to the socket in the middle of a frame, readMore sends them, but
// only once the socket has nothing more to read.
func (c *Conn) flushBeforeWait() {
	if c.corkHeld.Load() && c.rr == c.rw {
		c.flushForRead()
	}
}

// flushForRead writes the corked frames before the reader waits for the
// peer, so that the answers to what it has read go out first. If another
// goroutine holds the write lock, the reader does not wait for it: that
// goroutine is writing, and a writer outside the read loop flushes (see
// SetWriteCork); control frames and Flush send the corked frames anyway.
// An error is kept for the writer (writeCorked).
func (c *Conn) flushForRead() {
	if !c.wmu.TryLock() {
		return
	}
	if c.cork != nil && c.cork.n > 0 {
		c.writeCorked(nil)
	}
	c.wmu.Unlock()
}
