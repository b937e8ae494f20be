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
// write (NextWriter, WriteMessage) at the same time. WriteControl, Ping and
// Close may be called from any goroutine, concurrently with the rest.
//
// A Conn answers pings with pongs and echoes a received close frame on its
// own, while the application reads. As RFC 6455 §7.1.1 asks, a server closes
// the TCP connection first; a client waits briefly for the server to do so.
type Conn struct {
	conn     net.Conn
	br       *bufio.Reader
	isServer bool
	proto    string
	exts     string
	rsvOK    byte // RSV bits a negotiated extension allows

	// Read side: owned by the reading goroutine (readMu).
	readMu     sync.Mutex
	readLimit  int64
	frame      FrameHeader // current data frame
	left       int64       // payload bytes left in it
	pos        int         // masking position within it
	msgType    MessageType
	inMessage  bool // reading a message; more frames may follow
	final      bool // the current frame is the message's last
	size       int64
	utf8       utf8Validator
	readErr    error
	gen        uint64
	mr         messageReader
	pending    []pendingMessage // read by Close, not yet by the application
	pendingN   int
	ctrl       [125]byte
	pongFn     func([]byte)
	pingFn     func([]byte)
	frameFn    func(FrameEvent)
	cmu        sync.Mutex
	readDone   bool          // the read side ended: close received or failure
	readDoneCh chan struct{} // made by Close when it must wait for readDone
	closeFrame *CloseError   // the peer's close, once received

	// Write side.
	dlMu          sync.Mutex
	writeDeadline time.Time // set by SetWriteDeadline, restored after control writes
	wmu           sync.Mutex
	closeSent     bool // guarded by wmu
	writeErr      error
	wbuf          []byte // data frames, lazily allocated
	cbuf          [MaxHeaderLen + 125]byte
	keys          [64]byte
	keyPos        int
	mw            messageWriter
	tcpOnce       sync.Once
}

// newConn wraps an upgraded connection. br holds any bytes that arrived
// after the handshake; it may be nil.
func newConn(c net.Conn, br *bufio.Reader, isServer bool, proto, exts string) *Conn {
	if br == nil {
		br = bufio.NewReaderSize(c, 4096)
	}
	ws := &Conn{
		conn:      c,
		br:        br,
		isServer:  isServer,
		proto:     proto,
		exts:      exts,
		readLimit: DefaultReadLimit,
		keyPos:    64,
	}
	ws.mr.c = ws
	ws.mw.c = ws
	return ws
}

