package check

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rivo/uniseg"
	"github.com/wirelab/wirelab/internal/i18n"
)

// Quote writes b as a Go-style quoted string in plain ASCII: printable
// ASCII as is, \" \\ \r \n \t, and \xNN for every other byte. Each byte
// takes a fixed number of columns, so a caret can be put under any of them.
func Quote(b []byte) string {
	var sb strings.Builder
	sb.WriteByte('"')
	for _, c := range b {
		sb.WriteString(escapeByte(c))
	}
	sb.WriteByte('"')
	return sb.String()
}

func escapeByte(c byte) string {
	switch c {
	case '"':
		return `\"`
	case '\\':
		return `\\`
	case '\r':
		return `\r`
	case '\n':
		return `\n`
	case '\t':
		return `\t`
	}
	if c >= 0x20 && c < 0x7f {
		return string(rune(c))
	}
	return fmt.Sprintf(`\x%02x`, c)
}

// lineWidth is the most columns of quoted bytes on one line; lines also
// end after LF.
const lineWidth = 64

// showLimits: a long recording shows its first lines, the lines around the
// byte at fault and its last lines.
const (
	headLines     = 12
	sentHeadLines = 10
	aroundLines   = 3
	tailLines     = 2
)

// quoteLines renders b as quoted lines behind indent, with a caret line
// under the byte at off (off == len(b) puts it just past the last byte;
// off < 0 puts none). Long input is elided in the middle, keeping the first
// head lines.
func quoteLines(b []byte, off int, indent string, head int) []string {
	type span struct{ from, to int }
	var spans []span
	for i := 0; i < len(b); {
		j, width := i, 0
		for j < len(b) && width < lineWidth {
			width += len(escapeByte(b[j]))
			j++
			if b[j-1] == '\n' {
				break
			}
		}
		spans = append(spans, span{i, j})
		i = j
	}
	if len(spans) == 0 {
		spans = append(spans, span{0, 0})
	}
	at := -1 // the line with the caret
	if off >= 0 {
		for k, s := range spans {
			if off < s.to || k == len(spans)-1 {
				at = k
				break
			}
		}
	}
	keep := func(k int) bool {
		return k < head || k >= len(spans)-tailLines || at >= 0 && k >= at-aroundLines && k <= at+aroundLines
	}
	var out []string
	for k := 0; k < len(spans); k++ {
		if !keep(k) {
			first := spans[k].from
			for k+1 < len(spans) && !keep(k+1) {
				k++
			}
			out = append(out, fmt.Sprintf("%s... %d bytes not shown ...", indent, spans[k].to-first))
			continue
		}
		s := spans[k]
		out = append(out, indent+Quote(b[s.from:s.to]))
		if k == at {
			col := 1
			for _, c := range b[s.from:min(off, s.to)] {
				col += len(escapeByte(c))
			}
			out = append(out, indent+strings.Repeat(" ", col)+"^")
		}
	}
	return out
}

// WriteStage writes one line for a stage's result in lang ("en" or "zh"),
// its mark padded so the stage names line up whatever the mark:
//
//	PASS handshake         101 Switching Protocols with Upgrade and Connection
//	未通过 handshake         …
func WriteStage(w io.Writer, s StageResult, lang string) error {
	p := i18n.New(lang)
	marks := [3]string{p.Sprintf(i18n.CheckMarkPass), p.Sprintf(i18n.CheckMarkFail), p.Sprintf(i18n.CheckMarkSkip)}
	mark := marks[0]
	switch {
	case s.Skipped:
		mark = marks[2]
	case !s.Passed:
		mark = marks[1]
	}
	widest := 0
	for _, m := range marks {
		widest = max(widest, uniseg.StringWidth(m))
	}
	head := fmt.Sprintf("%s%s %-17s ", mark, strings.Repeat(" ", widest-uniseg.StringWidth(mark)), s.ID)
	_, err := io.WriteString(w, wrap(head, s.Message, strings.Repeat(" ", uniseg.StringWidth(head))))
	return err
}

// TextWidth is the width in terminal cells that the text report wraps its
// prose to (messages, rules and hints); quoted bytes are at most
// lineWidth+8 cells wide.
const TextWidth = 80

