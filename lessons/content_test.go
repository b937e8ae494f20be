package lessons

import (
	"bytes"
	"context"
	"flag"
	"github.com/wirelab/wirelab/lessons/demo"
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

var demoFilter = flag.String("demo", "", "run only the demos whose ID contains this")

// TestCourseLoads is the content test: every lesson file parses, both
// languages have the same lessons, and every demo a lesson names exists.
func TestCourseLoads(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if c.Len() == 0 {
		t.Fatal("the course has no lessons")
	}
	for _, l := range c.Lessons() {
		if got := l.Languages(); !slices.Equal(got, Languages) {
			t.Errorf("lesson %s: languages %v, want %v", l.ID, got, Languages)
		}
	}
}

// TestLanguagesHaveSameLessons checks the file lists directly, so the
// failure names the missing file.
func TestLanguagesHaveSameLessons(t *testing.T) {
	names := map[string][]string{}
	for _, lang := range Languages {
		entries, err := fs.ReadDir(content, path.Join("content", lang))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			names[lang] = append(names[lang], e.Name())
		}
	}
	for _, lang := range Languages[1:] {
		for _, n := range names["en"] {
			if !slices.Contains(names[lang], n) {
				t.Errorf("content/%s lacks %s, which content/en has", lang, n)
			}
		}
		for _, n := range names[lang] {
			if !slices.Contains(names["en"], n) {
				t.Errorf("content/en lacks %s, which content/%s has", n, lang)
			}
		}
	}
}

// TestMissingTranslationFails proves New refuses a course where one language
// lacks a lesson.
func TestMissingTranslationFails(t *testing.T) {
	page := func(id string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("---\nid: " + id + "\ntitle: T\nconcepts:\n  - c\nquiz:\n  - q: Q?\n    choices:\n      - a\n      - b\n    answer: 1\n    explain: E.\n---\nBody.\n")}
	}
	fsys := fstest.MapFS{
		"content/en/01-one.md": page("one"),
		"content/en/02-two.md": page("two"),
		"content/zh/01-one.md": page("one"),
	}
	_, err := newCourse(fsys, map[string]demo.Demo{})
	if err == nil || !strings.Contains(err.Error(), "has no zh version") {
		t.Fatalf("got %v, want an error naming the missing zh lesson", err)
	}
	fsys["content/zh/02-two.md"] = page("two")
	if _, err := newCourse(fsys, map[string]demo.Demo{}); err != nil {
		t.Fatalf("complete course: %v", err)
	}
}

func TestLanguagesAgree(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range c.Lessons() {
		en := l.Pages["en"]
		for _, lang := range Languages[1:] {
			p := l.Pages[lang]
			if len(p.Quiz) != len(en.Quiz) {
				t.Errorf("%s: %s has %d quiz questions, en has %d", l.ID, lang, len(p.Quiz), len(en.Quiz))
				continue
			}
			for i := range en.Quiz {
				if p.Quiz[i].Live != en.Quiz[i].Live {
					t.Errorf("%s question %d: %s is typed by generator %q, en by %q", l.ID, i+1, lang, p.Quiz[i].Live, en.Quiz[i].Live)
				}
				if p.Quiz[i].Answer != en.Quiz[i].Answer || len(p.Quiz[i].Choices) != len(en.Quiz[i].Choices) {
					t.Errorf("%s question %d: %s answer %d of %d choices, en answer %d of %d", l.ID, i+1,
						lang, p.Quiz[i].Answer, len(p.Quiz[i].Choices), en.Quiz[i].Answer, len(en.Quiz[i].Choices))
				}
			}
			if len(p.Concepts) != len(en.Concepts) {
				t.Errorf("%s: %s lists %d concepts, en %d", l.ID, lang, len(p.Concepts), len(en.Concepts))
			}
			if ps, es := len(p.Steps()), len(en.Steps()); ps != es {
				t.Errorf("%s: %s has %d steps, en has %d", l.ID, lang, ps, es)
			}
		}
	}
}

// TestQuizzesValid checks every question has a right answer among its
// choices and distinct choices.
func TestQuizzesValid(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range c.Lessons() {
		for lang, p := range l.Pages {
			if len(p.Quiz) < 2 {
				t.Errorf("%s (%s): %d quiz questions, want at least 2", l.ID, lang, len(p.Quiz))
			}
			for i, q := range p.Quiz {
				if q.Live != "" {
					continue // typed: checked in TestLiveQuestions
				}
				if !q.Check(q.Answer) || q.Answer < 1 || q.Answer > len(q.Choices) {
					t.Errorf("%s (%s) question %d: answer %d is not a choice", l.ID, lang, i+1, q.Answer)
				}
				seen := map[string]bool{}
				for _, ch := range q.Choices {
					if seen[ch] {
						t.Errorf("%s (%s) question %d: choice %q repeated", l.ID, lang, i+1, ch)
					}
					seen[ch] = true
				}
			}
		}
	}
}

