package demo

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/rivo/uniseg"
)

// shapes reads the sequence diagrams in a demo's output and returns each
// as its arrows, in order: "open→", "msg→", "msg←", "close→", "close←"
// (→ from the first actor towards a later one).
func shapes(t *testing.T, out string) [][]string {
	t.Helper()
	var all [][]string
	var cur []string
	in := false
	for _, l := range strings.Split(out, "\n") {
		if w := uniseg.StringWidth(l); w > 80 && (in || strings.Contains(l, "┌")) {
			t.Errorf("a line of a diagram is %d cells wide, more than 80: %q", w, l)
		}
		switch {
		case strings.Contains(l, "┌") && !in:
			in, cur = true, nil
			continue
		case !in:
			continue
		case strings.Trim(l, "│ ") == "" && strings.Contains(l, "│"):
			// The last line: lifelines only.
			in = false
			all = append(all, cur)
			continue
		}
		r := []rune(l)
		for i, c := range r {
			var shaft rune
			var dir string
			switch {
			case c == '▶' && i > 0:
				shaft, dir = r[i-1], "→"
			case c == '◀' && i+1 < len(r):
				shaft, dir = r[i+1], "←"
			default:
				continue
			}
			kind := map[rune]string{'═': "open", '┄': "close", '─': "msg", ' ': "msg"}[shaft]
			cur = append(cur, kind+dir)
			if stamp := strings.TrimSpace(string(r[:12])); stamp != "+#.# ms" {
				t.Errorf("timing %q is not masked: %q", stamp, l)
			}
			break
		}
	}
	return all
}

func runMasked(t *testing.T, id, lang string) string {
	t.Helper()
	var out bytes.Buffer
	if err := Exec(context.Background(), All()[id], &Env{Out: &out, Lang: lang, MaskTimes: true}); err != nil {
		t.Fatalf("%s: %v\n%s", id, err, out.String())
	}
	return out.String()
}

func repeat(n int, arrows ...string) []string {
	var out []string
	for i := 0; i < n; i++ {
		out = append(out, arrows...)
	}
	return out
}

// The diagrams drawn from what really crossed the wire have the shape the
// lesson describes: five connects for HTTP/1.0, one for keep-alive and one
// for pipelining, where all five requests leave in a single write.
func TestConnectionsDiagrams(t *testing.T) {
	for _, lang := range []string{"en", "zh"} {
		out := runMasked(t, "http-connections", lang)
		d := shapes(t, out)
		if len(d) != 3 {
			t.Fatalf("%s: %d diagrams, want 3:\n%s", lang, len(d), out)
		}
		want := [][]string{
			repeat(5, "open→", "msg→", "msg←", "close←", "close→"),
			append(append([]string{"open→"}, repeat(5, "msg→", "msg←")...), "close→", "close←"),
		}
		for i, w := range want {
			if fmt.Sprint(d[i]) != fmt.Sprint(w) {
				t.Errorf("%s: diagram %d is %v, want %v:\n%s", lang, i+1, d[i], w, out)
			}
		}
		// Pipelined: the responses may leave in one write or several.
		p := d[2]
		if len(p) < 5 || fmt.Sprint(p[:2]) != "[open→ msg→]" || fmt.Sprint(p[len(p)-2:]) != "[close→ close←]" {
			t.Errorf("%s: the pipelined diagram is %v, want one connect, one write, answers, two FINs:\n%s", lang, p, out)
		}
		for _, a := range p[2 : len(p)-2] {
			if a != "msg←" {
				t.Errorf("%s: the pipelined diagram has %s among the answers: %v", lang, a, p)
			}
		}
		if !strings.Contains(out, "5 × GET /p1 … /p5 (145 B)") {
			t.Errorf("%s: the pipelined write is not labelled with its 5 requests and 145 bytes:\n%s", lang, out)
		}
	}
}

