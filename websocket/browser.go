package websocket

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// A ReadyState is the state of a Socket, with the values of the browser's
// WebSocket.readyState (WHATWG WebSockets §4).
type ReadyState int32

// The four states, in the order a connection moves through them.
const (
	Connecting ReadyState = 0 // CONNECTING: the opening handshake is under way
	Open       ReadyState = 1 // OPEN: messages can be sent and received
	Closing    ReadyState = 2 // CLOSING: the closing handshake has started
	Closed     ReadyState = 3 // CLOSED: the connection is closed or could not open
)

func (s ReadyState) String() string {
	switch s {
	case Connecting:
		return "CONNECTING"
	case Open:
		return "OPEN"
	case Closing:
		return "CLOSING"
	case Closed:
		return "CLOSED"
	}
	return "ReadyState(?)"
}

// A MessageEvent is a received message, like the browser's MessageEvent:
// Data holds the payload; Text tells whether it was a text message.
type MessageEvent struct {
	Data []byte
	Text bool
}

// A CloseEvent reports the end of a Socket, like the browser's CloseEvent.
// WasClean is true when the closing handshake completed; otherwise Code is
// 1006 (abnormal closure).
type CloseEvent struct {
	Code     CloseCode
	Reason   string
	WasClean bool
}

// SocketHandlers are the event handlers of a Socket, the onopen, onmessage,
// onerror and onclose of the browser API. Each may be nil and receives the
// Socket, as a JavaScript handler receives it as `this`. They run one at a
// time, in order, on the Socket's event goroutine — like a page's event
// loop — so a handler may call Send and Close but should not block.
type SocketHandlers struct {
	OnOpen    func(s *Socket)
	OnMessage func(s *Socket, e MessageEvent)
	OnError   func(s *Socket, err error)
	OnClose   func(s *Socket, e CloseEvent)
}

// A Socket is a client connection with the shape of the browser's WebSocket
// object, so a lesson can show one state machine in Go and in JavaScript:
//
//	JavaScript                          Go
//	ws = new WebSocket(url, ["chat"])   s := websocket.NewSocket(url, h, "chat")
//	ws.readyState                       s.ReadyState()
//	ws.bufferedAmount                   s.BufferedAmount()
//	ws.send("hi")                       s.Send("hi")
//	ws.close(1000, "bye")               s.Close(1000, "bye")
//	ws.onmessage = e => ...             SocketHandlers{OnMessage: func(s *Socket, e MessageEvent) {...}}
type Socket struct {
	url      string
	h        SocketHandlers
	dialer   Dialer
	state    atomic.Int32
	buffered atomic.Int64
	proto    atomic.Pointer[string]

	mu      sync.Mutex
	conn    *Conn
	queue   chan outgoing // messages and the close request, in order
	events  chan func()
	cancel  context.CancelFunc
	closing sync.Once
	done    chan struct{}
}

type outgoing struct {
	data  []byte
	mt    MessageType
	close bool
	code  CloseCode
	why   string
}

// NewSocket starts connecting to url, offering protocols, and returns at
// once with ReadyState Connecting, as `new WebSocket(url, protocols)` does.
func NewSocket(url string, h SocketHandlers, protocols ...string) *Socket {
	return NewSocketDialer(url, h, Dialer{Subprotocols: protocols})
}