// TestEveryDemoIsUsed keeps the registry and the lessons in step.
func TestEveryDemoIsUsed(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, l := range c.Lessons() {
		if len(l.Demos) == 0 {
			t.Errorf("lesson %s has no demo", l.ID)
		}
		for _, d := range l.Demos {
			used[d] = true
		}
	}
	for _, id := range c.DemoIDs() {
		if !used[id] {
			t.Errorf("demo %s is registered but no lesson runs it", id)
		}
		d, _ := c.Demo(id)
		for _, lang := range Languages {
			if d.Summary[lang] == "" {
				t.Errorf("demo %s has no %s summary", id, lang)
			}
		}
	}
}

// TestDemos runs every lesson's demos, in both languages, as a learner
// would with "r" — the A Tour of Go content test for wirelab.
func TestDemos(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range c.Lessons() {
		for _, id := range l.Demos {
			if *demoFilter != "" && !strings.Contains(id, *demoFilter) {
				continue
			}
			for _, lang := range Languages {
				t.Run(id+"/"+lang, func(t *testing.T) {
					t.Parallel() // every demo listens on its own port 0
					var out bytes.Buffer
					if err := c.RunDemo(context.Background(), id, &demo.Env{Out: &out, Lang: lang}); err != nil {
						t.Fatalf("%v\noutput:\n%s", err, out.String())
					}
					if out.Len() < 100 {
						t.Errorf("demo printed only %d bytes:\n%s", out.Len(), out.String())
					}
				})
				if testing.Short() {
					break // one language is enough for a quick run
				}
			}
		}
	}
}

func TestStepsSplitOnH2OutsideFences(t *testing.T) {
	p := &Page{Body: "Intro.\n\n## One\ntext\n```\n## not a heading\n```\n## Two\nmore\n"}
	steps := p.Steps()
	var heads []string
	for _, s := range steps {
		heads = append(heads, s.Heading)
	}
	if want := []string{"", "One", "Two"}; !slices.Equal(heads, want) {
		t.Fatalf("got headings %q, want %q", heads, want)
	}
	if !strings.Contains(steps[1].Body, "## not a heading") {
		t.Errorf("fenced heading split the step: %q", steps[1].Body)
	}
}

func TestFind(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	first := c.Lesson(1)
	for _, arg := range []string{"1", " 1 ", first.ID, strings.ToUpper(first.ID)} {
		l, err := c.Find(arg)
		if err != nil || l != first {
			t.Errorf("Find(%q) = %v, %v; want lesson 1", arg, l, err)
		}
	}
	for _, arg := range []string{"0", "999", "no-such-lesson", ""} {
		_, err := c.Find(arg)
		var ue *UnknownLessonError
		if err == nil || !strings.Contains(err.Error(), first.ID) {
			t.Errorf("Find(%q): got %v, want an error listing the lessons", arg, err)
		} else if !errorsAs(err, &ue) || len(ue.Valid) != c.Len() {
			t.Errorf("Find(%q): error does not list all %d lessons", arg, c.Len())
		}
	}
}

func TestLangFromEnv(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, "en"},
		{map[string]string{"LANG": "zh_CN.UTF-8"}, "zh"},
		{map[string]string{"LANG": "zh_TW"}, "zh"},
		{map[string]string{"LANG": "en_US.UTF-8"}, "en"},
		{map[string]string{"LANG": "C.UTF-8"}, "en"},
		{map[string]string{"LANG": "zh_CN.UTF-8", "LC_ALL": "C"}, "en"},
		{map[string]string{"LANG": "en_US", "LC_MESSAGES": "zh_CN"}, "zh"},
		{map[string]string{"LANG": "fr_FR.UTF-8"}, "en"},
	}
	for _, tt := range tests {
		if got := LangFromEnv(func(k string) string { return tt.env[k] }); got != tt.want {
			t.Errorf("%v: got %q, want %q", tt.env, got, tt.want)
		}
	}
	for flag, want := range map[string]string{"en": "en", "zh": "zh", "zh-CN": "zh", "ZH": "zh"} {
		if got, err := ResolveLang(flag, func(string) string { return "" }); err != nil || got != want {
			t.Errorf("ResolveLang(%q) = %q, %v; want %q", flag, got, err, want)
		}
	}
	if _, err := ResolveLang("fr", func(string) string { return "" }); err == nil {
		t.Error(`ResolveLang("fr") succeeded`)
	}
}
