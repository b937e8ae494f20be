package polling

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"
)

// A Message is one entry of the stream.
type Message struct {
	// Seq is the message's sequence number: 1 for the first message, and
	// one more for each after it, without gaps, in a MemoryHub; a
	// backplane that sequences several channels in one log (natshub) gives
	// each channel increasing numbers with gaps.
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

// Retention is how much of a stream a hub keeps for readers that come back
// with an older cursor. A reader whose cursor falls before what is kept gets
// a *CursorError with Status 410.
type Retention struct {
	// Count is how many of the newest messages are kept (4096 if <= 0).
	Count int
	// Age, if positive, drops messages older than this too.
	Age time.Duration
}

// MemoryHub is a Hub that keeps the newest messages in a ring in memory. It
// is safe for concurrent use. Readers that fall behind its Retention get a
// *CursorError with Status 410.
type MemoryHub struct {
	// mu is read-locked by Read: when a message wakes thousands of
	// readers at once they read the ring side by side instead of queueing
	// for a mutex one by one (which, at 10,000 readers, cost more than the
	// writes to their sockets).
	mu     sync.RWMutex
	ring   []Message // the messages kept: ring[head], ring[head+1], ... (mod len)
	head   int
	n      int
	floor  uint64 // the newest message dropped (0 if none): cursors below it expired
	last   uint64
	age    time.Duration
	wake   chan struct{}
	closed bool
	now    func() time.Time
}

// NewMemoryHub returns a hub that keeps the newest size messages (at least
// 1; 4096 if size <= 0).
func NewMemoryHub(size int) *MemoryHub {
	return NewMemoryHubRetention(Retention{Count: size})
}

// NewMemoryHubRetention returns a hub that keeps what r says.
func NewMemoryHubRetention(r Retention) *MemoryHub {
	size := r.Count
	if size <= 0 {
		size = 4096
	}
	return &MemoryHub{ring: make([]Message, size), age: r.Age, wake: make(chan struct{}), now: time.Now}
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
// orders messages for several nodes. m.Seq must be greater than Last(); it
// may skip numbers (a backplane that sequences several channels in one log
// gives each channel every few numbers), and a reader's cursor may then be
// any number between two messages.
func (h *MemoryHub) Append(m Message) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return ErrHubClosed
	}
	if m.Seq <= h.last {
		return fmt.Errorf("polling: Append of message %d, but the hub already holds up to %d (a backplane must deliver every message once, in order)", m.Seq, h.last)
	}
	h.store(m)
	return nil
}

// store must be called with h.mu held.
func (h *MemoryHub) store(m Message) {
	if h.n == len(h.ring) {
		h.drop()
	}
	h.ring[(h.head+h.n)%len(h.ring)] = m
	h.n++
	h.last = m.Seq
	close(h.wake) // every reader waiting for "something after last" wakes
	h.wake = make(chan struct{})
}

// drop forgets the oldest message; h.mu must be held.
func (h *MemoryHub) drop() {
	h.floor = h.ring[h.head].Seq
	h.ring[h.head] = Message{}
	h.head = (h.head + 1) % len(h.ring)
	h.n--
}

// expire drops the messages older than the hub's age; h.mu must be held.
func (h *MemoryHub) expire() {
	if h.age <= 0 {
		return
	}
	cut := h.now().Add(-h.age)
	for h.n > 0 && h.ring[h.head].Time.Before(cut) {
		h.drop()
	}
}

// expiring reports whether expire would drop a message; h.mu must be held
// (a read lock is enough).
func (h *MemoryHub) expiring() bool {
	return h.age > 0 && h.n > 0 && h.ring[h.head].Time.Before(h.now().Add(-h.age))
}

// at returns the i-th oldest message kept; h.mu must be held.
func (h *MemoryHub) at(i int) Message { return h.ring[(h.head+i)%len(h.ring)] }

// Read implements Hub.
func (h *MemoryHub) Read(after uint64, max int) ([]Message, <-chan struct{}, error) {
	h.mu.RLock()
	if h.expiring() {
		h.mu.RUnlock()
		h.mu.Lock()
		h.expire()
		defer h.mu.Unlock()
	} else {
		defer h.mu.RUnlock()
	}
	first := h.last + 1 // the oldest message held, or the next one
	if h.n > 0 {
		first = h.at(0).Seq
	}
	switch {
	case after > h.last:
		return nil, nil, &CursorError{Cursor: after, First: first, Last: h.last, Status: 400}
	case after < h.floor:
		return nil, nil, &CursorError{Cursor: after, First: first, Last: h.last, Status: 410}
	}
	// The first message kept with Seq > after (sequence numbers increase).
	i := sort.Search(h.n, func(i int) bool { return h.at(i).Seq > after })
	n := h.n - i
	if max > 0 && n > max {
		n = max
	}
	var msgs []Message
	if n > 0 {
		msgs = make([]Message, n)
		for j := range msgs {
			msgs[j] = h.at(i + j)
		}
	}
	return msgs, h.wake, nil
}

// Last implements Hub.
func (h *MemoryHub) Last() uint64 {
	h.mu.RLock()
	defer h.mu.RUnlock()
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
