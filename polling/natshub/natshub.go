package natshub

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/wirelab/wirelab/polling"
)

// Defaults for Config's zero fields.
const (
	DefaultStream         = "WIRELAB"
	DefaultSubject        = "wirelab.ch"
	DefaultPublishTimeout = 5 * time.Second
)

// Config describes the stream a Backplane uses.
type Config struct {
	// Stream is the JetStream stream's name. Default "WIRELAB".
	Stream string
	// Subject is the prefix of the channels' subjects: channel "chat" is
	// Subject+".chat". Default "wirelab.ch".
	Subject string
	// Replicas is how many NATS servers keep each message (1, or 3 in a
	// three-server cluster). Default 1.
	Replicas int
	// Retention is what each channel keeps: Count becomes the stream's
	// MaxMsgsPerSubject, Age its MaxAge.
	Retention polling.Retention
	// MaxChannels bounds the channels one node serves at once (each costs
	// a consumer). Default 1024.
	MaxChannels int
	// PublishTimeout bounds the wait for JetStream's acknowledgement.
	// Default 5s.
	PublishTimeout time.Duration
}

// A Backplane serves polling's channels from one JetStream stream. It
// implements polling.Channels; set it as a polling.Server's Channels.
type Backplane struct {
	nc  *nats.Conn
	js  jetstream.JetStream
	cfg Config

	last atomic.Uint64 // the highest stream sequence seen: published or read

	mu     sync.Mutex
	hubs   map[string]*Hub
	closed bool
}

// New creates or updates the stream cfg describes on nc's NATS and returns
// a Backplane over it. The caller closes nc after Close.
func New(ctx context.Context, nc *nats.Conn, cfg Config) (*Backplane, error) {
	if cfg.Stream == "" {
		cfg.Stream = DefaultStream
	}
	if cfg.Subject == "" {
		cfg.Subject = DefaultSubject
	}
	if cfg.Replicas <= 0 {
		cfg.Replicas = 1
	}
	if cfg.Retention.Count <= 0 {
		cfg.Retention.Count = 4096
	}
	if cfg.PublishTimeout <= 0 {
		cfg.PublishTimeout = DefaultPublishTimeout
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("natshub: JetStream on %s: %w", nc.ConnectedUrlRedacted(), err)
	}
	st, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:              cfg.Stream,
		Description:       "wirelab polling channels, one subject per channel",
		Subjects:          []string{cfg.Subject + ".>"},
		Storage:           jetstream.FileStorage,
		Replicas:          cfg.Replicas,
		MaxMsgsPerSubject: int64(cfg.Retention.Count),
		MaxAge:            cfg.Retention.Age,
		Discard:           jetstream.DiscardOld,
	})
	if err != nil {
		return nil, fmt.Errorf("natshub: creating stream %s (subjects %s.>, %d replicas) on %s: %w", cfg.Stream, cfg.Subject, cfg.Replicas, nc.ConnectedUrlRedacted(), err)
	}
	b := &Backplane{nc: nc, js: js, cfg: cfg, hubs: map[string]*Hub{}}
	b.last.Store(st.CachedInfo().State.LastSeq)
	return b, nil
}

// Channel implements polling.Channels: the first call for a channel starts
// the node's ordered consumer of its subject.
func (b *Backplane) Channel(name string) (polling.Hub, error) {
	return b.Hub(name)
}

// Hub returns the named channel's hub, starting its consumer if needed.
func (b *Backplane) Hub(name string) (*Hub, error) {
	if err := polling.CheckChannel(name); err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, polling.ErrHubClosed
	}
	if h, ok := b.hubs[name]; ok {
		return h, nil
	}
	limit := b.cfg.MaxChannels
	if limit <= 0 {
		limit = 1024
	}
	if len(b.hubs) >= limit {
		return nil, &polling.ChannelError{Name: name, Status: 503, Reason: fmt.Sprintf("this node already serves its maximum of %d channels", limit)}
	}
	h := &Hub{b: b, name: name, subject: b.cfg.Subject + "." + name, local: polling.NewMemoryHubRetention(b.cfg.Retention)}
	ctx, cancel := context.WithTimeout(context.Background(), b.cfg.PublishTimeout)
	defer cancel()
	cons, err := b.js.OrderedConsumer(ctx, b.cfg.Stream, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{h.subject},
		DeliverPolicy:  jetstream.DeliverAllPolicy,
	})
	if err != nil {
		return nil, fmt.Errorf("natshub: consumer of %s on stream %s at %s: %w", h.subject, b.cfg.Stream, b.url(), err)
	}
	// A short heartbeat: an ordered consumer lives on one NATS server, and
	// when that server dies the missing heartbeats are how the client
	// notices and recreates the consumer elsewhere (from the next
	// sequence). The default, 30s, would stall the channel that long.
	h.cc, err = cons.Consume(h.receive, jetstream.PullExpiry(5*time.Second), jetstream.PullHeartbeat(time.Second))
	if err != nil {
		return nil, fmt.Errorf("natshub: consuming %s at %s: %w", h.subject, b.url(), err)
	}
	b.hubs[name] = h
	return h, nil
}

