package lessons

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/wirelab/wirelab/lessons/quizgen"
)

func newTestTutor(t *testing.T, input string, lang string) (*Tutor, *strings.Builder, *[]Progress) {
	t.Helper()
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	var saves []Progress
	tu := &Tutor{
		Course:   c,
		Lang:     lang,
		In:       strings.NewReader(input),
		Out:      &out,
		Progress: &Progress{},
		Rand:     NewQuizRand(testSeed),
		// Typed questions answer fakeAnswer, so a walk through the course
		// does not depend on live demos; TestTypedQuestions runs the real ones.
		Generators: fakeGenerators(),
		Save: func(p *Progress) error {
			saves = append(saves, Progress{Lesson: p.Lesson, Step: p.Step, Done: append([]string(nil), p.Done...)})
			return nil
		},
	}
	return tu, &out, &saves
}

const testSeed = 12

// answers returns the input lines that page through lesson l and answer its
// quiz right, for a tutor whose Rand is NewQuizRand(testSeed) and which
// asks no other quiz first.
func answers(c *Course, n int, lang string) string {
	return answersFrom(c, n, lang, NewQuizRand(testSeed))
}

// answersFrom is answers with the shuffling source carried on from earlier
// quizzes.
func answersFrom(c *Course, n int, lang string, r *rand.Rand) string {
	l := c.Lesson(n)
	var b strings.Builder
	for range l.Page(lang).Steps() {
		b.WriteString("n\n")
	}
	for _, q := range l.Page(lang).Quiz {
		if q.Live != "" {
			b.WriteString(fakeAnswer + "\n")
			continue
		}
		fmt.Fprintf(&b, "%d\n", q.Shuffle(r).Answer)
	}
	return b.String()
}

const fakeAnswer = "42"

// fakeGenerators has every registered generator, each answering fakeAnswer
// without running its demo.
func fakeGenerators() map[string]quizgen.Generator {
	m := map[string]quizgen.Generator{}
	for _, id := range quizgen.IDs() {
		g, _ := quizgen.Lookup(id)
		g.Normalize = func(s string) (string, bool) { return strings.TrimSpace(s), s != "" }
		g.New = func(context.Context, *rand.Rand) (*quizgen.Instance, error) {
			return &quizgen.Instance{Answer: fakeAnswer}, nil
		}
		m[id] = g
	}
	return m
}

func TestTutorWalksALessonAndItsQuiz(t *testing.T) {
	c, _ := New()
	input := answers(c, 1, "en") + "q\n"
	tu, out, saves := newTestTutor(t, input, "en")
	if err := tu.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"1/" + fmt.Sprint(c.Len()), c.Lesson(1).Page("en").Title, "quiz", "✓ Right.", "✓ Lesson 1 passed.",
		c.Lesson(2).Page("en").Title, "Progress saved: lesson 2",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	last := (*saves)[len(*saves)-1]
	if last.Lesson != c.Lesson(2).ID || last.Step != 0 || !last.IsDone(c.Lesson(1).ID) {
		t.Errorf("last save %+v, want lesson 2 step 0 with lesson 1 done", last)
	}
}

func TestTutorBackHintRunWrongAnswer(t *testing.T) {
	c, _ := New()
	l := c.Lesson(1)
	steps := len(l.Page("zh").Steps())
	r := NewQuizRand(testSeed)
	q := l.Page("zh").Quiz[0].Shuffle(r)
	wrong := q.Answer%len(q.Choices) + 1
	q2 := l.Page("zh").Quiz[1].Shuffle(r)
	var b strings.Builder
	b.WriteString("b\n")   // at the first step: nothing before it
	b.WriteString("h\n")   // hint
	b.WriteString("zzz\n") // unknown command
	b.WriteString("n\nb\n")
	b.WriteString("r\n") // run the demo
	for i := 0; i < steps; i++ {
		b.WriteString("\n") // Enter = next
	}
	fmt.Fprintf(&b, "%d\n9\nh\n%d\n", wrong, q2.Answer)
	b.WriteString("q\n")
	tu, out, _ := newTestTutor(t, b.String(), "zh")
	if err := tu.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"已经是第一步了", "提示：", "未知命令", "▶ socket", "✗ 不对", "请输入 1 到", "✓ 正确", "进度已保存"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q\n%s", want, got)
		}
	}
	if tu.Progress.Lesson != l.ID || tu.Progress.Step != steps {
		t.Errorf("progress %+v, want lesson %s at its quiz (step %d)", tu.Progress, l.ID, steps)
	}
}

func TestTutorResumesAndEndsOnEOF(t *testing.T) {
	c, _ := New()
	tu, out, saves := newTestTutor(t, "g 3\nn\n", "en")
	tu.Progress = &Progress{Lesson: c.Lesson(2).ID, Step: 1}
	if err := tu.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "── 2/") {
		t.Errorf("did not resume at lesson 2:\n%s", out.String())
	}
	last := (*saves)[len(*saves)-1]
	if last.Lesson != c.Lesson(3).ID || last.Step != 1 {
		t.Errorf("last save %+v, want lesson 3 step 1", last)
	}
}

