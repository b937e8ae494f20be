package diagram

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"sync"
)

// A Tap records what a program does with its TCP connections into a
// Recorder, as events between two actors: Local, the side the tapped
// connection belongs to, and Remote, the other end.
//
// Wrap both ends — the client's dial with Dial or DialFunc, the server's
// listener with Listen — and the diagram shows each side's writes as they
// left it: a read's size depends on timing, a write's on the program. Each
// event is recorded just before the call that makes it happen, so an
// answer is never recorded before its question.
type Tap struct {
	Rec           *Recorder
	Local, Remote int
	// Label names a write from its bytes; nil uses the first line.
	Label func(b []byte) string
}

// FirstLine names a write by its first line, cut at 40 cells: the request
// or status line of an HTTP message.
func FirstLine(b []byte) string {
	if i := bytes.IndexAny(b, "\r\n"); i >= 0 {
		b = b[:i]
	}
	return truncate(string(b), 40)
}

// A Conn is a net.Conn whose writes and close are recorded.
type Conn struct {
	net.Conn
	tap    Tap
	remote func() int
	once   sync.Once
}

// Conn records what crosses c from tap.Local's side.
func (t Tap) Conn(c net.Conn) *Conn {
	return &Conn{Conn: c, tap: t, remote: func() int { return t.Remote }}
}

// Dial connects to addr over TCP and records the connect (TCP's three-way
// handshake, done when Dial returns) from Local to Remote, with label. The
// connection's local address is remembered, so that a Listen tap on the
// server knows which actor each accepted connection belongs to.
func (t Tap) Dial(ctx context.Context, addr, label string) (*Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	t.Rec.Open(t.Local, t.Remote, label)
	t.Rec.mu.Lock()
	if t.Rec.peers == nil {
		t.Rec.peers = map[string]int{}
	}
	t.Rec.peers[c.LocalAddr().String()] = t.Local
	t.Rec.mu.Unlock()
	return t.Conn(c), nil
}

// DialFunc is Dial in the shape that websocket.Dialer.NetDial and
// polling.Client.Dial take.
func (t Tap) DialFunc(label string) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, _, addr string) (net.Conn, error) {
		return t.Dial(ctx, addr, label)
	}
}

// Listen wraps ln so that every connection it accepts records its writes
// and close from Local, the server, to the actor that dialled it through
// a Tap on the same Recorder (Remote when none did).
func (t Tap) Listen(ln net.Listener) net.Listener { return &listener{Listener: ln, tap: t} }

type listener struct {
	net.Listener
	tap Tap
}

func (l *listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	t := l.tap
	from := c.RemoteAddr().String()
	// Looked up at the first write, not now: the client records its
	// address when its Dial returns, which may be after this Accept.
	remote := func() int {
		t.Rec.mu.Lock()
		defer t.Rec.mu.Unlock()
		if a, ok := t.Rec.peers[from]; ok {
			return a
		}
		return t.Remote
	}
	return &Conn{Conn: c, tap: t, remote: remote}, nil
}

func (c *Conn) label(b []byte) string {
	if c.tap.Label != nil {
		return c.tap.Label(b)
	}
	return FirstLine(b)
}

// Write records b as a message and writes it.
func (c *Conn) Write(b []byte) (int, error) {
	if len(b) > 0 {
		c.tap.Rec.Record(c.tap.Local, c.remote(), c.label(b), len(b))
	}
	return c.Conn.Write(b)
}

// Close records the close (TCP's FIN, once) and closes the connection.
func (c *Conn) Close() error {
	c.once.Do(func() { c.tap.Rec.Close(c.tap.Local, c.remote(), "FIN") })
	return c.Conn.Close()
}

// CloseWrite records and sends a FIN while reading on (TCP's half-close);
// the connection must be a *net.TCPConn.
func (c *Conn) CloseWrite() error {
	cw, ok := c.Conn.(interface{ CloseWrite() error })
	if !ok {
		return fmt.Errorf("diagram: CloseWrite (a TCP half-close) needs a TCP connection, not a %T", c.Conn)
	}
	c.once.Do(func() { c.tap.Rec.Close(c.tap.Local, c.remote(), "FIN") })
	return cw.CloseWrite()
}
