package lessons

import (
	"fmt"
	"strings"
	"testing"

	"github.com/wirelab/wirelab/internal/textwrap"
)

// quizOutput runs lesson l's quiz asking for the hint of every question and
// then skipping it (which shows the answer and its explanation), and returns
// what was printed with the prompts taken out: the learner's Enter ends a
// prompt's line on a terminal, but not in a test.
func quizOutput(t *testing.T, c *Course, l *Lesson, lang string, width int) string {
	t.Helper()
	var out strings.Builder
	tu := &Tutor{
		Course: c, Lang: lang, Out: &out, Progress: &Progress{},
		In:    strings.NewReader(strings.Repeat("h\ns\n", len(l.Page(lang).Quiz))),
		Rand:  NewQuizRand(testSeed),
		Width: width,
	}
	if _, _, err := tu.Quiz(l); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for line := range strings.Lines(out.String()) {
		if i := strings.LastIndex(line, "> "); i >= 0 {
			line = line[i+2:]
		}
		b.WriteString(line)
	}
	return b.String()
}

// TestQuizFitsTheWidth checks that questions, choices, hints and
// explanations of every lesson, in both languages, are wrapped to 80 and 60
// cells.
func TestQuizFitsTheWidth(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	wider := 0
	for _, l := range c.Lessons() {
		for _, lang := range []string{"en", "zh"} {
			if textwrap.Width(quizOutput(t, c, l, lang, 0)) > 60 {
				wider++
			}
			for _, width := range []int{80, 60} {
				name := fmt.Sprintf("lesson %d %s width %d", l.Number, lang, width)
				for i, line := range strings.Split(quizOutput(t, c, l, lang, width), "\n") {
					if w := textwrap.Width(line); w > width && textwrap.MinWidth(line) < w {
						t.Errorf("%s: line %d is %d cells: %q", name, i+1, w, line)
					}
				}
			}
		}
	}
	if wider == 0 {
		t.Error("no quiz has a line wider than 60 cells unwrapped: the test checks nothing")
	}
}

func TestQuizChoiceHangs(t *testing.T) {
	tu := &Tutor{Width: 24}
	got := tu.wrap("  2) 它借用一个 HTTP 请求完成握手")
	want := "  2) 它借用一个 HTTP 请\n     求完成握手"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestListFitsTheWidth: the l command's titles wrap under themselves.
func TestListFitsTheWidth(t *testing.T) {
	for _, lang := range []string{"en", "zh"} {
		tu, out, _ := newTestTutor(t, "l\nq\n", lang)
		r, err := NewRenderer(50, false)
		if err != nil {
			t.Fatal(err)
		}
		tu.Width, tu.Render = 50, r.Render
		if err := tu.Run(t.Context()); err != nil {
			t.Fatal(err)
		}
		listed := 0
		for line := range strings.Lines(out.String()) {
			if i := strings.LastIndex(line, "> "); i >= 0 {
				line = line[i+2:]
			}
			if strings.Contains(line, "websocket ") {
				listed++
			}
			if w := textwrap.Width(strings.TrimSuffix(line, "\n")); w > 50 {
				t.Errorf("%s: line is %d cells: %q", lang, w, line)
			}
		}
		if listed == 0 {
			t.Errorf("%s: no lesson list in\n%s", lang, out)
		}
	}
}
