package lessons

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rivo/uniseg"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/term"

	"github.com/wirelab/wirelab/internal/textwrap"
)

// A Renderer turns lesson Markdown into terminal text wrapped to a width in
// cells. goldmark parses the Markdown; the layout is ours, so that Chinese
// wraps between characters by UAX #14 (internal/textwrap) while English
// words, header values such as keep-alive, the WebSocket GUID and code spans
// stay whole. On a terminal headings, emphasis and code are styled with ANSI
// colours; otherwise the text is plain, with no Markdown markers left:
// headings underlined, lists as "- " and "1. ", code blocks indented.
type Renderer struct {
	width int
	color bool
	md    goldmark.Markdown
}

// DefaultWidth is the width used when neither --width, the terminal nor
// $COLUMNS gives one.
const DefaultWidth = 80

// maxAutoWidth caps a width found on the terminal or in $COLUMNS: longer
// lines are hard to read. --width is not capped.
const maxAutoWidth = 120

// Width picks the width to render at: flag if positive (--width), else the
// width of out if it is a terminal, else $COLUMNS, else DefaultWidth.
func Width(flag int, out io.Writer, getenv func(string) string) int {
	if flag > 0 {
		return flag
	}
	if f, ok := out.(*os.File); ok {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			return min(w, maxAutoWidth)
		}
	}
	if n, err := strconv.Atoi(getenv("COLUMNS")); err == nil && n > 0 {
		return min(n, maxAutoWidth)
	}
	return DefaultWidth
}

// NewRenderer returns a renderer wrapping at width cells (DefaultWidth if
// width is 0 or less). color selects the styled look for a terminal over
// plain text.
func NewRenderer(width int, color bool) (*Renderer, error) {
	if width <= 0 {
		width = DefaultWidth
	}
	return &Renderer{
		width: width,
		color: color,
		md:    goldmark.New(goldmark.WithExtensions(extension.Table)),
	}, nil
}

// margin is the left margin of styled output, as glamour had it.
const margin = 2

// Render renders Markdown, ending with one newline.
func (r *Renderer) Render(md string) string {
	src := []byte(md)
	doc := r.md.Parser().Parse(text.NewReader(src))
	p := &page{src: src, color: r.color}
	width, pad := r.width, ""
	if r.color && width > 2*margin+20 {
		width, pad = width-margin, strings.Repeat(" ", margin)
	}
	var b strings.Builder
	for _, l := range p.blocks(doc, width, true) {
		if l != "" {
			b.WriteString(pad)
		}
		b.WriteString(strings.TrimRight(l, " "))
		b.WriteByte('\n')
	}
	return b.String()
}

// ANSI styles for the terminal look, each with the code that ends it.
const (
	sgrBold      = "\x1b[1m"
	sgrBoldOff   = "\x1b[22m"
	sgrItalic    = "\x1b[3m"
	sgrItalicOff = "\x1b[23m"
	sgrCode      = "\x1b[38;5;203m"
	sgrFgOff     = "\x1b[39m"
	sgrTitle     = "\x1b[1;38;5;228;48;5;63m"
	sgrHeading   = "\x1b[1;38;5;39m"
	sgrDim       = "\x1b[38;5;244m"
	sgrCodeBlock = "\x1b[38;5;250m"
	sgrReset     = "\x1b[0m"
)

// nbsp joins the words of a code span while it is wrapped.
const nbsp = "\u00a0"

// A page renders one parsed document.
type page struct {
	src   []byte
	color bool
}

func (p *page) style(s, on, off string) string {
	if !p.color || s == "" {
		return s
	}
	return on + s + off
}

// blocks renders the block children of n, a blank line between them when
// loose.
func (p *page) blocks(n ast.Node, width int, loose bool) []string {
	var out []string
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if loose && len(out) > 0 {
			out = append(out, "")
		}
		out = append(out, p.block(c, width)...)
	}
	return out
}

