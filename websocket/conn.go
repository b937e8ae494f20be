package websocket

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// A MessageType is the kind of a data message: text (UTF-8) or binary.
type MessageType int

// The two data message types; their values are their opcodes.
const (
	TextMessage   MessageType = MessageType(OpText)
	BinaryMessage MessageType = MessageType(OpBinary)
)

func (t MessageType) String() string { return Opcode(t).String() }

var (
	// ErrCloseSent is returned by writes after the close frame was sent.
	ErrCloseSent = errors.New("websocket: close frame already sent; no more data may be written (RFC 6455 §5.5.1)")
	// ErrReadLimit is the cause of a 1009 close when a message exceeds the
	// read limit.
	ErrReadLimit = errors.New("websocket: message exceeds the read limit")
	// errStaleReader is returned by a message reader after NextReader moved on.
	errStaleReader = errors.New("websocket: reader used after the next message was requested")
)

// DefaultReadLimit bounds a received message unless SetReadLimit says
// otherwise: 32 MiB.
const DefaultReadLimit = 32 << 20

// closeTimeout bounds the wait for the peer's side of the close handshake.
const closeTimeout = 5 * time.Second

// A Conn is a WebSocket connection after the opening handshake.
//
// Concurrency: one goroutine may read (NextReader, ReadMessage) and one may
// write (NextWriter, WriteMessage) at the same time. WriteControl, Ping,
// Flush, SetWriteCork and Close may be called from any goroutine,
// concurrently with the rest.
//
// A frame written while the reader holds received bytes it has not yet
// returned waits until the reader has handled them, so that the answers to
// a batch of messages go out in one write; any other frame is written
// before the call returns. SetWriteCork gathers every frame until the
// reader waits for the peer (see there).
//
// A Conn answers pings with pongs and echoes a received close frame on its
// own, while the application reads. As RFC 6455 §7.1.1 asks, a server closes
// the TCP connection first; a client waits briefly for the server to do so.
type Conn struct {
	conn     net.Conn
	isServer bool
	rsvOK    byte // RSV bits a negotiated extension allows
	wrsv     byte // RSV bits of the data frame being written (wmu)

	// Read side: owned by the reading goroutine (readMu).
	inMessage  bool // reading a message; more frames may follow
	final      bool // the current frame is the message's last
	masked     bool // the current frame is masked with key
	utf8       utf8Validator
	rawChecked bool    // setupRaw ran
	readDone   bool    // the read side ended: close received or failure (cmu)
	closeSent  bool    // the close frame went out (wmu)
	key        [4]byte // the current frame's masking key
	readMu     sync.Mutex
	rb         []byte         // received bytes: rb[rr:rw] not consumed yet (readbuf.go)
	rp         *[bufSize]byte // rb's array when it came from bufPool
	rr, rw     int            // read and write positions in rb
	in         *rawInput      // set when the Conn waits on the socket itself
	src        io.Reader      // where the bytes come from, if not conn (NewConn's br)
	readLimit  int64
	left       int64 // payload bytes left in the current data frame
	pos        int   // masking position within it
	msgType    MessageType
	size       int64
	readErr    error
	gen        uint64 // counts messages; a reader of an older one is stale
	readerGen  uint64 // gen when NextReader handed out the reader
	cmu        sync.Mutex
	closeFrame *CloseError // the peer's close, once received

	// ext holds what most connections never use; see connExtras.
	ext atomic.Pointer[connExtras]

	// Write side.
	dlMu          sync.Mutex
	writeDeadline time.Time // set by SetWriteDeadline, restored after control writes
	wmu           sync.Mutex
	writeErr      error
	keys          *maskKeys // a client's batch of masking keys, made on its first write
	mw            writerState
	cork          *corkState  // set while corking is on (cork.go)
	corkHeld      atomic.Bool // corked frames wait to be sent; the reader looks without wmu
	readAhead     atomic.Bool // the reader returned with received bytes in hand (automatic corking)
	tcpOnce       sync.Once
	proto         string
	exts          string
	// cbuf builds control frames; Upgrader.finish writes the 101 from it.
	cbuf [MaxHeaderLen + 125]byte
}

// connExtras is the state that most connections never use: the handlers
// and the frame hook, and what Close needs when it must wait for a reader
// or read on the application's behalf. It is allocated on first use, so
// that the Conn, allocated for every connection, stays within 512 bytes,
// the largest size the Go allocator serves without a per-object header.
type connExtras struct {
	pongFn     func([]byte)
	pingFn     func([]byte)
	frameFn    func(FrameEvent)
	readDoneCh chan struct{}    // made by Close when it must wait for readDone (cmu)
	pending    []pendingMessage // read by Close, not yet by the application (readMu)
	pendingN   int
	dfl        *deflateConn // permessage-deflate, when negotiated (deflate_conn.go)
}

