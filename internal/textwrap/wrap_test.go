package textwrap

import (
	"strings"
	"testing"
	"unicode/utf8"
)

const guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

var wrapTests = []struct {
	name  string
	in    string
	width int
	want  string
}{
	{"fits", "short line", 20, "short line"},
	{"fits keeps trailing spaces", "short  ", 20, "short  "},
	{"zero width is no wrapping", "a b c", 0, "a b c"},
	{"english at spaces", "the quick brown fox jumps", 10, "the quick\nbrown fox\njumps"},
	{"hyphenated header value whole", "Connection: keep-alive here", 18, "Connection:\nkeep-alive here"},
	{"header name whole", "send Sec-WebSocket-Accept back", 12, "send\nSec-WebSocket-Accept\nback"},
	{"guid whole", "append " + guid + " then hash", 30, "append\n" + guid + "\nthen hash"},
	{"url whole", "see https://www.rfc-editor.org/rfc/rfc6455#section-4 now", 20, "see\nhttps://www.rfc-editor.org/rfc/rfc6455#section-4\nnow"},
	{"chinese between characters", "一二三四五六七八九十", 8, "一二三四\n五六七八\n九十"},
	{"no line starts with a comma", "一二三，四五六", 6, "一二\n三，四\n五六"},
	{"no line starts with a full stop", "甲乙丙。丁戊", 6, "甲乙\n丙。丁\n戊"},
	{"no line ends with an opening bracket", "甲乙（丙丁）", 6, "甲乙\n（丙\n丁）"},
	{"no line starts with a closing corner bracket", "甲乙「丙」丁", 8, "甲乙\n「丙」丁"},
	{"english word inside chinese whole", "服务器保持keep-alive连接", 12, "服务器保持\nkeep-alive连\n接"},
	{"wide characters count two", "中文中文中文", 7, "中文中\n文中文"},
	{"indent kept", "    code that is long", 12, "    code\n    that is\n    long"},
	{"hanging indent for a bullet", "- a list item that is a bit too long", 20, "- a list item that\n  is a bit too long"},
	{"hanging indent for a number", "12. one two three four", 12, "12. one two\n    three\n    four"},
	{"hanging indent for a choice", "  1) 全双工的意思是什么呢", 12, "  1) 全双工\n     的意思\n     是什么\n     呢"},
	{"token wider than the width alone", "ab " + guid + " cd", 10, "ab\n" + guid + "\ncd"},
	{"nbsp keeps a code span", "send Upgrade:\u00a0websocket now", 12, "send\nUpgrade:\u00a0websocket\nnow"},
	{"tab expanded", "\tone two three", 18, "        one two\n        three"},
	{"hanging indent at most half the width", "\tx yy zz", 12, "        x yy\n      zz"},
	{"lines wrapped one by one", "aa bb\ncc dd", 3, "aa\nbb\ncc\ndd"},
	{"escape counts zero", "\x1b[1mbold\x1b[0m word", 9, "\x1b[1mbold\x1b[0m word"},
	{"style carried over a break", "\x1b[1mone two\x1b[0m three", 4, "\x1b[1mone\x1b[0m\n\x1b[1mtwo\x1b[0m\nthree"},
	{"style opened at a break", "one \x1b[36mtwo\x1b[0m", 4, "one\n\x1b[36mtwo\x1b[0m"},
	{"off codes end a style", "\x1b[1mab\x1b[22m cd", 3, "\x1b[1mab\x1b[22m\ncd"},
	{"style closed at a break", "\x1b[1mab \x1b[22mcd", 3, "\x1b[1mab\x1b[0m\ncd"},
	{"256 colours carried", "\x1b[38;5;203mab cd\x1b[39m", 3, "\x1b[38;5;203mab\x1b[0m\n\x1b[38;5;203mcd\x1b[39m"},
	{"styles combined", "\x1b[1m\x1b[3mab \x1b[23mcd ef\x1b[0m", 3, "\x1b[1m\x1b[3mab\x1b[0m\n\x1b[1mcd\x1b[0m\n\x1b[1mef\x1b[0m"},
	{"hyperlink kept", "ab \x1b]8;;http://x\acd\x1b]8;;\a", 3, "ab\n\x1b]8;;http://x\acd\x1b]8;;\a"},
	{"chinese style carried", "\x1b[1m中文中文\x1b[0m", 4, "\x1b[1m中文\x1b[0m\n\x1b[1m中文\x1b[0m"},
}

