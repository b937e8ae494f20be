package websocket

import (
	"context"
	"fmt"
	"sync"
)

// A HostGate lets one connection per host be in the CONNECTING state, as a
// client must (RFC 6455 §4.1, item 2):
//
//	If the client already has a WebSocket connection to the remote host
//	(IP address) identified by /host/ and port /port/ pair, even if known
//	by another name, the client MUST wait until that connection has been
//	established or for that connection to have failed.
//
// A Dial takes the gate for its host:port before it connects (to the server
// or to a proxy) and gives it back when its opening handshake ends, in
// success or failure; a second Dial to the same host:port waits for that,
// bounded by its context. Dials to other hosts do not wait.
//
// The key is host:port as the URL writes it, the host in lower case, not the
// resolved IP address the RFC names: through a proxy the client never
// resolves the name, and browsers approximate the rule by name too. Two
// names for one address therefore do not wait for each other.
//
// The zero value is ready to use. Dialers and Sockets that share a HostGate
// wait for each other; see Dialer.Gate.
type HostGate struct {
	mu         sync.Mutex
	connecting map[string]chan struct{} // closed when that handshake ends
	trace      func(event, key string)  // tests: "acquire", "wait", "release"
}

// NewHostGate returns an empty gate.
func NewHostGate() *HostGate { return new(HostGate) }

// Connecting reports whether a connection to hostport is in the CONNECTING
// state.
func (g *HostGate) Connecting(hostport string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	_, ok := g.connecting[hostport]
	return ok
}

// acquire waits until no connection to key is CONNECTING, marks one, and
// returns the function that ends it.
func (g *HostGate) acquire(ctx context.Context, key string) (release func(), err error) {
	for {
		g.mu.Lock()
		ch, busy := g.connecting[key]
		if !busy {
			if g.connecting == nil {
				g.connecting = make(map[string]chan struct{})
			}
			ch = make(chan struct{})
			g.connecting[key] = ch
			g.event("acquire", key)
			g.mu.Unlock()
			var once sync.Once
			return func() {
				once.Do(func() {
					g.mu.Lock()
					delete(g.connecting, key)
					g.event("release", key)
					g.mu.Unlock()
					close(ch)
				})
			}, nil
		}
		g.event("wait", key)
		g.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, fmt.Errorf("websocket: waited for the connection to %s that is still CONNECTING; a client may open one at a time per host (RFC 6455 §4.1 item 2): %w", key, context.Cause(ctx))
		}
	}
}

func (g *HostGate) event(ev, key string) {
	if g.trace != nil {
		g.trace(ev, key)
	}
}

// socketGate is the gate of the Sockets made without one: the process
// plays the browser.
var socketGate = NewHostGate()

// gateMu guards the lazy creation of a Dialer's own gate.
var gateMu sync.Mutex

// gate returns Dialer.Gate, or else the Dialer's own, made on first use.
func (d *Dialer) gate() *HostGate {
	if d.Gate != nil {
		return d.Gate
	}
	gateMu.Lock()
	defer gateMu.Unlock()
	if d.ownGate == nil {
		d.ownGate = new(HostGate)
	}
	return d.ownGate
}
