package ws

import (
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/internal/iostreams"
)

func TestWSHasCommands(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	for _, name := range []string{"serve", "dial", "decode"} {
		cmd, _, err := NewCmdWS(ios).Find([]string{name})
		if err != nil || cmd.Name() != name {
			t.Errorf("got %v, %v; want the %q command", cmd, err, name)
		}
	}
}

// execute runs cmd with args (split on spaces), its usage output
// discarded, and returns its error.
func execute(cmd *cobra.Command, args string) error {
	cmd.SetArgs(strings.Fields(args))
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	return cmd.Execute()
}

// lines is an io.Writer that hands each complete line to a channel, so a
// test can wait for log lines instead of sleeping.
type lines struct {
	mu  sync.Mutex
	buf []byte
	c   chan string
}

func newLines() *lines { return &lines{c: make(chan string, 10000)} }

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	for {
		i := strings.IndexByte(string(l.buf), '\n')
		if i < 0 {
			return len(p), nil
		}
		l.c <- string(l.buf[:i])
		l.buf = l.buf[i+1:]
	}
}

// next returns the next line, failing the test if none comes in time.
func (l *lines) next(t *testing.T) string {
	t.Helper()
	select {
	case s := <-l.c:
		return s
	case <-time.After(10 * time.Second):
		t.Fatal("timed out waiting for a log line")
		return ""
	}
}

// until returns the lines up to and including the first that starts with
// prefix.
func (l *lines) until(t *testing.T, prefix string) []string {
	t.Helper()
	var got []string
	for {
		s := l.next(t)
		got = append(got, s)
		if strings.HasPrefix(s, prefix) {
			return got
		}
	}
}

// rest returns the lines written so far that were not read yet.
func (l *lines) rest() []string {
	var got []string
	for {
		select {
		case s := <-l.c:
			got = append(got, s)
		default:
			return got
		}
	}
}

// inOrder checks that got holds, in order, a line starting with each of
// want.
func inOrder(t *testing.T, got []string, want ...string) {
	t.Helper()
	i := 0
	for _, g := range got {
		if i < len(want) && strings.HasPrefix(g, want[i]) {
			i++
		}
	}
	if i < len(want) {
		t.Errorf("no line starting with %q in order; got:\n%s", want[i], strings.Join(got, "\n"))
	}
}
