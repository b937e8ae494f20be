package browsertest

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/wirelab/wirelab/internal/testbrowser"
	"github.com/wirelab/wirelab/postmessage"
)

// TestParentFrameBridge opens the parent page (origin A), which embeds the
// frame (origin B). In Chromium: both receivers accept the frame's greeting
// and the frame gets both answers; the bridge carries a request from the
// parent through the frame's WebSocket to the server and back, and a push
// from the server to the parent; the WebSocket refuses origin A; malformed
// messages, both ways, are ignored with console warnings and nothing throws.
func TestParentFrameBridge(t *testing.T) {
	s, ev := startLab(t)
	o := s.Origins()
	A, B := o.Parent.String(), o.Frame.String()
	ctx := startBrowser(t)
	parentConsole := captureConsole(ctx)
	navigate(t, ctx, s.ParentURL())

	// The frame opened its WebSocket and said so to the parent.
	poll[bool](t, ctx, "the bridge to open", `window.wirelab && window.wirelab.bridge.ready`)
	ev.wait(t, postmessage.EventSocketOpen, func(e postmessage.Event) bool { return e.Origin == B })

	t.Run("safe receiver accepts the trusted origin", func(t *testing.T) {
		e := poll[logEntry](t, ctx, "the safe receiver to accept the frame's greeting",
			`wirelab.safe.log.find(e => e.verdict === "accepted" && e.method === "greet")`)
		if e.Origin != B {
			t.Errorf("event.origin %q, want the frame's %q", e.Origin, B)
		}
		if e.Source != "frames[0] (the iframe)" {
			t.Errorf("event.source shown as %q, want the iframe", e.Source)
		}
		if !strings.Contains(e.Data, `"method":"greet"`) || !strings.Contains(e.Data, `"params":{"name":"`+B+`"}`) {
			t.Errorf("event.data shown as %s", e.Data)
		}
		if got := eval[string](t, ctx, `document.getElementById("safe-log").rows[0].cells[1].textContent`); got != B {
			t.Errorf("the page's table shows event.origin %q, want %q", got, B)
		}
	})

	frame := frameContext(t, ctx, B+postmessage.FramePath)
	frameConsole := captureConsole(frame)

	t.Run("frame gets both answers", func(t *testing.T) {
		type replies struct {
			Safe       map[string]string `json:"safe"`
			Vulnerable map[string]string `json:"vulnerable"`
		}
		r := poll[replies](t, frame, "the frame to get both replies",
			`wirelab.replies.safe && wirelab.replies.vulnerable && wirelab.replies`)
		want := "hello, " + B + ", from " + A
		if r.Safe["greeting"] != want || r.Vulnerable["greeting"] != want {
			t.Errorf("replies %v, want greeting %q from both", r, want)
		}
	})

	t.Run("bridge parent to server and back", func(t *testing.T) {
		type result struct {
			Text   string `json:"text"`
			Seq    int    `json:"seq"`
			Origin string `json:"origin"`
		}
		r := eval[result](t, ctx, `wirelab.bridgeRequest("through the bridge")`)
		if r.Text != "THROUGH THE BRIDGE" || r.Origin != B || r.Seq != 1 {
			t.Errorf("bridge reply %+v, want THROUGH THE BRIDGE, seq 1, origin %s", r, B)
		}
		ev.wait(t, postmessage.EventSocketRecv, func(e postmessage.Event) bool {
			return e.Origin == B && strings.Contains(e.Detail, `"through the bridge"`)
		})
		// The frame logged what it relayed.
		if n := eval[int](t, frame, `wirelab.state.sent.filter(m => m.method === "upper").length`); n != 1 {
			t.Errorf("the frame sent %d upper requests on its WebSocket, want 1", n)
		}
	})

	t.Run("bridge server to parent", func(t *testing.T) {
		hello := poll[map[string]string](t, ctx, "the server's hello to reach the parent",
			`wirelab.bridge.events.find(e => e.type === "hello")`)
		if hello["origin"] != B {
			t.Errorf("hello %v: the server accepted Origin %q, want %q", hello, hello["origin"], B)
		}
		if n := s.Push("pushed from Go"); n != 1 {
			t.Fatalf("Push reached %d WebSockets, want 1", n)
		}
		poll[map[string]string](t, ctx, "the push to reach the parent",
			`wirelab.bridge.events.find(e => e.type === "push" && e.text === "pushed from Go")`)
		poll[bool](t, ctx, "the push to show on the page",
			`document.getElementById("bridge-log").textContent.includes("pushed from Go")`)
	})

	t.Run("WebSocket refuses origin A", func(t *testing.T) {
		type closed struct {
			Opened bool `json:"opened"`
			Code   int  `json:"code"`
		}
		r := eval[closed](t, ctx, `wirelab.tryDirectSocket()`)
		if r.Opened || r.Code != 1006 {
			t.Errorf("a WebSocket from origin A: %+v, want refused (close code 1006)", r)
		}
		e := ev.wait(t, postmessage.EventSocketDeny, func(e postmessage.Event) bool { return e.Origin == A })
		if !strings.HasPrefix(e.Detail, "403 ") {
			t.Errorf("refusal %q, want 403", e.Detail)
		}
	})

	t.Run("malformed messages to the parent", func(t *testing.T) {
		// From the trusted frame, so they pass the origin check and reach
		// the shape check.
		n := eval[int](t, frame, `(() => {
			const P = "wirelab-pm/1", A = wirelab.cfg.parent;
			const bad = [
				"just a string", 42, null, [1, 2], {protocol: "other/1"},
				{protocol: P, channel: "safe", type: "request", method: "greet"},
				{protocol: P, channel: "safe", type: "shout", id: "x1"},
				{protocol: P, channel: "safe", type: "request", id: "x2", method: "greet", params: "not an object"},
				{protocol: P, channel: "bridge", type: "response", id: "x3"},
				{protocol: P, channel: "", type: "event", method: "ws.message"},
			];
			for (const b of bad) parent.postMessage(b, A);
			return bad.length;
		})()`)
		warned := parentConsole.waitFor(t, "safe-receiver warnings", n, func(m chromedp.ConsoleMessage) bool {
			return m.Type == chromedp.ConsoleWarning && strings.HasPrefix(m.Text, "[safe receiver] ignored malformed message from "+B+": ")
		})
		parentConsole.waitFor(t, "vulnerable-receiver warnings", n, func(m chromedp.ConsoleMessage) bool {
			return m.Type == chromedp.ConsoleWarning && strings.HasPrefix(m.Text, "[vulnerable receiver] ignored malformed message from ")
		})
		for _, m := range warned[:3] {
			t.Logf("parent console: %s", m)
		}
		if got := poll[int](t, ctx, "the malformed messages in the safe receiver's log",
			`(n => n >= `+strconv.Itoa(n)+` && n)(wirelab.safe.log.filter(e => e.verdict === "ignored: malformed").length)`); got != n {
			t.Errorf("the safe receiver logged %d malformed messages, want %d", got, n)
		}
		// The page still works.
		if r := eval[map[string]any](t, ctx, `wirelab.bridgeRequest("still alive")`); r["text"] != "STILL ALIVE" {
			t.Errorf("after the malformed messages the bridge answered %v", r)
		}
	})

	t.Run("malformed messages to the frame", func(t *testing.T) {
		eval[bool](t, ctx, `(() => {
			const f = document.getElementById("frame").contentWindow, B = wirelab.cfg.frame;
			f.postMessage("garbage", B);
			f.postMessage({protocol: "wirelab-pm/1", channel: "bridge", type: "request", method: "upper"}, B);
			f.postMessage({protocol: "wirelab-pm/1", channel: "bridge", type: "request", id: "q", method: "upper", params: [1]}, B);
			return true;
		})()`)
		warned := frameConsole.waitFor(t, "frame warnings", 3, func(m chromedp.ConsoleMessage) bool {
			return m.Type == chromedp.ConsoleWarning && strings.HasPrefix(m.Text, "[bridge, frame end] ignored malformed message from "+A+": ")
		})
		t.Logf("frame console: %s", warned[0])
	})

	t.Run("nothing threw", func(t *testing.T) {
		// A final round trip, so every message above has been handled.
		eval[map[string]any](t, ctx, `wirelab.bridgeRequest("done")`)
		noExceptions(t, "the parent page", parentConsole)
		noExceptions(t, "the frame", frameConsole)
	})

	testbrowser.Screenshot(t, ctx, "parent.png")
}

