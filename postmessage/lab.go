package postmessage

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/websocket"
)

// assets are the pages and scripts, served from every origin that uses them.
// They load nothing from the network: no CDN, no fonts.
//
//go:embed assets
var assets embed.FS

var pages = template.Must(template.ParseFS(assets, "assets/*.html"))

// Protocol names the message format of the request/response helper
// (assets/pm.js); every message carries it as its "protocol" field.
const Protocol = "wirelab-pm/1"

// DefaultTimeout is how long the pages' helper waits for a response before
// its request fails with a TimeoutError.
const DefaultTimeout = 2 * time.Second

// Paths served by the lab.
const (
	ParentPath   = "/"      // on the parent origin
	FramePath    = "/frame" // on the frame origin
	SocketPath   = "/ws"    // on the frame origin
	AttackerPath = "/"      // on the attacker origin
	HelperPath   = "/pm.js" // on every origin: the request/response helper
)

// An EventKind says what an Event reports.
type EventKind string

// Event kinds.
const (
	EventPage        EventKind = "page"         // a page or script was served
	EventSocketOpen  EventKind = "ws-open"      // the bridge's WebSocket opened
	EventSocketDeny  EventKind = "ws-refused"   // a handshake was refused (403 for a foreign Origin)
	EventSocketRecv  EventKind = "ws-recv"      // a message from the frame
	EventSocketSend  EventKind = "ws-send"      // a message to the frame
	EventSocketClose EventKind = "ws-close"     // the WebSocket ended
	EventNotFound    EventKind = "not-found"    // a 404 or 405
	EventBadRequest  EventKind = "ws-malformed" // a WebSocket message that is not a request
)

// An Event is something the lab's server did, for a log or a test.
type Event struct {
	Kind   EventKind
	Origin string // the page origin involved: the Origin header, or the origin served
	Detail string // the path, the message text, the refusal, the close code
}

func (e Event) String() string {
	return fmt.Sprintf("%-12s %s %s", e.Kind, e.Origin, e.Detail)
}

// A Lab serves the three origins of the postMessage lesson. Build one with
// New, then serve ParentHandler, FrameHandler and AttackerHandler on
// listeners at the matching origins (Start does all of that).
type Lab struct {
	origins Origins
	token   string
	timeout time.Duration
	observe func(Event)
	up      websocket.Upgrader

	parentCfg, frameCfg, attackerCfg pageConfig
	parentCSP, frameCSP, attackerCSP string

	sockets sockets
}

// Options tune a Lab.
type Options struct {
	// Observe, if set, is called for each Event, from the server's
	// goroutines; it must be safe for concurrent use and return quickly.
	Observe func(Event)
	// Token is the secret the parent page holds and its receivers hand out
	// on "getToken"; empty picks a random one.
	Token string
	// Timeout is the pages' request timeout; 0 means DefaultTimeout.
	Timeout time.Duration
}

// New returns a Lab for the origins, or an error if they are not three
// distinct tuple origins.
func New(o Origins, opts Options) (*Lab, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	l := &Lab{origins: o, token: opts.Token, timeout: opts.Timeout, observe: opts.Observe}
	if l.token == "" {
		var b [12]byte
		rand.Read(b[:])
		l.token = "tok-" + hex.EncodeToString(b[:])
	}
	if l.timeout <= 0 {
		l.timeout = DefaultTimeout
	}
	l.up = websocket.Upgrader{Origins: o.SocketPolicy(), ReadLimit: maxSocketMessage}
	l.sockets.m = make(map[*socket]struct{})
	var err error
	if l.parentCfg, err = l.config("parent", o.Parent, o.ParentPolicy()); err != nil {
		return nil, err
	}
	l.parentCfg.Frame = o.Frame.String()
	l.parentCfg.FrameURL = l.FrameURL()
	l.parentCfg.WebSocket = l.SocketURL()
	l.parentCfg.Token = l.token
	if l.frameCfg, err = l.config("frame", o.Frame, o.FramePolicy()); err != nil {
		return nil, err
	}
	l.frameCfg.Parent = o.Parent.String()
	l.frameCfg.WebSocket = l.SocketURL()
	// The attacker trusts whoever answers: it wants the victim's replies.
	l.attackerCfg = pageConfig{Role: "attacker", Self: o.Attacker.String(), Trusted: []string{o.Parent.String()},
		Protocol: Protocol, TimeoutMS: l.timeout.Milliseconds(), Victim: o.Parent.String(), VictimURL: l.ParentURL(), WebSocket: l.SocketURL()}

	// Content-Security-Policy, from the same origins: scripts only from the
	// page's own origin, frames only from the origin the page embeds, and
	// the frame may be embedded by the parent only (frame-ancestors). The
	// parent may be framed by anyone, on purpose: the attacker page needs a
	// reference to its window, which window.open would give it anyway.
	base := "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'"
	ws := wsOrigin(o.Frame).String()
	l.parentCSP = base + "; connect-src " + ws + "; frame-src " + o.Frame.String()
	l.frameCSP = base + "; connect-src " + ws + "; frame-ancestors " + o.Parent.String()
	l.attackerCSP = base + "; connect-src " + ws + "; frame-src " + o.Parent.String()
	return l, nil
}

