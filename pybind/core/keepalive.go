package core

import (
	"crypto/rand"
	"time"

	"github.com/wirelab/wirelab/websocket"
)

// A Ping is a ping sent and its pong awaited. RFC 6455 §5.5.3 lets a peer
// answer only the latest of several pings, so a pong answers the ping
// whose data it carries and every ping sent before it (as websockets
// matches them).
type Ping struct {
	c       *Conn
	data    string
	sent    time.Time
	done    chan struct{} // closed when answered
	latency time.Duration // set before done is closed
}

// Ping sends a ping carrying data (at most 125 bytes), or 4 random bytes
// when random is set, and returns it to wait for the pong.
func (c *Conn) Ping(data []byte, random bool) (p *Ping, err error) {
	defer guard(&err)
	if len(data) > 125 {
		return nil, valueErr("wirelab: a ping carries at most 125 bytes (RFC 6455 §5.5), not %d", len(data))
	}
	if random {
		data = make([]byte, 4)
		rand.Read(data)
	}
	return c.ping(data)
}

func (c *Conn) ping(data []byte) (*Ping, error) {
	p := &Ping{c: c, data: string(data), done: make(chan struct{})}
	c.mu.Lock()
	for _, q := range c.pings {
		if q.data == p.data {
			c.mu.Unlock()
			return nil, valueErr("wirelab: already waiting for a pong with the same data %q; give each ping its own", data)
		}
	}
	p.sent = time.Now()
	c.pings = append(c.pings, p)
	c.mu.Unlock()
	if err := c.c.Ping(data); err != nil {
		c.mu.Lock()
		for i, q := range c.pings {
			if q == p {
				c.pings = append(c.pings[:i], c.pings[i+1:]...)
				break
			}
		}
		c.mu.Unlock()
		return nil, c.closedErr()
	}
	return p, nil
}

// pong is the engine's pong handler, called by readLoop.
func (c *Conn) pong(payload []byte) {
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, p := range c.pings {
		if p.data != string(payload) {
			continue
		}
		for _, q := range c.pings[:i+1] {
			q.latency = now.Sub(q.sent)
			close(q.done)
		}
		c.latency = p.latency
		c.pings = append(c.pings[:0], c.pings[i+1:]...)
		return
	}
	// An unsolicited pong (RFC 6455 §5.5.3 allows them): nothing to do.
}

// Wait waits up to timeoutMs for the pong: 1 when it came (Latency says
// how fast), statusNotYet when not yet, statusEnded when the connection
// ended first.
func (p *Ping) Wait(timeoutMs int) int {
	t := time.NewTimer(time.Duration(max(timeoutMs, 0)) * time.Millisecond)
	defer t.Stop()
	select {
	case <-p.done:
	case <-p.c.readDone:
	case <-t.C:
		return waitFor(p.done, 0)
	}
	// The connection may have ended after the pong came.
	if waitFor(p.done, 0) == 1 {
		return 1
	}
	return statusEnded
}

// Latency returns the round trip in seconds, once the pong came.
func (p *Ping) Latency() float64 { return p.latency.Seconds() }

// keepalive sends a ping every pingInterval and fails the connection with
// 1011 when its pong is more than pingTimeout late, as websockets does:
// a peer that stopped answering is gone, even if TCP does not know yet.
func (c *Conn) keepalive() {
	for {
		t := time.NewTimer(c.opts.pingInterval)
		select {
		case <-c.readDone:
			t.Stop()
			return
		case <-c.closing:
			t.Stop()
			return
		case <-t.C:
		}
		data := make([]byte, 4)
		rand.Read(data)
		p, err := c.ping(data)
		if err != nil {
			return
		}
		if c.opts.pingTimeout <= 0 {
			continue
		}
		t = time.NewTimer(c.opts.pingTimeout)
		select {
		case <-p.done:
			t.Stop()
		case <-c.readDone:
			t.Stop()
			return
		case <-t.C:
			// RFC 6455 §7.1.7: fail the connection, without waiting
			// for a close frame from a peer that does not answer.
			c.startClose(websocket.CloseInternalError, "keepalive ping timeout", true)
			return
		}
	}
}
