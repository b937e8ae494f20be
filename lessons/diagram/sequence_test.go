package diagram

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// goldenEvents is a fixed recording: three actors, every kind of event, a
// label too long for its lane, and Chinese text.
func goldenEvents() []Event {
	ms := time.Millisecond
	return []Event{
		{At: 0, From: 0, To: 1, Label: "connect", Kind: Open},
		{At: 1 * ms, From: 0, To: 1, Label: "GET /poll?after=0&wait=5 HTTP/1.1 (held until news arrives)", Bytes: 52},
		{At: 2 * ms, From: 2, To: 1, Label: "publish 新闻 1", Bytes: 6},
		{At: 3 * ms, From: 1, To: 0, Label: "200 OK", Bytes: 131},
		{At: 4 * ms, From: 1, To: 1, Label: "服务端挂起下一个请求", Kind: Note},
		{At: 5 * ms, From: 0, To: 2, Label: "hello", Bytes: 5},
		{At: 6 * ms, From: 2, To: 0, Label: "close", Kind: Close},
	}
}

func TestSequenceGolden(t *testing.T) {
	for _, tc := range []struct {
		name    string
		actors  []string
		width   int
		compact bool
	}{
		{"sequence-80", []string{"client", "server", "publisher 发布者"}, 80, false},
		{"sequence-60", []string{"浏览器", "server", "pub"}, 60, false},
		{"sequence-compact", []string{"client", "server", "pub"}, 80, true},
	} {
		var b bytes.Buffer
		if err := Sequence(&b, tc.actors, goldenEvents(), Options{Width: tc.width, MaskTimes: true, Compact: tc.compact}); err != nil {
			t.Fatal(err)
		}
		golden(t, tc.name, b.Bytes())
		if strings.Contains(b.String(), " ms") && !strings.Contains(b.String(), "+#.# ms") {
			t.Errorf("%s: timings are not masked", tc.name)
		}
	}
}

// Each actor's box hangs exactly over its lifeline: the ┬ in the box's
// bottom edge is its middle cell, whatever the width of the name.
func TestSequenceBoxesCentred(t *testing.T) {
	for _, name := range []string{"a", "ab", "abc", "server", "client", "浏览器", "client 浏览器", "wirelab ws"} {
		var b bytes.Buffer
		if err := Sequence(&b, []string{name, "x"}, nil, Options{Width: 60}); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(b.String(), "\n")
		bottom := []rune(lines[2])
		left := strings.IndexRune(lines[2], '└')
		l, r, tee := -1, -1, -1
		for i, c := range bottom {
			switch c {
			case '└':
				if l < 0 {
					l = i
				}
			case '┘':
				if r < 0 {
					r = i
				}
			case '┬':
				if tee < 0 {
					tee = i
				}
			}
		}
		if left < 0 || l < 0 || r < 0 || tee < 0 {
			t.Fatalf("%q: no box drawn:\n%s", name, b.String())
		}
		if tee-l != r-tee {
			t.Errorf("%q: ┬ at cell %d is not the middle of └ at %d and ┘ at %d:\n%s", name, tee, l, r, b.String())
		}
		if got := []rune(lines[3])[tee]; got != '│' {
			t.Errorf("%q: the lifeline is not under ┬ (found %q):\n%s", name, got, b.String())
		}
	}
}

func TestSequenceBadActor(t *testing.T) {
	err := Sequence(&bytes.Buffer{}, []string{"a", "b"}, []Event{{From: 0, To: 2, Label: "x"}}, Options{})
	if err == nil || !strings.Contains(err.Error(), "only 2 actors") {
		t.Fatalf("got %v, want an error naming the 2 actors", err)
	}
}
