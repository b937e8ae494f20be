package textwrap

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// tabStop is where a tab moves the column to: the next multiple of 8.
const tabStop = 8

// listMarker matches a list item's marker after its indentation.
var listMarker = regexp.MustCompile(`^(?:[-*+•◦▪]|[0-9]{1,3}[.)]|[a-zA-Z][.)]) +`)

// Wrap wraps every line of s to width cells (see the package doc). A width
// of 0 or less returns s unchanged.
func Wrap(s string, width int) string {
	if width <= 0 {
		return s
	}
	var b strings.Builder
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		wrapLine(&b, line, width)
	}
	return b.String()
}

// Hang wraps text to width cells after prefix: the first line starts with
// prefix, the others with as many spaces as prefix is wide, as in a table
// whose last column wraps:
//
//	▶ 14  websocket   WebSocket——全双工通道，
//	                  以及 ws:// 与 wss:// URL
func Hang(prefix, text string, width int) string {
	w := Width(prefix)
	if width <= 0 || w > width/2 {
		return Wrap(prefix+text, width)
	}
	lines := strings.Split(Wrap(text, width-w), "\n")
	lines[0] = prefix + lines[0]
	for i := 1; i < len(lines); i++ {
		lines[i] = strings.Repeat(" ", w) + lines[i]
	}
	return strings.Join(lines, "\n")
}

// Width is the width of s in cells: the widest of its lines, escape
// sequences not counted, tabs expanded.
func Width(s string) int {
	w := 0
	for line := range strings.SplitSeq(s, "\n") {
		plain, _ := parse(line)
		w = max(w, uniseg.StringWidth(plain))
	}
	return w
}

