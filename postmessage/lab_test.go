package postmessage

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/websocket"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

var testOrigins = Origins{
	Parent:   websocket.MustParseOrigin("http://127.0.0.1:8401"),
	Frame:    websocket.MustParseOrigin("http://127.0.0.2:8402"),
	Attacker: websocket.MustParseOrigin("http://127.0.0.3:8403"),
}

func TestAllowList(t *testing.T) {
	tests := []struct {
		name    string
		policy  websocket.OriginPolicy
		want    []string
		wantErr error
	}{
		{"empty", websocket.OriginPolicy{}, []string{}, nil},
		{"one", testOrigins.ParentPolicy(), []string{"http://127.0.0.2:8402"}, nil},
		// RFC 6454 §6.2: the default port is omitted, as browsers do in event.origin.
		{"default port", websocket.OriginPolicy{Allow: []websocket.Origin{websocket.MustParseOrigin("http://Example.COM:80"), websocket.MustParseOrigin("https://example.com")}},
			[]string{"http://example.com", "https://example.com"}, nil},
		{"ipv6", websocket.OriginPolicy{Allow: []websocket.Origin{websocket.MustParseOrigin("http://[::1]:8402")}}, []string{"http://[::1]:8402"}, nil},
		{"opaque", websocket.OriginPolicy{AllowOpaque: true}, []string{"null"}, nil},
		{"opaque in Allow is not enough", websocket.OriginPolicy{Allow: []websocket.Origin{{}}}, []string{}, nil},
		{"any", websocket.OriginPolicy{AllowAny: true}, nil, ErrAllowAny},
	}
	for _, tt := range tests {
		got, err := AllowList(tt.policy)
		if !errors.Is(err, tt.wantErr) {
			t.Errorf("%s: got error %v, want %v", tt.name, err, tt.wantErr)
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
		// Every rendered origin parses back to an allowed Origin: one parser,
		// one serialisation.
		for _, s := range got {
			if !Allowed(tt.policy, s) {
				t.Errorf("%s: rendered %q, which the policy itself does not allow", tt.name, s)
			}
		}
	}
}

// TestAllowedMatchesPages holds the pages' check, allow.includes(event.origin)
// over the rendered list, equal to the Go policy, for the strings a browser
// can put in event.origin (always serialised: lower case, default port
// omitted).
func TestAllowedMatchesPages(t *testing.T) {
	policies := map[string]websocket.OriginPolicy{
		"parent": testOrigins.ParentPolicy(),
		"frame":  testOrigins.FramePolicy(),
		"socket": testOrigins.SocketPolicy(),
		"opaque": {AllowOpaque: true, Allow: []websocket.Origin{websocket.MustParseOrigin("https://example.com:443")}},
	}
	eventOrigins := []string{
		"http://127.0.0.1:8401", "http://127.0.0.2:8402", "http://127.0.0.3:8403",
		"http://127.0.0.2:8403", "https://127.0.0.2:8402", "http://127.0.0.2",
		"https://example.com", "http://example.com", "null", "http://localhost:8402",
	}
	for name, p := range policies {
		list, err := AllowList(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range eventOrigins {
			if got, want := slices.Contains(list, o), Allowed(p, o); got != want {
				t.Errorf("%s: page check of %q says %v, Go policy says %v", name, o, got, want)
			}
		}
	}
}

func TestOriginsCheck(t *testing.T) {
	o := testOrigins
	if err := o.Check(); err != nil {
		t.Fatalf("distinct origins: %v", err)
	}
	same := o
	same.Attacker = websocket.MustParseOrigin("http://127.0.0.1:8401")
	if err := same.Check(); err == nil || !strings.Contains(err.Error(), "parent and attacker") {
		t.Errorf("parent == attacker: got %v, want an error naming both", err)
	}
	opaque := o
	opaque.Frame = websocket.Origin{}
	if err := opaque.Check(); err == nil || !strings.Contains(err.Error(), "opaque") {
		t.Errorf("opaque frame: got %v", err)
	}
	// Same host, other port: a different origin (RFC 6454 §5), so fine.
	ports := Origins{
		Parent:   websocket.MustParseOrigin("http://127.0.0.1:1"),
		Frame:    websocket.MustParseOrigin("http://127.0.0.1:2"),
		Attacker: websocket.MustParseOrigin("http://127.0.0.1:3"),
	}
	if err := ports.Check(); err != nil {
		t.Errorf("three ports: %v", err)
	}
	if _, err := New(same, Options{}); err == nil {
		t.Errorf("New accepted equal origins")
	}
}

var configRE = regexp.MustCompile(`(?s)<script type="application/json" id="wirelab-config">(.*?)</script>`)

// pageConfigOf extracts and decodes the config block of a rendered page.
func pageConfigOf(t *testing.T, page []byte) pageConfig {
	t.Helper()
	m := configRE.FindSubmatch(page)
	if m == nil {
		t.Fatalf("no config block in page:\n%s", page)
	}
	var c pageConfig
	if err := json.Unmarshal(m[1], &c); err != nil {
		t.Fatalf("config block %s: %v", m[1], err)
	}
	return c
}

func TestRenderConfig(t *testing.T) {
	l, err := New(testOrigins, Options{Token: "tok-1"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		page string
		cfg  pageConfig
		want pageConfig
	}{
		{"parent.html", l.parentCfg, pageConfig{Role: "parent", Self: "http://127.0.0.1:8401", Trusted: []string{"http://127.0.0.2:8402"},
			Protocol: Protocol, TimeoutMS: 2000, Frame: "http://127.0.0.2:8402", FrameURL: "http://127.0.0.2:8402/frame",
			WebSocket: "ws://127.0.0.2:8402/ws", Token: "tok-1"}},
		{"frame.html", l.frameCfg, pageConfig{Role: "frame", Self: "http://127.0.0.2:8402", Trusted: []string{"http://127.0.0.1:8401"},
			Protocol: Protocol, TimeoutMS: 2000, Parent: "http://127.0.0.1:8401", WebSocket: "ws://127.0.0.2:8402/ws"}},
		{"attacker.html", l.attackerCfg, pageConfig{Role: "attacker", Self: "http://127.0.0.3:8403", Trusted: []string{"http://127.0.0.1:8401"},
			Protocol: Protocol, TimeoutMS: 2000, Victim: "http://127.0.0.1:8401", VictimURL: "http://127.0.0.1:8401/", WebSocket: "ws://127.0.0.2:8402/ws"}},
	}
	for _, tt := range tests {
		b, err := render(tt.page, pageData{Title: "t", Config: tt.cfg})
		if err != nil {
			t.Fatal(err)
		}
		got := pageConfigOf(t, b)
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(tt.want)
		if string(gj) != string(wj) {
			t.Errorf("%s: config\ngot  %s\nwant %s", tt.page, gj, wj)
		}
		// The allow-list is also shown to the reader, from the same values.
		for _, o := range tt.want.Trusted {
			if tt.page == "attacker.html" {
				break // the attacker's "allow-list" is just its victim
			}
			if !strings.Contains(string(b), `<code class="trusted">`+o+`</code>`) {
				t.Errorf("%s: the allow-list %q is not shown on the page", tt.page, o)
			}
		}
		if tt.page != "parent.html" && strings.Contains(string(b), "tok-1") {
			t.Errorf("%s contains the parent's token", tt.page)
		}
	}
}

// TestRenderEscapes: a value that could close the script element is escaped
// by html/template, and still decodes to itself.
func TestRenderEscapes(t *testing.T) {
	evil := `</script><script>alert(1)</script>"'&`
	l, err := New(testOrigins, Options{Token: evil})
	if err != nil {
		t.Fatal(err)
	}
	b, err := render("parent.html", pageData{Title: "t", Config: l.parentCfg})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "<script>alert(1)") {
		t.Fatalf("the token was rendered unescaped:\n%s", b)
	}
	if got := pageConfigOf(t, b).Token; got != evil {
		t.Errorf("token decodes to %q, want %q", got, evil)
	}
}

// TestAssetsOffline: the pages load nothing from another host; the only
// absolute URLs are the lab's own, rendered from the configuration.
func TestAssetsOffline(t *testing.T) {
	err := fs.WalkDir(assets, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := assets.ReadFile(p)
		for _, bad := range []string{"http://", "https://", `src="//`, `href="//`, "@import"} {
			if i := strings.Index(string(b), bad); i >= 0 && !strings.HasPrefix(p, "assets/pm.js") {
				t.Errorf("%s mentions %q: %q", p, bad, string(b[max(0, i-30):min(len(b), i+40)]))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	js, _ := assets.ReadFile("assets/pm.js")
	if !strings.Contains(string(js), `export const PROTOCOL = "`+Protocol+`";`) {
		t.Errorf("pm.js does not declare PROTOCOL = %q", Protocol)
	}
	for _, name := range []string{"parent.js", "frame.js", "attacker.js", "pm.js"} {
		b, _ := assets.ReadFile("assets/" + name)
		// Every postMessage call names its targetOrigin; only the vulnerable
		// receiver's uses "*", on purpose.
		for _, line := range strings.Split(string(b), "\n") {
			if strings.Contains(line, `, "*")`) && !(name == "parent.js" && strings.Contains(line, `channel: "vulnerable"`)) {
				t.Errorf("%s posts to \"*\": %s", name, strings.TrimSpace(line))
			}
		}
	}
}

// startTest starts a lab on three loopback ports of 127.0.0.1, and stops it
// at the end of the test.
func startTest(t *testing.T, opts Options) *Server {
	t.Helper()
	s, err := Start(Config{ParentAddr: "127.0.0.1:0", FrameAddr: "127.0.0.1:0", AttackerAddr: "127.0.0.1:0", Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return s
}

func get(t *testing.T, method, url string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestHandlers(t *testing.T) {
	s := startTest(t, Options{Token: "tok-2"})
	o := s.Origins()
	A, B, C := o.Parent.String(), o.Frame.String(), o.Attacker.String()
	tests := []struct {
		method, url string
		status      int
		ctype       string
		csp         []string // substrings of Content-Security-Policy
		body        string   // substring
	}{
		{"GET", A + "/", 200, "text/html; charset=utf-8", []string{"script-src 'self'", "frame-src " + B, "connect-src ws://" + o.Frame.HostPort()}, "Safe receiver"},
		{"GET", A + "/pm.js", 200, "text/javascript; charset=utf-8", nil, "export function endpoint"},
		{"GET", A + "/parent.js", 200, "text/javascript; charset=utf-8", nil, "The safe receiver"},
		{"GET", A + "/style.css", 200, "text/css; charset=utf-8", nil, ".receivers"},
		{"GET", B + "/frame", 200, "text/html; charset=utf-8", []string{"frame-ancestors " + A}, "origin B"},
		{"GET", B + "/frame.js", 200, "text/javascript; charset=utf-8", nil, "bridge"},
		{"GET", B + "/pm.js", 200, "text/javascript; charset=utf-8", nil, "wirelab-pm/1"},
		{"GET", C + "/", 200, "text/html; charset=utf-8", []string{"frame-src " + A}, "Attacker page"},
		{"GET", C + "/attacker.js", 200, "text/javascript; charset=utf-8", nil, "getToken"},
		{"HEAD", A + "/", 200, "text/html; charset=utf-8", nil, ""},
		{"GET", A + "/favicon.ico", 204, "", nil, ""},
		{"GET", A + "/frame.js", 404, "text/plain; charset=utf-8", nil, "404 Not Found"},
		{"GET", C + "/parent.js", 404, "text/plain; charset=utf-8", nil, "404 Not Found"},
		{"GET", A + "/ws", 404, "text/plain; charset=utf-8", nil, ""},
		{"POST", A + "/", 405, "text/plain; charset=utf-8", nil, "use GET"},
		{"GET", B + "/ws", 400, "text/plain; charset=utf-8", nil, `Upgrade header`}, // not an upgrade: the Upgrader's answer
	}
	for _, tt := range tests {
		resp, body := get(t, tt.method, tt.url)
		if resp.StatusCode != tt.status {
			t.Errorf("%s %s: got status %d, want %d", tt.method, tt.url, resp.StatusCode, tt.status)
			continue
		}
		if tt.ctype != "" && resp.Header.Get("Content-Type") != tt.ctype {
			t.Errorf("%s %s: got Content-Type %q, want %q", tt.method, tt.url, resp.Header.Get("Content-Type"), tt.ctype)
		}
		for _, c := range tt.csp {
			if got := resp.Header.Get("Content-Security-Policy"); !strings.Contains(got, c) {
				t.Errorf("%s %s: Content-Security-Policy %q lacks %q", tt.method, tt.url, got, c)
			}
		}
		if !strings.Contains(body, tt.body) {
			t.Errorf("%s %s: body lacks %q:\n%.300s", tt.method, tt.url, tt.body, body)
		}
		if tt.method == "HEAD" && body != "" {
			t.Errorf("HEAD %s: got a body of %d bytes", tt.url, len(body))
		}
	}
	_, page := get(t, "GET", A+"/")
	if got := pageConfigOf(t, []byte(page)); !slices.Equal(got.Trusted, []string{B}) || got.Token != "tok-2" {
		t.Errorf("served parent config: %+v", got)
	}
}

// events collects a lab's events on a channel, so tests wait for them.
type events chan Event

func (e events) observe(ev Event) {
	select {
	case e <- ev:
	default: // a test that does not read must not block the server
	}
}

func (e events) wait(t *testing.T, kind EventKind, match func(Event) bool) Event {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case ev := <-e:
			if ev.Kind == kind && (match == nil || match(ev)) {
				return ev
			}
		case <-deadline:
			t.Fatalf("no %s event within 5s", kind)
			return Event{}
		}
	}
}

func dial(t *testing.T, s *Server, origin string) (*websocket.Conn, error) {
	t.Helper()
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	if origin != "" {
		d.Header.Add("Origin", origin)
	}
	c, _, err := d.Dial(context.Background(), s.SocketURL())
	return c, err
}

func readJSON(t *testing.T, c *websocket.Conn) map[string]any {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, p, err := c.ReadMessage()
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(p, &m); err != nil {
		t.Fatalf("server sent %q: %v", p, err)
	}
	return m
}

func TestSocketOriginPolicy(t *testing.T) {
	ev := make(events, 100)
	s := startTest(t, Options{Observe: ev.observe})
	o := s.Origins()
	for _, origin := range []string{o.Parent.String(), o.Attacker.String(), "null", "http://evil.example"} {
		c, err := dial(t, s, origin)
		var he *websocket.HandshakeError
		if !errors.As(err, &he) || he.Status != 403 {
			if c != nil {
				c.CloseNow()
			}
			t.Errorf("Origin %s: got %v, want a 403 HandshakeError", origin, err)
			continue
		}
		ev.wait(t, EventSocketDeny, func(e Event) bool { return e.Origin == origin })
	}
	c, err := dial(t, s, o.Frame.String())
	if err != nil {
		t.Fatalf("Origin %s (the frame's): %v", o.Frame, err)
	}
	defer c.CloseNow()
	if m := readJSON(t, c); m["type"] != "hello" || m["origin"] != o.Frame.String() {
		t.Errorf("hello: %v", m)
	}
	ev.wait(t, EventSocketOpen, nil)
}

func TestSocketBridge(t *testing.T) {
	ev := make(events, 100)
	s := startTest(t, Options{Observe: ev.observe})
	c, err := dial(t, s, s.Origins().Frame.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	readJSON(t, c) // hello
	tests := []struct {
		send string
		want map[string]any
	}{
		{`{"id":"a1","method":"upper","params":{"text":"héllo"}}`, map[string]any{"type": "reply", "id": "a1",
			"result": map[string]any{"text": "HÉLLO", "seq": 1.0, "origin": s.Origins().Frame.String()}}},
		{`{"id":"a2","method":"nope"}`, map[string]any{"type": "reply", "id": "a2", "error": `unknown method "nope"; the server knows "upper"`}},
		{`{"id":"a3","method":"upper","params":{"text":7}}`, map[string]any{"type": "reply", "id": "a3", "error": `"upper" takes {"text": string}`}},
		{`{"method":"upper"}`, map[string]any{"type": "error", "error": "a request needs an id of 1 to 64 characters"}},
		{`not json`, map[string]any{"type": "error", "error": "not a JSON request: invalid character 'o' in literal null (expecting 'u')"}},
		{`{"id":"a4","method":"upper","params":{"text":"still here"}}`, map[string]any{"type": "reply", "id": "a4",
			"result": map[string]any{"text": "STILL HERE", "seq": 2.0, "origin": s.Origins().Frame.String()}}},
	}
	for _, tt := range tests {
		if err := c.WriteMessage(websocket.TextMessage, []byte(tt.send)); err != nil {
			t.Fatal(err)
		}
		got := readJSON(t, c)
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(tt.want)
		if string(gj) != string(wj) {
			t.Errorf("%s: got %s, want %s", tt.send, gj, wj)
		}
	}
	if n := s.Push("from Go"); n != 1 {
		t.Errorf("Push reached %d sockets, want 1", n)
	}
	if m := readJSON(t, c); m["type"] != "push" || m["text"] != "from Go" {
		t.Errorf("push: %v", m)
	}
	ev.wait(t, EventSocketRecv, func(e Event) bool { return strings.Contains(e.Detail, "héllo") })
}

func TestShutdownSaysGoingAway(t *testing.T) {
	s, err := Start(Config{ParentAddr: "127.0.0.1:0", FrameAddr: "127.0.0.1:0", AttackerAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := dial(t, s, s.Origins().Frame.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	readJSON(t, c) // hello
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		done <- s.Shutdown(ctx)
	}()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err = c.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway {
		t.Errorf("got %v, want close 1001", err)
	}
	if err := <-done; err != nil {
		t.Errorf("shutdown: %v", err)
	}
}

func TestHandlerIsHTTPCore(t *testing.T) {
	l, err := New(testOrigins, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var _ httpcore.Handler = l.ParentHandler()
	if got := l.SocketURL(); got != "ws://127.0.0.2:8402/ws" {
		t.Errorf("SocketURL %q", got)
	}
	https := Origins{
		Parent:   websocket.MustParseOrigin("https://a.test"),
		Frame:    websocket.MustParseOrigin("https://b.test"),
		Attacker: websocket.MustParseOrigin("https://c.test"),
	}
	l, err = New(https, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := l.SocketURL(); got != "wss://b.test/ws" {
		t.Errorf("https SocketURL %q, want wss://b.test/ws", got)
	}
}
