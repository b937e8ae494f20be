package demo

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/textwrap"
)

// A Demo runs the real thing on loopback and prints what happened: the
// bytes that crossed the wire, how many connections were opened, what each
// side answered. It returns an error only when something did not behave as
// the lesson says it does.
type Demo struct {
	ID string
	// Summary says in one line what the demo shows, in each language.
	Summary map[string]string
	Run     func(ctx context.Context, e *Env) error
}

// Env is what a demo prints to, and in which language.
type Env struct {
	Out  io.Writer
	Lang string
	// MaskTimes prints the timings of sequence diagrams as "+#.# ms", so
	// that tests can compare their shape.
	MaskTimes bool
	// Width, if positive, wraps the prose lines of Say and Tell to that
	// many cells (internal/textwrap). Bytes (Quote, Hex), Printf's tables
	// and the diagrams are never wrapped: a byte dump cut in two would
	// lie about the line it shows.
	Width int

	// proseMark, set by tests, starts every line of prose, so that a test
	// can tell the lines that wrap from the bytes and diagrams that do not.
	proseMark string
}

// prose writes s as prose: wrapped to e.Width when it is set.
func (e *Env) prose(s string) {
	if e.Width > 0 {
		s = textwrap.Wrap(s, e.Width)
	}
	if e.proseMark != "" {
		s = e.proseMark + strings.ReplaceAll(s, "\n", "\n"+e.proseMark)
	}
	fmt.Fprintln(e.Out, s)
}

// Say prints one line in the chosen language: en or zh, formatted with args
// when any are given.
func (e *Env) Say(en, zh string, args ...any) {
	s := en
	if e.Lang == "zh" && zh != "" {
		s = zh
	}
	if len(args) > 0 {
		s = fmt.Sprintf(s, args...)
	}
	e.prose(s)
}

// T returns en or zh, whichever is e's language.
func (e *Env) T(en, zh string) string {
	if e.Lang == "zh" && zh != "" {
		return zh
	}
	return en
}

// Tell prints catalogue message k in the chosen language, formatted with
// args, on one line.
func (e *Env) Tell(k i18n.Key, args ...any) {
	e.prose(e.P().Sprintf(k, args...))
}

// P is the message printer for the demo's language.
func (e *Env) P() i18n.Printer { return i18n.New(e.Lang) }

// Printf prints language-neutral output: bytes, numbers, tables.
func (e *Env) Printf(format string, args ...any) { fmt.Fprintf(e.Out, format, args...) }

// Quote prints raw bytes one line per LF, indented by prefix, with CR, LF,
// tabs and other control or invalid bytes escaped (\r, \n, \x00): how the
// lessons show what crossed the wire.
func (e *Env) Quote(prefix string, b []byte) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		line := b
		if i >= 0 {
			line, b = b[:i+1], b[i+1:]
		} else {
			b = nil
		}
		fmt.Fprintf(e.Out, "%s%s\n", prefix, escapeBytes(line))
	}
}

// escapeBytes writes b as text, escaping what is not printable.
func escapeBytes(b []byte) string {
	var sb strings.Builder
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		switch {
		case r == '\r':
			sb.WriteString(`\r`)
		case r == '\n':
			sb.WriteString(`\n`)
		case r == '\t':
			sb.WriteString(`\t`)
		case r == utf8.RuneError && size == 1, r < 0x20, r == 0x7f:
			fmt.Fprintf(&sb, `\x%02x`, b[0])
		default:
			sb.Write(b[:size])
		}
		b = b[size:]
	}
	return sb.String()
}

// Hex prints b as hex bytes, 16 to a line, indented by prefix.
func (e *Env) Hex(prefix string, b []byte) {
	for i := 0; i < len(b); i += 16 {
		end := min(i+16, len(b))
		var sb strings.Builder
		for j, c := range b[i:end] {
			if j > 0 {
				sb.WriteByte(' ')
			}
			fmt.Fprintf(&sb, "%02x", c)
		}
		fmt.Fprintf(e.Out, "%s%04x  %s\n", prefix, i, sb.String())
	}
}

// All builds the registry of every demo, keyed by ID. Each call builds a
// fresh map, so nothing is shared between callers.
func All() map[string]Demo {
	m := map[string]Demo{}
	for _, group := range [][]Demo{
		netDemos(),
		httpDemos(),
		httpsDemos(),
		pollingDemos(),
		wsDemos(),
		browserDemos(),
		pmDemos(),
		pythonDemos(),
		buildDemos(),
		failoverDemos(),
	} {
		for _, d := range group {
			if _, dup := m[d.ID]; dup {
				panic("demo: " + d.ID + " registered twice")
			}
			m[d.ID] = d
		}
	}
	return m
}

// Timeout bounds one demo.
const Timeout = 30 * time.Second

// Exec runs d under a heading that names it and its summary in e's
// language, bounded by Timeout. Servers and event handlers print from
// their own goroutines, so every write to e.Out is serialised and lines
// stay whole.
func Exec(ctx context.Context, d Demo, e *Env) error {
	summary := d.Summary[e.Lang]
	if summary == "" {
		summary = d.Summary["en"]
	}
	e.prose(fmt.Sprintf("▶ %s — %s", d.ID, summary))
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	le := &Env{Out: &lockedWriter{w: e.Out}, Lang: e.Lang, MaskTimes: e.MaskTimes, Width: e.Width, proseMark: e.proseMark}
	if err := d.Run(ctx, le); err != nil {
		return fmt.Errorf("demo %s: %w", d.ID, err)
	}
	return nil
}

// lockedWriter serialises writes from several goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