// wrap returns prefix+s and a newline, broken into lines of at most
// TextWidth cells, the lines after the first behind indent. It breaks at
// spaces and between wide (CJK) characters, never inside a word, a number
// or an address, and starts no line with closing punctuation such as "，。）"
// (UAX #14). Wide characters count two cells.
func wrap(prefix, s, indent string) string {
	var units []string // what may not be broken: a word, a space, a wide character and its punctuation
	for _, r := range s {
		c := string(r)
		n := len(units)
		switch {
		case r == ' ':
			units = append(units, c)
		case n > 0 && strings.ContainsRune(noLineStart, r):
			units[n-1] += c
		case n > 0 && units[n-1] != " " && (strings.ContainsRune(noLineEnd, lastRune(units[n-1])) ||
			uniseg.StringWidth(c) == 1 && uniseg.StringWidth(string(lastRune(units[n-1]))) == 1):
			units[n-1] += c
		default:
			units = append(units, c)
		}
	}
	var b strings.Builder
	b.WriteString(prefix)
	col, fresh, space := uniseg.StringWidth(prefix), true, false
	for _, u := range units {
		if u == " " {
			space = true
			continue
		}
		w := uniseg.StringWidth(u)
		if space && !fresh {
			w++
		}
		if !fresh && col+w > TextWidth {
			b.WriteString("\n" + indent)
			col, space = uniseg.StringWidth(indent), false
		}
		if space && !fresh {
			b.WriteByte(' ')
			col++
		}
		// A word wider than a whole line (a long quoted payload) is cut
		// where the line ends: the only case where a word is broken.
		for col+uniseg.StringWidth(u) > TextWidth && uniseg.StringWidth(indent)+uniseg.StringWidth(u) > TextWidth {
			head, rest := cutCells(u, TextWidth-col)
			if head == "" {
				break
			}
			b.WriteString(head + "\n" + indent)
			u, col = rest, uniseg.StringWidth(indent)
		}
		b.WriteString(u)
		col += uniseg.StringWidth(u)
		fresh, space = false, false
	}
	b.WriteByte('\n')
	return b.String()
}

// Punctuation that does not start a line, and that does not end one.
const (
	noLineStart = "，。、；：！？）」』》】〉…,.;:!?)]}"
	noLineEnd   = "（「『《【〈([{"
)

