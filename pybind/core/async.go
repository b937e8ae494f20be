package core

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/wirelab/wirelab/websocket"
)

// A Hub wakes one Python asyncio event loop. It owns a pipe whose read end
// Python registers with loop.add_reader: Go writes a byte when something a
// coroutine may be waiting for happened (a connection queued a message or
// ended, a pong came, a queued send went out, a handshake request or a
// dial is ready), and records which watched object it concerned. Python
// then calls Ready for the ids and retries those objects' non-blocking
// calls. No Python thread ever waits in Go: one byte on the pipe wakes the
// loop for any number of events (further writes are skipped until Ready).
type Hub struct {
	r, w int

	mu       sync.Mutex
	ready    []int
	marked   map[int]bool
	signaled bool
	closed   bool
}

// NewHub opens the hub's pipe (non-blocking, close-on-exec).
func NewHub() (h *Hub, err error) {
	defer guard(&err)
	var p [2]int
	if err := syscall.Pipe2(p[:], syscall.O_NONBLOCK|syscall.O_CLOEXEC); err != nil {
		return nil, tag(err)
	}
	return &Hub{r: p[0], w: p[1], marked: map[int]bool{}}, nil
}

// Fd returns the file descriptor Python watches for reading.
func (h *Hub) Fd() int { return h.r }

// notify marks id ready and wakes the loop unless it was woken already.
func (h *Hub) notify(id int) {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	if !h.marked[id] {
		h.marked[id] = true
		h.ready = append(h.ready, id)
	}
	if !h.signaled {
		// Under the lock, so that Close cannot close the descriptor (and
		// the process reuse its number) in between. The pipe holds at most
		// one unread byte per Ready, so the write never blocks.
		h.signaled = true
		syscall.Write(h.w, []byte{1})
	}
	h.mu.Unlock()
}

// Ready empties the pipe and returns the ids notified since the last call,
// comma-separated ("" when none: a wake-up can outrun its ids).
func (h *Hub) Ready() string {
	var buf [64]byte
	h.mu.Lock()
	defer h.mu.Unlock()
	for {
		n, err := syscall.Read(h.r, buf[:])
		if n <= 0 || err != nil {
			break
		}
	}
	h.signaled = false
	if len(h.ready) == 0 {
		return ""
	}
	var sb strings.Builder
	for i, id := range h.ready {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(strconv.Itoa(id))
		delete(h.marked, id)
	}
	h.ready = h.ready[:0]
	return sb.String()
}

// Close closes the pipe; later notifications are dropped.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.closed = true
	syscall.Close(h.r)
	syscall.Close(h.w)
}

// errNoHub: a Watch call without a hub (Python passed None).
var errNoHub = valueErr("wirelab: Watch needs a Hub (NewHub), not None")

// A watcher says which hub to notify, and as which id, for a connection.
type watcher struct {
	hub *Hub
	id  int
}

// wake notifies the connection's hub, if an asyncio loop watches it.
func (c *Conn) wake() {
	if w := c.watch.Load(); w != nil {
		w.hub.notify(w.id)
	}
}

// maxSendQueue bounds the messages an asyncio send may leave to Go's
// writer: past it, send waits (in the event loop) until one went out.
const maxSendQueue = 16

// asyncSend is the writer goroutine's side of an asyncio connection.
type asyncSend struct {
	ch       chan message
	inFlight atomic.Int32 // queued and not yet written
	waiting  atomic.Bool  // Python waits for room or for the queue to empty
	mu       sync.Mutex
	err      error // the first write error; later sends fail with it
}

// Watch puts the connection under an asyncio loop: hub is notified as id
// whenever Python may go on (a message queued, the connection ended, a pong
// came, a queued send went out), and SendQ starts a writer goroutine.
func (c *Conn) Watch(hub *Hub, id int) (err error) {
	defer guard(&err)
	if hub == nil {
		return errNoHub
	}
	c.sendq.Do(func() {
		c.aw = &asyncSend{ch: make(chan message, maxSendQueue)}
		go c.writeLoop()
	})
	c.watch.Store(&watcher{hub, id})
	c.wake() // messages may have been queued before the watch began
	return nil
}

// writeLoop writes what SendQ queued, in order, until the connection ends.
func (c *Conn) writeLoop() {
	aw := c.aw
	for {
		select {
		case m := <-aw.ch:
			err := c.c.WriteMessage(m.mt, m.b)
			if err != nil {
				aw.mu.Lock()
				if aw.err == nil {
					aw.err = err
				}
				aw.mu.Unlock()
			}
			aw.inFlight.Add(-1)
			if aw.waiting.Swap(false) {
				c.wake()
			}
		case <-c.readDone:
			// The connection is over: what is queued can no longer go
			// out (the closing handshake is done or TCP is gone).
			for {
				select {
				case <-aw.ch:
					aw.inFlight.Add(-1)
					continue
				default:
				}
				break
			}
			c.wake()
			return
		}
	}
}

