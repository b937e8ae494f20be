package lessons

import (
	"bufio"
	"context"
	"fmt"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/textwrap"
	"github.com/wirelab/wirelab/lessons/demo"
	"github.com/wirelab/wirelab/lessons/quizgen"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// A Tutor runs the course interactively, one step at a time, reading
// commands line by line from In: Enter or n for the next step, b to go back,
// r to run the lesson's demo, h for a hint, g N to go to lesson N, l to list
// the lessons, q to quit. After a lesson's last step comes its quiz. The
// position is saved after every move, so a learner who quits comes back to
// the same step.
//
// A Tutor reads only from In and writes only to Out, so a test drives it
// with piped input.
type Tutor struct {
	Course *Course
	Lang   string
	In     io.Reader
	Out    io.Writer
	// Render turns Markdown into terminal text; nil prints it as is.
	Render func(md string) string
	// Progress is the position to start from; it is updated as the
	// learner moves.
	Progress *Progress
	// Save, if set, is called with Progress after every move.
	Save func(*Progress) error
	// Rand shuffles each question's choices on every attempt; nil uses a
	// randomly seeded source. Tests set a fixed seed with NewQuizRand.
	Rand *rand.Rand
	// Width, if positive, wraps questions, feedback and hints to that
	// many cells.
	Width int
	// Generators, if set, replaces the quizgen registry for typed
	// questions (tests give fixed answers this way).
	Generators map[string]quizgen.Generator

	in     *bufio.Scanner
	lesson *Lesson
	steps  []Step
}

// errQuit ends the session.
var errQuit = fmt.Errorf("quit")

// tell prints catalogue message k in the tutor's language, wrapped.
func (t *Tutor) tell(k i18n.Key, args ...any) {
	fmt.Fprint(t.Out, t.wrap(t.p().Sprintf(k, args...))+"\n")
}

// p is the tutor's message printer.
func (t *Tutor) p() i18n.Printer { return i18n.New(t.Lang) }

// wrap wraps s to t.Width cells as lessons are wrapped: Chinese between
// characters, English words, header values and GUIDs whole, a choice's
// following lines under its text.
func (t *Tutor) wrap(s string) string {
	if t.Width <= 0 {
		return s
	}
	return textwrap.Wrap(s, t.Width)
}

// NewQuizRand returns the shuffling source for a seed, as --seed uses it.
func NewQuizRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

func (t *Tutor) rng() *rand.Rand {
	if t.Rand == nil {
		t.Rand = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	return t.Rand
}

func (t *Tutor) render(md string) string {
	if t.Render == nil {
		return md
	}
	return t.Render(md)
}

// readLine prompts and reads one line; io.EOF when input ends.
func (t *Tutor) readLine(prompt string) (string, error) {
	fmt.Fprint(t.Out, prompt)
	if !t.in.Scan() {
		fmt.Fprintln(t.Out)
		if err := t.in.Err(); err != nil {
			return "", err
		}
		return "", io.EOF
	}
	return strings.TrimSpace(t.in.Text()), nil
}

func (t *Tutor) save() error {
	if t.Save == nil {
		return nil
	}
	return t.Save(t.Progress)
}

// Run runs the session until the learner quits, input ends or the course
// is finished.
func (t *Tutor) Run(ctx context.Context) error {
	if t.Progress == nil {
		t.Progress = &Progress{}
	}
	t.in = bufio.NewScanner(t.In)
	l, err := t.Course.Find(t.Progress.Lesson)
	if t.Progress.Lesson == "" || err != nil {
		l, t.Progress.Step = t.Course.Lesson(1), 0
	}
	t.enter(l, t.Progress.Step)
	t.tell(i18n.TutorCommands)
	err = t.loop(ctx)
	if err == errQuit || err == io.EOF {
		t.tell(i18n.TutorSaved,
			t.lesson.Number, t.lesson.ID, min(t.Progress.Step+1, len(t.steps)))
		return t.save()
	}
	return err
}

// enter moves to lesson l at step (len(steps) means its quiz).
func (t *Tutor) enter(l *Lesson, step int) {
	t.lesson = l
	t.steps = l.Page(t.Lang).Steps()
	t.Progress.Lesson = l.ID
	t.Progress.Step = max(0, min(step, len(t.steps)))
}

func (t *Tutor) loop(ctx context.Context) error {
	for {
		if err := t.save(); err != nil {
			return err
		}
		if t.Progress.Step >= len(t.steps) {
			next, err := t.quiz()
			if err != nil {
				return err
			}
			if !next {
				continue
			}
			t.offerExercises()
			if t.lesson.Number == t.Course.Len() {
				t.tell(i18n.TutorFinished, len(t.Progress.Done), t.Course.Len())
				return t.save()
			}
			t.enter(t.Course.Lesson(t.lesson.Number+1), 0)
			continue
		}
		t.showStep()
		if err := t.command(ctx); err != nil {
			return err
		}
	}
}

func (t *Tutor) showStep() {
	pg := t.lesson.Page(t.Lang)
	fmt.Fprint(t.Out, "\n"+t.wrap(fmt.Sprintf("── %d/%d · %s · %d/%d ──", t.lesson.Number, t.Course.Len(), pg.Title, t.Progress.Step+1, len(t.steps)))+"\n")
	fmt.Fprint(t.Out, t.render(t.steps[t.Progress.Step].Body))
}

// command reads commands until one moves the learner.
func (t *Tutor) command(ctx context.Context) error {
	for {
		line, err := t.readLine("\n" + t.p().Sprintf(i18n.TutorPrompt))
		if err != nil {
			return err
		}
		cmd, arg, _ := strings.Cut(line, " ")
		switch strings.ToLower(cmd) {
		case "", "n", "next":
			t.Progress.Step++
			return nil
		case "b", "back":
			if t.Progress.Step > 0 {
				t.Progress.Step--
			} else if t.lesson.Number > 1 {
				prev := t.Course.Lesson(t.lesson.Number - 1)
				t.enter(prev, len(prev.Page(t.Lang).Steps())-1)
			} else {
				t.tell(i18n.TutorFirstStep)
				continue
			}
			return nil
		case "r", "run":
			env := &demo.Env{Out: t.Out, Lang: t.Lang, Width: t.Width}
			if err := t.Course.RunDemos(ctx, t.lesson, env); err != nil {
				t.tell(i18n.TutorDemoFailed, err)
			}
		case "h", "hint":
			t.hint()
		case "l", "list":
			t.list()
		case "g", "go", "goto":
			l, err := t.Course.Find(arg)
			if err != nil {
				fmt.Fprintln(t.Out, t.p().Error(err))
				continue
			}
			t.enter(l, 0)
			return nil
		case "q", "quit", "exit":
			return errQuit
		default:
			if l, err := t.Course.Find(line); err == nil && cmd != "" {
				t.enter(l, 0)
				return nil
			}
			t.tell(i18n.TutorUnknownCommand, line)
		}
	}
}

func (t *Tutor) hint() {
	pg := t.lesson.Page(t.Lang)
	if pg.Hint != "" {
		t.tell(i18n.TutorHint, pg.Hint)
	}
	if len(t.lesson.Demos) > 0 {
		t.tell(i18n.TutorRunDemo, strings.Join(t.lesson.Demos, ", "))
	}
}

func (t *Tutor) list() {
	for _, l := range t.Course.Lessons() {
		mark := " "
		if t.Progress.IsDone(l.ID) {
			mark = "✓"
		}
		if l == t.lesson {
			mark = "▶"
		}
		prefix := fmt.Sprintf("%s %2d  %-22s ", mark, l.Number, l.ID)
		fmt.Fprintln(t.Out, textwrap.Hang(prefix, l.Page(t.Lang).Title, t.Width))
	}
	fmt.Fprintln(t.Out, t.wrap(t.Progress.StageLine(t.Lang)))
}

// quiz asks the lesson's questions. It returns next=true to move on to the
// next lesson, false when the learner went back into the lesson.
func (t *Tutor) quiz() (next bool, err error) {
	pg := t.lesson.Page(t.Lang)
	if t.Progress.IsDone(t.lesson.ID) {
		t.tell(i18n.TutorQuizPassedBefore, t.lesson.Number, t.lesson.ID)
		return true, nil
	}
	fmt.Fprint(t.Out, t.wrap(fmt.Sprintf("\n── %d/%d · %s · ", t.lesson.Number, t.Course.Len(), pg.Title)+t.p().Sprintf(i18n.TutorQuizHeading))+"\n")
	right := 0
	for i, q := range pg.Quiz {
		ok, err := t.ask(i+1, len(pg.Quiz), q)
		if err != nil {
			return false, err
		}
		if ok == askBack {
			t.Progress.Step = len(t.steps) - 1
			return false, nil
		}
		if ok == askRight {
			right++
		}
	}
	if right == len(pg.Quiz) {
		t.Progress.MarkDone(t.lesson.ID)
		t.tell(i18n.TutorLessonPassed, t.lesson.Number)
	} else {
		t.tell(i18n.TutorScore, right, len(pg.Quiz), t.lesson.ID)
	}
	return true, nil
}

// Quiz asks only the questions of lesson l and reports how many were
// answered right. Skipped questions count as wrong.
func (t *Tutor) Quiz(l *Lesson) (right, total int, err error) {
	if t.Progress == nil {
		t.Progress = &Progress{}
	}
	t.in = bufio.NewScanner(t.In)
	t.enter(l, 0)
	pg := l.Page(t.Lang)
	for i, q := range pg.Quiz {
		res, err := t.ask(i+1, len(pg.Quiz), q)
		if err == errQuit || err == io.EOF {
			return right, len(pg.Quiz), nil
		}
		if err != nil {
			return right, len(pg.Quiz), err
		}
		if res == askRight {
			right++
		}
	}
	if right == len(pg.Quiz) {
		t.Progress.MarkDone(l.ID)
	}
	return right, len(pg.Quiz), nil
}

type askResult int

const (
	askRight askResult = iota
	askSkipped
	askBack
	askWrong
)

func (t *Tutor) ask(n, total int, q Question) (askResult, error) {
	if q.Live != "" {
		return t.askTyped(n, total, q)
	}
	q = q.Shuffle(t.rng())
	fmt.Fprint(t.Out, "\n"+t.wrap(fmt.Sprintf("%d/%d. %s", n, total, q.Text))+"\n")
	for i, c := range q.Choices {
		fmt.Fprint(t.Out, t.wrap(fmt.Sprintf("  %d) %s", i+1, c))+"\n")
	}
	for {
		prompt := t.p().Sprintf(i18n.TutorAnswerPrompt, len(q.Choices))
		line, err := t.readLine(prompt)
		if err != nil {
			return askSkipped, err
		}
		switch strings.ToLower(line) {
		case "h", "hint":
			t.questionHint(q.Hint)
			continue
		case "s", "skip":
			t.tell(i18n.TutorSkipped, q.Answer, q.Choices[q.Answer-1], q.Explain)
			return askSkipped, nil
		case "b", "back":
			return askBack, nil
		case "q", "quit", "exit":
			return askSkipped, errQuit
		}
		choice, err := strconv.Atoi(line)
		if err != nil || choice < 1 || choice > len(q.Choices) {
			t.tell(i18n.TutorEnterNumber, len(q.Choices))
			continue
		}
		if q.Check(choice) {
			t.tell(i18n.TutorRight, q.Explain)
			return askRight, nil
		}
		t.tell(i18n.TutorWrong, q.Answer, q.Choices[q.Answer-1], q.Explain)
		return askWrong, nil
	}
}

// questionHint prints the question's own hint, or the lesson's when the
// question has none.
func (t *Tutor) questionHint(hint string) {
	if hint == "" {
		hint = t.lesson.Page(t.Lang).Hint
	}
	if hint != "" {
		t.tell(i18n.TutorHint, hint)
	} else {
		t.tell(i18n.TutorHintReread)
	}
}

// showWork prints how a typed answer is computed, unwrapped: commands and
// byte counts must stay whole.
func (t *Tutor) showWork(in *quizgen.Instance) {
	if in.Work != "" {
		fmt.Fprint(t.Out, "\n"+in.Work+"\n")
	}
}

func (t *Tutor) generator(id string) (quizgen.Generator, bool) {
	if t.Generators != nil {
		g, ok := t.Generators[id]
		return g, ok
	}
	return quizgen.Lookup(id)
}

// liveTimeout bounds the demo a typed question runs.
const liveTimeout = 10 * time.Second

// askTyped asks a typed question: its generator runs a live demo now, the
// learner computes the answer and types it, and it is checked exactly
// (after the generator's normalising of spaces, case and prefixes).
func (t *Tutor) askTyped(n, total int, q Question) (askResult, error) {
	g, ok := t.generator(q.Live)
	if !ok {
		t.tell(i18n.TutorLiveMissing, n, q.Live)
		return askSkipped, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), liveTimeout)
	in, err := g.New(ctx, t.rng())
	cancel()
	if err != nil {
		t.tell(i18n.TutorLiveFailed, n, err)
		return askSkipped, nil
	}
	fill := func(s string) string { return in.Fill(s, t.Lang) }
	fmt.Fprint(t.Out, "\n"+t.wrap(fmt.Sprintf("%d/%d. %s", n, total, fill(q.Text)))+"\n")
	if in.Show != "" {
		fmt.Fprint(t.Out, "\n"+in.Show+"\n\n") // bytes: never wrapped
	}
	for {
		line, err := t.readLine(t.p().Sprintf(i18n.TutorTypedPrompt))
		if err != nil {
			return askSkipped, err
		}
		switch strings.ToLower(line) {
		case "h", "hint":
			t.questionHint(fill(q.Hint))
			continue
		case "s", "skip":
			t.tell(i18n.TutorTypedSkipped, in.Answer, fill(q.Explain))
			t.showWork(in)
			return askSkipped, nil
		case "b", "back":
			return askBack, nil
		case "q", "quit", "exit":
			return askSkipped, errQuit
		}
		right, ok := g.Check(in, line)
		remark := ""
		if g.Remark != nil && !right {
			if k, ok := g.Remark(in, line); ok {
				remark = t.p().Sprintf(k)
				if t.Lang != "zh" {
					remark += " " // Chinese sentences end in 。 and need no space
				}
			}
		}
		if !ok {
			fmt.Fprint(t.Out, t.wrap(remark+t.p().Sprintf(g.Form))+"\n")
			continue
		}
		if right {
			t.tell(i18n.TutorRight, fill(q.Explain))
			t.showWork(in)
			return askRight, nil
		}
		t.tell(i18n.TutorTypedWrong, in.Answer, remark, fill(q.Explain))
		t.showWork(in)
		return askWrong, nil
	}
}
