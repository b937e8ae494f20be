package cmdtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
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
