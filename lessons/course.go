package lessons

import (
	"context"
	"embed"
	"fmt"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/lessons/demo"
	"github.com/wirelab/wirelab/lessons/quizgen"
	"io/fs"
	"math/rand/v2"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

//go:embed content
var content embed.FS

// Languages are the languages every lesson is written in, in the order
// they are listed.
var Languages = []string{"en", "zh"}

// A Course is the ordered list of lessons, each in every language, and the
// demos they run. Build one with New; it holds no global state.
type Course struct {
	lessons []*Lesson
	demos   map[string]demo.Demo
}

// A Lesson is one step of the course in every language.
type Lesson struct {
	// Number is the lesson's place in the course, from 1.
	Number int
	// ID names the lesson in commands and in the progress file.
	ID string
	// Demos are the demos the lesson runs, in order.
	Demos []string
	// Pages holds the lesson in each language, keyed by "en", "zh".
	Pages map[string]*Page
}

// A Page is a lesson written in one language.
type Page struct {
	Lang     string
	File     string // path inside the embedded content
	ID       string
	Title    string
	Concepts []string
	Demos    []string
	// Exercises are the stages of wirelab check the lesson prepares.
	Exercises []ExerciseStage
	// Hint is a nudge shown by "h" in wirelab learn.
	Hint string
	Quiz []Question
	// Body is the Markdown after the front matter.
	Body string
}

// A Question is one quiz question: either numbered choices, or, when Live is
// set, a typed answer computed from a live demo.
type Question struct {
	Text    string
	Choices []string
	// Answer is the number of the right choice, from 1; 0 for a typed
	// question.
	Answer int
	// Live names the quizgen generator of a typed question ("ws-accept"):
	// it fills the {placeholders} of Text, Hint and Explain and knows the
	// answer. Empty for a multiple-choice question.
	Live string
	// Explain is shown once the question is answered.
	Explain string
	// Hint, if set, is shown on request before answering.
	Hint string
	// Line is the question's line in the lesson file.
	Line int
}

// Shuffle returns a copy of q with its choices in an order drawn from r,
// and Answer pointing at the right choice in that order. A typed question
// is returned as it is, and draws nothing from r.
func (q Question) Shuffle(r *rand.Rand) Question {
	if q.Live != "" {
		return q
	}
	perm := r.Perm(len(q.Choices))
	out := q
	out.Choices = make([]string, len(q.Choices))
	for to, from := range perm {
		out.Choices[to] = q.Choices[from]
		if from == q.Answer-1 {
			out.Answer = to + 1
		}
	}
	return out
}

// Check reports whether choice (1-based) is the right answer.
func (q Question) Check(choice int) bool { return choice == q.Answer }

// A Step is one screen of a lesson: its introduction or one "## " section.
type Step struct {
	Heading string
	Body    string // Markdown, including the heading line
}

var fileRE = regexp.MustCompile(`^(\d\d)-([a-z0-9-]+)\.md$`)

// New parses the embedded lessons and builds the demo registry. It fails if
// a lesson file is malformed, if the languages do not have the same lessons,
// or if a lesson names a demo that does not exist.
func New() (*Course, error) {
	return newCourse(content, demo.All())
}

func newCourse(fsys fs.FS, demos map[string]demo.Demo) (*Course, error) {
	c := &Course{demos: demos}
	byID := map[string]*Lesson{}
	for _, lang := range Languages {
		dir := path.Join("content", lang)
		entries, err := fs.ReadDir(fsys, dir)
		if err != nil {
			return nil, fmt.Errorf("lessons: %s: %w", dir, err)
		}
		for _, e := range entries {
			m := fileRE.FindStringSubmatch(e.Name())
			if m == nil {
				return nil, fmt.Errorf("lessons: %s/%s: a lesson file is named NN-id.md", dir, e.Name())
			}
			file := path.Join(dir, e.Name())
			src, err := fs.ReadFile(fsys, file)
			if err != nil {
				return nil, err
			}
			pg, err := ParsePage(file, string(src))
			if err != nil {
				return nil, err
			}
			pg.Lang = lang
			num, _ := strconv.Atoi(m[1])
			if pg.ID != m[2] {
				return nil, &FrontMatterError{file, 0, fmt.Sprintf("id %q does not match the file name %q", pg.ID, e.Name())}
			}
			l := byID[pg.ID]
			if l == nil {
				l = &Lesson{Number: num, ID: pg.ID, Demos: pg.Demos, Pages: map[string]*Page{}}
				byID[pg.ID] = l
				c.lessons = append(c.lessons, l)
			}
			if l.Number != num {
				return nil, fmt.Errorf("lessons: %s is lesson %d, but %s numbers it %d", pg.ID, l.Number, file, num)
			}
			if !slices.Equal(l.Demos, pg.Demos) {
				return nil, fmt.Errorf("lessons: %s: demos %v differ from the other language's %v", file, pg.Demos, l.Demos)
			}
			l.Pages[lang] = pg
		}
	}
	slices.SortFunc(c.lessons, func(a, b *Lesson) int { return a.Number - b.Number })
	for i, l := range c.lessons {
		if l.Number != i+1 {
			return nil, fmt.Errorf("lessons: lesson %s is numbered %d, want %d: numbers run 01, 02, ... without gaps", l.ID, l.Number, i+1)
		}
		for _, lang := range Languages {
			if l.Pages[lang] == nil {
				return nil, fmt.Errorf("lessons: lesson %02d-%s has no %s version (content/%s/%02d-%s.md)", l.Number, l.ID, lang, lang, l.Number, l.ID)
			}
		}
		for _, d := range l.Demos {
			if _, ok := demos[d]; !ok {
				return nil, fmt.Errorf("lessons: lesson %s names demo %q, which is not registered", l.ID, d)
			}
		}
		for _, lang := range Languages {
			if err := checkLive(l.Pages[lang]); err != nil {
				return nil, err
			}
		}
	}
	return c, nil
}

var placeholderRE = regexp.MustCompile(`\{([a-z]+)\}`)

// checkLive checks that every typed question of pg names a registered
// generator and uses only the placeholders that generator fills.
func checkLive(pg *Page) error {
	for i, q := range pg.Quiz {
		if q.Live == "" {
			continue
		}
		g, ok := quizgen.Lookup(q.Live)
		if !ok {
			return &FrontMatterError{pg.File, q.Line, fmt.Sprintf("quiz question %d: live %q is not a generator (want one of %s)", i+1, q.Live, strings.Join(quizgen.IDs(), ", "))}
		}
		for _, text := range []string{q.Text, q.Hint, q.Explain} {
			for _, m := range placeholderRE.FindAllStringSubmatch(text, -1) {
				if !slices.Contains(g.Params, m[1]) {
					return &FrontMatterError{pg.File, q.Line, fmt.Sprintf("quiz question %d: %s fills no {%s} (it fills {%s})", i+1, q.Live, m[1], strings.Join(g.Params, "}, {"))}
				}
			}
		}
	}
	return nil
}

// ParsePage parses one lesson file: front matter, then Markdown.
func ParsePage(file, src string) (*Page, error) {
	lines, body, err := splitFrontMatter(file, src)
	if err != nil {
		return nil, err
	}
	root, err := parseFrontMatter(file, lines)
	if err != nil {
		return nil, err
	}
	pg := &Page{File: file}
	if err := decodeMeta(file, root, pg); err != nil {
		return nil, err
	}
	pg.Body = strings.TrimSpace(body) + "\n"
	return pg, nil
}

// Lessons returns the lessons in course order.
func (c *Course) Lessons() []*Lesson { return slices.Clone(c.lessons) }

// Len returns the number of lessons.
func (c *Course) Len() int { return len(c.lessons) }

// Lesson returns lesson n, counting from 1, or nil.
func (c *Course) Lesson(n int) *Lesson {
	if n < 1 || n > len(c.lessons) {
		return nil
	}
	return c.lessons[n-1]
}

// Find returns the lesson named by arg: its number ("3") or its id ("dns").
// An unknown lesson gives an *UnknownLessonError that lists the valid ones.
func (c *Course) Find(arg string) (*Lesson, error) {
	a := strings.TrimSpace(arg)
	if n, err := strconv.Atoi(a); err == nil {
		if l := c.Lesson(n); l != nil {
			return l, nil
		}
	}
	for _, l := range c.lessons {
		if l.ID == strings.ToLower(a) {
			return l, nil
		}
	}
	e := &UnknownLessonError{Arg: arg}
	for _, l := range c.lessons {
		e.Valid = append(e.Valid, fmt.Sprintf("%2d  %s", l.Number, l.ID))
	}
	return nil, e
}

// UnknownLessonError reports a lesson that does not exist, and lists the
// ones that do.
type UnknownLessonError struct {
	Arg   string
	Valid []string
}

func (e *UnknownLessonError) Error() string { return e.Localize(i18n.New("en")) }

// Localize says the error in p's language.
func (e *UnknownLessonError) Localize(p i18n.Printer) string {
	return p.Sprintf(i18n.CourseUnknownLesson, e.Arg, strings.Join(e.Valid, "\n"))
}

// Page returns the lesson in lang, or in English when lang has none.
func (l *Lesson) Page(lang string) *Page {
	if p := l.Pages[lang]; p != nil {
		return p
	}
	return l.Pages["en"]
}

// Languages returns the languages the lesson is written in.
func (l *Lesson) Languages() []string {
	var out []string
	for _, lang := range Languages {
		if l.Pages[lang] != nil {
			out = append(out, lang)
		}
	}
	return out
}

// Steps cuts the page into screens: the text before the first "## "
// heading, then one step per "## " section. Headings inside fenced code
// blocks do not count.
func (p *Page) Steps() []Step {
	var steps []Step
	var cur strings.Builder
	heading := ""
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			steps = append(steps, Step{Heading: heading, Body: s + "\n"})
		}
		cur.Reset()
	}
	inFence := false
	for _, line := range strings.Split(p.Body, "\n") {
		if strings.HasPrefix(line, "```") {
			inFence = !inFence
		}
		if !inFence && strings.HasPrefix(line, "## ") {
			flush()
			heading = strings.TrimSpace(strings.TrimPrefix(line, "## "))
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
	}
	flush()
	return steps
}