// extras returns c.ext, allocating it on first use. Setters and Close may
// run on any goroutine, so the first one publishes it atomically.
func (c *Conn) extras() *connExtras {
	if x := c.ext.Load(); x != nil {
		return x
	}
	c.ext.CompareAndSwap(nil, new(connExtras))
	return c.ext.Load()
}

// deflate returns the permessage-deflate state, or nil.
func (c *Conn) deflate() *deflateConn {
	if x := c.ext.Load(); x != nil {
		return x.dfl
	}
	return nil
}

// frameHook returns the frame hook, or nil.
func (c *Conn) frameHook() func(FrameEvent) {
	if x := c.ext.Load(); x != nil {
		return x.frameFn
	}
	return nil
}

// newConn wraps an upgraded connection. br, which reads from c, may hold
// bytes that arrived after the handshake; they are copied and br is not
// kept (with what it reads through). br may be nil.
func newConn(c net.Conn, br *bufio.Reader, isServer bool, proto, exts string) *Conn {
	ws := &Conn{
		conn:      c,
		isServer:  isServer,
		proto:     proto,
		exts:      exts,
		readLimit: DefaultReadLimit,
	}
	if br != nil {
		ws.adoptBuffered(br)
	}
	return ws
}

// NewConn makes a Conn from a connection whose opening handshake already
// happened elsewhere (tests, custom transports). isServer decides the
// masking direction. If br is not nil, the Conn reads through it, not from
// c, for its whole life: br may hold bytes that followed the handshake, or
// read from another source than c. Without br, a Conn on a TCP or Unix
// socket holds no read buffer while it waits.
func NewConn(c net.Conn, br *bufio.Reader, isServer bool) *Conn {
	ws := newConn(c, nil, isServer, "", "")
	if br != nil {
		ws.src = br
	}
	return ws
}

// Subprotocol returns the subprotocol chosen in the handshake, or "".
func (c *Conn) Subprotocol() string { return c.proto }

// Extensions returns the negotiated Sec-WebSocket-Extensions value, or "".
func (c *Conn) Extensions() string { return c.exts }

// NetConn returns the underlying connection.
func (c *Conn) NetConn() net.Conn { return c.conn }

// LocalAddr and RemoteAddr return the addresses of the underlying connection.
func (c *Conn) LocalAddr() net.Addr  { return c.conn.LocalAddr() }
func (c *Conn) RemoteAddr() net.Addr { return c.conn.RemoteAddr() }

// SetReadLimit bounds the size of a received message; a larger one fails the
// connection with 1009 (RFC 6455 §7.4.1). n <= 0 means no limit.
func (c *Conn) SetReadLimit(n int64) { c.readLimit = n }

// SetReadDeadline sets the deadline for reads on the connection.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.conn.SetReadDeadline(t) }

// SetWriteDeadline sets the deadline for writes. Control frames the Conn
// sends on its own (pongs, the close echo) restore it afterwards.
func (c *Conn) SetWriteDeadline(t time.Time) error {
	c.dlMu.Lock()
	c.writeDeadline = t
	c.dlMu.Unlock()
	return c.conn.SetWriteDeadline(t)
}

// SetPongHandler sets a function called with each pong's payload, from the
// reading goroutine.
func (c *Conn) SetPongHandler(f func(payload []byte)) { c.extras().pongFn = f }

// SetPingHandler sets a function called with each ping's payload, after the
// automatic pong is sent.
func (c *Conn) SetPingHandler(f func(payload []byte)) { c.extras().pingFn = f }

// A FrameEvent describes one frame as it crosses the connection, for
// logging and teaching. Payload is set for control frames only (data
// payloads stream through readers and writers); it is unmasked.
type FrameEvent struct {
	Incoming bool
	Header   FrameHeader
	Payload  []byte
}

// SetFrameHook sets a function called for every frame read or written.
// Incoming frames are reported from the reading goroutine, outgoing ones
// from the writing goroutine, so f must be safe for concurrent use. Payload
// is only valid during the call.
func (c *Conn) SetFrameHook(f func(FrameEvent)) { c.extras().frameFn = f }

// ---- reading ----

func (c *Conn) lockRead()   { c.readMu.Lock() }
func (c *Conn) unlockRead() { c.readMu.Unlock() }

// endRead records that the read side is over and wakes a waiting Close.
func (c *Conn) endRead() {
	// Nothing more will be read: the buffer goes back to the pool now, not
	// when the application drops the Conn. (The caller holds the read lock.)
	c.releaseReadBuf()
	if d := c.deflate(); d != nil {
		d.r.end()
	}
	c.readAhead.Store(false) // nothing more will be returned: gather no frame
	c.cmu.Lock()
	c.readDone = true
	if x := c.ext.Load(); x != nil && x.readDoneCh != nil {
		close(x.readDoneCh)
		x.readDoneCh = nil
	}
	c.cmu.Unlock()
}