func TestWrap(t *testing.T) {
	for _, tt := range wrapTests {
		if got := Wrap(tt.in, tt.width); got != tt.want {
			t.Errorf("%s: Wrap(%q, %d) = %q, want %q", tt.name, tt.in, tt.width, got, tt.want)
		}
	}
}

func TestHang(t *testing.T) {
	for _, tt := range []struct {
		prefix, text string
		width        int
		want         string
	}{
		{"▶ 14  ", "WebSocket——全双工通道，以及 ws:// 与 wss:// URL", 30, "▶ 14  WebSocket——全双工通道，\n      以及 ws:// 与 wss:// URL"},
		{"ab ", "cd", 10, "ab cd"},
		{"a long prefix ", "word word", 16, "a long prefix\nword word"},
		{"x ", "one two", 0, "x one two"},
	} {
		if got := Hang(tt.prefix, tt.text, tt.width); got != tt.want {
			t.Errorf("Hang(%q, %q, %d) = %q, want %q", tt.prefix, tt.text, tt.width, got, tt.want)
		}
	}
}

func TestWidth(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"中文", 4},
		{"，。", 4},
		{"\x1b[1;36m中a\x1b[0m", 3},
		{"ab\n中文中", 6},
		{"\tx", 9},
	} {
		if got := Width(tt.in); got != tt.want {
			t.Errorf("Width(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestMinWidth(t *testing.T) {
	if got, want := MinWidth("use "+guid+" 中文"), len(guid); got != want {
		t.Errorf("MinWidth = %d, want %d", got, want)
	}
	if got := MinWidth("中文，中文"); got != 4 {
		t.Errorf("MinWidth(中文，中文) = %d, want 4 (文，)", got)
	}
}

func TestStrip(t *testing.T) {
	in := "\x1b[1mbold\x1b[0m \x1b]8;;http://x\x1b\\link\x1b]8;;\a\n\x1b[36m中\x1b[m"
	if got, want := Strip(in), "bold link\n中"; got != want {
		t.Errorf("Strip = %q, want %q", got, want)
	}
}

// FuzzWrap checks what holds for any text: nothing but spaces is lost or
// added, and a line wider than the width has no break left in it.
func FuzzWrap(f *testing.F) {
	for _, tt := range wrapTests {
		f.Add(tt.in, tt.width)
	}
	f.Fuzz(func(t *testing.T, s string, width int) {
		if !utf8.ValidString(s) {
			return
		}
		width = 1 + abs(width)%100
		got := Wrap(s, width)
		if squeeze(Strip(got)) != squeeze(Strip(s)) {
			t.Fatalf("Wrap(%q, %d) = %q changes the text", s, width, got)
		}
		if strings.Count(got, "\n") < strings.Count(s, "\n") {
			t.Fatalf("Wrap(%q, %d) = %q lost a line", s, width, got)
		}
		for _, line := range strings.Split(Strip(got), "\n") {
			if Width(line) <= width {
				continue
			}
			if again := Wrap(line, width); again != line {
				t.Fatalf("Wrap(%q, %d): line %q is %d cells and could break: %q", s, width, line, Width(line), again)
			}
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// squeeze drops spaces, tabs and newlines.
func squeeze(s string) string {
	return strings.NewReplacer(" ", "", "\t", "", "\n", "").Replace(s)
}
