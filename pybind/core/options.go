package core

import "time"

// Options are a connection's keepalive settings and limits, with the names
// and defaults of the websockets library, so that Python code moves between
// the two unchanged:
//
//	ping_interval=20   send a ping every 20 s (0: never)
//	ping_timeout=20    fail the connection with 1011 when its pong is 20 s late (0: wait for ever)
//	close_timeout=10   wait 10 s for the peer's close frame, then close TCP
//	max_size=2**20     fail a larger incoming message with 1009 (0: no limit)
//	max_queue=16       hold up to 16 received messages, then stop reading TCP
//
// The Go side keeps every connection alive whatever Python does: one
// goroutine per connection reads frames, answers pings, matches pongs and
// handles the closing handshake; another sends the keepalive pings.
type Options struct {
	pingInterval time.Duration
	pingTimeout  time.Duration
	closeTimeout time.Duration
	maxSize      int64
	maxQueue     int
}

// maxQueueLimit bounds max_queue: the queue is a channel, whose buffer is
// allocated whole.
const maxQueueLimit = 4096

// DefaultOptions returns websockets' defaults.
func DefaultOptions() *Options {
	return &Options{
		pingInterval: 20 * time.Second,
		pingTimeout:  20 * time.Second,
		closeTimeout: 10 * time.Second,
		maxSize:      1 << 20,
		maxQueue:     16,
	}
}

// NewOptions returns options from milliseconds and counts; see Options.
// maxSize 0 means no limit; maxQueue 0 means the largest queue, 4096
// messages.
func NewOptions(pingIntervalMs, pingTimeoutMs, closeTimeoutMs, maxSize, maxQueue int) (o *Options, err error) {
	defer guard(&err)
	switch {
	case pingIntervalMs < 0:
		return nil, valueErr("wirelab: ping_interval must be a positive number of seconds or None, not %d ms", pingIntervalMs)
	case pingTimeoutMs < 0:
		return nil, valueErr("wirelab: ping_timeout must be a positive number of seconds or None, not %d ms", pingTimeoutMs)
	case closeTimeoutMs < 0:
		return nil, valueErr("wirelab: close_timeout must be a positive number of seconds or None, not %d ms", closeTimeoutMs)
	case maxSize < 0:
		return nil, valueErr("wirelab: max_size must be a positive number of bytes or None, not %d", maxSize)
	case maxQueue < 0 || maxQueue > maxQueueLimit:
		return nil, valueErr("wirelab: max_queue must be between 1 and %d messages, or None, not %d", maxQueueLimit, maxQueue)
	}
	if maxQueue == 0 {
		maxQueue = maxQueueLimit
	}
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	return &Options{ms(pingIntervalMs), ms(pingTimeoutMs), ms(closeTimeoutMs), int64(maxSize), maxQueue}, nil
}

// orDefault returns o, or the defaults when o is nil (Python passed none).
func (o *Options) orDefault() *Options {
	if o == nil {
		return DefaultOptions()
	}
	return o
}
