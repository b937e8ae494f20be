package core

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/websocket"
)

// A Conn is an open WebSocket connection, client or server side.
//
// A goroutine of its own (readLoop) reads the connection for its whole
// life, whatever Python does: it answers pings, matches pongs to the pings
// sent, handles the closing handshake, and queues data messages, up to
// Options.maxQueue, for Python's Recv calls. When the queue is full it
// stops reading TCP, so a slow consumer pushes back on the peer (as the
// websockets library does). Another goroutine (keepalive) sends a ping
// every pingInterval and fails the connection with 1011 when the pong is
// later than pingTimeout.
//
// One Python thread may call Recv while another calls Send; Close and Ping
// are safe from any thread.
type Conn struct {
	c    *websocket.Conn
	info []byte // packed handshake details, see Info
	srv  *Server
	opts *Options

	queue    chan message  // received data messages
	free     chan []byte   // buffers Python is done with, for readLoop
	readDone chan struct{} // closed when readLoop ended
	closing  chan struct{} // closed when Close began: readLoop drops, not blocks
	stop     sync.Once     // closes closing

	mu           sync.Mutex
	endErr       error                 // why readLoop ended, once readDone is closed
	rcvd, sent   *websocket.CloseError // the close frames received and sent
	rcvdThenSent bool
	pings        []*Ping // sent and not answered yet, oldest first
	latency      time.Duration
}

type message struct {
	mt websocket.MessageType
	b  []byte
}

func newConn(c *websocket.Conn, info []byte, srv *Server, opts *Options) *Conn {
	opts = opts.orDefault()
	cn := &Conn{
		c: c, info: info, srv: srv, opts: opts,
		queue:    make(chan message, opts.maxQueue),
		free:     make(chan []byte, 2),
		readDone: make(chan struct{}),
		closing:  make(chan struct{}),
	}
	c.SetReadLimit(opts.maxSize)
	c.SetPongHandler(cn.pong)
	c.SetFrameHook(cn.frame)
	go cn.readLoop()
	if opts.pingInterval > 0 {
		go cn.keepalive()
	}
	return cn
}

// readLoop reads messages into the queue until the connection ends.
func (c *Conn) readLoop() {
	defer close(c.readDone)
	for {
		var buf []byte
		select {
		case buf = <-c.free:
		default:
		}
		mt, b, err := c.c.ReadMessageTo(buf)
		if err != nil {
			c.mu.Lock()
			c.endErr = err
			c.mu.Unlock()
			c.forget()
			return
		}
		select {
		case c.queue <- message{mt, b}:
		case <-c.closing:
			// Python is closing: what it did not read is dropped, so
			// that the closing handshake is never stuck behind a full
			// queue.
		}
	}
}

// frame records the close frames that cross the connection, for the
// exception Python raises once it is over ("sent 1000 (OK); then received
// 1000 (OK)", as websockets words it).
func (c *Conn) frame(ev websocket.FrameEvent) {
	if ev.Header.Opcode != websocket.OpClose {
		return
	}
	ce := parseClosePayload(ev.Payload)
	c.mu.Lock()
	if ev.Incoming {
		if c.rcvd == nil {
			c.rcvd = ce
		}
	} else if c.sent == nil {
		c.sent = ce
		c.rcvdThenSent = c.rcvd != nil
	}
	c.mu.Unlock()
}

// parseClosePayload reads a close frame's payload (RFC 6455 §5.5.1): a
// 2-byte code then a UTF-8 reason, or nothing (1005, no status). The engine
// validates it after the hook; here it is only read.
func parseClosePayload(p []byte) *websocket.CloseError {
	if len(p) < 2 {
		return &websocket.CloseError{Code: websocket.CloseNoStatus}
	}
	return &websocket.CloseError{Code: websocket.CloseCode(int(p[0])<<8 | int(p[1])), Reason: strings.ToValidUTF8(string(p[2:]), "\uFFFD")}
}

