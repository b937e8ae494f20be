package lessons

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/wirelab/wirelab/lessons/check"
)

// noExercises are the lessons from "HTTP messages" on that prepare no stage
// of the tracks: TLS, the browser's postMessage, the Python bindings and
// running many nodes are outside what the two servers do.
var noExercises = []string{"https", "postmessage", "python-bindings", "one-server-is-not-enough"}

func TestLessonsNameTheirExercises(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	first, err := c.Find("http-message")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range c.Lessons() {
		ex := l.Exercises()
		for _, lang := range Languages {
			if got := l.Page(lang).Exercises; !slices.Equal(got, ex) {
				t.Errorf("lesson %s: exercises in %s are %v, in %s %v; want the same in every language", l.ID, lang, got, Languages[0], ex)
			}
		}
		for _, s := range ex {
			ids, err := check.StageIDs(s.Track)
			if err != nil || !slices.Contains(ids, s.Stage) {
				t.Errorf("lesson %s: exercise %s: %s has no such stage (its stages: %s)", l.ID, s, s.Track, strings.Join(ids, ", "))
			}
		}
		switch {
		case l.Number < first.Number && len(ex) > 0:
			t.Errorf("lesson %s comes before HTTP messages, yet prepares %v", l.ID, ex)
		case l.Number >= first.Number && len(ex) == 0 && !slices.Contains(noExercises, l.ID):
			t.Errorf("lesson %s does not name the exercise stages it prepares (front matter key exercises)", l.ID)
		case len(ex) > 0 && slices.Contains(noExercises, l.ID):
			t.Errorf("lesson %s is listed as preparing no stage, yet names %v", l.ID, ex)
		}
	}
}

func TestExercisesFrontMatter(t *testing.T) {
	page := func(ex string) string {
		return "---\nid: x\ntitle: X\nexercises:\n" + ex + "concepts:\n  - c\nquiz:\n  - q: Q?\n    choices:\n      - a\n      - b\n    answer: 1\n    explain: E.\n---\nBody.\n"
	}
	pg, err := ParsePage("x.md", page("  - http:headers\n  - ws:close\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []ExerciseStage{{"http", "headers"}, {"ws", "close"}}; !slices.Equal(pg.Exercises, want) {
		t.Errorf("got %v, want %v", pg.Exercises, want)
	}
	for _, bad := range []string{"  - headers\n", "  - ftp:list\n", "  - :headers\n"} {
		_, err := ParsePage("x.md", page(bad))
		if err == nil || !strings.Contains(err.Error(), "x.md:5: exercises:") || !strings.Contains(err.Error(), "want TRACK:STAGE") {
			t.Errorf("%q: got %v, want an error at line 5 asking for TRACK:STAGE", bad, err)
		}
	}
}

func TestExerciseOffer(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	l, err := c.Find("ws-handshake")
	if err != nil {
		t.Fatal(err)
	}
	p := &Progress{}
	p.MarkStages("ws", "handshake")
	got := ExerciseOffer(l, "en", p)
	for _, want := range []string{
		"ws handshake ✓, accept-key (1 of 2 passed)",
		"  wirelab exercise init ws --lang python",
		"  wirelab check ws --watch --run 'python3 server.py' ws-python\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("offer lacks %q:\n%s", want, got)
		}
	}
	zh := ExerciseOffer(l, "zh", p)
	if !strings.Contains(zh, "本课为这些练习阶段打基础：ws handshake ✓、accept-key（已通过 1/2）") || !strings.Contains(zh, "wirelab check ws --watch") {
		t.Errorf("zh offer:\n%s", zh)
	}
	p.MarkStages("ws", "accept-key")
	if got := ExerciseOffer(l, "en", p); !strings.HasPrefix(got, "✓ You have passed") || strings.Contains(got, "wirelab check") {
		t.Errorf("all passed: got\n%s", got)
	}
	if first := c.Lesson(1); ExerciseOffer(first, "en", p) != "" {
		t.Errorf("lesson 1 prepares no exercise, yet has an offer")
	}
}

func TestTutorOffersTheExercises(t *testing.T) {
	c, _ := New()
	l, _ := c.Find("ws-handshake")
	for _, lang := range Languages {
		tu, out, _ := newTestTutor(t, answers(c, l.Number, lang)+"l\nq\n", lang)
		tu.Progress = &Progress{Lesson: l.ID}
		tu.Progress.MarkStages("ws", "handshake")
		if err := tu.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		got := out.String()
		offer := ExerciseOffer(l, lang, tu.Progress)
		i := strings.Index(got, offer)
		if i < 0 {
			t.Fatalf("%s: the lesson does not end with its offer %q:\n%s", lang, offer, got)
		}
		if next := c.Lesson(l.Number + 1).Page(lang).Title; !strings.Contains(got[i:], next) {
			t.Errorf("%s: the offer does not come before the next lesson", lang)
		}
		if !strings.Contains(got, "ws 1/") {
			t.Errorf("%s: the lesson list (l) lacks the stages passed", lang)
		}
	}
}