func (p *page) block(n ast.Node, width int) []string {
	switch n := n.(type) {
	case *ast.Heading:
		return p.heading(n, width)
	case *ast.Paragraph, *ast.TextBlock:
		return p.wrap(p.inline(n, width), width)
	case *ast.List:
		return p.list(n, width)
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		return p.code(n, width)
	case *ast.ThematicBreak:
		return []string{p.style(strings.Repeat("─", min(width, 40)), sgrDim, sgrFgOff)}
	case *ast.Blockquote:
		var out []string
		for _, l := range p.blocks(n, width-2, true) {
			out = append(out, p.style("│", sgrDim, sgrFgOff)+" "+l)
		}
		return out
	case *extast.Table:
		return p.table(n, width)
	case *ast.HTMLBlock:
		return p.wrap(p.raw(n), width)
	}
	return p.wrap(p.inline(n, width), width)
}

// wrap wraps inline text and gives code spans their spaces back.
func (p *page) wrap(s string, width int) []string {
	s = strings.ReplaceAll(textwrap.Wrap(s, width), nbsp, " ")
	return strings.Split(s, "\n")
}

// heading is the heading's text, styled on a terminal, underlined with = or
// - (levels 1 and 2) in plain text.
func (p *page) heading(n *ast.Heading, width int) []string {
	s := p.inline(n, width)
	if p.color {
		on := sgrHeading
		if n.Level == 1 {
			on, s = sgrTitle, " "+s+" "
		}
		// A styled span inside ends with an "off" code: turn the
		// heading's style back on after it.
		s = strings.NewReplacer(sgrFgOff, sgrFgOff+on, sgrBoldOff, sgrBoldOff+on).Replace(s)
		return p.wrap(on+s+sgrReset, width)
	}
	lines := p.wrap(s, width)
	if n.Level > 2 {
		return lines
	}
	rule := "="
	if n.Level == 2 {
		rule = "-"
	}
	w := 0
	for _, l := range lines {
		w = max(w, textwrap.Width(l))
	}
	return append(lines, strings.Repeat(rule, w))
}

// list renders items under "- " (plain), "• " (terminal) or "1. ", their
// following lines indented under the text.
func (p *page) list(n *ast.List, width int) []string {
	bullet := "- "
	if p.color {
		bullet = "• "
	}
	mw := 2
	if n.IsOrdered() {
		mw = len(strconv.Itoa(n.Start+n.ChildCount()-1)) + 2
	}
	var out []string
	i := 0
	for item := n.FirstChild(); item != nil; item = item.NextSibling() {
		marker := bullet
		if n.IsOrdered() {
			marker = fmt.Sprintf("%-*s", mw, strconv.Itoa(n.Start+i)+".")
		}
		if !n.IsTight && i > 0 {
			out = append(out, "")
		}
		for j, l := range p.blocks(item, width-mw, !n.IsTight) {
			switch {
			case j == 0:
				l = p.style(marker, sgrHeading, sgrReset) + l
			case l != "":
				l = strings.Repeat(" ", mw) + l
			}
			out = append(out, l)
		}
		i++
	}
	return out
}

// code indents a code block by four spaces, or fewer when its widest line
// would not fit otherwise; lines still too wide are wrapped at spaces, under
// their own indentation.
func (p *page) code(n ast.Node, width int) []string {
	var lines []string
	widest := 0
	segs := n.Lines()
	for i := range segs.Len() {
		seg := segs.At(i)
		l := strings.TrimRight(string(seg.Value(p.src)), "\r\n")
		l = strings.ReplaceAll(l, "\t", "    ")
		lines = append(lines, l)
		widest = max(widest, textwrap.Width(l))
	}
	indent := strings.Repeat(" ", max(0, min(4, width-widest)))
	var out []string
	for _, l := range lines {
		for _, w := range strings.Split(textwrap.Wrap(l, width-len(indent)), "\n") {
			out = append(out, indent+p.style(w, sgrCodeBlock, sgrFgOff))
		}
	}
	return out
}