// Strip returns s without its ANSI escape sequences.
func Strip(s string) string {
	if !strings.Contains(s, "\x1b") {
		return s
	}
	var b strings.Builder
	for line := range strings.Lines(s) {
		var plain string
		body, nl := strings.CutSuffix(line, "\n")
		plain, _ = parseEsc(body)
		b.WriteString(plain)
		if nl {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// MinWidth is the width of the widest unit of s that Wrap never breaks: the
// narrowest width at which s wraps without overflowing.
func MinWidth(s string) int {
	return Width(Wrap(s, 1))
}

// An escape is an escape sequence found at byte pos of the plain text.
type escape struct {
	pos int
	seq string
}

// parse splits a line into its visible text, tabs expanded, and its escape
// sequences.
func parse(line string) (string, []escape) {
	plain, escs := parseEsc(line)
	if !strings.Contains(plain, "\t") {
		return plain, escs
	}
	// Expand tabs, moving the escapes that follow each one.
	var b strings.Builder
	k, col := 0, 0
	for i, r := range plain {
		for ; k < len(escs) && escs[k].pos == i; k++ {
			escs[k].pos = b.Len()
		}
		if r == '\t' {
			n := tabStop - col%tabStop
			b.WriteString(strings.Repeat(" ", n))
			col += n
			continue
		}
		b.WriteRune(r)
		col += uniseg.StringWidth(string(r))
	}
	for ; k < len(escs); k++ {
		escs[k].pos = b.Len()
	}
	return b.String(), escs
}

// parseEsc takes the ANSI escape sequences out of line: CSI (ESC [ … final
// byte), OSC (ESC ] … BEL or ESC \) and two-byte ESC x.
func parseEsc(line string) (string, []escape) {
	if !strings.Contains(line, "\x1b") {
		return line, nil
	}
	var b strings.Builder
	var escs []escape
	for i := 0; i < len(line); {
		if line[i] != '\x1b' {
			j := strings.IndexByte(line[i:], '\x1b')
			if j < 0 {
				j = len(line) - i
			}
			b.WriteString(line[i : i+j])
			i += j
			continue
		}
		n := escLen(line[i:])
		escs = append(escs, escape{pos: b.Len(), seq: line[i : i+n]})
		i += n
	}
	return b.String(), escs
}

// escLen is the length of the escape sequence at the start of s.
func escLen(s string) int {
	if len(s) < 2 {
		return len(s)
	}
	switch s[1] {
	case '[':
		for j := 2; j < len(s); j++ {
			if s[j] >= 0x40 && s[j] <= 0x7e {
				return j + 1
			}
		}
		return len(s)
	case ']':
		for j := 2; j < len(s); j++ {
			if s[j] == '\a' {
				return j + 1
			}
			if s[j] == '\x1b' && j+1 < len(s) && s[j+1] == '\\' {
				return j + 2
			}
		}
		return len(s)
	}
	_, n := utf8.DecodeRuneInString(s[1:])
	return 1 + n
}

// A unit is a piece of a line that is never broken: s[start:end], then
// trailing spaces up to next.
type unit struct {
	start, end, next int
	width            int
}

// wide reports whether r is East Asian wide or fullwidth: a character that
// Chinese text may break around (UAX #14 still decides where exactly).
func wide(r rune) bool {
	return r >= 0x1100 && uniseg.StringWidth(string(r)) == 2
}

// units splits plain[from:] at the break opportunities of UAX #14 that are
// after a space or next to a wide character.
func units(plain string, from int) []unit {
	var us []unit
	state := -1
	rest := plain[from:]
	pos, start := from, from
	for len(rest) > 0 {
		var seg string
		seg, rest, _, state = uniseg.FirstLineSegmentInString(rest, state)
		pos += len(seg)
		if len(rest) > 0 && !breakable(plain[:pos], rest) {
			continue
		}
		text := strings.TrimRight(plain[start:pos], " ")
		us = append(us, unit{
			start: start, end: start + len(text), next: pos,
			width: uniseg.StringWidth(text),
		})
		start = pos
	}
	return us
}

// breakable reports whether a UAX #14 break opportunity between before and
// after may be used.
func breakable(before, after string) bool {
	last, _ := utf8.DecodeLastRuneInString(before)
	first, _ := utf8.DecodeRuneInString(after)
	return last == ' ' || wide(last) || wide(first)
}

func wrapLine(b *strings.Builder, line string, width int) {
	plain, escs := parse(line)
	if uniseg.StringWidth(plain) <= width {
		b.WriteString(line)
		return
	}
	lines, hang := layout(plain, width)
	emit(b, plain, escs, lines, hang)
}

// A span is one output line: plain[start:end].
type span struct{ start, end int }

// layout breaks plain into lines of at most width cells where it can. The
// first line keeps the indentation and list marker; the others start with
// hang spaces, under the item's text.
func layout(plain string, width int) (lines []span, hang int) {
	indent := len(plain) - len(strings.TrimLeft(plain, " "))
	prefix := indent + len(listMarker.FindString(plain[indent:]))
	hang = uniseg.StringWidth(plain[:prefix])
	if hang > width/2 {
		hang = min(indent, width/2)
	}
	// Greedy fill: each line takes units while they fit, and always at
	// least one.
	cur := uniseg.StringWidth(plain[:prefix])
	ls, le, have := 0, prefix, false
	for _, u := range units(plain, prefix) {
		if have && cur+u.width > width {
			lines = append(lines, span{ls, le})
			ls, cur = u.start, hang
		}
		cur += u.width + uniseg.StringWidth(plain[u.end:u.next])
		le, have = u.end, true
	}
	return append(lines, span{ls, le}), hang
}

// emit writes the lines, putting the escape sequences back where they were.
// A line that ends styled is reset; the next opens with the same style.
func emit(b *strings.Builder, plain string, escs []escape, lines []span, hang int) {
	var style sgr // the rendition in force
	k := 0
	for i, ln := range lines {
		if i > 0 {
			// Open the line in the rendition in force, counting the
			// styles that change right where it starts.
			b.WriteByte('\n')
			b.WriteString(strings.Repeat(" ", hang))
			var others strings.Builder
			for ; k < len(escs) && escs[k].pos <= ln.start; k++ {
				if !style.apply(escs[k].seq) {
					others.WriteString(escs[k].seq)
				}
			}
			b.WriteString(style.String())
			b.WriteString(others.String())
		}
		last := i == len(lines)-1
		limit := len(plain) + 1 // escapes before the next line's start
		if !last {
			limit = lines[i+1].start
		}
		p := ln.start
		for ; k < len(escs) && escs[k].pos < limit; k++ {
			e := escs[k]
			if q := min(e.pos, ln.end); q > p {
				b.WriteString(plain[p:q])
				p = q
			}
			b.WriteString(e.seq)
			style.apply(e.seq)
		}
		if p < ln.end {
			b.WriteString(plain[p:ln.end])
		}
		if !last && style.String() != "" {
			b.WriteString("\x1b[0m")
		}
	}
}

// An sgr is the graphic rendition in force: what a line that continues
// styled text must open with.
type sgr struct {
	attr   [10]bool // 1 bold … 9 crossed out
	fg, bg string   // "31", "38;5;203", "" for the default
}

// apply updates the rendition after escape seq and reports whether seq is
// an SGR sequence (ESC [ params m).
func (g *sgr) apply(seq string) bool {
	params, ok := strings.CutPrefix(seq, "\x1b[")
	if !ok {
		return false
	}
	if params, ok = strings.CutSuffix(params, "m"); !ok {
		return false
	}
	ps := strings.Split(params, ";")
	for i := 0; i < len(ps); i++ {
		n, err := strconv.Atoi(ps[i])
		if ps[i] == "" {
			n, err = 0, nil
		}
		switch {
		case err != nil:
			return true
		case n == 0:
			*g = sgr{}
		case n >= 1 && n <= 9:
			g.attr[n] = true
		case n == 22:
			g.attr[1], g.attr[2] = false, false
		case n >= 23 && n <= 29:
			g.attr[n-20] = false
		case n >= 30 && n <= 37, n >= 90 && n <= 97:
			g.fg = ps[i]
		case n == 39:
			g.fg = ""
		case n >= 40 && n <= 47, n >= 100 && n <= 107:
			g.bg = ps[i]
		case n == 49:
			g.bg = ""
		case n == 38 || n == 48:
			// 38;5;N or 38;2;R;G;B
			k := 2
			if i+1 < len(ps) && ps[i+1] == "2" {
				k = 4
			}
			end := min(len(ps), i+1+k)
			c := strings.Join(ps[i:end], ";")
			if n == 38 {
				g.fg = c
			} else {
				g.bg = c
			}
			i = end - 1
		}
	}
	return true
}

// String is the escape sequence that opens the rendition, "" for none.
func (g *sgr) String() string {
	var ps []string
	for n, on := range g.attr {
		if on {
			ps = append(ps, strconv.Itoa(n))
		}
	}
	for _, c := range []string{g.fg, g.bg} {
		if c != "" {
			ps = append(ps, c)
		}
	}
	if len(ps) == 0 {
		return ""
	}
	return "\x1b[" + strings.Join(ps, ";") + "m"
}
