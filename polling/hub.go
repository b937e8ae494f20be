package polling

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// A Message is one entry of the stream.
type Message struct {
	// Seq is the message's sequence number: 1 for the first message, and
	// one more for each after it, without gaps.
	Seq uint64
	// Time is when the hub accepted the message; clients measure delivery
	// latency from it.
	Time time.Time
	// Data is the payload. It is shared by every reader: never modify it.
	Data []byte
}

// A Hub is an ordered message stream read by cursor.
//
// A cursor is the sequence number of the last message a reader has seen (0
// before the first). Read(after) returns the messages whose Seq is greater,
// so a reader that reconnects with its cursor neither misses nor repeats a
// message, whichever transport it uses.
//
// The interface is the plug point for a multi-node backplane: an
// implementation that sequences messages in a shared log (a Redis stream, a
// Kafka partition, a database table) and wakes local readers when the log
// grows serves every transport of this package unchanged. MemoryHub is the
// single-node implementation; its Append lets a backplane feed it messages
// sequenced elsewhere.
type Hub interface {
	// Publish appends data to the stream and returns the message as stored.
	Publish(ctx context.Context, data []byte) (Message, error)
	// Read returns up to max messages with Seq > after, oldest first, and
	// a channel that is closed once a message newer than the last one
	// returned exists. It never blocks. A cursor the hub can no longer
	// serve gets a *CursorError.
	Read(after uint64, max int) (msgs []Message, wake <-chan struct{}, err error)
	// Last returns the sequence number of the newest message (0 if none).
	Last() uint64
}

// ErrHubClosed is returned by Publish after Close.
var ErrHubClosed = errors.New("polling: hub is closed")

// A CursorError reports a cursor that a hub cannot serve: one older than the
// oldest message it still holds (the reader fell too far behind and must
// start over) or one beyond the newest message (it came from another
// stream). Status is the HTTP status a server answers for it.
type CursorError struct {
	Cursor uint64 // the cursor asked for
	First  uint64 // the oldest message held (0 if none)
	Last   uint64 // the newest message
	Status int    // 410 Gone when too old, 400 when ahead
}

func (e *CursorError) Error() string {
	if e.Status == 410 {
		return fmt.Sprintf("polling: cursor %d is too old: the oldest message still held is %d (the client fell more than the hub's retention behind; start again from %d)",
			e.Cursor, e.First, e.Last)
	}
	return fmt.Sprintf("polling: cursor %d is ahead of the stream, whose last message is %d (a cursor from another server or an earlier run?)", e.Cursor, e.Last)
}

// MemoryHub is a Hub that keeps the newest messages in a ring in memory. It
// is safe for concurrent use. Readers that fall more than the ring's size
// behind get a *CursorError with Status 410.
type MemoryHub struct {
	mu     sync.Mutex
	ring   []Message // ring[seq % len(ring)]
	last   uint64
	wake   chan struct{}
	closed bool
	now    func() time.Time
}

// NewMemoryHub returns a hub that keeps the newest size messages (at least
// 1; 4096 if size <= 0).
func NewMemoryHub(size int) *MemoryHub {
	if size <= 0 {
		size = 4096
	}
	return &MemoryHub{ring: make([]Message, size), wake: make(chan struct{}), now: time.Now}
}

// Publish appends data (copied) as the next message and wakes every waiting
// reader.
func (h *MemoryHub) Publish(ctx context.Context, data []byte) (Message, error) {
	if err := ctx.Err(); err != nil {
		return Message{}, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return Message{}, ErrHubClosed
	}
	m := Message{Seq: h.last + 1, Time: h.now(), Data: append([]byte(nil), data...)}
	h.store(m)
	return m, nil
}

// Append stores a message sequenced elsewhere, such as by a backplane that
// orders messages for several nodes. m.Seq must be Last()+1.
func (h *MemoryHub) Append(m Message) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return ErrHubClosed
	}
	if m.Seq != h.last+1 {
		return fmt.Errorf("polling: Append of message %d, but the next sequence number is %d (a backplane must deliver every message once, in order)", m.Seq, h.last+1)
	}
	h.store(m)
	return nil
}

// store must be called with h.mu held.
func (h *MemoryHub) store(m Message) {
	h.ring[m.Seq%uint64(len(h.ring))] = m
	h.last = m.Seq
	close(h.wake) // every reader waiting for "something after last" wakes
	h.wake = make(chan struct{})
}

// Read implements Hub.
func (h *MemoryHub) Read(after uint64, max int) ([]Message, <-chan struct{}, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	first := uint64(1)
	if size := uint64(len(h.ring)); h.last > size {
		first = h.last - size + 1
	}
	switch {
	case after > h.last:
		return nil, nil, &CursorError{Cursor: after, First: first, Last: h.last, Status: 400}
	case after+1 < first:
		return nil, nil, &CursorError{Cursor: after, First: first, Last: h.last, Status: 410}
	}
	n := h.last - after
	if max > 0 && n > uint64(max) {
		n = uint64(max)
	}
	var msgs []Message
	if n > 0 {
		msgs = make([]Message, n)
		for i := range msgs {
			msgs[i] = h.ring[(after+1+uint64(i))%uint64(len(h.ring))]
		}
	}
	return msgs, h.wake, nil
}

// Last implements Hub.
func (h *MemoryHub) Last() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.last
}

// Close makes further Publish and Append calls fail. Readers keep reading
// what the hub holds.
func (h *MemoryHub) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	return nil
}

// Wait reads the messages after cursor from h, blocking until there is at
// least one, ctx ends (ctx.Err()) or timeout passes (no messages, nil
// error). A timeout <= 0 means no timeout. It is the heart of long polling.
func Wait(ctx context.Context, h Hub, after uint64, max int, timeout time.Duration) ([]Message, error) {
	var expired <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		expired = t.C
	}
	for {
		msgs, wake, err := h.Read(after, max)
		if err != nil || len(msgs) > 0 {
			return msgs, err
		}
		select {
		case <-wake:
		case <-expired:
			return nil, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}