func TestTutorUnknownGoto(t *testing.T) {
	tu, out, _ := newTestTutor(t, "g 999\nq\n", "en")
	if err := tu.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `unknown lesson "999"`) || !strings.Contains(out.String(), "tcp-ip") {
		t.Errorf("want the list of valid lessons:\n%s", out.String())
	}
}

func TestTutorFinishesCourse(t *testing.T) {
	c, _ := New()
	var b strings.Builder
	r := NewQuizRand(testSeed)
	for n := 1; n <= c.Len(); n++ {
		b.WriteString(answersFrom(c, n, "en", r))
	}
	tu, out, _ := newTestTutor(t, b.String(), "en")
	if err := tu.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("%d of %d quizzes passed", c.Len(), c.Len()); !strings.Contains(out.String(), want) {
		t.Errorf("output lacks %q", want)
	}
}

func TestQuizOnly(t *testing.T) {
	c, _ := New()
	l := c.Lesson(4)
	var b strings.Builder
	b.WriteString("s\n")
	r := NewQuizRand(testSeed)
	for i, q := range l.Page("en").Quiz {
		if q = q.Shuffle(r); i > 0 {
			fmt.Fprintf(&b, "%d\n", q.Answer)
		}
	}
	tu, _, _ := newTestTutor(t, b.String(), "en")
	right, total, err := tu.Quiz(l)
	if err != nil || right != total-1 || tu.Progress.IsDone(l.ID) {
		t.Errorf("got %d/%d, %v, done=%v; want one skipped and not done", right, total, err, tu.Progress.IsDone(l.ID))
	}
}

func TestRenderPlain(t *testing.T) {
	r, err := NewRenderer(60, false)
	if err != nil {
		t.Fatal(err)
	}
	out := r.Render("# Title\n\nSome **bold** text and `code`.\n\n中文段落。\n")
	if strings.Contains(out, "\x1b[") {
		t.Errorf("plain rendering has escape codes: %q", out)
	}
	for _, want := range []string{"Title", "bold", "code", "中文段落"} {
		if !strings.Contains(out, want) {
			t.Errorf("rendering lacks %q: %q", want, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasSuffix(line, " ") {
			t.Errorf("line keeps trailing padding: %q", line)
		}
	}
}

// TestShuffleMovesTheAnswer: with a fixed seed the right answer lands in
// different positions, over all questions every position is used, and
// checking follows the shuffled order.
func TestShuffleMovesTheAnswer(t *testing.T) {
	c, _ := New()
	r := NewQuizRand(1)
	pos := map[int]int{}
	for _, l := range c.Lessons() {
		for _, lang := range Languages {
			for _, q := range l.Page(lang).Quiz {
				if q.Live != "" {
					continue
				}
				s := q.Shuffle(r)
				if s.Choices[s.Answer-1] != q.Choices[q.Answer-1] || !s.Check(s.Answer) {
					t.Fatalf("%s: shuffled answer %d is %q, want %q", l.ID, s.Answer, s.Choices[s.Answer-1], q.Choices[q.Answer-1])
				}
				pos[s.Answer]++
			}
		}
	}
	for p := 1; p <= 3; p++ {
		if pos[p] == 0 {
			t.Errorf("the right answer never lands at position %d: %v", p, pos)
		}
	}
}

// TestPassedQuizNotAskedAgain: going back into a passed lesson and paging
// past its last step moves on without asking the quiz.
func TestPassedQuizNotAskedAgain(t *testing.T) {
	c, _ := New()
	steps := len(c.Lesson(1).Page("en").Steps())
	tu, out, _ := newTestTutor(t, strings.Repeat("n\n", steps)+"q\n", "en")
	tu.Progress = &Progress{Lesson: c.Lesson(1).ID, Done: []string{c.Lesson(1).ID}}
	if err := tu.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if strings.Contains(got, "1/"+fmt.Sprint(len(c.Lesson(1).Page("en").Quiz))+". ") || !strings.Contains(got, "already passed") {
		t.Errorf("the passed quiz was asked again:\n%s", got)
	}
	if tu.Progress.Lesson != c.Lesson(2).ID {
		t.Errorf("progress %+v, want lesson 2", tu.Progress)
	}
}

// TestQuestionHintAndExplainOnWrong: h prints the question's own hint, and a
// wrong answer is followed by the right one and the explanation.
func TestQuestionHintAndExplainOnWrong(t *testing.T) {
	c, _ := New()
	l := c.Lesson(4)
	pg := l.Page("en")
	pg.Quiz[0].Hint = "a hint for this question only"
	q := pg.Quiz[0].Shuffle(NewQuizRand(testSeed))
	wrong := q.Answer%len(q.Choices) + 1
	tu, out, _ := newTestTutor(t, fmt.Sprintf("h\n%d\nq\n", wrong), "en")
	if _, _, err := tu.Quiz(l); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"Hint: a hint for this question only", "✗ Not quite", q.Explain} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}
