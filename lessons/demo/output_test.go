package demo

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestDemoFigures checks figures the demos print against what happened:
// lesson 17's close codes are printed once each, not as "1000 1000", and
// the socket-vs-ws demo counts the bytes it really sent (13 + 14 = 27).
func TestDemoFigures(t *testing.T) {
	all := All()
	run := func(id string) string {
		var out bytes.Buffer
		if err := Exec(context.Background(), all[id], &Env{Out: &out, Lang: "en"}); err != nil {
			t.Fatalf("%s: %v\noutput:\n%s", id, err, out.String())
		}
		return out.String()
	}
	// Lesson 17's demos (the lessons package's content test checks that
	// every demo a lesson names exists).
	for _, id := range []string{"ws-close-ping"} {
		if out := run(id); strings.Contains(out, "1000 1000") {
			t.Errorf("%s prints the close code twice:\n%s", id, out)
		}
	}
	want := len("first message") + len("second message")
	if out := run("socket-vs-ws"); !strings.Contains(out, " 27 bytes arrived") || want != 27 {
		t.Errorf("socket-vs-ws should report %d bytes:\n%s", want, out)
	}
}