// ListEntry is one lesson as "wirelab lessons list --json" prints it.
type ListEntry struct {
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	Concepts  []string `json:"concepts"`
	Languages []string `json:"languages"`
}

// List returns the lessons as listed, with titles and concepts in lang.
func (c *Course) List(lang string) []ListEntry {
	out := make([]ListEntry, 0, len(c.lessons))
	for _, l := range c.lessons {
		p := l.Page(lang)
		out = append(out, ListEntry{ID: l.ID, Title: p.Title, Concepts: slices.Clone(p.Concepts), Languages: l.Languages()})
	}
	return out
}

// NormalizeLang maps a locale such as "zh_CN.UTF-8" or "en-US" to a course
// language, "en" or "zh", and reports whether it recognised one.
func NormalizeLang(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "":
		return "", false
	case strings.HasPrefix(s, "zh"):
		return "zh", true
	case strings.HasPrefix(s, "en"):
		return "en", true
	}
	return "", false
}

// LangFromEnv picks the course language from the locale variables, in
// POSIX order of precedence (LC_ALL, LC_MESSAGES, LANG); English when none
// names a course language. getenv is os.Getenv outside tests.
func LangFromEnv(getenv func(string) string) string {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if val := getenv(v); val != "" {
			if l, ok := NormalizeLang(val); ok {
				return l
			}
			return "en" // "C", "POSIX", "fr_FR.UTF-8": no Chinese, so English
		}
	}
	return "en"
}