// RecvAH is RecvH(out, 0) for asyncio: when no message is queued it asks
// readLoop to notify the hub at the next one. (The flag is set before the
// queue is looked at, so a message queued in between is never missed.)
func (c *Conn) RecvAH(out int) (n int, err error) {
	c.recvWaiting.Store(true)
	return c.RecvH(out, 0)
}

// Send statuses for SendQ.
const (
	sendQueued = 0 // handed to the writer goroutine
	sendFull   = 1 // the queue is full: wait for a notification and retry
)

// SendQH queues a message (data: a fresh []byte handle, released here) for
// the writer goroutine and returns at once: sendQueued, or sendFull when
// maxSendQueue messages wait already (the data is dropped; Python waits
// for the hub and calls again with a fresh handle). After a write failed, or once the connection
// is closing, it returns the closed error.
func (c *Conn) SendQH(data int, opcode int) (status int, err error) {
	defer guard(&err)
	d, err := take(data)
	if err != nil {
		return 0, err
	}
	aw := c.aw
	if aw == nil {
		return 0, valueErr("wirelab: SendQ needs Watch first")
	}
	mt, err := messageType(opcode)
	if err != nil {
		return 0, err
	}
	aw.mu.Lock()
	werr := aw.err
	aw.mu.Unlock()
	select {
	case <-c.closing:
		werr = websocket.ErrCloseSent
	default:
	}
	select {
	case <-c.readDone:
		werr = websocket.ErrCloseSent
	default:
	}
	if werr != nil {
		return 0, c.closedErr()
	}
	if int(aw.inFlight.Load()) >= maxSendQueue {
		// Ask for a notification first, then look again: a write that
		// ended in between is never missed.
		aw.waiting.Store(true)
		if int(aw.inFlight.Load()) >= maxSendQueue {
			return sendFull, nil
		}
	}
	aw.inFlight.Add(1)
	aw.ch <- message{mt, d} // never blocks: inFlight < cap, one Python thread sends
	return sendQueued, nil
}

// Flushed reports whether every queued send went out (1) or not (0); when
// not, the hub is notified as they do.
func (c *Conn) Flushed() int {
	aw := c.aw
	if aw == nil || aw.inFlight.Load() == 0 {
		return 1
	}
	aw.waiting.Store(true)
	if aw.inFlight.Load() == 0 {
		return 1
	}
	return 0
}

// Watch notifies hub as id once the dial is done (Wait(0) then returns 1).
func (d *Dialing) Watch(hub *Hub, id int) error {
	if hub == nil {
		return errNoHub
	}
	go func() {
		<-d.done
		hub.notify(id)
	}()
	return nil
}

// Watch notifies hub as id once the ping's pong came or the connection
// ended.
func (p *Ping) Watch(hub *Hub, id int) error {
	if hub == nil {
		return errNoHub
	}
	go func() {
		select {
		case <-p.done:
		case <-p.c.readDone:
		}
		hub.notify(id)
	}()
	return nil
}

// WatchAccept hands the server's handshake requests to an asyncio loop:
// a goroutine takes each from the accept queue into a list that
// NextPending empties, notifying hub as id; it notifies again when the
// server is shut down and again when every connection is closed.
func (s *Server) WatchAccept(hub *Hub, id int) error {
	if hub == nil {
		return errNoHub
	}
	go func() {
		for {
			select {
			case p := <-s.pending:
				s.mu.Lock()
				s.asyncPending = append(s.asyncPending, p)
				s.mu.Unlock()
				hub.notify(id)
			case <-s.done:
				hub.notify(id)
				<-s.closed
				hub.notify(id)
				return
			}
		}
	}()
	return nil
}

// NextPending returns the next handshake request WatchAccept took, or nil
// (handle -1 in Python) when there is none now. After Shutdown it returns
// a closed error (code 1001).
func (s *Server) NextPending() (p *Pending, err error) {
	defer guard(&err)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.asyncPending) > 0 {
		p = s.asyncPending[0]
		s.asyncPending = s.asyncPending[1:]
		return p, nil
	}
	select {
	case <-s.done:
		return nil, newTagged(KindClosed, int(websocket.CloseGoingAway), "server closed", "wirelab: the server is closed")
	default:
	}
	return nil, nil
}