func (b *Backplane) url() string {
	if u := b.nc.ConnectedUrlRedacted(); u != "" {
		return u
	}
	return fmt.Sprint(b.nc.Servers())
}

// seen records a stream sequence known to exist.
func (b *Backplane) seen(seq uint64) {
	for {
		old := b.last.Load()
		if seq <= old || b.last.CompareAndSwap(old, seq) {
			return
		}
	}
}

// Close stops every channel's consumer. Held readers keep what their hubs
// hold; publishing fails.
func (b *Backplane) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	for _, h := range b.hubs {
		h.cc.Stop()
		<-h.cc.Closed()
		h.local.Close()
	}
	return nil
}

// A Hub is one channel on one node: a polling.Hub whose Publish goes
// through JetStream and whose Read serves what the node's ordered consumer
// has delivered.
type Hub struct {
	b       *Backplane
	name    string
	subject string
	local   *polling.MemoryHub
	cc      jetstream.ConsumeContext
}

// receive stores one message from the ordered consumer.
func (h *Hub) receive(m jetstream.Msg) {
	md, err := m.Metadata()
	if err != nil {
		return // not a JetStream message: nothing to sequence it by
	}
	seq := md.Sequence.Stream
	h.b.seen(seq)
	// An ordered consumer delivers each sequence once, in order, across
	// its own resets; Append refuses anything at or below what is held.
	h.local.Append(polling.Message{Seq: seq, Time: md.Timestamp, Data: m.Data()})
}

// readYourWrites bounds Publish's wait for the node's own consumer.
const readYourWrites = 500 * time.Millisecond

// ErrNoNATS is wrapped by Publish when the node is not connected to NATS.
var ErrNoNATS = errors.New("natshub: not connected to NATS")

// Publish implements polling.Hub: it returns once JetStream acknowledged
// the message, with the stream sequence as Seq, and this node's readers can
// see it.
func (h *Hub) Publish(ctx context.Context, data []byte) (polling.Message, error) {
	if !h.b.nc.IsConnected() {
		return polling.Message{}, fmt.Errorf("%w (%s is %s); publishing to channel %q waits for it", ErrNoNATS, h.b.url(), h.b.nc.Status(), h.name)
	}
	ctx, cancel := context.WithTimeout(ctx, h.b.cfg.PublishTimeout)
	defer cancel()
	ack, err := h.b.js.Publish(ctx, h.subject, data, jetstream.WithExpectStream(h.b.cfg.Stream))
	if err != nil {
		return polling.Message{}, fmt.Errorf("natshub: JetStream at %s did not acknowledge a message on %s: %w", h.b.url(), h.subject, err)
	}
	h.b.seen(ack.Sequence)
	m := polling.Message{Seq: ack.Sequence, Time: time.Now(), Data: data}
	// Read your writes: wait briefly until this node's consumer has
	// delivered the message, so that a reader of this node told the
	// sequence number finds it here. Briefly: a consumer being recreated
	// after a NATS server died must not hold publishers up.
	ctx, cancel = context.WithTimeout(ctx, readYourWrites)
	defer cancel()
	for h.local.Last() < m.Seq {
		msgs, wake, err := h.local.Read(h.local.Last(), 1)
		if err != nil {
			return m, nil
		}
		if len(msgs) > 0 {
			continue // it moved meanwhile: look again
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return m, nil // stored all the same: JetStream acknowledged it
		}
	}
	return m, nil
}

// Read implements polling.Hub. A cursor beyond what this node has read but
// within the stream (a client that came from a node further ahead) is held
// like a cursor at the end: it gets nothing now and a wake channel.
func (h *Hub) Read(after uint64, max int) ([]polling.Message, <-chan struct{}, error) {
	for {
		msgs, wake, err := h.local.Read(after, max)
		var ce *polling.CursorError
		if !errors.As(err, &ce) || ce.Status != 400 {
			return msgs, wake, err
		}
		if after > h.b.last.Load() && !h.b.refreshLast(after) {
			return nil, nil, err // beyond the stream itself
		}
		last := h.local.Last()
		msgs, wake, err = h.local.Read(last, 1)
		if err == nil && len(msgs) == 0 {
			return nil, wake, nil // wakes when the node reads past last
		}
		// A message arrived meanwhile: look again.
	}
}

// refreshLast asks JetStream for the stream's last sequence and reports
// whether seq is within it. When NATS cannot answer it gives the cursor
// the benefit of the doubt: the client is held, not refused.
func (b *Backplane) refreshLast(seq uint64) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	st, err := b.js.Stream(ctx, b.cfg.Stream)
	if err != nil {
		return true
	}
	info, err := st.Info(ctx)
	if err != nil {
		return true
	}
	b.seen(info.State.LastSeq)
	return seq <= info.State.LastSeq
}

// Last implements polling.Hub: the newest message this node has read.
func (h *Hub) Last() uint64 { return h.local.Last() }