// ResolveLang returns the --lang flag's language, or the environment's when
// the flag is empty. An unsupported flag value is an error.
func ResolveLang(flag string, getenv func(string) string) (string, error) {
	if flag == "" {
		return LangFromEnv(getenv), nil
	}
	if l, ok := NormalizeLang(flag); ok {
		return l, nil
	}
	return "", fmt.Errorf("--lang %q: want en or zh", flag)
}

// Demo returns the demo with the given ID.
func (c *Course) Demo(id string) (demo.Demo, bool) {
	d, ok := c.demos[id]
	return d, ok
}

// DemoIDs returns every registered demo ID, sorted.
func (c *Course) DemoIDs() []string {
	var ids []string
	for id := range c.demos {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// RunDemos runs the lesson's demos in order, each under a heading, and
// stops at the first that fails.
func (c *Course) RunDemos(ctx context.Context, l *Lesson, e *demo.Env) error {
	if len(l.Demos) == 0 {
		e.Tell(i18n.CourseNoDemo)
		return nil
	}
	for i, id := range l.Demos {
		if i > 0 {
			fmt.Fprintln(e.Out)
		}
		if err := c.RunDemo(ctx, id, e); err != nil {
			return err
		}
	}
	return nil
}

// RunDemo runs one demo by ID.
func (c *Course) RunDemo(ctx context.Context, id string, e *demo.Env) error {
	d, ok := c.demos[id]
	if !ok {
		return fmt.Errorf("lessons: no demo %q", id)
	}
	return demo.Exec(ctx, d, e)
}