// cutCells splits s after at most n cells.
func cutCells(s string, n int) (string, string) {
	w := 0
	for i, r := range s {
		w += uniseg.StringWidth(string(r))
		if w > n {
			return s[:i], s[i:]
		}
	}
	return s, ""
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

// WriteSummary writes what follows the stage lines: the evidence for the
// failed stage, if any, and one closing line.
func (r *Report) WriteSummary(w io.Writer) error {
	var sb strings.Builder
	p := i18n.New(r.Lang)
	passed := 0
	for _, s := range r.Stages {
		if s.Passed {
			passed++
		}
	}
	if f := r.Failed(); f != nil && f.Failure != nil {
		e := f.Failure
		sb.WriteString("\n" + wrap(fmt.Sprintf("--- %s: ", f.ID), f.Message, "    "))
		if e.Offset >= 0 {
			after := ""
			if r.Kind == KindWebSocket && f.ID != "tcp" && f.ID != "handshake" && f.ID != "accept-key" {
				after = p.Sprintf(i18n.CheckAfterHandshake)
			}
			p.Fprintln(&sb, i18n.CheckSent, len(e.Sent), after)
			for _, l := range quoteLines(e.Sent, -1, "    ", sentHeadLines) {
				sb.WriteString(l + "\n")
			}
			p.Fprintln(&sb, i18n.CheckReceived, len(e.Received), after)
			for _, l := range quoteLines(e.Received, e.Offset, "    ", headLines) {
				sb.WriteString(l + "\n")
			}
			if e.Offset == len(e.Received) {
				p.Fprintln(&sb, i18n.CheckCaretPastEnd)
			} else {
				p.Fprintln(&sb, i18n.CheckCaretAt, e.Offset)
			}
		}
		for _, n := range e.Notes {
			sb.WriteString(wrap("  ", n, "    "))
		}
		if e.Section != "" {
			sb.WriteString(wrap(p.Sprintf(i18n.CheckRule, ""), e.Section, "      "))
		}
		if e.Hint != "" {
			sb.WriteString(wrap(p.Sprintf(i18n.CheckHint, ""), e.Hint, "      "))
		}
	}
	sb.WriteString("\n")
	if r.Passed {
		p.Fprintln(&sb, i18n.CheckAllPassed, passed)
	} else if f := r.Failed(); f != nil {
		p.Fprintln(&sb, i18n.CheckSomeFailed, passed, len(r.Stages), f.ID)
	} else {
		p.Fprintln(&sb, i18n.CheckSomePassed, passed, len(r.Stages))
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

// WriteText writes the whole report as text: a title, one line per stage,
// then WriteSummary.
func (r *Report) WriteText(w io.Writer) error {
	if _, err := fmt.Fprintf(w, "wirelab check %s %s\n\n", r.Kind, r.Addr); err != nil {
		return err
	}
	for _, s := range r.Stages {
		if err := WriteStage(w, s, r.Lang); err != nil {
			return err
		}
	}
	return r.WriteSummary(w)
}

// stageJSON is a StageResult as JSON, both ways.
type stageJSON struct {
	ID             string   `json:"id"`
	Passed         bool     `json:"passed"`
	Skipped        bool     `json:"skipped,omitempty"`
	Message        string   `json:"message"`
	ElapsedMS      int64    `json:"elapsed_ms"`
	Section        string   `json:"section,omitempty"`
	Hint           string   `json:"hint,omitempty"`
	Hints          []string `json:"hints,omitempty"`
	Offset         *int     `json:"offset,omitempty"`
	Sent           string   `json:"sent,omitempty"`
	SentBase64     []byte   `json:"sent_base64,omitempty"`
	Received       string   `json:"received,omitempty"`
	ReceivedBase64 []byte   `json:"received_base64,omitempty"`
	Notes          []string `json:"notes,omitempty"`
}

// MarshalJSON encodes a stage as
//
//	{"id":"accept-key","passed":false,"message":"…","elapsed_ms":3,
//	 "section":"RFC 6455 §4.2.2","hint":"…","hints":["…","…"],"offset":97,
//	 "sent":"GET / …","received":"HTTP/1.1 101 …"}
//
// A skipped stage has "skipped":true. sent and received are the bytes as a
// string; when they are not valid UTF-8 (masked frames), sent_base64 or
// received_base64 carries them exactly.
func (s StageResult) MarshalJSON() ([]byte, error) {
	v := stageJSON{ID: s.ID, Passed: s.Passed, Skipped: s.Skipped, Message: s.Message, ElapsedMS: s.Elapsed.Milliseconds()}
	if f := s.Failure; f != nil {
		v.Section, v.Hint, v.Notes, v.Hints = f.Section, f.Hint, f.Notes, f.Hints
		if f.Offset >= 0 {
			off := f.Offset
			v.Offset = &off
		}
		v.Sent, v.Received = string(f.Sent), string(f.Received)
		if !utf8.Valid(f.Sent) {
			v.SentBase64 = f.Sent
		}
		if !utf8.Valid(f.Received) {
			v.ReceivedBase64 = f.Received
		}
	}
	return json.Marshal(v)
}

// UnmarshalJSON reads what MarshalJSON wrote, so a report can be read back
// (by the lessons, or a test).
func (s *StageResult) UnmarshalJSON(b []byte) error {
	var v stageJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*s = StageResult{ID: v.ID, Passed: v.Passed, Skipped: v.Skipped, Message: v.Message, Elapsed: time.Duration(v.ElapsedMS) * time.Millisecond}
	if !v.Passed && !v.Skipped {
		f := &Failure{Section: v.Section, Hint: v.Hint, Offset: -1, Sent: []byte(v.Sent), Received: []byte(v.Received), Notes: v.Notes, Hints: v.Hints}
		if v.Offset != nil {
			f.Offset = *v.Offset
		}
		if v.SentBase64 != nil {
			f.Sent = v.SentBase64
		}
		if v.ReceivedBase64 != nil {
			f.Received = v.ReceivedBase64
		}
		s.Failure = f
	}
	return nil
}