// A TCP connection's life: connect, two writes, the client's half-close,
// the answer, the server's FIN.
func TestTCPHandshakeDiagram(t *testing.T) {
	out := runMasked(t, "tcp-handshake", "en")
	d := shapes(t, out)
	want := "[[open→ msg→ msg→ close→ msg← close←]]"
	if fmt.Sprint(d) != want {
		t.Errorf("diagrams %v, want %s:\n%s", d, want, out)
	}
	for _, s := range []string{`"hello " (6 B)`, `"world" (5 B)`} {
		if !strings.Contains(out, s) {
			t.Errorf("no arrow labelled %s:\n%s", s, out)
		}
	}
}

// The WebSocket handshakes, as recorded: the opening one is an HTTP
// request and a 101 on a new connection; the closing one a close frame
// each way, then the server's FIN before the client's.
func TestWSDiagrams(t *testing.T) {
	for _, tc := range []struct {
		id, want string
		labels   []string
	}{
		{"ws-handshake", "[[open→ msg→ msg← close→ close←]]", []string{"GET /chat HTTP/1.1", "101 Switching"}},
		{"ws-close-ping", "[[open→ msg→ msg← msg→ msg← msg→ msg← close← close→]]",
			[]string{`ping "are you there?" (20 B)`, `pong "are you there?" (16 B)`, "close 1000 bye (11 B)", "close 1000 (4 B)"}},
	} {
		for _, lang := range []string{"en", "zh"} {
			out := runMasked(t, tc.id, lang)
			if d := shapes(t, out); fmt.Sprint(d) != tc.want {
				t.Errorf("%s %s: diagrams %v, want %s:\n%s", tc.id, lang, d, tc.want, out)
			}
			for _, l := range tc.labels {
				if !strings.Contains(out, l) {
					t.Errorf("%s %s: no arrow labelled %q:\n%s", tc.id, lang, l, out)
				}
			}
		}
	}
	// ws-frames draws the masked "Hello" frame's header with its real bits.
	out := runMasked(t, "ws-frames", "en")
	if !strings.Contains(out, "│1│0│0│0│0 0 0 1│1│0 0 0 0 1 0 1│0 0 1 1 0 1 1 1 1 1 1 1 1 0 1 0│") {
		t.Errorf("ws-frames: no bit diagram of 81 85 37 fa:\n%s", out)
	}
}

// Short polling, long polling, SSE and WebSocket over the same second:
// one connection each; SSE one request for every message, WebSocket a
// handshake then frames; long polling one request per message; short
// polling asks on its own clock, so only its pairing is fixed.
func TestPollTimelineDiagrams(t *testing.T) {
	var out bytes.Buffer
	e := &Env{Out: &out, Lang: "en", MaskTimes: true}
	if err := pollTimeline(context.Background(), e); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	d := shapes(t, out.String())
	if len(d) != 4 {
		t.Fatalf("%d diagrams, want 4:\n%s", len(d), out.String())
	}
	count := func(arrows []string, a string) int {
		n := 0
		for _, x := range arrows {
			if x == a {
				n++
			}
		}
		return n
	}
	short := d[0]
	if short[0] != "open→" || count(short, "open→") != 1 || fmt.Sprint(short[len(short)-2:]) != "[close→ close←]" ||
		count(short, "msg→") != count(short, "msg←") || count(short, "msg→") < 3 {
		t.Errorf("short poll: %v, want one connect, at least 3 polls each answered, the client's FIN first", short)
	}
	want := []string{
		"[open→ msg→ msg← msg→ msg← close→ close←]",
		"[open→ msg→ msg← msg← msg← close→ close←]",
		"[open→ msg→ msg← msg← msg← msg→ msg← close← close→]",
	}
	for i, w := range want {
		if got := fmt.Sprint(d[i+1]); got != w {
			t.Errorf("%s: %s, want %s", timelineClients[i+1].name[0], got, w)
		}
	}
	for _, l := range []string{"200 OK [news 1]", "200 OK [news 2]", "data: news 1", "text: news 2", "publish news 2"} {
		if !strings.Contains(out.String(), l) {
			t.Errorf("no %q in the diagrams:\n%s", l, out.String())
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", out.String())
	}
}
