package websocket

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
)

// gateLog records a HostGate's events and the dials, in order, and tells
// the test when an event happens.
type gateLog struct {
	mu     sync.Mutex
	events []string
	seen   chan string
}

func newGateLog() *gateLog { return &gateLog{seen: make(chan string, 64)} }

func (l *gateLog) add(ev string) {
	l.mu.Lock()
	l.events = append(l.events, ev)
	l.mu.Unlock()
	l.seen <- ev
}

func (l *gateLog) list() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.events, " ")
}

// await reads events until ev.
func (l *gateLog) await(t *testing.T, ev string) {
	t.Helper()
	for got := range l.seen {
		if got == ev {
			return
		}
	}
}

func (l *gateLog) dialer(g *HostGate) Dialer {
	return Dialer{
		Gate:  g,
		Proxy: ProxyURL(nil),
		NetDial: func(ctx context.Context, network, addr string) (net.Conn, error) {
			l.add("dial")
			var nd net.Dialer
			return nd.DialContext(ctx, network, addr)
		},
	}
}

type dialResult struct {
	c   *Conn
	err error
}

func goDial(ctx context.Context, d *Dialer, u string) <-chan dialResult {
	ch := make(chan dialResult, 1)
	go func() {
		c, _, err := d.Dial(ctx, u)
		ch <- dialResult{c, err}
	}()
	return ch
}

// TestDialWaitsForConnectingHost: RFC 6455 §4.1 item 2. The second Dial
// to the host does not even connect until the first one's handshake ends.
func TestDialWaitsForConnectingHost(t *testing.T) {
	open := make(chan struct{})
	srv := gatedEchoServer(t, &Upgrader{}, Echo, open)
	l := newGateLog()
	g := &HostGate{trace: func(ev, key string) { l.add(ev) }}
	d := l.dialer(g)

	first := goDial(context.Background(), &d, "ws://"+srv+"/a")
	l.await(t, "dial")
	second := goDial(context.Background(), &d, "ws://"+srv+"/b")
	l.await(t, "wait")
	if got := l.list(); got != "acquire dial wait" {
		t.Fatalf("while the first handshake is held: %q, want %q", got, "acquire dial wait")
	}
	if !g.Connecting(srv) {
		t.Errorf("Connecting(%q) = false during the first handshake", srv)
	}
	close(open) // the server answers the first handshake
	for _, ch := range []<-chan dialResult{first, second} {
		r := <-ch
		if r.err != nil {
			t.Fatal(r.err)
		}
		r.c.CloseNow()
	}
	if got, want := l.list(), "acquire dial wait release acquire dial release"; got != want {
		t.Errorf("order: %q, want %q", got, want)
	}
	if g.Connecting(srv) {
		t.Errorf("Connecting(%q) = true after both handshakes", srv)
	}
}

func TestDialWaitBoundedByContext(t *testing.T) {
	open := make(chan struct{})
	srv := gatedEchoServer(t, &Upgrader{}, Echo, open)
	l := newGateLog()
	d := l.dialer(&HostGate{trace: func(ev, key string) { l.add(ev) }})

	first := goDial(context.Background(), &d, "ws://"+srv+"/")
	l.await(t, "dial")
	ctx, cancel := context.WithCancel(context.Background())
	second := goDial(ctx, &d, "ws://"+srv+"/")
	l.await(t, "wait")
	cancel()
	r := <-second
	if !errors.Is(r.err, context.Canceled) || !strings.Contains(r.err.Error(), "§4.1 item 2") || !strings.Contains(r.err.Error(), srv) {
		t.Errorf("second dial: got %v, want a context.Canceled naming %s and RFC 6455 §4.1 item 2", r.err, srv)
	}
	close(open)
	if r := <-first; r.err != nil {
		t.Fatal(r.err)
	} else {
		r.c.CloseNow()
	}
	if got, want := l.list(), "acquire dial wait release"; got != want {
		t.Errorf("order: %q, want %q", got, want)
	}
}

func TestDialOtherHostDoesNotWait(t *testing.T) {
	open := make(chan struct{})
	held := gatedEchoServer(t, &Upgrader{}, Echo, open)
	other := echoServer(t, &Upgrader{})
	l := newGateLog()
	d := l.dialer(&HostGate{trace: func(ev, key string) { l.add(ev) }})

	first := goDial(context.Background(), &d, "ws://"+held+"/")
	l.await(t, "dial")
	c, _, err := d.Dial(context.Background(), "ws://"+other+"/")
	if err != nil {
		t.Fatal(err)
	}
	echoOnce(t, c, "not blocked")
	c.CloseNow()
	close(open)
	if r := <-first; r.err != nil {
		t.Fatal(r.err)
	} else {
		r.c.CloseNow()
	}
}

// TestSocketWaitsForConnectingHost: Sockets made without a Gate share the
// process's, as a browser's WebSocket objects do.
func TestSocketWaitsForConnectingHost(t *testing.T) {
	open := make(chan struct{})
	srv := gatedEchoServer(t, &Upgrader{}, Echo, open)
	l := newGateLog()
	socketGate.mu.Lock()
	socketGate.trace = func(ev, key string) {
		if key == srv {
			l.add(ev)
		}
	}
	socketGate.mu.Unlock()
	t.Cleanup(func() {
		socketGate.mu.Lock()
		socketGate.trace = nil
		socketGate.mu.Unlock()
	})

	opened := make(chan string, 2)
	h := func(name string) SocketHandlers {
		return SocketHandlers{OnOpen: func(s *Socket) { opened <- name }}
	}
	s1 := NewSocket("ws://"+srv+"/1", h("first"))
	l.await(t, "acquire")
	s2 := NewSocket("ws://"+srv+"/2", h("second"))
	l.await(t, "wait")
	if s1.ReadyState() != Connecting || s2.ReadyState() != Connecting {
		t.Fatalf("states %v, %v; want both CONNECTING", s1.ReadyState(), s2.ReadyState())
	}
	close(open)
	if a, b := <-opened, <-opened; a != "first" || b != "second" {
		t.Errorf("opened %s then %s", a, b)
	}
	if got, want := l.list(), "acquire wait release acquire release"; got != want {
		t.Errorf("order: %q, want %q", got, want)
	}
	for _, s := range []*Socket{s1, s2} {
		s.Close(1000, "")
		<-s.Done()
	}
}