// config is the part of a page's configuration every receiving page has:
// its own origin and the allow-list rendered from its policy.
func (l *Lab) config(role string, self websocket.Origin, p websocket.OriginPolicy) (pageConfig, error) {
	allow, err := AllowList(p)
	if err != nil {
		return pageConfig{}, err
	}
	return pageConfig{Role: role, Self: self.String(), Trusted: allow, Protocol: Protocol, TimeoutMS: l.timeout.Milliseconds()}, nil
}

// Origins returns the lab's origins.
func (l *Lab) Origins() Origins { return l.origins }

// Token returns the secret the parent page holds.
func (l *Lab) Token() string { return l.token }

// ParentURL is the page to open first.
func (l *Lab) ParentURL() string { return l.origins.Parent.String() + ParentPath }

// FrameURL is the page the parent embeds.
func (l *Lab) FrameURL() string { return l.origins.Frame.String() + FramePath }

// AttackerURL is the attacker's page.
func (l *Lab) AttackerURL() string { return l.origins.Attacker.String() + AttackerPath }

// SocketURL is the bridge's WebSocket, on the frame's origin.
func (l *Lab) SocketURL() string { return wsOrigin(l.origins.Frame).String() + SocketPath }

// wsOrigin is o with its scheme mapped to WebSocket's: http→ws, https→wss.
func wsOrigin(o websocket.Origin) websocket.Origin {
	switch o.Scheme {
	case "https":
		o.Scheme = "wss"
	default:
		o.Scheme = "ws"
	}
	return o
}

func (l *Lab) emit(kind EventKind, origin, detail string) {
	if l.observe != nil {
		l.observe(Event{Kind: kind, Origin: origin, Detail: detail})
	}
}

// pageConfig is what a page knows, rendered into it as JSON by html/template
// (a <script type="application/json"> block, escaped as JavaScript). The
// origins are websocket.Origin serialisations.
type pageConfig struct {
	Role      string   `json:"role"`
	Self      string   `json:"self"`            // the page's own origin
	Trusted   []string `json:"trusted"`         // the allow-list for event.origin
	Protocol  string   `json:"protocol"`        // the helper's protocol name
	TimeoutMS int64    `json:"timeoutMs"`       // the helper's request timeout
	Frame     string   `json:"frame,omitempty"` // parent: the iframe's origin, its targetOrigin
	FrameURL  string   `json:"frameUrl,omitempty"`
	Parent    string   `json:"parent,omitempty"` // frame: the parent's origin, its targetOrigin
	WebSocket string   `json:"webSocket,omitempty"`
	Token     string   `json:"token,omitempty"`  // parent: the secret its receivers guard
	Victim    string   `json:"victim,omitempty"` // attacker: the origin it attacks
	VictimURL string   `json:"victimUrl,omitempty"`
}

// pageData is the template's input.
type pageData struct {
	Title  string
	Config pageConfig
}

// render executes the named page template.
func render(name string, d pageData) ([]byte, error) {
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, name, d); err != nil {
		return nil, fmt.Errorf("postmessage: rendering %s: %w", name, err)
	}
	return b.Bytes(), nil
}

