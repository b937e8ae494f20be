package diagram

import (
	"strings"

	"github.com/rivo/uniseg"
)

// width is the number of terminal cells s takes: East Asian wide
// characters count two.
func width(s string) int { return uniseg.StringWidth(s) }

// truncate cuts s to at most w cells, ending with "…" when it cut.
func truncate(s string, w int) string {
	if width(s) <= w {
		return s
	}
	if w <= 0 {
		return ""
	}
	var b strings.Builder
	used := 0
	g := uniseg.NewGraphemes(s)
	for g.Next() {
		cw := g.Width()
		if used+cw > w-1 {
			break
		}
		b.WriteString(g.Str())
		used += cw
	}
	b.WriteString("…")
	return b.String()
}

// wrap breaks s into lines of at most w cells: at spaces (not at no-break
// spaces, U+00A0, which canvas prints as plain ones) when it can, and
// between characters inside a word too long for a line (as Chinese text,
// which has no spaces, always is).
func wrap(s string, w int) []string {
	if w < 1 {
		w = 1
	}
	var lines []string
	line, lineW := "", 0
	flush := func() {
		lines = append(lines, line)
		line, lineW = "", 0
	}
	for _, word := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' }) {
		ww := width(word)
		if lineW > 0 && lineW+1+ww <= w {
			line += " " + word
			lineW += 1 + ww
			continue
		}
		if lineW > 0 {
			flush()
		}
		if ww <= w {
			line, lineW = word, ww
			continue
		}
		g := uniseg.NewGraphemes(word)
		for g.Next() {
			cw := g.Width()
			if lineW+cw > w && lineW > 0 {
				flush()
			}
			line += g.Str()
			lineW += cw
		}
	}
	if lineW > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}

// canvas is one line of terminal cells. A wide character sits in its first
// cell; the cell after it holds "" and is skipped when printed.
type canvas []string

func newCanvas(n int) canvas {
	c := make(canvas, n)
	for i := range c {
		c[i] = " "
	}
	return c
}

// put writes s from cell x on, character by character, and returns the
// cell after it. What does not fit is dropped.
func (c canvas) put(x int, s string) int {
	g := uniseg.NewGraphemes(s)
	for g.Next() {
		cw := g.Width()
		if cw < 1 {
			cw = 1
		}
		if x < 0 || x+cw > len(c) {
			return x + cw
		}
		// Overwriting half of a wide character blanks the other half.
		if c[x] == "" && x > 0 {
			c[x-1] = " "
		}
		c[x] = g.Str()
		for i := 1; i < cw; i++ {
			c[x+i] = ""
		}
		if x+cw < len(c) && c[x+cw] == "" {
			c[x+cw] = " "
		}
		x += cw
	}
	return x
}

func (c canvas) String() string {
	return strings.ReplaceAll(strings.TrimRight(strings.Join(c, ""), " "), "\u00a0", " ")
}