// Statuses of the waiting calls (RecvH, WaitClosed, Ping.Wait, ...),
// returned instead of errors so that a wait that ends without a result
// raises nothing on the Python side: a Ctrl-C arriving while Python
// handled such an exception would show it, chained, in the traceback.
const (
	statusNotYet = -1 // the wait ended without a result; call again
	statusEnded  = -2 // the connection is over; State says how
)

// next returns the next message, waiting at most timeoutMs (0: not at
// all); ok is false when there is none yet, or none will ever come (then
// the read side is over).
func (c *Conn) next(timeoutMs int) (m message, ok bool) {
	select {
	case m = <-c.queue:
		return m, true
	default:
	}
	if timeoutMs <= 0 {
		return m, false
	}
	t := time.NewTimer(time.Duration(timeoutMs) * time.Millisecond)
	defer t.Stop()
	select {
	case m = <-c.queue:
		return m, true
	case <-c.readDone:
		// The last messages may have gone into the queue just before.
		select {
		case m = <-c.queue:
			return m, true
		default:
			return m, false
		}
	case <-t.C:
		return m, false
	}
}

// ended reports whether the read side is over.
func (c *Conn) ended() bool {
	select {
	case <-c.readDone:
		return len(c.queue) == 0
	default:
		return false
	}
}

// Recv returns the next data message: its type byte (1 text, 2 binary)
// followed by the payload, waiting for ever. When the connection is over,
// the error is a closed one (see State for the whole story).
func (c *Conn) Recv() (out []byte, err error) {
	defer guard(&err)
	for {
		if m, ok := c.next(1000); ok {
			return append([]byte{byte(m.mt)}, m.b...), nil
		}
		if c.ended() {
			return nil, c.closedErr()
		}
	}
}

// closedErr is the tagged error for a call on a connection that is over.
func (c *Conn) closedErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	code, reason := websocket.CloseAbnormal, ""
	if c.rcvd != nil {
		code, reason = c.rcvd.Code, c.rcvd.Reason
	}
	return newTagged(KindClosed, int(code), reason, "wirelab: the connection is closed")
}

// State returns how the connection stands, as JSON:
//
//	{"ended": true, "rcvd": {"code": 1000, "reason": "bye"}, "sent": {"code": 1000, "reason": ""},
//	 "rcvd_then_sent": true, "error": "", "error_code": 0, "latency": 0.0012}
//
// rcvd and sent are the close frames received and sent (null when none);
// error is set when the connection failed: a protocol error from the peer,
// with error_code the close code sent for it (1002, 1007, 1009), or a
// transport error. latency is the last ping's round trip, in seconds.
func (c *Conn) State() (out []byte, err error) {
	defer guard(&err)
	type closeFrame struct {
		Code   int    `json:"code"`
		Reason string `json:"reason"`
	}
	var st struct {
		Ended        bool        `json:"ended"`
		Rcvd         *closeFrame `json:"rcvd"`
		Sent         *closeFrame `json:"sent"`
		RcvdThenSent bool        `json:"rcvd_then_sent"`
		Error        string      `json:"error"`
		ErrorCode    int         `json:"error_code"`
		Latency      float64     `json:"latency"`
	}
	st.Ended = c.ended()
	c.mu.Lock()
	if c.rcvd != nil {
		st.Rcvd = &closeFrame{int(c.rcvd.Code), c.rcvd.Reason}
	}
	if c.sent != nil {
		st.Sent = &closeFrame{int(c.sent.Code), c.sent.Reason}
	}
	st.RcvdThenSent = c.rcvdThenSent
	st.Latency = c.latency.Seconds()
	endErr := c.endErr
	c.mu.Unlock()
	var fe *websocket.FrameError
	var ce *websocket.CloseError
	switch {
	case endErr == nil:
	case errors.As(endErr, &fe):
		st.Error, st.ErrorCode = clean(fe.Error()), int(fe.Code)
	case errors.As(endErr, &ce):
		if st.Rcvd == nil && ce.Code != websocket.CloseAbnormal {
			// The engine failed the connection itself (1009: a
			// message over max_size).
			st.Error, st.ErrorCode = clean(ce.Reason), int(ce.Code)
		}
	case !errors.Is(endErr, net.ErrClosed) && !errors.Is(endErr, io.EOF):
		st.Error = clean(endErr.Error())
	}
	return json.Marshal(st)
}