// TestAttacker opens the attacker page (origin C), which frames the parent
// page (origin A) and sends both receivers getToken and setName. In
// Chromium: the vulnerable receiver hands over the token and renames its
// account (the demonstration of the attack); the safe receiver ignores both
// requests, which time out.
func TestAttacker(t *testing.T) {
	s, _ := startLab(t)
	o := s.Origins()
	A, C := o.Parent.String(), o.Attacker.String()
	ctx := startBrowser(t)
	attackerConsole := captureConsole(ctx)
	navigate(t, ctx, s.AttackerURL())

	type outcome struct {
		Token      string `json:"token"`
		TokenError string `json:"tokenError"`
		Name       string `json:"name"`
		NameError  string `json:"nameError"`
	}
	type attack struct {
		Done       bool    `json:"done"`
		Vulnerable outcome `json:"vulnerable"`
		Safe       outcome `json:"safe"`
	}
	r := poll[attack](t, ctx, "the attack to finish", `wirelab.attack.done && wirelab.attack`)

	t.Run("vulnerable receiver is exploited", func(t *testing.T) {
		if r.Vulnerable.Token != s.Token() {
			t.Errorf("the attacker got token %q (error %q), want the parent's %q", r.Vulnerable.Token, r.Vulnerable.TokenError, s.Token())
		}
		if r.Vulnerable.Name != "mallory" {
			t.Errorf("setName on the vulnerable receiver: %+v, want it renamed to mallory", r.Vulnerable)
		}
		if got := eval[string](t, ctx, `document.getElementById("vulnerable-token").textContent`); !strings.Contains(got, s.Token()) {
			t.Errorf("the attacker page shows %q", got)
		}
	})

	t.Run("safe receiver ignores the attacker", func(t *testing.T) {
		if r.Safe.Token != "" || r.Safe.Name != "" {
			t.Errorf("the safe receiver answered the attacker: %+v", r.Safe)
		}
		for _, e := range []string{r.Safe.TokenError, r.Safe.NameError} {
			if !strings.HasPrefix(e, "ignored (no response to") {
				t.Errorf("safe receiver: %q, want a timeout", e)
			}
		}
	})

	// Inside the victim: the attacker's page frames the parent, so the
	// parent runs in its own process, as an iframe target.
	victim := frameContext(t, ctx, A+postmessage.ParentPath)
	victimConsole := captureConsole(victim)

	t.Run("what the victim saw", func(t *testing.T) {
		names := poll[map[string]string](t, victim, "the victim's accounts",
			`wirelab.vulnerable.name === "mallory" && {safe: wirelab.safe.name, vulnerable: wirelab.vulnerable.name}`)
		if names["safe"] != "alice" {
			t.Errorf("the safe receiver's account was renamed to %q", names["safe"])
		}
		e := poll[logEntry](t, victim, "the safe receiver to log the attacker",
			`wirelab.safe.log.find(e => e.verdict === "ignored: untrusted origin" && e.data.includes('"method":"getToken"'))`)
		if e.Origin != C || e.Source != "window.parent (a page framing this one)" {
			t.Errorf("safe receiver saw origin %q, source %q; want %q, window.parent", e.Origin, e.Source, C)
		}
		v := poll[logEntry](t, victim, "the vulnerable receiver to log the attacker",
			`wirelab.vulnerable.log.find(e => e.method === "getToken")`)
		if v.Origin != C || !strings.HasPrefix(v.Verdict, "accepted (origin not checked)") {
			t.Errorf("vulnerable receiver logged %+v; want accepted from %s", v, C)
		}
		if n := eval[int](t, victim, `wirelab.vulnerable.leaks`); n != 1 {
			t.Errorf("the vulnerable receiver handed out its token %d times, want 1", n)
		}
		if n := eval[int](t, victim, `wirelab.safe.leaks`); n != 0 {
			t.Errorf("the safe receiver handed out its token %d times, want 0", n)
		}
	})

	t.Run("attack again", func(t *testing.T) {
		// The console of the victim is captured from here on: a second run
		// shows the safe receiver's warnings there.
		eval[bool](t, ctx, `wirelab.run().then(a => a.done)`)
		m := victimConsole.waitFor(t, "warnings", 1, func(m chromedp.ConsoleMessage) bool {
			return m.Type == chromedp.ConsoleWarning && m.Text == "[safe receiver] ignored a message from untrusted origin "+C
		})
		t.Logf("victim console: %s", m[0])
		noExceptions(t, "the attacker page", attackerConsole)
		noExceptions(t, "the victim page", victimConsole)
	})

	testbrowser.Screenshot(t, ctx, "attacker.png")
}
