package check

import (
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// The WebSocket track keeps the ids and order of `wirelab check ws`, and
// every stage is described in both languages, with a nudge and then the
// exact rule, and a pass message that names only values the interpreter
// fills in.
func TestWSTrackAsData(t *testing.T) {
	want := "tcp handshake accept-key echo-text server-unmasked length-16 length-64 coalesced-frames split-frame fragmented ping-pong close"
	ids, _ := StageIDs(KindWebSocket)
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("stage ids:\ngot  %s\nwant %s", got, want)
	}
	known := map[string]bool{"remote": true, "local": true, "upgrade": true, "connection": true, "key": true, "accept": true, "frames": true, "close": true, "tcp": true}
	placeholder := regexp.MustCompile(`\{([a-z]+)\}`)
	hasHan := func(s string) bool {
		return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
	}
	for _, st := range wsTrack {
		if !strings.HasPrefix(st.section, "RFC ") {
			t.Errorf("%s: section %q", st.id, st.section)
		}
		for _, tx := range []ltext{st.sends, st.expects, st.hints[0], st.hints[1], st.pass} {
			if tx[0] == "" || tx[1] == "" {
				t.Errorf("%s: a text lacks a language: %q", st.id, tx)
			}
		}
		for _, tx := range st.hints {
			if !hasHan(tx[1]) {
				t.Errorf("%s: hint %q is not in Chinese", st.id, tx[1])
			}
		}
		if len(st.hints[0][0]) >= len(st.hints[1][0]) {
			t.Errorf("%s: the nudge %q is not shorter than the rule %q", st.id, st.hints[0][0], st.hints[1][0])
		}
		for l, p := range st.pass {
			for _, m := range placeholder.FindAllStringSubmatch(p, -1) {
				if !known[m[1]] {
					t.Errorf("%s: pass message %d names {%s}, which the interpreter does not fill", st.id, l, m[1])
				}
			}
		}
		if st.open < openWS && len(st.steps) > 0 {
			t.Errorf("%s: steps before the WebSocket is open", st.id)
		}
	}
	for _, lang := range []string{"en", "zh"} {
		st, _ := Stages(KindWebSocket, lang)
		for _, s := range st {
			if len(s.Hints) != 2 || s.Hints[0] == "" || s.Hints[1] == "" {
				t.Errorf("%s %s: hints %q", lang, s.ID, s.Hints)
			}
		}
	}
}

// A passing run fills in every value its messages name.
func TestWSPassMessagesFilled(t *testing.T) {
	rep := run(t, Options{Kind: KindWebSocket, Addr: goodWSServer(t), Lang: "zh"})
	if !rep.Passed {
		t.Fatalf("%s", text(rep))
	}
	for _, s := range rep.Stages {
		if strings.ContainsAny(s.Message, "{}") {
			t.Errorf("%s: %q", s.ID, s.Message)
		}
	}
	if m := rep.Stages[len(rep.Stages)-1].Message; !strings.Contains(m, "1000") || !strings.Contains(m, "服务器关闭了 TCP 连接") {
		t.Errorf("close: %q", m)
	}
}