// NextReader returns the next data message. The reader is valid until the
// next call; any unread part of the previous message is discarded (and still
// validated). Control frames are handled on the way.
func (c *Conn) NextReader() (MessageType, io.Reader, error) {
	c.lockRead()
	defer c.unlockRead()
	if m, ok := c.popPending(); ok {
		c.gen++
		return m.mt, bytes.NewReader(m.data), nil
	}
	c.flushBeforeWait()
	if err := c.nextMessage(); err != nil {
		return 0, nil, err
	}
	c.readerGen = c.gen
	c.noteReadAhead()
	return c.msgType, (*messageReader)(c), nil
}

// nextMessage discards what is left of the current message and reads up to
// the first frame of the next one. The caller holds the read lock.
func (c *Conn) nextMessage() error {
	c.gen++
	if c.rr == c.rw && !c.inMessage && c.readErr == nil {
		// Wait for the peer here rather than deep in the header parser:
		// a goroutine's stack grows to fit its deepest wait, and an idle
		// connection spends its life in this one.
		if _, err := c.readMore(nil); err != nil {
			return c.abnormal(err)
		}
	}
	if d := c.deflate(); d != nil && d.reading() {
		c.drainInflated() // with context takeover the window must see it all
	}
	for c.readErr == nil && c.inMessage {
		if _, err := c.readPayload(nil, true); err != nil && err != io.EOF {
			break
		}
	}
	if c.readErr != nil {
		return c.readErr
	}
	return c.nextDataFrame()
}

// ReadMessage reads the next whole data message into a new slice.
// ReadMessageTo reads into a slice the caller reuses.
func (c *Conn) ReadMessage() (MessageType, []byte, error) {
	return c.ReadMessageTo(nil)
}

// ReadMessageTo reads the next whole data message and appends it to buf,
// returning the extended slice, as append does. Passing the previous
// message's slice truncated to zero length reuses its memory, so a loop
// that echoes, forwards or decodes messages one at a time does not allocate
// once its buffer has grown to the largest message:
//
//	buf := make([]byte, 0, 4096)
//	for {
//		mt, msg, err := c.ReadMessageTo(buf[:0])
//		if err != nil {
//			return err
//		}
//		buf = msg // keep the grown buffer for the next message
//		...
//	}
//
// The returned slice is only the caller's until it is passed again.
func (c *Conn) ReadMessageTo(buf []byte) (MessageType, []byte, error) {
	c.lockRead()
	defer c.unlockRead()
	if x := c.ext.Load(); x != nil && len(x.pending) > 0 {
		return c.pendingTo(buf)
	}
	c.flushBeforeWait()
	if err := c.nextMessage(); err != nil {
		return 0, nil, err
	}
	// Make room for the first frame here, not deeper: the allocation can
	// take the runtime deep, and a goroutine's stack grows to fit the
	// deepest call it ever makes.
	mt, b, err := c.appendMessage(c.grow(buf))
	c.noteReadAhead()
	return mt, b, err
}

// noteReadAhead records, for writers, whether the reader returns to the
// application with received bytes it has not consumed: automatic corking
// gathers the frames written meanwhile (cork.go). The caller holds the
// read lock.
func (c *Conn) noteReadAhead() {
	if ahead := c.rr < c.rw; ahead != c.readAhead.Load() {
		c.readAhead.Store(ahead)
	}
}

// pendingTo returns a message Close kept for the application. It is kept
// out of ReadMessageTo, whose frame is on the stack of every waiting reader.
//
//go:noinline
func (c *Conn) pendingTo(buf []byte) (MessageType, []byte, error) {
	m, _ := c.popPending()
	c.gen++
	if buf == nil {
		return m.mt, m.data, nil
	}
	return m.mt, append(buf, m.data...), nil
}

// grow makes room in b for what is left of the current frame, 1 MiB at a
// time: the read limit, checked at each frame header, bounds the rest.
func (c *Conn) grow(b []byte) []byte {
	if n := int(min(c.left, 1<<20)); cap(b)-len(b) < n {
		b = slices.Grow(b, n)
	}
	return b
}

// appendMessage appends the rest of the current message to b. The caller
// holds the read lock.
func (c *Conn) appendMessage(b []byte) (MessageType, []byte, error) {
	mt := c.msgType
	for {
		if len(b) == cap(b) {
			b = c.grow(b)
			if len(b) == cap(b) && c.compressedMsg() { // inflating: the frames do not tell the size
				b = slices.Grow(b, max(4096, len(b)))
			}
		}
		n, err := c.readMsg(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			if b == nil {
				b = []byte{} // an empty message is not a nil one
			}
			return mt, b, nil
		}
		if err != nil {
			return 0, nil, err
		}
	}
}