// ParentHandler serves origin A: the parent page with the two receivers and
// the bridge's parent end.
func (l *Lab) ParentHandler() httpcore.Handler {
	return l.site(l.origins.Parent, map[string]route{
		ParentPath:   {page: "parent.html", title: "wirelab postMessage: parent (origin A)", cfg: &l.parentCfg, csp: l.parentCSP},
		HelperPath:   {file: "pm.js"},
		"/parent.js": {file: "parent.js"},
		"/style.css": {file: "style.css"},
	}, nil)
}

// FrameHandler serves origin B: the embedded page, and the WebSocket that
// only pages of origin B may open.
func (l *Lab) FrameHandler() httpcore.Handler {
	return l.site(l.origins.Frame, map[string]route{
		FramePath:    {page: "frame.html", title: "wirelab postMessage: frame (origin B)", cfg: &l.frameCfg, csp: l.frameCSP},
		HelperPath:   {file: "pm.js"},
		"/frame.js":  {file: "frame.js"},
		"/style.css": {file: "style.css"},
	}, l.serveSocket)
}

// AttackerHandler serves origin C: the attacker page.
func (l *Lab) AttackerHandler() httpcore.Handler {
	return l.site(l.origins.Attacker, map[string]route{
		AttackerPath:   {page: "attacker.html", title: "wirelab postMessage: attacker (origin C)", cfg: &l.attackerCfg, csp: l.attackerCSP},
		HelperPath:     {file: "pm.js"},
		"/attacker.js": {file: "attacker.js"},
		"/style.css":   {file: "style.css"},
	}, nil)
}

// A route is a page template or a static asset.
type route struct {
	page  string // template name
	title string
	cfg   *pageConfig
	csp   string
	file  string // asset name
}

var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8", // module scripts need a JavaScript MIME type
	".css":  "text/css; charset=utf-8",
}

// site returns the handler of one origin: its routes, the WebSocket at
// SocketPath when ws is set, 204 for /favicon.ico, 404 elsewhere.
func (l *Lab) site(origin websocket.Origin, routes map[string]route, ws func(*httpcore.ResponseWriter, *httpcore.Request)) httpcore.Handler {
	// Render once: the pages depend only on the lab's configuration.
	bodies := make(map[string][]byte, len(routes))
	for p, rt := range routes {
		var b []byte
		var err error
		if rt.page != "" {
			b, err = render(rt.page, pageData{Title: rt.title, Config: *rt.cfg})
		} else {
			b, err = assets.ReadFile("assets/" + rt.file)
		}
		if err != nil {
			panic(err) // the embedded assets are fixed at build time; tests render them all
		}
		bodies[p] = b
	}
	self := origin.String()
	return httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		p := r.Path()
		if ws != nil && p == SocketPath {
			ws(w, r)
			return
		}
		h := w.Header()
		if p == "/favicon.ico" {
			w.WriteHeader(204)
			return
		}
		rt, ok := routes[p]
		if !ok {
			l.emit(EventNotFound, self, r.Method+" "+r.Target)
			h.Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(404)
			fmt.Fprintf(w, "404 Not Found: %s serves %s\n", self, strings.Join(slices.Sorted(maps.Keys(routes)), ", "))
			return
		}
		if r.Method != "GET" && r.Method != "HEAD" {
			l.emit(EventNotFound, self, r.Method+" "+r.Target)
			h.Set("Allow", "GET, HEAD")
			h.Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(405)
			fmt.Fprintf(w, "405 Method Not Allowed: %s %s; use GET\n", r.Method, p)
			return
		}
		b := bodies[p]
		name := rt.page + rt.file
		h.Set("Content-Type", contentTypes[path.Ext(name)])
		h.Set("Content-Length", strconv.Itoa(len(b)))
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		if rt.csp != "" {
			h.Set("Content-Security-Policy", rt.csp)
		}
		w.WriteHeader(200)
		if r.Method == "GET" {
			w.Write(b)
		}
		l.emit(EventPage, self, r.Method+" "+p)
	})
}
