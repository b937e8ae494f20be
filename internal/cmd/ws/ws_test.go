package ws

import (
	"strings"
	"testing"

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