// Send writes one message in a single frame: text (opcode 1, data must be
// UTF-8) or binary (opcode 2).
func (c *Conn) Send(data []byte, opcode int) (err error) {
	defer guard(&err)
	var mt websocket.MessageType
	switch opcode {
	case 1:
		mt = websocket.TextMessage
	case 2:
		mt = websocket.BinaryMessage
	default:
		return valueErr("wirelab: a message is text (1) or binary (2), not opcode %d", opcode)
	}
	if err := c.c.WriteMessage(mt, data); err != nil {
		if errors.Is(err, websocket.ErrCloseSent) || c.ended() {
			return c.closedErr()
		}
		return newTagged(KindClosed, int(websocket.CloseAbnormal), "", err.Error())
	}
	return nil
}

// Close runs the closing handshake (RFC 6455 §7) with code and a UTF-8
// reason of at most 123 bytes: it sends a close frame and returns. The
// peer's close frame, which ends readLoop, is awaited by WaitClosed; after
// close_timeout without it, TCP is closed anyway. Closing twice is
// harmless.
func (c *Conn) Close(code int, reason []byte) (err error) {
	defer guard(&err)
	if code < 0 || code > 0xffff {
		return valueErr("wirelab: close code %d is out of range (RFC 6455 §7.4)", code)
	}
	cc := websocket.CloseCode(code)
	if code == 0 {
		cc = websocket.CloseNoStatus
	}
	switch {
	case cc != websocket.CloseNoStatus && !cc.ValidOnWire():
		return valueErr("wirelab: close code %d may not be sent (RFC 6455 §7.4.1)", code)
	case len(reason) > 123 || !utf8.Valid(reason):
		return valueErr("wirelab: a close reason is valid UTF-8 of at most 123 bytes (RFC 6455 §5.5), not %d bytes", len(reason))
	case cc == websocket.CloseNoStatus && len(reason) > 0:
		return valueErr("wirelab: a close reason needs a close code")
	}
	c.startClose(cc, string(reason), false)
	return nil
}

// startClose sends a close frame, then closes TCP once readLoop saw the
// peer's (the engine does) or after close_timeout; at once if now is set
// (failing the connection, RFC 6455 §7.1.7).
func (c *Conn) startClose(cc websocket.CloseCode, reason string, now bool) {
	c.stop.Do(func() { close(c.closing) })
	werr := c.c.WriteControl(websocket.OpClose, websocket.FormatClose(cc, reason), time.Now().Add(c.writeWait()))
	if now || werr != nil && !errors.Is(werr, websocket.ErrCloseSent) {
		c.c.CloseNow()
		return
	}
	if c.opts.closeTimeout <= 0 {
		return
	}
	go func() {
		t := time.NewTimer(c.opts.closeTimeout)
		defer t.Stop()
		select {
		case <-c.readDone:
		case <-t.C:
			c.c.CloseNow()
		}
	}()
}

// writeWait bounds writing a control frame to a peer that does not read.
func (c *Conn) writeWait() time.Duration {
	if c.opts.closeTimeout > 0 {
		return c.opts.closeTimeout
	}
	return 10 * time.Second
}

// WaitClosed waits up to timeoutMs for the connection to be over (the
// closing handshake done, or TCP gone): 1 when it is, statusNotYet if not.
func (c *Conn) WaitClosed(timeoutMs int) int { return waitFor(c.readDone, timeoutMs) }

// waitFor waits up to timeoutMs for ch to be closed: 1 when it is,
// statusNotYet if not.
func waitFor(ch <-chan struct{}, timeoutMs int) int {
	select {
	case <-ch:
		return 1
	default:
	}
	t := time.NewTimer(time.Duration(max(timeoutMs, 0)) * time.Millisecond)
	defer t.Stop()
	select {
	case <-ch:
		return 1
	case <-t.C:
		return statusNotYet
	}
}