// pendingMessage is a message Close read on the application's behalf.
type pendingMessage struct {
	mt   MessageType
	data []byte
}

// maxPending bounds the bytes Close keeps for the application while it
// waits for the peer's close frame.
const maxPending = 1 << 20

func (c *Conn) popPending() (pendingMessage, bool) {
	x := c.ext.Load()
	if x == nil || len(x.pending) == 0 {
		return pendingMessage{}, false
	}
	m := x.pending[0]
	x.pending = x.pending[1:]
	return m, true
}

// messageReader is the Conn seen as the reader of its current message:
// NextReader hands out the Conn itself, so a reader costs no allocation.
type messageReader Conn

func (r *messageReader) Read(p []byte) (int, error) {
	c := (*Conn)(r)
	c.lockRead()
	defer c.unlockRead()
	if c.readerGen != c.gen {
		return 0, errStaleReader
	}
	n, err := c.readMsg(p)
	c.noteReadAhead()
	return n, err
}

// readPayload reads message bytes into p, crossing frame boundaries. It
// returns io.EOF at the end of the message. With skip, it discards the next
// part of the message instead (still unmasked and validated, in place).
func (c *Conn) readPayload(p []byte, skip bool) (int, error) {
	if c.readErr != nil {
		return 0, c.readErr
	}
	for c.left == 0 {
		if !c.inMessage {
			return 0, io.EOF
		}
		if c.final {
			c.inMessage = false
			if c.msgType == TextMessage && !c.compressedMsg() && !c.utf8.complete() {
				return 0, c.fail(frameErr(CloseInvalidPayload, 0, "§8.1", "text message ends inside a UTF-8 sequence"))
			}
			return 0, io.EOF
		}
		if err := c.nextDataFrame(); err != nil {
			return 0, err
		}
	}
	want := c.left
	if !skip {
		want = min(want, int64(len(p)))
		if want == 0 {
			return 0, nil
		}
	}
	var b []byte // the payload bytes read, unmasked
	consumed := 0
	if c.rr == c.rw && !skip && want >= bufSize {
		// Large reads skip the buffer, as in bufio.
		n, err := c.readMore(p[:want])
		if err != nil {
			return 0, c.abnormal(err)
		}
		b = p[:n]
		if c.masked {
			c.pos = Mask(c.key, c.pos, b)
		}
	} else {
		if c.rr == c.rw {
			if _, err := c.readMore(nil); err != nil {
				return 0, c.abnormal(err)
			}
		}
		src := c.buffered()
		src = src[:min(int64(len(src)), want)]
		b, consumed = src, len(src) // skipping: unmask in place
		if !skip {
			b = p[:len(src)]
		}
		if c.masked {
			c.pos = maskCopy(c.key, c.pos, b, src) // one pass: copy and unmask
		} else if !skip {
			copy(b, src)
		}
	}
	c.left -= int64(len(b))
	if c.msgType == TextMessage && !c.compressedMsg() && !c.utf8.write(b) {
		// Fail fast: no need to wait for the end of the message.
		return 0, c.fail(frameErr(CloseInvalidPayload, 0, "§8.1", "text message is not valid UTF-8"))
	}
	c.consume(consumed)
	return len(b), nil
}

// nextDataFrame reads frames, handling control frames, until a data frame
// that fits the message state arrives.
func (c *Conn) nextDataFrame() error {
	for {
		h, err := c.readFrameHeader()
		if err != nil {
			return err
		}
		if h.Opcode.IsControl() {
			if err := c.handleControl(h); err != nil {
				return err
			}
			continue
		}
		if c.inMessage && h.Opcode != OpContinuation {
			return c.fail(frameErr(CloseProtocolError, 0, "§5.4", "%s frame inside a fragmented message (expected continuation)", h.Opcode))
		}
		if !c.inMessage {
			if h.Opcode == OpContinuation {
				return c.fail(frameErr(CloseProtocolError, 0, "§5.4", "continuation frame with no message to continue"))
			}
			c.inMessage = true
			c.msgType = MessageType(h.Opcode)
			c.size = 0
			c.utf8.reset()
			if d := c.deflate(); d != nil {
				d.startRead(h.Rsv&rsv1 != 0)
			}
		}
		c.size += h.Length
		if c.readLimit > 0 && c.size > c.readLimit {
			return c.fail(&CloseError{Code: CloseMessageTooBig, Reason: "message exceeds the read limit"})
		}
		c.left, c.pos, c.final, c.masked, c.key = h.Length, 0, h.Fin, h.Masked, h.Key
		return nil
	}
}