// NewSocketDialer is NewSocket with a configured Dialer (origin header, TLS,
// read limit).
//
// As in a browser, a Socket waits while another to the same host:port is
// CONNECTING (RFC 6455 §4.1 item 2): Sockets whose Dialer has no Gate share
// one for the process, as a page's WebSocket objects share the browser's.
func NewSocketDialer(url string, h SocketHandlers, d Dialer) *Socket {
	if d.Gate == nil {
		d.Gate = socketGate
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Socket{
		url:    url,
		h:      h,
		dialer: d,
		queue:  make(chan outgoing, 64),
		events: make(chan func(), 64),
		cancel: cancel,
		done:   make(chan struct{}),
	}
	go s.dispatch()
	go s.run(ctx)
	return s
}

// URL returns the URL the Socket was created with.
func (s *Socket) URL() string { return s.url }

// ReadyState returns the current state.
func (s *Socket) ReadyState() ReadyState { return ReadyState(s.state.Load()) }

// BufferedAmount returns the bytes queued by Send and not yet written to
// the network (WHATWG: bufferedAmount).
func (s *Socket) BufferedAmount() int64 { return s.buffered.Load() }

// Protocol returns the subprotocol the server chose, once open.
func (s *Socket) Protocol() string {
	if p := s.proto.Load(); p != nil {
		return *p
	}
	return ""
}

// Done is closed after the close event has been delivered.
func (s *Socket) Done() <-chan struct{} { return s.done }

// ErrInvalidState is returned by Send while the Socket is still connecting,
// where the browser throws an InvalidStateError.
var ErrInvalidState = errors.New("websocket: InvalidStateError: the socket is still CONNECTING")

// Send queues a text message. As in the browser, sending on a closing or
// closed socket is not an error: the data is dropped.
func (s *Socket) Send(text string) error { return s.send(TextMessage, []byte(text)) }

// SendBinary queues a binary message.
func (s *Socket) SendBinary(data []byte) error {
	return s.send(BinaryMessage, append([]byte(nil), data...))
}

func (s *Socket) send(mt MessageType, data []byte) error {
	switch s.ReadyState() {
	case Connecting:
		return ErrInvalidState
	case Closing, Closed:
		return nil
	}
	s.buffered.Add(int64(len(data)))
	select {
	case s.queue <- outgoing{data: data, mt: mt}:
	case <-s.done:
	}
	return nil
}

// Close starts the closing handshake. As in the browser, code must be 1000
// or 3000-4999 (or 0 for none) and reason at most 123 bytes of UTF-8.
func (s *Socket) Close(code CloseCode, reason string) error {
	if code != 0 && code != CloseNormal && (code < 3000 || code > 4999) {
		return errors.New("websocket: InvalidAccessError: close code must be 1000 or 3000-4999")
	}
	if len(reason) > maxReason || !utf8.ValidString(reason) {
		return errors.New("websocket: SyntaxError: close reason must be at most 123 bytes of UTF-8")
	}
	if code == 0 {
		code = CloseNoStatus
		if reason != "" {
			code = CloseNormal
		}
	}
	switch s.ReadyState() {
	case Closing, Closed:
		return nil
	case Connecting:
		// Fail the connection: the dial is abandoned.
		s.state.Store(int32(Closing))
		s.cancel()
		return nil
	}
	s.state.Store(int32(Closing))
	s.closing.Do(func() {
		select {
		case s.queue <- outgoing{close: true, code: code, why: reason}:
		case <-s.done:
		}
	})
	return nil
}

func (s *Socket) emit(f func()) { s.events <- f }

// dispatch runs event handlers one at a time, in order.
func (s *Socket) dispatch() {
	for f := range s.events {
		f()
	}
	close(s.done)
}

func (s *Socket) run(ctx context.Context) {
	defer close(s.events)
	c, _, err := s.dialer.Dial(ctx, s.url)
	if err != nil {
		s.state.Store(int32(Closed))
		s.emit(func() {
			if s.h.OnError != nil {
				s.h.OnError(s, err)
			}
			if s.h.OnClose != nil {
				s.h.OnClose(s, CloseEvent{Code: CloseAbnormal})
			}
		})
		return
	}
	p := c.Subprotocol()
	s.proto.Store(&p)
	if !s.state.CompareAndSwap(int32(Connecting), int32(Open)) {
		// Closed while connecting.
		c.CloseNow()
		s.state.Store(int32(Closed))
		s.emit(func() {
			if s.h.OnClose != nil {
				s.h.OnClose(s, CloseEvent{Code: CloseAbnormal})
			}
		})
		return
	}
	s.emit(func() {
		if s.h.OnOpen != nil {
			s.h.OnOpen(s)
		}
	})
	writerDone := make(chan struct{})
	go s.write(c, writerDone)
	var ev CloseEvent
	for {
		mt, data, err := c.ReadMessage()
		if err != nil {
			var ce *CloseError
			if errors.As(err, &ce) && ce.Code != CloseAbnormal {
				ev = CloseEvent{Code: ce.Code, Reason: ce.Reason, WasClean: true}
			} else {
				ev = CloseEvent{Code: CloseAbnormal}
				s.emit(func() {
					if s.h.OnError != nil {
						s.h.OnError(s, err)
					}
				})
			}
			break
		}
		s.emit(func() {
			if s.h.OnMessage != nil {
				s.h.OnMessage(s, MessageEvent{Data: data, Text: mt == TextMessage})
			}
		})
	}
	c.CloseNow()
	close(writerDone)
	// As in the browser, the state becomes CLOSED in the same task that
	// fires the close event, so handlers never see it change under them.
	s.emit(func() {
		s.state.Store(int32(Closed))
		if s.h.OnClose != nil {
			s.h.OnClose(s, ev)
		}
	})
}

// write sends queued messages in order until the close request or the end
// of the connection.
func (s *Socket) write(c *Conn, done <-chan struct{}) {
	for {
		select {
		case <-done:
			return
		case o := <-s.queue:
			if o.close {
				c.Close(o.code, o.why)
				return
			}
			err := c.WriteMessage(o.mt, o.data)
			s.buffered.Add(-int64(len(o.data)))
			if err != nil {
				return
			}
		}
	}
}
