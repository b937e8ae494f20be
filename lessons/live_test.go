package lessons

import (
	"context"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/wirelab/wirelab/lessons/demo"
	"github.com/wirelab/wirelab/lessons/quizgen"
)

// TestLiveQuestions: the course has the typed questions issue #12 asks for,
// in both languages (TestLanguagesAgree checks they sit at the same place).
func TestLiveQuestions(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range Languages {
		got := map[string]string{}
		for _, l := range c.Lessons() {
			for _, q := range l.Page(lang).Quiz {
				if q.Live != "" {
					got[q.Live] = l.ID
				}
			}
		}
		for _, want := range []string{"ws-accept", "frame-len", "poll-bytes", "chunk-size"} {
			if got[want] == "" {
				t.Errorf("%s: no question is typed by %s", lang, want)
			}
		}
		t.Logf("%s: %d typed questions: %v", lang, len(got), got)
	}
}

// TestLiveQuestionsAgree: a typed question uses the same placeholders in
// every language, so both show the same live values.
func TestLiveQuestionsAgree(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	names := func(s string) string {
		var out []string
		for _, m := range placeholderRE.FindAllString(s, -1) {
			if !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
		slices.Sort(out)
		return strings.Join(out, " ")
	}
	for _, l := range c.Lessons() {
		en := l.Page("en")
		for i, q := range en.Quiz {
			if q.Live == "" {
				continue
			}
			for _, lang := range Languages[1:] {
				o := l.Page(lang).Quiz[i]
				for _, f := range []struct{ what, en, other string }{
					{"question", q.Text, o.Text}, {"explanation", q.Explain, o.Explain}, {"hint", q.Hint, o.Hint},
				} {
					if names(f.en) != names(f.other) {
						t.Errorf("%s question %d (%s): the %s uses %q in en, %q in %s", l.ID, i+1, q.Live, f.what, names(f.en), names(f.other), lang)
					}
				}
			}
		}
	}
}

// quizInput answers lesson n's choice questions right, with r carried as
// the tutor carries its Rand, and calls typed for each typed question.
func quizInput(t *testing.T, c *Course, n int, lang string, typed func(in *quizgen.Instance) string) string {
	t.Helper()
	r := NewQuizRand(testSeed)
	var b strings.Builder
	for _, q := range c.Lesson(n).Page(lang).Quiz {
		if q.Live == "" {
			fmt.Fprintf(&b, "%d\n", q.Shuffle(r).Answer)
			continue
		}
		// The generator draws its random values from the same source.
		g, _ := quizgen.Lookup(q.Live)
		in, err := g.New(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(typed(in))
	}
	return b.String()
}

// TestTypedQuestionAccepts: the learner computes the accept value of the
// key the tutor shows (here with crypto/sha1, as RFC 6455 §4.2.2 says)
// and types it; the tutor takes it and the lesson is passed.
func TestTypedQuestionAccepts(t *testing.T) {
	c, _ := New()
	l, _ := c.Find("ws-handshake")
	var key string
	input := quizInput(t, c, l.Number, "en", func(in *quizgen.Instance) string {
		key = in.Params["key"]
		sum := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
		return "h\n" + base64.StdEncoding.EncodeToString(sum[:]) + "\n"
	})
	tu, out, _ := newTestTutor(t, input, "en")
	tu.Generators = nil // the real generators
	right, total, err := tu.Quiz(l)
	if err != nil || right != total || !tu.Progress.IsDone(l.ID) {
		t.Fatalf("got %d/%d, %v, done=%v\n%s", right, total, err, tu.Progress.IsDone(l.ID), out)
	}
	got := out.String()
	for _, want := range []string{"Sec-WebSocket-Key: " + key + "␍␊", "Hint: Glue the GUID", "✓ Right. Accept = Base64", "openssl sha1 -binary | base64"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "{key}") || strings.Contains(got, "{answer}") {
		t.Errorf("a placeholder was left unfilled:\n%s", got)
	}
}

// TestTypedQuestionRejects: an answer of the wrong shape is asked again
// with the expected form, a wrong one is marked wrong with the right answer
// and how it is computed; in Chinese.
func TestTypedQuestionRejects(t *testing.T) {
	c, _ := New()
	l, _ := c.Find("ws-frames")
	input := quizInput(t, c, l.Number, "zh", func(*quizgen.Instance) string { return "300\n1 44\n" })
	tu, out, _ := newTestTutor(t, input, "zh")
	tu.Generators = nil
	right, total, err := tu.Quiz(l)
	if err != nil || right != total-1 || tu.Progress.IsDone(l.ID) {
		t.Fatalf("got %d/%d, %v; want the typed question wrong\n%s", right, total, err, out)
	}
	got := out.String()
	for _, want := range []string{"81 7e ?? ??", "请输入两个十六进制字节", "✗ 不对：答案是 01 2c。这两个字节的值对了，但写成了十进制", "300 = 1 × 256 + 44"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}

	// Another spelling of the right bytes is right.
	input = quizInput(t, c, l.Number, "en", func(*quizgen.Instance) string { return "0x01 0x2C\n" })
	tu, out, _ = newTestTutor(t, input, "en")
	tu.Generators = nil
	if right, total, err := tu.Quiz(l); err != nil || right != total {
		t.Fatalf("got %d/%d, %v\n%s", right, total, err, out)
	}
}

func TestLiveFrontMatterErrors(t *testing.T) {
	page := func(q string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("---\nid: one\ntitle: T\nconcepts:\n  - c\nquiz:\n" + q + "---\nBody.\n")}
	}
	for _, tt := range []struct{ q, want string }{
		{"  - q: Key {key}?\n    live: ws-accept\n    choices:\n      - a\n      - b\n    answer: 1\n    explain: E.\n", "has no choices and no answer"},
		{"  - q: Key {key}?\n    live: no-such\n    explain: E.\n", `live "no-such" is not a generator (want one of`},
		{"  - q: Key {kee}?\n    live: ws-accept\n    explain: E.\n", "ws-accept fills no {kee}"},
		{"  - q: Key {key}?\n    live: ws-accept\n", "has no explain"},
	} {
		fsys := fstest.MapFS{"content/en/01-one.md": page(tt.q), "content/zh/01-one.md": page(tt.q)}
		_, err := newCourse(fsys, map[string]demo.Demo{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: got %v, want an error containing %q", tt.q, err, tt.want)
		}
	}
}

// TestTypedQuestionDemoFails: a live demo that cannot run (no loopback, say)
// skips its question with the reason, and the quiz goes on.
func TestTypedQuestionDemoFails(t *testing.T) {
	c, _ := New()
	l, _ := c.Find("ws-frames")
	gens := fakeGenerators()
	g := gens["frame-len"]
	g.New = func(context.Context, *rand.Rand) (*quizgen.Instance, error) {
		return nil, errors.New("listen tcp 127.0.0.1:0: permission denied")
	}
	gens["frame-len"] = g
	for _, lang := range Languages {
		tu, out, _ := newTestTutor(t, strings.Repeat("s\n", len(l.Page(lang).Quiz)-1), lang)
		tu.Generators = gens
		right, total, err := tu.Quiz(l)
		if err != nil || right != 0 || total != len(l.Page(lang).Quiz) {
			t.Fatalf("%s: got %d/%d, %v", lang, right, total, err)
		}
		want := map[string]string{"en": "which failed: listen tcp", "zh": "但演示失败了：listen tcp"}[lang]
		if !strings.Contains(out.String(), want) {
			t.Errorf("%s: output lacks %q:\n%s", lang, want, out)
		}
	}
}
