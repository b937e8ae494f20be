package postmessage

import (
	"errors"
	"fmt"
	"net"

	"github.com/wirelab/wirelab/websocket"
)

// Origins are the three origins of the lab. Each is a websocket.Origin, the
// one RFC 6454 origin type that the websocket and postmessage packages share:
// the allow-lists the pages check event.origin against and the OriginPolicy
// the WebSocket server checks the Origin header against are built from these
// values and serialised by Origin.String, so they cannot disagree.
type Origins struct {
	// Parent is the page the user trusts (origin A). It embeds Frame in an
	// iframe and runs the safe and the vulnerable receivers.
	Parent websocket.Origin
	// Frame is the embedded widget (origin B). It holds the WebSocket to
	// wirelab's server and relays it to Parent with postMessage.
	Frame websocket.Origin
	// Attacker is a page the user happens to visit (origin C). It frames
	// Parent and posts requests to both receivers.
	Attacker websocket.Origin
}

// OriginOf returns the http origin of a listening address, such as
// "http://127.0.0.2:8402" for 127.0.0.2:8402, parsed by websocket.ParseOrigin.
func OriginOf(addr net.Addr) (websocket.Origin, error) {
	return websocket.ParseOrigin("http://" + addr.String())
}

// Check reports an error when the three origins are not distinct, tuple
// origins: the lab shows what happens across origins, so each pair must
// differ in scheme, host or port (RFC 6454 §5).
func (o Origins) Check() error {
	named := []struct {
		name string
		o    websocket.Origin
	}{{"parent", o.Parent}, {"frame", o.Frame}, {"attacker", o.Attacker}}
	for i, a := range named {
		if a.o.IsOpaque() {
			return fmt.Errorf("postmessage: the %s origin is opaque (\"null\"); the lab needs scheme://host:port origins", a.name)
		}
		for _, b := range named[:i] {
			if a.o == b.o {
				return fmt.Errorf("postmessage: the %s and %s origins are both %s; give them different hosts or ports", b.name, a.name, a.o)
			}
		}
	}
	return nil
}

// ParentPolicy is who may post requests to the parent's safe receiver and
// to its end of the bridge: the frame only.
func (o Origins) ParentPolicy() websocket.OriginPolicy {
	return websocket.OriginPolicy{Allow: []websocket.Origin{o.Frame}}
}

// FramePolicy is who may post to the frame: its parent only.
func (o Origins) FramePolicy() websocket.OriginPolicy {
	return websocket.OriginPolicy{Allow: []websocket.Origin{o.Parent}}
}

// SocketPolicy is who may open the bridge's WebSocket: pages of the frame's
// origin only. The parent and the attacker get 403 (RFC 6455 §10.2).
func (o Origins) SocketPolicy() websocket.OriginPolicy {
	return websocket.OriginPolicy{Allow: []websocket.Origin{o.Frame}}
}

// ErrAllowAny is returned by AllowList for a policy that accepts every
// origin: a postMessage receiver without an allow-list is the vulnerable one.
var ErrAllowAny = errors.New("postmessage: an OriginPolicy with AllowAny has no allow-list; a receiver that accepts every origin is the vulnerable receiver")

// AllowList renders p as the list of serialised origins a page compares
// event.origin with:
//
//	["http://127.0.0.2:8402"]
//
// Browsers serialise event.origin as RFC 6454 §6.2 does, and so does
// Origin.String (lower case, default port omitted), so a page's check is a
// plain string comparison: allow.includes(event.origin). "null" is listed
// when p.AllowOpaque is set. OriginPolicy's same-origin rule (Origin equal to
// the Host header) has no postMessage counterpart and is not rendered.
func AllowList(p websocket.OriginPolicy) ([]string, error) {
	if p.AllowAny {
		return nil, ErrAllowAny
	}
	list := make([]string, 0, len(p.Allow)+1)
	for _, o := range p.Allow {
		if o.IsOpaque() {
			continue // the opaque origin is only admitted by AllowOpaque
		}
		list = append(list, o.String())
	}
	if p.AllowOpaque {
		list = append(list, "null")
	}
	return list, nil
}

// Allowed reports whether a message whose event.origin is origin passes p,
// by the same rule as the WebSocket handshake (OriginPolicy.Check) minus the
// Host header: a postMessage has none, so there is no same-origin shortcut.
// It is the Go twin of the pages' check, and tests hold them equal.
func Allowed(p websocket.OriginPolicy, origin string) bool {
	if p.AllowAny {
		return true
	}
	// An empty Host never matches a parsed origin's host, which turns off
	// OriginPolicy's same-origin rule.
	return p.Check(origin, true, "") == nil
}
