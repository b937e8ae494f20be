package cmdtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/internal/iostreams"
)

func TestExecute(t *testing.T) {
	var got []string
	cmd := &cobra.Command{
		Use: "demo",
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Context() == nil {
				return errors.New("no context")
			}
			got = args
			return nil
		},
	}
	if err := Execute(cmd, "  a  b "); err != nil {
		t.Fatal(err)
	}
	if want := []string{"a", "b"}; !slices.Equal(got, want) {
		t.Errorf("got args %q, want %q", got, want)
	}
	if err := ExecuteArgs(cmd, "a b", "c"); err != nil {
		t.Fatal(err)
	}
	if want := []string{"a b", "c"}; !slices.Equal(got, want) {
		t.Errorf("ExecuteArgs: got args %q, want %q", got, want)
	}
	// cobra reads os.Args when given no argument list; the test binary's own
	// arguments must not leak in.
	defer func(saved []string) { os.Args = saved }(os.Args)
	os.Args = []string{os.Args[0], "stray"}
	if err := ExecuteArgs(cmd); err != nil || len(got) != 0 {
		t.Errorf("no arguments: got args %q, error %v; want none (not the test binary's own)", got, err)
	}
	if err := Execute(cmd, "--no-such-flag"); err == nil || !strings.Contains(err.Error(), "no-such-flag") {
		t.Errorf("got error %v, want one naming --no-such-flag", err)
	}
}

// A server may log far more lines than a test reads; the writer must not
// wait for the reader (the channel writers it replaces hung at 100 lines).
func TestLinesWriteNeverBlocks(t *testing.T) {
	l := NewLines()
	const n = 50000
	done := make(chan struct{})
	go func() {
		for i := range n {
			fmt.Fprintf(l, "line %d\n", i)
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(Timeout):
		t.Fatalf("%d unread lines blocked the writer", n)
	}
	if got := l.Next(t); got != "line 0" {
		t.Errorf("first line: got %q, want %q", got, "line 0")
	}
	rest := l.Rest()
	if len(rest) != n-1 || rest[len(rest)-1] != fmt.Sprintf("line %d", n-1) {
		t.Errorf("got %d more lines ending %q, want %d ending %q", len(rest), rest[len(rest)-1], n-1, fmt.Sprintf("line %d", n-1))
	}
}

func TestLinesSplitsAcrossWrites(t *testing.T) {
	l := NewLines()
	for _, p := range []string{"lis", "tening on\nconn 1 op", "en\n\nstop", "ped\ntrailing"} {
		if n, err := l.Write([]byte(p)); n != len(p) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", p, n, err)
		}
	}
	want := []string{"listening on", "conn 1 open", "", "stopped"}
	if got := l.Rest(); !slices.Equal(got, want) {
		t.Errorf("got %q, want %q (a line without its newline is not complete)", got, want)
	}
	if got := l.Rest(); len(got) != 0 {
		t.Errorf("second Rest: got %q, want nothing", got)
	}
}

func TestLinesUntilWaitsForTheWriter(t *testing.T) {
	l := NewLines()
	go func() {
		for _, s := range []string{"listening on 127.0.0.1:1", "conn a open", "conn a closed", "stopped"} {
			fmt.Fprintln(l, s)
		}
	}()
	if got, want := l.Until(t, "conn a"), []string{"listening on 127.0.0.1:1", "conn a open"}; !slices.Equal(got, want) {
		t.Errorf("Until: got %q, want %q", got, want)
	}
	if got := l.WaitFor(t, "stop"); got != "stopped" {
		t.Errorf("WaitFor: got %q, want %q", got, "stopped")
	}
}

func TestLinesUntilContextGivesUp(t *testing.T) {
	l := NewLines()
	fmt.Fprintln(l, "listening on 127.0.0.1:1")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	got, err := l.UntilContext(ctx, func(s string) bool { return s == "stopped" })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got error %v, want %v", err, context.Canceled)
	}
	if want := []string{"listening on 127.0.0.1:1"}; !slices.Equal(got, want) {
		t.Errorf("got the lines %q read while waiting, want %q", got, want)
	}
	fmt.Fprintln(l, "stopped")
	if got := l.Next(t); got != "stopped" {
		t.Errorf("after giving up, Next: got %q, want %q", got, "stopped")
	}
}

func TestServe(t *testing.T) {
	ready := make(chan struct{})
	log, stop := Serve(t, func(ctx context.Context, ios *iostreams.IOStreams) error {
		fmt.Fprintln(ios.ErrOut, "listening on http://127.0.0.1:8080")
		close(ready)
		<-ctx.Done()
		fmt.Fprintln(ios.ErrOut, "stopped")
		return errors.New("served until cancelled")
	})
	if got := log.Listening(t, "http"); got != "127.0.0.1:8080" {
		t.Errorf("Listening: got %q, want %q", got, "127.0.0.1:8080")
	}
	<-ready
	for range 2 { // stop may be called again, by the test and by t.Cleanup
		if err := stop(); err == nil || err.Error() != "served until cancelled" {
			t.Errorf("stop: got %v, want serve's error", err)
		}
	}
	if got := log.Next(t); got != "stopped" {
		t.Errorf("after stop: got %q, want %q", got, "stopped")
	}
}

func TestListeningRejects(t *testing.T) {
	for _, line := range []string{"listening on ws://127.0.0.1:1", "listening on http://localhost", "serving"} {
		l := NewLines()
		fmt.Fprintln(l, line)
		r := &fatalRecorder{TB: t}
		done := make(chan struct{})
		go func() { // Fatalf ends this goroutine, as it ends a test's
			defer close(done)
			l.Listening(r, "http")
		}()
		<-done
		if r.failed == "" {
			t.Errorf("Listening(%q) accepted it", line)
		}
	}
}

// fatalRecorder is a testing.TB whose Fatalf records the message and ends
// the calling goroutine.
type fatalRecorder struct {
	testing.TB
	failed string
}

func (r *fatalRecorder) Helper() {}
func (r *fatalRecorder) Fatalf(format string, a ...any) {
	r.failed = fmt.Sprintf(format, a...)
	runtime.Goexit()
}