// readFrameHeader reads and checks one frame header from the buffer without
// allocating.
func (c *Conn) readFrameHeader() (FrameHeader, error) {
	if err := c.fill(2); err != nil {
		return FrameHeader{}, c.abnormal(err)
	}
	n := headerLen(c.rb[c.rr+1])
	if err := c.fill(n); err != nil {
		return FrameHeader{}, c.abnormal(err)
	}
	h, _, ferr := parseHeader(c.rb[c.rr : c.rr+n])
	c.consume(n)
	if ferr != nil {
		return h, c.fail(ferr)
	}
	if hook := c.frameHook(); hook != nil && !h.Opcode.IsControl() {
		hook(FrameEvent{Incoming: true, Header: h})
	}
	if h.Rsv&^c.rsvOK != 0 {
		return h, c.fail(frameErr(CloseProtocolError, 0, "§5.2", "RSV bits 0x%x set but no extension was negotiated", h.Rsv))
	}
	if h.Rsv&rsv1 != 0 && (h.Opcode.IsControl() || h.Opcode == OpContinuation) {
		return h, c.fail(frameErr(CloseProtocolError, 0, "RFC 7692 §6.1", "RSV1 set on a %s frame (only a message's first frame may carry it)", h.Opcode))
	}
	if c.isServer && !h.Masked {
		return h, c.fail(frameErr(CloseProtocolError, 1, "§5.1", "unmasked frame from a client (clients MUST mask)"))
	}
	if !c.isServer && h.Masked {
		return h, c.fail(frameErr(CloseProtocolError, 1, "§5.1", "masked frame from a server (servers MUST NOT mask)"))
	}
	return h, nil
}

// handleControl acts on a control frame. Its payload (at most 125 bytes)
// is unmasked in place in the read buffer and consumed on return.
func (c *Conn) handleControl(h FrameHeader) error {
	n := int(h.Length)
	if err := c.fill(n); err != nil {
		return c.abnormal(err)
	}
	p := c.rb[c.rr : c.rr+n : c.rr+n]
	defer c.consume(n)
	if h.Masked {
		Mask(h.Key, 0, p)
	}
	x := c.ext.Load()
	if x != nil && x.frameFn != nil {
		x.frameFn(FrameEvent{Incoming: true, Header: h, Payload: p})
	}
	switch h.Opcode {
	case OpPing:
		// RFC 6455 §5.5.2: answer with a pong carrying the same data.
		if err := c.WriteControl(OpPong, p, time.Now().Add(closeTimeout)); err != nil && err != ErrCloseSent {
			return c.abnormal(err)
		}
		if x != nil && x.pingFn != nil {
			x.pingFn(p)
		}
	case OpPong:
		if x != nil && x.pongFn != nil {
			x.pongFn(p)
		}
	case OpClose:
		ce, ferr := parseClose(p)
		if ferr != nil {
			return c.fail(ferr)
		}
		c.closeFrame = ce
		// RFC 6455 §5.5.1: echo the status code, then close.
		c.writeClose(ce.Code, "")
		c.readErr = ce
		c.endRead()
		c.closeTCP()
		return ce
	}
	return nil
}

// fail fails the connection (RFC 6455 §7.1.7): send a close frame with the
// code for err, then close TCP. It returns the error to report.
func (c *Conn) fail(err error) error {
	code, reason := CloseProtocolError, err.Error()
	var fe *FrameError
	var ce *CloseError
	switch {
	case errors.As(err, &fe):
		code = fe.Code
	case errors.As(err, &ce):
		code, reason = ce.Code, ce.Reason
		err = &CloseError{Code: ce.Code, Reason: ce.Reason}
	}
	c.writeClose(code, truncateReason(reason))
	c.readErr = err
	c.endRead()
	c.closeTCP()
	return err
}

