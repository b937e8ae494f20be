package watch

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/textwrap"
	"github.com/wirelab/wirelab/lessons/check"
)

// clearScreen moves the cursor home and clears the terminal (ECMA-48 CUP
// and ED).
const clearScreen = "\x1b[H\x1b[2J"

// A Screen draws each Result of a Loop. On a terminal it clears the screen
// first, so the latest result is all there is to read; otherwise (a pipe, a
// file, a test) it separates the passes with a rule line.
type Screen struct {
	Out io.Writer
	// TTY says Out is a terminal.
	TTY bool
	// Lang is "en" or "zh".
	Lang string
	// Title is the first line, such as "wirelab check http 127.0.0.1:8080".
	Title string
	// Dir is the folder watched, named in the footer; "" means the loop
	// re-checks on Enter instead.
	Dir string
	// Now stamps each pass; nil means time.Now.
	Now func() time.Time

	// lastFailed is the stage that failed in the pass drawn last, "" if
	// none did: the same stage failing again earns the second hint.
	lastFailed string
}

// secondHint returns the second level of the failed stage's hints, the
// exact rule, when the same stage failed in the pass before too: the first
// failure shows the nudge (in WriteSummary), a second one in a row the
// rule as well. It remembers the stage for the next pass.
func (s *Screen) secondHint(rep *check.Report) string {
	f := rep.Failed()
	id := ""
	if f != nil {
		id = f.ID
	}
	again := id != "" && id == s.lastFailed
	s.lastFailed = id
	if !again || f.Failure == nil || len(f.Failure.Hints) < 2 {
		return ""
	}
	return textwrap.Hang(s.p().Sprintf(i18n.WatchExactRule, ""), f.Failure.Hints[1], check.TextWidth) + "\n"
}

// p is the screen's message printer.
func (s *Screen) p() i18n.Printer { return i18n.New(s.Lang) }

// Draw writes one pass:
//
//	wirelab check ws 127.0.0.1:9001 · run 2 · 20:41:07 · server.py changed
//
//	✓ tcp               connected to 127.0.0.1:9001
//	✗ handshake         want status 101, got 200
//	· accept-key        pending
//
//	--- handshake: want status 101, got 200
//	sent (…), received (…) with a caret, rule: RFC 6455 §4.2.2, hint: …
//
//	watching . for changes (Ctrl-C stops)
func (s *Screen) Draw(r Result) {
	var b strings.Builder
	switch {
	case s.TTY:
		b.WriteString(clearScreen)
	case r.Run > 1:
		b.WriteString("\n" + strings.Repeat("═", 64) + "\n\n")
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	p := s.p()
	p.Fprintf(&b, i18n.WatchTitle, s.Title, r.Run, now().Format("15:04:05"))
	if r.Changed != "" {
		p.Fprintf(&b, i18n.WatchChanged, filepath.Base(r.Changed))
	}
	b.WriteString("\n\n")
	if r.Report != nil {
		for _, st := range r.Report.Stages {
			mark, msg := s.paint(green, "✓"), st.Message
			switch {
			case st.Skipped:
				mark, msg = "·", p.Sprintf(i18n.WatchPending)
			case !st.Passed:
				mark = s.paint(red, "✗")
			}
			fmt.Fprintf(&b, "%s %-17s %s\n", mark, st.ID, msg)
		}
		_ = r.Report.WriteSummary(&b)
		b.WriteString(s.secondHint(r.Report))
	}
	if r.Err != nil {
		b.WriteString(s.explain(r.Err))
	}
	failed := r.Err != nil || r.Report != nil && !r.Report.Passed
	if failed && strings.TrimSpace(r.Output) != "" {
		p.Fprintln(&b, i18n.WatchServerPrinted)
		for _, line := range lastLines(r.Output, 12) {
			b.WriteString("  │ " + line + "\n")
		}
	}
	b.WriteString("\n")
	if s.Dir != "" {
		p.Fprintln(&b, i18n.WatchWatching, s.Dir)
	} else {
		p.Fprintln(&b, i18n.WatchPressEnter)
	}
	io.WriteString(s.Out, b.String())
}

// SGR colours for the marks on a terminal.
const (
	green = "\x1b[32m"
	red   = "\x1b[31m"
	reset = "\x1b[0m"
)

// paint colours text on a terminal and leaves it plain elsewhere.
func (s *Screen) paint(colour, text string) string {
	if !s.TTY {
		return text
	}
	return colour + text + reset
}

// explain says, in the screen's language, why the check did not run.
func (s *Screen) explain(err error) string {
	var exit *ExitError
	var busy *BusyError
	switch {
	case errors.As(err, &exit):
		p := s.p()
		status := p.Sprintf(i18n.WatchExited)
		if exit.Err != nil {
			status = exit.Err.Error()
		}
		return p.Sprintf(i18n.WatchServerStopped, exit.Command, status)
	case errors.As(err, &busy):
		return s.p().Sprintf(i18n.WatchBusy, busy.Addr)
	case errors.Is(err, ErrPortTimeout):
		return s.p().Sprintf(i18n.WatchPortTimeout, err)
	}
	return "✗ " + err.Error() + "\n"
}

func lastLines(s string, n int) []string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[max(0, len(lines)-n):]
}
