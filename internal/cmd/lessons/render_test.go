package lessons

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wirelab/wirelab/internal/cmd/cmdtest"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/internal/textwrap"
	"github.com/wirelab/wirelab/lessons"
)

// guid is RFC 6455's magic string; lessons quote it and it must never be
// cut.
const guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// Chinese punctuation that UAX #14 keeps off the start (closing) or the end
// (opening) of a line.
const (
	noLineStart = "，。、：；！？）」』》〉】"
	noLineEnd   = "（「『《〈【"
)

// headingLine is a Markdown ATX heading marker at the start of a line.
var headingLine = regexp.MustCompile(`(?m)^[ \t]*#{1,6} `)

// markers counts the Markdown markers of s: "**", backticks and "## " at
// the start of a line.
func markers(s string) [3]int {
	return [3]int{strings.Count(s, "**"), strings.Count(s, "`"), len(headingLine.FindAllString(s, -1))}
}

// codeMarkers counts the markers inside the fenced code blocks of md: the
// only ones a rendered page may show, since code is shown as written.
func codeMarkers(md string) [3]int {
	var code strings.Builder
	in := false
	for line := range strings.Lines(md) {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			in = !in
			continue
		}
		if in {
			code.WriteString(line)
		}
	}
	return markers(code.String())
}

// TestShowFitsTheWidth renders every lesson's page in both languages, plain
// and styled (escapes stripped), at 80 and 60 cells: no line is wider than
// the width unless it is one unbreakable token, no Markdown marker is left
// outside code blocks, and the WebSocket GUID is never cut.
func TestShowFitsTheWidth(t *testing.T) {
	c, err := lessons.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range c.Lessons() {
		for _, lang := range []string{"en", "zh"} {
			md := ShowMarkdown(c, l, lang)
			for _, width := range []int{80, 60} {
				for _, tty := range []bool{false, true} {
					name := fmt.Sprintf("%d %s --width %d tty=%v", l.Number, lang, width, tty)
					ios, _, out, _ := iostreams.Test()
					ios.IsTTY = tty
					if err := runShow(&ShowOptions{IO: ios, Lesson: l.ID, Lang: lang, Width: width}); err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					if tty && !strings.Contains(out.String(), "\x1b[") {
						t.Errorf("%s: a terminal gets no styles", name)
					}
					checkPage(t, name, md, textwrap.Strip(out.String()), width)
				}
			}
		}
	}
}

func checkPage(t *testing.T, name, md, page string, width int) {
	t.Helper()
	for i, line := range strings.Split(page, "\n") {
		// No exception, not even for one unbreakable token: at 60 columns
		// every lesson fits (lesson 16 draws its frame header 16 bits to
		// a row for this).
		if w := textwrap.Width(line); w > width {
			t.Errorf("%s: line %d is %d cells: %q", name, i+1, w, line)
		}
	}
	for i, line := range strings.Split(page, "\n") {
		body := strings.TrimSpace(line)
		if r, _ := utf8.DecodeRuneInString(body); strings.ContainsRune(noLineStart, r) {
			t.Errorf("%s: line %d starts with %q: %q", name, i+1, r, line)
		}
		if r, _ := utf8.DecodeLastRuneInString(body); strings.ContainsRune(noLineEnd, r) {
			t.Errorf("%s: line %d ends with %q: %q", name, i+1, r, line)
		}
	}
	if got, want := markers(page), codeMarkers(md); got != want {
		t.Errorf("%s: Markdown markers (**, `, ##) = %v, want %v (those in code blocks)", name, got, want)
	}
	if n := strings.Count(md, guid); strings.Count(page, guid) != n {
		t.Errorf("%s: the GUID is shown whole %d times, want %d", name, strings.Count(page, guid), n)
	}
}

func TestShowWidthFlag(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	var got *ShowOptions
	if err := cmdtest.Execute(NewCmdShow(ios, func(o *ShowOptions) error { got = o; return nil }), "14 --width 60"); err != nil {
		t.Fatal(err)
	}
	if got.Width != 60 {
		t.Errorf("--width 60: got Width %d", got.Width)
	}
	if err := cmdtest.Execute(NewCmdShow(ios, func(*ShowOptions) error { return nil }), "14 --width -1"); err == nil {
		t.Error("--width -1 was accepted")
	}
}
