package lessons

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wirelab/wirelab/internal/textwrap"
)

var renderTests = []struct {
	name  string
	md    string
	width int
	want  string
}{
	{"heading levels", "# Title\n\n## Part\n\n### Small\n", 40,
		"Title\n=====\n\nPart\n----\n\nSmall\n"},
	{"emphasis and code lose their markers", "Send **Upgrade** with *care* and `Connection: Upgrade`.\n", 80,
		"Send Upgrade with care and Connection: Upgrade.\n"},
	{"code span kept whole", "a b c d `Upgrade: websocket` e\n", 20,
		"a b c d\nUpgrade: websocket e\n"},
	{"chinese paragraph", "服务器回复 `101 Switching Protocols` 之后，同一条连接上传输的就是帧。\n", 30,
		"服务器回复\n101 Switching Protocols 之后，\n同一条连接上传输的就是帧。\n"},
	{"bullets hang", "- one two three four five\n- six\n", 16,
		"- one two three\n  four five\n- six\n"},
	{"numbers hang", "9. one two three\n10. four\n", 12,
		"9.  one two\n    three\n10. four\n"},
	{"nested list", "- outer\n  - inner item text\n", 14,
		"- outer\n  - inner item\n    text\n"},
	{"code block indented and kept", "```\nGET / HTTP/1.1\nHost: x\n```\n", 40,
		"    GET / HTTP/1.1\n    Host: x\n"},
	{"code block indent shrinks to fit", "```\n0123456789\n```\n", 12,
		"  0123456789\n"},
	{"table", "| a | b |\n| --- | --- |\n| 1xx | info |\n", 40,
		"a    b\n───  ────\n1xx  info\n"},
	{"table cell wraps", "| k | v |\n| --- | --- |\n| x | one two three |\n", 12,
		"k  v\n─  ─────────\nx  one two\n   three\n"},
	{"link shows its target", "see [RFC 6455](https://www.rfc-editor.org/rfc/rfc6455)\n", 80,
		"see RFC 6455 (https://www.rfc-editor.org/rfc/rfc6455)\n"},
	{"soft break in chinese joins", "第一行\n第二行\n", 80,
		"第一行第二行\n"},
	{"soft break in english is a space", "one\ntwo\n", 80,
		"one two\n"},
	{"escapes and entities resolved", "a \\* b &lt; c &amp; d &#49;\n\n| x \\| y | z |\n| - | - |\n| 1 | 2 |\n", 80,
		"a * b < c & d 1\n\nx | y  z\n─────  ─\n1      2\n"},
	{"hard break", "one\\\ntwo\n", 80,
		"one\ntwo\n"},
}

func TestRenderLayout(t *testing.T) {
	for _, tt := range renderTests {
		r, err := NewRenderer(tt.width, false)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Render(tt.md); got != tt.want {
			t.Errorf("%s: Render(%q) at %d =\n%s\nwant\n%s", tt.name, tt.md, tt.width, got, tt.want)
		}
	}
}

// TestRenderStyled checks the terminal look: styled, with a two-cell margin,
// and the same words as the plain text.
func TestRenderStyled(t *testing.T) {
	md := "## Part\n\nSend **Upgrade** and `Connection: Upgrade` to 服务器，然后等待 101 回复。\n"
	r, _ := NewRenderer(40, true)
	got := r.Render(md)
	if !strings.Contains(got, sgrBold+"Upgrade"+sgrBoldOff) || !strings.Contains(got, sgrCode+"Connection: Upgrade"+sgrFgOff) {
		t.Errorf("no bold or code style in %q", got)
	}
	plain, _ := NewRenderer(38, false)
	want := plain.Render(md)
	want = strings.Replace(want, "Part\n----\n", "Part\n", 1)
	var stripped []string
	for _, l := range strings.Split(textwrap.Strip(got), "\n") {
		stripped = append(stripped, strings.TrimPrefix(l, "  "))
	}
	if s := strings.Join(stripped, "\n"); s != want {
		t.Errorf("styled text =\n%s\nwant the plain layout\n%s", s, want)
	}
	for _, l := range strings.Split(textwrap.Strip(got), "\n") {
		if textwrap.Width(l) > 40 {
			t.Errorf("line %q is wider than 40", l)
		}
	}
}

func TestWidth(t *testing.T) {
	env := func(cols string) func(string) string {
		return func(k string) string {
			if k == "COLUMNS" {
				return cols
			}
			return ""
		}
	}
	var buf strings.Builder
	for _, tt := range []struct {
		flag int
		cols string
		want int
	}{
		{60, "100", 60},
		{200, "", 200},
		{0, "100", 100},
		{0, "300", maxAutoWidth},
		{0, "", DefaultWidth},
		{0, "wide", DefaultWidth},
		{0, "-3", DefaultWidth},
	} {
		if got := Width(tt.flag, &buf, env(tt.cols)); got != tt.want {
			t.Errorf("Width(%d, COLUMNS=%q) = %d, want %d", tt.flag, tt.cols, got, tt.want)
		}
	}
}

// FuzzRender renders any Markdown without panicking, in both looks, into
// whole lines of valid UTF-8.
func FuzzRender(f *testing.F) {
	for _, tt := range renderTests {
		f.Add(tt.md, tt.width)
	}
	f.Fuzz(func(t *testing.T, md string, width int) {
		width = 1 + int(uint(width)%120)
		for _, color := range []bool{false, true} {
			r, err := NewRenderer(width, color)
			if err != nil {
				t.Fatal(err)
			}
			out := r.Render(md)
			if out != "" && !strings.HasSuffix(out, "\n") {
				t.Fatalf("Render(%q, %d) = %q does not end with a newline", md, width, out)
			}
			if utf8.ValidString(md) && !utf8.ValidString(out) {
				t.Fatalf("Render(%q, %d) = %q is not valid UTF-8", md, width, out)
			}
		}
	})
}

func TestRenderStyledHeadingKeepsItsColour(t *testing.T) {
	r, _ := NewRenderer(60, true)
	got := r.Render("## The `Upgrade` header\n")
	if want := sgrCode + "Upgrade" + sgrFgOff + sgrHeading + " header"; !strings.Contains(got, want) {
		t.Errorf("got %q, want the heading style back after the code span: %q", got, want)
	}
}
