package polling

import (
	"fmt"
	"sync"
)

// DefaultChannel is the channel a request without ?channel= reads and
// publishes to, so the URLs of a single-stream server keep working.
const DefaultChannel = "default"

// MaxChannelName is the longest channel name accepted, in bytes.
const MaxChannelName = 64

// Channels carries many named streams, each its own Hub with its own
// sequence of cursors. A Server with Channels set serves every channel on
// the same paths, chosen by ?channel=NAME.
type Channels interface {
	// Channel returns the hub of the named channel, creating it if needed.
	// name has passed CheckChannel. An error other than a *ChannelError
	// means the channel cannot be served now (the server answers 503).
	Channel(name string) (Hub, error)
}

// A ChannelError reports a channel name that cannot be served. Status is
// the HTTP status a server answers for it.
type ChannelError struct {
	Name   string
	Reason string
	Status int // 400 for a bad name, 404 for a channel the server lacks, 503 when full
}

func (e *ChannelError) Error() string {
	return fmt.Sprintf("polling: channel %q: %s", e.Name, e.Reason)
}

// CheckChannel reports whether name is a valid channel name: 1 to 64 ASCII
// letters, digits, '-' and '_'. The rule keeps names safe in a URL, a log
// line and a backplane's subject (a NATS subject token may not hold '.',
// '*', '>' or spaces).
func CheckChannel(name string) error {
	bad := func(why string) error {
		return &ChannelError{Name: name, Status: 400, Reason: why + ": a channel name is 1 to 64 ASCII letters, digits, '-' and '_'"}
	}
	if name == "" {
		return bad("the name is empty")
	}
	if len(name) > MaxChannelName {
		return bad(fmt.Sprintf("the name is %d bytes long", len(name)))
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			if c >= 0x80 {
				return bad(fmt.Sprintf("byte %d is 0x%02x, not ASCII", i, c))
			}
			return bad(fmt.Sprintf("byte %d is %q", i, c))
		}
	}
	return nil
}

// MemoryChannels keeps every channel in a MemoryHub of its own, made on
// first use. Its zero value is ready to use; set the fields before the
// first call.
type MemoryChannels struct {
	// Retention applies to every channel not named in PerChannel.
	Retention Retention
	// PerChannel overrides Retention for some channels.
	PerChannel map[string]Retention
	// MaxChannels bounds how many channels exist at once, so that a
	// client cannot fill memory by inventing names. Default 1024.
	MaxChannels int

	mu   sync.Mutex
	hubs map[string]*MemoryHub
}

// Channel implements Channels.
func (c *MemoryChannels) Channel(name string) (Hub, error) {
	return c.Hub(name)
}

// Hub returns the MemoryHub of the named channel, creating it if needed.
func (c *MemoryChannels) Hub(name string) (*MemoryHub, error) {
	if err := CheckChannel(name); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if h, ok := c.hubs[name]; ok {
		return h, nil
	}
	if limit := orInt(c.MaxChannels, 1024); len(c.hubs) >= limit {
		return nil, &ChannelError{Name: name, Status: 503, Reason: fmt.Sprintf("the server already carries its maximum of %d channels", limit)}
	}
	r, ok := c.PerChannel[name]
	if !ok {
		r = c.Retention
	}
	if c.hubs == nil {
		c.hubs = make(map[string]*MemoryHub)
	}
	h := NewMemoryHubRetention(r)
	c.hubs[name] = h
	return h, nil
}

// Close closes every channel's hub.
func (c *MemoryChannels) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, h := range c.hubs {
		h.Close()
	}
	return nil
}
