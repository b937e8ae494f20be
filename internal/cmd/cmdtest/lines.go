package cmdtest

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// Timeout is how long Next, Until and WaitFor wait for a line before they
// fail the test.
const Timeout = 10 * time.Second

// Lines is an io.Writer that splits what is written to it into lines and
// keeps them all, so a test reads them in order as they come. Writes never
// block on the reader: the lines are held in a slice, not a channel of
// fixed size. It is safe for concurrent use.
type Lines struct {
	mu      sync.Mutex
	partial []byte        // bytes after the last newline
	lines   []string      // every complete line, without its newline
	read    int           // lines[:read] were returned already
	more    chan struct{} // closed when a line is added, then replaced
}

// NewLines returns an empty Lines.
func NewLines() *Lines { return &Lines{more: make(chan struct{})} }

// Write adds the complete lines in p; a partial line waits for its newline.
func (l *Lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, p...)
	added := false
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		l.lines = append(l.lines, string(l.partial[:i]))
		l.partial = l.partial[i+1:]
		added = true
	}
	if added {
		close(l.more)
		l.more = make(chan struct{})
	}
	return len(p), nil
}

// UntilContext returns the unread lines up to and including the first that
// match accepts, waiting for more until ctx is done. It returns ctx's error
// with the lines it read if none matched; those stay read.
func (l *Lines) UntilContext(ctx context.Context, match func(string) bool) ([]string, error) {
	var got []string
	for {
		l.mu.Lock()
		for l.read < len(l.lines) {
			s := l.lines[l.read]
			l.read++
			got = append(got, s)
			if match(s) {
				l.mu.Unlock()
				return got, nil
			}
		}
		more := l.more
		l.mu.Unlock()
		select {
		case <-more:
		case <-ctx.Done():
			return got, ctx.Err()
		}
	}
}

// Next returns the next unread line, failing the test if none comes within
// Timeout.
func (l *Lines) Next(t testing.TB) string {
	t.Helper()
	got := l.until(t, "the next log line", func(string) bool { return true })
	return got[len(got)-1]
}

// Until returns the unread lines up to and including the first that starts
// with prefix, failing the test if none comes within Timeout.
func (l *Lines) Until(t testing.TB, prefix string) []string {
	t.Helper()
	return l.until(t, fmt.Sprintf("a log line starting with %q", prefix), func(s string) bool {
		return strings.HasPrefix(s, prefix)
	})
}

// WaitFor skips unread lines up to the first that starts with prefix and
// returns it, failing the test if none comes within Timeout.
func (l *Lines) WaitFor(t testing.TB, prefix string) string {
	t.Helper()
	got := l.Until(t, prefix)
	return got[len(got)-1]
}

func (l *Lines) until(t testing.TB, what string, match func(string) bool) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	got, err := l.UntilContext(ctx, match)
	if err != nil {
		t.Fatalf("no %s within %v; the lines read while waiting:\n%s", what, Timeout, strings.Join(got, "\n"))
	}
	return got
}

// Rest returns the lines written so far that were not read yet, and marks
// them read. It does not wait.
func (l *Lines) Rest() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	got := append([]string(nil), l.lines[l.read:]...)
	l.read = len(l.lines)
	return got
}