// abnormal records a transport failure: the connection ended without a
// close frame (1006).
func (c *Conn) abnormal(err error) error {
	if c.readErr != nil {
		return c.readErr
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF || errors.Is(err, net.ErrClosed) {
		err = &CloseError{Code: CloseAbnormal, Reason: "connection closed without a close frame"}
	}
	c.readErr = err
	c.endRead()
	if c.corkHeld.Load() {
		// The peer may still read (a half-closed connection): send what
		// was gathered for it.
		c.flushForRead()
	}
	return err
}

// truncateReason shortens s to a valid UTF-8 close reason of at most 123
// bytes.
func truncateReason(s string) string {
	if len(s) <= maxReason {
		return s
	}
	s = s[:maxReason]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// closeTCP closes the transport: at once on a server; on a client after the
// server has closed or a short wait (RFC 6455 §7.1.1).
func (c *Conn) closeTCP() {
	c.tcpOnce.Do(func() {
		if !c.isServer {
			// Read the connection itself, not the Conn's buffer, so that
			// this is safe while another goroutine reads.
			c.conn.SetReadDeadline(time.Now().Add(time.Second))
			io.Copy(io.Discard, c.conn)
		}
		c.conn.Close()
	})
}

// ---- writing ----

// maskKeys is a client's batch of masking keys; servers never mask.
type maskKeys struct {
	b   [64]byte
	pos int
}

// maskKey returns a fresh masking key from crypto/rand (RFC 6455 §5.3: keys
// must be unpredictable), drawn from a per-connection batch. The caller
// holds wmu.
func (c *Conn) maskKey() (k [4]byte) {
	ks := c.keys
	if ks == nil {
		ks = &maskKeys{pos: len(ks.b)}
		c.keys = ks
	}
	if ks.pos+4 > len(ks.b) {
		rand.Read(ks.b[:])
		ks.pos = 0
	}
	copy(k[:], ks.b[ks.pos:])
	ks.pos += 4
	return k
}

// WriteControl writes a control frame (ping, pong or close) with payload p
// of at most 125 bytes. It is safe to call concurrently with other methods.
func (c *Conn) WriteControl(op Opcode, p []byte, deadline time.Time) error {
	if !op.IsControl() {
		return errors.New("websocket: WriteControl needs a control opcode, got " + op.String())
	}
	if len(p) > 125 {
		return errors.New("websocket: control frame payload longer than 125 bytes (RFC 6455 §5.5)")
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.closeSent {
		return ErrCloseSent
	}
	if op == OpClose {
		c.closeSent = true
	}
	h := FrameHeader{Fin: true, Opcode: op, Length: int64(len(p))}
	if !c.isServer {
		h.Masked, h.Key = true, c.maskKey()
	}
	if hook := c.frameHook(); hook != nil {
		hook(FrameEvent{Header: h, Payload: p})
	}
	b := appendFrame(c.cbuf[:0], h, p)
	if !deadline.IsZero() {
		c.conn.SetWriteDeadline(deadline)
		defer func() {
			c.dlMu.Lock()
			c.conn.SetWriteDeadline(c.writeDeadline)
			c.dlMu.Unlock()
		}()
	}
	if c.cork != nil && c.cork.n > 0 {
		return c.writeCorked(b) // the corked frames first, in the same write
	}
	_, err := c.conn.Write(b)
	if err != nil && c.writeErr == nil {
		c.writeErr = err
	}
	return err
}

// appendFrame appends the frame with header h and payload p to b in wire
// form, masking the payload's copy when h says so.
func appendFrame(b []byte, h FrameHeader, p []byte) []byte {
	b = AppendFrameHeader(b, h)
	start := len(b)
	b = append(b, p...)
	if h.Masked {
		Mask(h.Key, 0, b[start:])
	}
	return b
}

// Ping sends a ping with payload p.
func (c *Conn) Ping(p []byte) error { return c.WriteControl(OpPing, p, time.Time{}) }

func (c *Conn) writeClose(code CloseCode, reason string) error {
	return c.WriteControl(OpClose, FormatClose(code, reason), time.Now().Add(closeTimeout))
}

// WriteMessage writes data as one message in a single frame. Up to 64 KiB,
// the header and the payload go out in one write from a pooled buffer;
// a larger payload goes out with its header in one writev (servers) or a
// buffer at a time, masked (clients). With corking on (SetWriteCork), a
// frame that fits is added to the corked frames instead.
func (c *Conn) WriteMessage(mt MessageType, data []byte) error {
	if mt != TextMessage && mt != BinaryMessage {
		return errors.New("websocket: WriteMessage needs TextMessage or BinaryMessage")
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.writable(); err != nil {
		return err
	}
	if d := c.deflate(); d != nil && d.wantCompress(len(data)) {
		return c.writeCompressed(Opcode(mt), data)
	}
	if c.corkRoom(headerSize(int64(len(data)), !c.isServer) + len(data)) {
		c.corkAppend(c.header(true, Opcode(mt), len(data)), data)
		return nil
	}
	if len(data) <= maxFramePayload {
		b := getBuf()
		n := copy(b[MaxHeaderLen:], data)
		err := c.sendFrame(true, Opcode(mt), b, n)
		putBuf(b)
		return err
	}
	return c.writeLarge(Opcode(mt), data)
}

// maxFramePayload is the most payload that fits a pooled buffer after the
// room kept for the longest header.
const maxFramePayload = bufSize - MaxHeaderLen

// fragmentSize is the payload of each frame NextWriter's writer sends but
// the last: 4 KiB, so that control frames can slip in between the fragments
// of a long message without waiting long (RFC 6455 §5.4).
const fragmentSize = 4096

// writable reports why no data frame may be written, if so. The caller
// holds wmu.
func (c *Conn) writable() error {
	if c.closeSent {
		return ErrCloseSent
	}
	return c.writeErr
}

// header returns the header of an outgoing data frame, with a fresh masking
// key on a client, and reports it to the frame hook. The caller holds wmu.
func (c *Conn) header(fin bool, op Opcode, n int) FrameHeader {
	h := FrameHeader{Fin: fin, Rsv: c.wrsv, Opcode: op, Length: int64(n)}
	if !c.isServer {
		h.Masked, h.Key = true, c.maskKey()
	}
	if hook := c.frameHook(); hook != nil {
		hook(FrameEvent{Header: h})
	}
	return h
}

// sendFrame sends the frame whose payload is b[MaxHeaderLen:][:n]: it puts
// the header just before the payload, masks the payload in place on a
// client, and writes both at once (or corks them: send). The caller holds
// wmu.
func (c *Conn) sendFrame(fin bool, op Opcode, b *[bufSize]byte, n int) error {
	h := c.header(fin, op, n)
	start := MaxHeaderLen - headerSize(h.Length, h.Masked)
	AppendFrameHeader(b[start:start], h)
	if h.Masked {
		Mask(h.Key, 0, b[MaxHeaderLen:MaxHeaderLen+n])
	}
	return c.send(b[start : MaxHeaderLen+n])
}

// writeLarge writes a frame too large for a pooled buffer, after the
// corked frames if there are any. The caller holds wmu.
func (c *Conn) writeLarge(op Opcode, data []byte) error {
	if c.cork != nil && c.cork.n > 0 {
		if err := c.writeCorked(nil); err != nil {
			return err
		}
	}
	h := c.header(true, op, len(data))
	var err error
	if !h.Masked {
		var hb [MaxHeaderLen]byte
		bufs := net.Buffers{AppendFrameHeader(hb[:0], h), data}
		_, err = bufs.WriteTo(c.conn)
	} else {
		// Mask a copy, a buffer at a time: the caller's data is not ours
		// to change.
		b := getBuf()
		out, pos := AppendFrameHeader(b[:0], h), 0
		for len(data) > 0 && err == nil {
			n := min(len(data), bufSize-len(out))
			start := len(out)
			out = append(out, data[:n]...)
			pos = Mask(h.Key, pos, out[start:])
			_, err = c.conn.Write(out)
			out, data = b[:0], data[n:]
		}
		putBuf(b)
	}
	if err != nil {
		c.writeErr = err
	}
	return err
}

// NextWriter returns a writer for a message of type mt. Writes are buffered
// and sent as frames of up to 4 KiB (fragments, RFC 6455 §5.4); Close sends
// the final frame. Control frames may be sent between the fragments. The
// writer holds a pooled buffer until Close. With corking on (SetWriteCork),
// each frame is corked as WriteMessage's are.
func (c *Conn) NextWriter(mt MessageType) (io.WriteCloser, error) {
	if mt != TextMessage && mt != BinaryMessage {
		return nil, errors.New("websocket: NextWriter needs TextMessage or BinaryMessage")
	}
	w := &c.mw
	if w.open {
		return nil, errors.New("websocket: NextWriter called before the previous writer was closed")
	}
	w.open, w.op, w.buf, w.n = true, Opcode(mt), getBuf(), 0
	if d := c.deflate(); d != nil && d.wantCompress(-1) {
		d.startWrite((*fragmentSink)(c))
	}
	return (*messageWriter)(c), nil
}

// messageWriter is the Conn seen as the writer of its current message
// (NextWriter hands out the Conn itself, as NextReader does). Its state is
// in c.mw.
type messageWriter Conn

// writerState is NextWriter's message in progress. buf holds the payload at
// buf[MaxHeaderLen:], with room for each frame's header in front of it.
type writerState struct {
	open bool
	op   Opcode // opcode of the next frame: the type, then continuation
	buf  *[bufSize]byte
	n    int // payload bytes in buf
}

var errWriterClosed = errors.New("websocket: write to a closed message writer")

func (mw *messageWriter) Write(p []byte) (int, error) {
	w := &mw.mw
	if !w.open {
		return 0, errWriterClosed
	}
	if z := mw.compressing(); z != nil {
		return z.Write(p)
	}
	return (*fragmentSink)(mw).Write(p)
}

// fragmentSink is the Conn seen as the writer of its current message's
// frames: what NextWriter's writer sends, compressed or not.
type fragmentSink Conn

func (mw *fragmentSink) Write(p []byte) (int, error) {
	w := &mw.mw
	n := 0
	for len(p) > 0 {
		if w.n == fragmentSize {
			if err := (*messageWriter)(mw).flush(false); err != nil {
				return n, err
			}
		}
		m := copy(w.buf[MaxHeaderLen+w.n:MaxHeaderLen+fragmentSize], p)
		w.n += m
		p = p[m:]
		n += m
	}
	return n, nil
}

// ReadFrom reads r to its end straight into the frame buffer, so io.Copy
// to a message writer needs no buffer of its own.
func (mw *messageWriter) ReadFrom(r io.Reader) (int64, error) {
	w := &mw.mw
	if !w.open {
		return 0, errWriterClosed
	}
	if z := mw.compressing(); z != nil {
		return io.Copy(z, r)
	}
	var total int64
	for {
		if w.n == fragmentSize {
			if err := mw.flush(false); err != nil {
				return total, err
			}
		}
		n, err := r.Read(w.buf[MaxHeaderLen+w.n : MaxHeaderLen+fragmentSize])
		w.n += n
		total += int64(n)
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

func (mw *messageWriter) flush(fin bool) error {
	c, w := (*Conn)(mw), &mw.mw
	c.wmu.Lock()
	err := c.writable()
	if err == nil {
		if w.op != OpContinuation && mw.compressing() != nil {
			c.wrsv = rsv1 // RFC 7692 §6.1: the first frame only
		}
		err = c.sendFrame(fin, w.op, w.buf, w.n)
		c.wrsv = 0
	}
	c.wmu.Unlock()
	w.op = OpContinuation
	w.n = 0
	return err
}

// Close sends the final frame of the message and gives back the buffer.
func (mw *messageWriter) Close() error {
	w := &mw.mw
	if !w.open {
		return nil
	}
	w.open = false
	var err error
	if z := mw.compressing(); z != nil {
		err = z.Close() // the rest of the compressed data, through Write
	}
	if ferr := mw.flush(true); err == nil {
		err = ferr
	}
	if d := (*Conn)(mw).deflate(); d != nil {
		d.endWrite()
	}
	putBuf(w.buf)
	w.buf = nil
	return err
}

// ---- closing ----

// Close runs the closing handshake (RFC 6455 §7): it sends a close frame with
// code and reason, waits up to 5 seconds for the peer's close frame, then
// closes the TCP connection. Use CloseNormal for a normal end. Close is safe
// to call concurrently with a reader, which then returns a CloseError.
func (c *Conn) Close(code CloseCode, reason string) error {
	if code != CloseNoStatus && !code.ValidOnWire() {
		return errors.New("websocket: close code " + code.String() + " may not be sent (RFC 6455 §7.4.1)")
	}
	if len(reason) > maxReason || !utf8.ValidString(reason) {
		return errors.New("websocket: close reason must be valid UTF-8 of at most 123 bytes (RFC 6455 §5.5)")
	}
	if code == CloseNoStatus && reason != "" {
		return errors.New("websocket: a close reason needs a close code")
	}
	err := c.writeClose(code, reason)
	if err == ErrCloseSent {
		err = nil
	}
	// Wait for the peer's close frame. If no goroutine is reading, read
	// here; if one is, it will see the close frame and wake us.
	deadline := time.Now().Add(closeTimeout)
	for {
		c.cmu.Lock()
		if c.readDone {
			c.cmu.Unlock()
			break
		}
		x := c.extras()
		if x.readDoneCh == nil {
			x.readDoneCh = make(chan struct{})
		}
		ch := x.readDoneCh
		c.cmu.Unlock()
		if c.readMu.TryLock() {
			if c.inMessage {
				// The application is streaming a message: leave the
				// reading to it.
				c.readMu.Unlock()
			} else {
				// Read up to the peer's close frame, keeping the messages
				// that arrive first (up to maxPending bytes) for the
				// application's next reads.
				c.conn.SetReadDeadline(deadline)
				for c.readErr == nil {
					if c.nextMessage() != nil {
						break
					}
					mt, b, err := c.appendMessage(nil)
					if err != nil {
						break
					}
					if x.pendingN+len(b) <= maxPending {
						x.pending = append(x.pending, pendingMessage{mt, b})
						x.pendingN += len(b)
					}
				}
				c.readMu.Unlock()
				break
			}
		}
		// A reader holds the lock. Wait for it to see the close frame, but
		// look again shortly in case it stopped reading.
		wait := min(10*time.Millisecond, time.Until(deadline))
		if wait <= 0 {
			break
		}
		t := time.NewTimer(wait)
		select {
		case <-ch:
		case <-t.C:
		}
		t.Stop()
	}
	c.closeTCP()
	return err
}

// CloseNow closes the TCP connection without a close handshake. Frames
// that automatic corking gathered are sent first if the write lock is free
// and the write completes within 100 ms; frames corked by SetWriteCork are
// dropped.
func (c *Conn) CloseNow() error {
	c.tcpOnce.Do(func() {})
	if c.corkHeld.Load() && c.wmu.TryLock() {
		if k := c.cork; k != nil && k.n > 0 && !k.on {
			c.conn.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
			c.writeCorked(nil)
		}
		c.wmu.Unlock()
	}
	return c.conn.Close()
}