// NewConn makes a Conn from a connection whose opening handshake already
// happened elsewhere (tests, custom transports). isServer decides the
// masking direction.
func NewConn(c net.Conn, br *bufio.Reader, isServer bool) *Conn {
	return newConn(c, br, isServer, "", "")
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
func (c *Conn) SetPongHandler(f func(payload []byte)) { c.pongFn = f }

// SetPingHandler sets a function called with each ping's payload, after the
// automatic pong is sent.
func (c *Conn) SetPingHandler(f func(payload []byte)) { c.pingFn = f }

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
func (c *Conn) SetFrameHook(f func(FrameEvent)) { c.frameFn = f }

// ---- reading ----

func (c *Conn) lockRead()   { c.readMu.Lock() }
func (c *Conn) unlockRead() { c.readMu.Unlock() }

// endRead records that the read side is over and wakes a waiting Close.
func (c *Conn) endRead() {
	c.cmu.Lock()
	c.readDone = true
	if c.readDoneCh != nil {
		close(c.readDoneCh)
		c.readDoneCh = nil
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
	if err := c.nextMessage(); err != nil {
		return 0, nil, err
	}
	c.mr.gen = c.gen
	return c.msgType, &c.mr, nil
}

// nextMessage discards what is left of the current message and reads up to
// the first frame of the next one. The caller holds the read lock.
func (c *Conn) nextMessage() error {
	c.gen++
	for c.readErr == nil && c.inMessage {
		if _, err := c.readPayload(c.ctrl[:]); err != nil && err != io.EOF {
			break
		}
	}
	if c.readErr != nil {
		return c.readErr
	}
	return c.nextDataFrame()
}

// ReadMessage reads the next whole data message.
func (c *Conn) ReadMessage() (MessageType, []byte, error) {
	c.lockRead()
	defer c.unlockRead()
	if m, ok := c.popPending(); ok {
		c.gen++
		return m.mt, m.data, nil
	}
	if err := c.nextMessage(); err != nil {
		return 0, nil, err
	}
	return c.readWhole()
}

// readWhole reads the rest of the current message. The caller holds the
// read lock.
func (c *Conn) readWhole() (MessageType, []byte, error) {
	mt := c.msgType
	var b []byte
	if c.final && c.left < 1<<20 {
		b = make([]byte, 0, c.left) // the common case: one frame, known size
	}
	for {
		if len(b) == cap(b) && !(c.left == 0 && c.final) {
			// Grow by what is left of this frame, or by doubling.
			b = slices.Grow(b, max(int(min(c.left, 1<<20)), len(b), 512))
		}
		n, err := c.readPayload(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
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
	if len(c.pending) == 0 {
		return pendingMessage{}, false
	}
	m := c.pending[0]
	c.pending = c.pending[1:]
	return m, true
}

type messageReader struct {
	c   *Conn
	gen uint64
}

func (r *messageReader) Read(p []byte) (int, error) {
	c := r.c
	c.lockRead()
	defer c.unlockRead()
	if r.gen != c.gen {
		return 0, errStaleReader
	}
	return c.readPayload(p)
}

// readPayload reads message bytes into p, crossing frame boundaries. It
// returns io.EOF at the end of the message.
func (c *Conn) readPayload(p []byte) (int, error) {
	if c.readErr != nil {
		return 0, c.readErr
	}
	for c.left == 0 {
		if !c.inMessage {
			return 0, io.EOF
		}
		if c.final {
			c.inMessage = false
			if c.msgType == TextMessage && !c.utf8.complete() {
				return 0, c.fail(frameErr(CloseInvalidPayload, 0, "§8.1", "text message ends inside a UTF-8 sequence"))
			}
			return 0, io.EOF
		}
		if err := c.nextDataFrame(); err != nil {
			return 0, err
		}
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	if len(p) == 0 {
		return 0, nil
	}
	n, err := c.br.Read(p)
	if n > 0 {
		if c.frame.Masked {
			c.pos = Mask(c.frame.Key, c.pos, p[:n])
		}
		c.left -= int64(n)
		if c.msgType == TextMessage && !c.utf8.write(p[:n]) {
			// Fail fast: no need to wait for the end of the message.
			return 0, c.fail(frameErr(CloseInvalidPayload, 0, "§8.1", "text message is not valid UTF-8"))
		}
	}
	if err != nil {
		return n, c.abnormal(err)
	}
	return n, nil
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
		}
		c.size += h.Length
		if c.readLimit > 0 && c.size > c.readLimit {
			return c.fail(&CloseError{Code: CloseMessageTooBig, Reason: "message exceeds the read limit"})
		}
		c.frame, c.left, c.pos, c.final = h, h.Length, 0, h.Fin
		return nil
	}
}

// readFrameHeader reads and checks one frame header from the buffer without
// allocating.
func (c *Conn) readFrameHeader() (FrameHeader, error) {
	b, err := c.br.Peek(2)
	if err != nil {
		return FrameHeader{}, c.abnormal(err)
	}
	n := headerLen(b[1])
	if b, err = c.br.Peek(n); err != nil {
		return FrameHeader{}, c.abnormal(err)
	}
	h, _, ferr := parseHeader(b)
	c.br.Discard(n)
	if ferr != nil {
		return h, c.fail(ferr)
	}
	if c.frameFn != nil && !h.Opcode.IsControl() {
		c.frameFn(FrameEvent{Incoming: true, Header: h})
	}
	if h.Rsv&^c.rsvOK != 0 {
		return h, c.fail(frameErr(CloseProtocolError, 0, "§5.2", "RSV bits 0x%x set but no extension was negotiated", h.Rsv))
	}
	if c.isServer && !h.Masked {
		return h, c.fail(frameErr(CloseProtocolError, 1, "§5.1", "unmasked frame from a client (clients MUST mask)"))
	}
	if !c.isServer && h.Masked {
		return h, c.fail(frameErr(CloseProtocolError, 1, "§5.1", "masked frame from a server (servers MUST NOT mask)"))
	}
	return h, nil
}

func (c *Conn) handleControl(h FrameHeader) error {
	p := c.ctrl[:h.Length]
	if _, err := io.ReadFull(c.br, p); err != nil {
		return c.abnormal(err)
	}
	if h.Masked {
		Mask(h.Key, 0, p)
	}
	if c.frameFn != nil {
		c.frameFn(FrameEvent{Incoming: true, Header: h, Payload: p})
	}
	switch h.Opcode {
	case OpPing:
		// RFC 6455 §5.5.2: answer with a pong carrying the same data.
		if err := c.WriteControl(OpPong, p, time.Now().Add(closeTimeout)); err != nil && err != ErrCloseSent {
			return c.abnormal(err)
		}
		if c.pingFn != nil {
			c.pingFn(p)
		}
	case OpPong:
		if c.pongFn != nil {
			c.pongFn(p)
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
			c.conn.SetReadDeadline(time.Now().Add(time.Second))
			io.Copy(io.Discard, c.br)
		}
		c.conn.Close()
	})
}

// ---- writing ----

// maskKey returns a fresh masking key from crypto/rand (RFC 6455 §5.3: keys
// must be unpredictable), drawn from a per-connection batch.
func (c *Conn) maskKey() (k [4]byte) {
	if c.keyPos+4 > len(c.keys) {
		rand.Read(c.keys[:])
		c.keyPos = 0
	}
	copy(k[:], c.keys[c.keyPos:])
	c.keyPos += 4
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
	b := AppendFrameHeader(c.cbuf[:0], h)
	start := len(b)
	b = append(b, p...)
	if h.Masked {
		Mask(h.Key, 0, b[start:])
	}
	if c.frameFn != nil {
		c.frameFn(FrameEvent{Header: h, Payload: p})
	}
	if !deadline.IsZero() {
		c.conn.SetWriteDeadline(deadline)
		defer func() {
			c.dlMu.Lock()
			c.conn.SetWriteDeadline(c.writeDeadline)
			c.dlMu.Unlock()
		}()
	}
	_, err := c.conn.Write(b)
	if err != nil && c.writeErr == nil {
		c.writeErr = err
	}
	return err
}

// Ping sends a ping with payload p.
func (c *Conn) Ping(p []byte) error { return c.WriteControl(OpPing, p, time.Time{}) }

func (c *Conn) writeClose(code CloseCode, reason string) error {
	return c.WriteControl(OpClose, FormatClose(code, reason), time.Now().Add(closeTimeout))
}

// WriteMessage writes data as one message in a single frame.
func (c *Conn) WriteMessage(mt MessageType, data []byte) error {
	if mt != TextMessage && mt != BinaryMessage {
		return errors.New("websocket: WriteMessage needs TextMessage or BinaryMessage")
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.writeFrame(true, Opcode(mt), data)
}

// writeFrame writes one data frame; the caller holds wmu.
func (c *Conn) writeFrame(fin bool, op Opcode, data []byte) error {
	if c.closeSent {
		return ErrCloseSent
	}
	if c.writeErr != nil {
		return c.writeErr
	}
	h := FrameHeader{Fin: fin, Opcode: op, Length: int64(len(data))}
	if !c.isServer {
		h.Masked, h.Key = true, c.maskKey()
	}
	if c.wbuf == nil {
		c.wbuf = make([]byte, 0, writeBufSize+MaxHeaderLen)
	}
	if c.frameFn != nil {
		c.frameFn(FrameEvent{Header: h})
	}
	b := AppendFrameHeader(c.wbuf[:0], h)
	var err error
	switch {
	case len(b)+len(data) <= cap(c.wbuf):
		start := len(b)
		b = append(b, data...)
		if h.Masked {
			Mask(h.Key, 0, b[start:])
		}
		_, err = c.conn.Write(b)
	case !h.Masked:
		bufs := net.Buffers{b, data}
		_, err = bufs.WriteTo(c.conn)
	default:
		// Mask a copy, a buffer at a time: the caller's data is not ours
		// to change.
		pos := 0
		for len(data) > 0 && err == nil {
			n := min(len(data), cap(b)-len(b))
			start := len(b)
			b = append(b, data[:n]...)
			pos = Mask(h.Key, pos, b[start:])
			_, err = c.conn.Write(b)
			b, data = c.wbuf[:0], data[n:]
		}
	}
	if err != nil {
		c.writeErr = err
	}
	return err
}

const writeBufSize = 4096

// NextWriter returns a writer for a message of type mt. Writes are buffered
// and sent as frames of up to 4 KiB (fragments, RFC 6455 §5.4); Close sends
// the final frame. Control frames may be sent between the fragments.
func (c *Conn) NextWriter(mt MessageType) (io.WriteCloser, error) {
	if mt != TextMessage && mt != BinaryMessage {
		return nil, errors.New("websocket: NextWriter needs TextMessage or BinaryMessage")
	}
	w := &c.mw
	if w.open {
		return nil, errors.New("websocket: NextWriter called before the previous writer was closed")
	}
	w.open, w.op, w.buf = true, Opcode(mt), w.buf[:0]
	if w.buf == nil {
		w.buf = make([]byte, 0, writeBufSize)
	}
	return w, nil
}

type messageWriter struct {
	c    *Conn
	open bool
	op   Opcode // opcode of the next frame: the type, then continuation
	buf  []byte
}

func (w *messageWriter) Write(p []byte) (int, error) {
	if !w.open {
		return 0, errors.New("websocket: write to a closed message writer")
	}
	n := 0
	for len(p) > 0 {
		if len(w.buf) == cap(w.buf) {
			if err := w.flush(false); err != nil {
				return n, err
			}
		}
		m := copy(w.buf[len(w.buf):cap(w.buf)], p)
		w.buf = w.buf[:len(w.buf)+m]
		p = p[m:]
		n += m
	}
	return n, nil
}

func (w *messageWriter) flush(fin bool) error {
	c := w.c
	c.wmu.Lock()
	err := c.writeFrame(fin, w.op, w.buf)
	c.wmu.Unlock()
	w.op = OpContinuation
	w.buf = w.buf[:0]
	return err
}

// Close sends the final frame of the message.
func (w *messageWriter) Close() error {
	if !w.open {
		return nil
	}
	w.open = false
	return w.flush(true)
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
		if c.readDoneCh == nil {
			c.readDoneCh = make(chan struct{})
		}
		ch := c.readDoneCh
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
					mt, b, err := c.readWhole()
					if err != nil {
						break
					}
					if c.pendingN+len(b) <= maxPending {
						c.pending = append(c.pending, pendingMessage{mt, b})
						c.pendingN += len(b)
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

// CloseNow closes the TCP connection without a close handshake.
func (c *Conn) CloseNow() error {
	c.tcpOnce.Do(func() {})
	return c.conn.Close()
}