// Abort closes the TCP connection at once, without a closing handshake.
func (c *Conn) Abort() (err error) {
	defer guard(&err)
	c.stop.Do(func() { close(c.closing) })
	c.c.CloseNow()
	return nil
}

func (c *Conn) forget() {
	if c.srv != nil {
		c.srv.forget(c)
	}
}

// Info returns the handshake details, packed (see pack.go):
//
//	subprotocol, local address, remote address, status, n_request_fields, request fields..., response fields... ; nothing
//
// For a server connection the request is the client's handshake request and
// the response fields are empty; for a client connection the request fields
// are the ones sent and the response is the server's 101.
func (c *Conn) Info() (out []byte, err error) {
	defer guard(&err)
	return append([]byte(nil), c.info...), nil
}

// Subprotocol returns the subprotocol chosen in the handshake, or "".
func (c *Conn) Subprotocol() string { return c.c.Subprotocol() }

// RemoteAddr returns the peer's address as host:port.
func (c *Conn) RemoteAddr() string { return c.c.RemoteAddr().String() }

// LocalAddr returns the local address as host:port.
func (c *Conn) LocalAddr() string { return c.c.LocalAddr().String() }

// packInfo builds Conn.info.
func packInfo(c *websocket.Conn, status int, method, target string, req, resp *httpcore.Header) []byte {
	ss := []string{c.Subprotocol(), c.LocalAddr().String(), c.RemoteAddr().String(), strconv.Itoa(status), method, target, strconv.Itoa(req.Len())}
	ss = fieldStrings(ss, req)
	if resp != nil {
		ss = fieldStrings(ss, resp)
	}
	return packStrings(nil, ss, nil)
}

// A Dialing is a client connection being opened. Dial runs in a goroutine
// so that Python waits for it in slices (Wait) and Ctrl-C gets through.
type Dialing struct {
	cancel context.CancelFunc
	done   chan struct{}
	conn   *Conn
	err    error
}

// Dial starts opening a client connection to a ws:// or wss:// URL
// (RFC 6455 §4.1). subprotocols is a comma-separated list to offer;
// headers holds extra request fields as name \0 value \0 ...; timeoutMs
// bounds the TCP connect and the handshake (0: 10 seconds); opts (nil:
// the defaults) applies to the connection.
func Dial(url string, subprotocols string, headers []byte, timeoutMs int, opts *Options) (d *Dialing, err error) {
	defer guard(&err)
	h, err := unpackFields(headers)
	if err != nil {
		return nil, err
	}
	dl := websocket.Dialer{Subprotocols: splitList(subprotocols), Header: h}
	if timeoutMs > 0 {
		dl.HandshakeTimeout = time.Duration(timeoutMs) * time.Millisecond
	}
	opts = opts.orDefault()
	ctx, cancel := context.WithCancel(context.Background())
	d = &Dialing{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(d.done)
		defer cancel()
		defer guard(&d.err)
		c, resp, err := dl.Dial(ctx, url)
		if err != nil {
			d.err = tag(err)
			return
		}
		d.conn = newConn(c, packInfo(c, resp.StatusCode, "GET", url, &h, &resp.Header), nil, opts)
	}()
	return d, nil
}

// Wait waits up to timeoutMs for the connection: 1 when Dial is done (Conn
// returns the connection or the error), statusNotYet when not yet.
func (d *Dialing) Wait(timeoutMs int) int { return waitFor(d.done, timeoutMs) }

// Conn returns the connection once Wait returned 1, or why there is none.
func (d *Dialing) Conn() (c *Conn, err error) {
	defer guard(&err)
	select {
	case <-d.done:
	default:
		return nil, valueErr("wirelab: the connection is still being opened")
	}
	return d.conn, d.err
}

// Cancel gives up: a handshake under way stops, and a connection already
// open is closed at once.
func (d *Dialing) Cancel() {
	d.cancel()
	<-d.done
	if d.conn != nil {
		d.conn.Abort()
	}
}
