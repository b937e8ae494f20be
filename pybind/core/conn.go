package core

import (
	"context"
	"errors"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/websocket"
)

// A Conn is an open WebSocket connection, client or server side. One Python
// thread may call Recv while another calls Send; Close and Ping are safe
// from any thread.
type Conn struct {
	c    *websocket.Conn
	info []byte // packed handshake details, see Info

	// Reads run on the calling goroutine: handing each message over from a
	// reader goroutine of its own measured slower, because waking the
	// goroutine of a cgo call (locked to the Python thread) is the costly
	// part, and a handover adds a wake-up. Only a read with a timeout runs
	// in a goroutine, whose message, if late, the next read picks up.
	rmu      sync.Mutex
	inflight chan message

	mu     sync.Mutex
	closed *websocket.CloseError // how the connection ended, once known
	srv    *Server               // the server that accepted it, if any
}

type message struct {
	b   []byte // type byte, then payload
	err error
}

func newConn(c *websocket.Conn, info []byte, srv *Server) *Conn {
	return &Conn{c: c, info: info, srv: srv}
}

// next reads the next message, appending to buf, waiting at most
// timeoutMs (0: for ever).
func (c *Conn) next(buf []byte, timeoutMs int) ([]byte, error) {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	if c.inflight == nil {
		if timeoutMs <= 0 {
			return c.recv(buf)
		}
		ch := make(chan message, 1)
		c.inflight = ch
		go func() {
			b, err := c.recv(nil)
			ch <- message{b, err}
		}()
	}
	var timeout <-chan time.Time
	if timeoutMs > 0 {
		t := time.NewTimer(time.Duration(timeoutMs) * time.Millisecond)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case m := <-c.inflight:
		c.inflight = nil
		return m.b, m.err
	case <-timeout:
		return nil, newTagged(KindTimeout, 0, "", "wirelab: no message yet")
	}
}

// Recv returns the next data message: its type byte (1 text, 2 binary)
// followed by the payload. It answers pings and the closing
// handshake on the way. When the connection is over, the error is a closed
// one carrying the close code and reason received (1006 when the TCP
// connection ended without a close frame); a peer that broke the protocol
// gets a protocol error, after the connection was failed with 1002 or 1007.
func (c *Conn) Recv() (out []byte, err error) {
	defer guard(&err)
	return c.next(nil, 0)
}

// recv appends the type byte and the next message to b.
func (c *Conn) recv(b []byte) ([]byte, error) {
	mt, r, err := c.c.NextReader()
	if err != nil {
		return nil, c.ended(err)
	}
	b = append(b, byte(mt))
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, c.ended(err)
		}
	}
	return b, nil
}

// ended records how the connection ended and returns the error to report.
func (c *Conn) ended(err error) error {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		c.mu.Lock()
		if c.closed == nil {
			c.closed = ce
		}
		c.mu.Unlock()
	}
	c.forget()
	return tag(err)
}

// closedErr is the error for a write after the connection ended.
func (c *Conn) closedErr(err error) error {
	c.mu.Lock()
	ce := c.closed
	c.mu.Unlock()
	if ce == nil {
		ce = &websocket.CloseError{Code: websocket.CloseAbnormal, Reason: ""}
	}
	return newTagged(KindClosed, int(ce.Code), ce.Reason, err.Error())
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
		return c.closedErr(err)
	}
	return nil
}

// Ping sends a ping with up to 125 bytes of data; the peer answers with a
// pong, which Recv consumes.
func (c *Conn) Ping(data []byte) (err error) {
	defer guard(&err)
	if len(data) > 125 {
		return valueErr("wirelab: a ping carries at most 125 bytes (RFC 6455 §5.5), not %d", len(data))
	}
	if err := c.c.Ping(data); err != nil {
		return c.closedErr(err)
	}
	return nil
}

// Close runs the closing handshake (RFC 6455 §7) with code and a UTF-8
// reason of at most 123 bytes: it sends a close frame, waits up to 5
// seconds for the peer's, then closes TCP. Closing twice is harmless.
func (c *Conn) Close(code int, reason []byte) (err error) {
	defer guard(&err)
	if code < 0 || code > 0xffff {
		return valueErr("wirelab: close code %d is out of range", code)
	}
	cc := websocket.CloseCode(code)
	if code == 0 {
		cc = websocket.CloseNoStatus
	}
	err = c.c.Close(cc, string(reason))
	if err != nil && (cc != websocket.CloseNoStatus && !cc.ValidOnWire() || len(reason) > 123) {
		return valueErr("%v", err)
	}
	c.mu.Lock()
	if c.closed == nil {
		c.closed = &websocket.CloseError{Code: cc, Reason: string(reason)}
	}
	c.mu.Unlock()
	c.forget()
	return nil
}

// Abort closes the TCP connection at once, without a closing handshake.
func (c *Conn) Abort() (err error) {
	defer guard(&err)
	c.c.CloseNow()
	c.forget()
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

// Dial opens a client connection to a ws:// or wss:// URL (RFC 6455 §4.1).
// subprotocols is a comma-separated list to offer; headers holds extra
// request fields as name \0 value \0 ...; timeoutMs bounds the TCP connect
// and the handshake (0: 10 seconds).
func Dial(url string, subprotocols string, headers []byte, timeoutMs int) (conn *Conn, err error) {
	defer guard(&err)
	h, err := unpackFields(headers)
	if err != nil {
		return nil, err
	}
	d := websocket.Dialer{Subprotocols: splitList(subprotocols), Header: h}
	if timeoutMs > 0 {
		d.HandshakeTimeout = time.Duration(timeoutMs) * time.Millisecond
	}
	c, resp, err := d.Dial(context.Background(), url)
	if err != nil {
		return nil, tag(err)
	}
	return newConn(c, packInfo(c, resp.StatusCode, "GET", url, &h, &resp.Header), nil), nil
}