// table lays out a table in columns two spaces apart, the header underlined;
// when it is too wide the widest columns shrink and their cells wrap, but a
// column never gets narrower than its widest unbreakable word.
func (p *page) table(n *extast.Table, width int) []string {
	var rows [][]string
	for r := n.FirstChild(); r != nil; r = r.NextSibling() {
		var row []string
		for c := r.FirstChild(); c != nil; c = c.NextSibling() {
			row = append(row, p.inline(c, width/2))
		}
		rows = append(rows, row)
	}
	ncol := 0
	for _, row := range rows {
		ncol = max(ncol, len(row))
	}
	cols, least := make([]int, ncol), make([]int, ncol)
	for _, row := range rows {
		for c, cell := range row {
			cols[c] = max(cols[c], textwrap.Width(cell))
			least[c] = max(least[c], textwrap.MinWidth(cell))
		}
	}
	const gap = 2
	for total(cols)+gap*(ncol-1) > width {
		widest := -1
		for c := range cols {
			if cols[c] > least[c] && (widest < 0 || cols[c] > cols[widest]) {
				widest = c
			}
		}
		if widest < 0 {
			break
		}
		cols[widest]--
	}
	var out []string
	for i, row := range rows {
		cells := make([][]string, ncol)
		height := 0
		for c := range ncol {
			if c < len(row) {
				cells[c] = p.wrap(row[c], cols[c])
			}
			height = max(height, len(cells[c]))
		}
		for k := range height {
			var b strings.Builder
			for c := range ncol {
				s := ""
				if k < len(cells[c]) {
					s = cells[c][k]
				}
				if i == 0 {
					s = p.style(s, sgrBold, sgrBoldOff)
				}
				b.WriteString(s)
				if c < ncol-1 {
					b.WriteString(strings.Repeat(" ", cols[c]-textwrap.Width(s)+gap))
				}
			}
			out = append(out, b.String())
		}
		if i == 0 {
			var rule []string
			for _, w := range cols {
				rule = append(rule, strings.Repeat("─", w))
			}
			out = append(out, p.style(strings.Join(rule, strings.Repeat(" ", gap)), sgrDim, sgrFgOff))
		}
	}
	return out
}

func total(ns []int) int {
	t := 0
	for _, n := range ns {
		t += n
	}
	return t
}

// inline renders the inline content of n as one line of text (hard breaks
// as newlines). A code span that fits in width keeps its spaces unbreakable.
func (p *page) inline(n ast.Node, width int) string {
	var b strings.Builder
	p.inlines(&b, n, width)
	return b.String()
}

func (p *page) inlines(b *strings.Builder, n ast.Node, width int) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			v := c.Segment.Value(p.src)
			if !c.IsRaw() {
				// \* is *, &lt; is <: what an HTML renderer would show.
				v = util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(v)))
			}
			b.Write(v)
			switch {
			case c.HardLineBreak():
				b.WriteByte('\n')
			case c.SoftLineBreak():
				p.softBreak(b, c)
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.CodeSpan:
			code := p.inline(c, width)
			if textwrap.Width(code) <= width {
				code = strings.ReplaceAll(code, " ", nbsp)
			}
			b.WriteString(p.style(code, sgrCode, sgrFgOff))
		case *ast.Emphasis:
			s := p.inline(c, width)
			if c.Level >= 2 {
				b.WriteString(p.style(s, sgrBold, sgrBoldOff))
			} else {
				b.WriteString(p.style(s, sgrItalic, sgrItalicOff))
			}
		case *ast.Link:
			s := p.inline(c, width)
			b.WriteString(s)
			if dest := string(c.Destination); dest != s {
				b.WriteString(" (" + p.style(dest, sgrDim, sgrFgOff) + ")")
			}
		case *ast.AutoLink:
			b.Write(c.URL(p.src))
		case *ast.RawHTML:
			for i := range c.Segments.Len() {
				seg := c.Segments.At(i)
				b.Write(seg.Value(p.src))
			}
		default:
			p.inlines(b, c, width)
		}
	}
}

// softBreak joins the lines of a paragraph: with a space in English,
// with nothing between two Chinese characters.
func (p *page) softBreak(b *strings.Builder, t *ast.Text) {
	last, _ := utf8.DecodeLastRuneInString(b.String())
	next := rune(0)
	if s := t.NextSibling(); s != nil {
		if nt, ok := s.(*ast.Text); ok {
			next, _ = utf8.DecodeRune(nt.Segment.Value(p.src))
		}
	}
	if wideRune(last) && (next == 0 || wideRune(next)) {
		return
	}
	b.WriteByte(' ')
}

func wideRune(r rune) bool { return r >= 0x1100 && uniseg.StringWidth(string(r)) == 2 }

// raw is the source text of a block, as written.
func (p *page) raw(n ast.Node) string {
	var b strings.Builder
	lines := n.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		b.Write(seg.Value(p.src))
	}
	return strings.TrimRight(b.String(), "\n")
}
