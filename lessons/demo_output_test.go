package lessons

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
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	run := func(id string) string {
		var out bytes.Buffer
		if err := c.RunDemo(context.Background(), id, &Env{Out: &out, Lang: "en"}); err != nil {
			t.Fatalf("%s: %v\noutput:\n%s", id, err, out.String())
		}
		return out.String()
	}
	l, err := c.Find("17")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range l.Demos {
		if out := run(id); strings.Contains(out, "1000 1000") {
			t.Errorf("%s prints the close code twice:\n%s", id, out)
		}
	}
	want := len("first message") + len("second message")
	if out := run("socket-vs-ws"); !strings.Contains(out, " 27 bytes arrived") || want != 27 {
		t.Errorf("socket-vs-ws should report %d bytes:\n%s", want, out)
	}
}
