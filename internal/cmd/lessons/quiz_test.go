package lessons

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/lessons"
)

// TestQuizCommandTypedAnswer: "lessons quiz" takes a typed answer for a
// live question, in any accepted spelling (here the frame length bytes of
// lesson 16 as 0x01 0x2C).
func TestQuizCommandTypedAnswer(t *testing.T) {
	t.Setenv(lessons.ProgressEnv, filepath.Join(t.TempDir(), "progress"))
	c, _ := lessons.New()
	l, _ := c.Find("ws-frames")
	r := lessons.NewQuizRand(7)
	var in strings.Builder
	typed := 0
	for _, q := range l.Page("en").Quiz {
		if q.Live != "" {
			typed++
			in.WriteString("0x01 0x2C\n")
			continue
		}
		fmt.Fprintf(&in, "%d\n", q.Shuffle(r).Answer)
	}
	if typed != 1 {
		t.Fatalf("lesson 16 has %d typed questions, want 1", typed)
	}
	ios, stdin, out, _ := iostreams.Test()
	stdin.WriteString(in.String())
	if err := runQuiz(&QuizOptions{IO: ios, Lesson: "16", Lang: "en", Seed: 7}); err != nil {
		t.Fatal(err)
	}
	n := len(l.Page("en").Quiz)
	for _, want := range []string{"81 7e ?? ??", "that is 01 2c", fmt.Sprintf("%d of %d right.", n, n)} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
