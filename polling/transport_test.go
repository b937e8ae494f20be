package polling

import (
	"slices"
	"testing"
)

// TestTransports checks the order, the names, and that a caller changing
// the returned slice does not change what the next caller gets.
func TestTransports(t *testing.T) {
	ts := Transports()
	var names []string
	for _, tr := range ts {
		names = append(names, tr.String())
	}
	if want := []string{"short", "long", "sse", "ws"}; !slices.Equal(names, want) {
		t.Fatalf("Transports() = %v, want %v", names, want)
	}
	ts[0] = WebSocket
	if got := Transports()[0]; got != ShortPoll {
		t.Errorf("after changing a returned slice, Transports()[0] = %v, want short", got)
	}
}
