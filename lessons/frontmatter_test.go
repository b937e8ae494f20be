package lessons

import (
	"errors"
	"strings"
	"testing"
)

func errorsAs(err error, target any) bool { return errors.As(err, target) }

const goodPage = `---
id: demo-lesson
title: "A title: with a colon"
concepts:
  - one
  - 'two: quoted'
demos:
  - socket
hint: look at the bytes
quiz:
  - q: Which?
    choices:
      - "hello" world
      - b
    answer: 2
    explain: Because.
    hint: think
  - q: Second?
    choices:
      - x
      - y
      - z
    answer: 1
    explain: X.
---

Intro.

## Step
Text.
`

func TestParsePage(t *testing.T) {
	p, err := ParsePage("good.md", goodPage)
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != "demo-lesson" || p.Title != "A title: with a colon" || p.Hint != "look at the bytes" {
		t.Errorf("got id %q title %q hint %q", p.ID, p.Title, p.Hint)
	}
	if strings.Join(p.Concepts, "|") != "one|two: quoted" || strings.Join(p.Demos, "|") != "socket" {
		t.Errorf("got concepts %q demos %q", p.Concepts, p.Demos)
	}
	if len(p.Quiz) != 2 || p.Quiz[0].Answer != 2 || p.Quiz[0].Choices[0] != `"hello" world` || p.Quiz[0].Hint != "think" || len(p.Quiz[1].Choices) != 3 {
		t.Errorf("got quiz %+v", p.Quiz)
	}
	if !strings.HasPrefix(p.Body, "Intro.") || len(p.Steps()) != 2 {
		t.Errorf("got body %q", p.Body)
	}
}

func TestParsePageErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"no front matter", "# Title\n", `must start with a "---"`},
		{"unclosed", "---\nid: x\n", `no closing "---"`},
		{"tab", "---\nid: x\n\ttitle: y\n---\n", "tab character"},
		{"unknown key", "---\nid: x\nauthor: me\n---\n", `:3: unknown key "author"`},
		{"repeated key", "---\nid: x\nid: y\n---\n", `:3: key "id" repeated`},
		{"missing title", "---\nid: x\nconcepts:\n  - a\nquiz:\n  - q: Q\n    choices:\n      - a\n      - b\n    answer: 1\n    explain: e\n---\n", `lacks "title"`},
		{"answer out of range", "---\nid: x\ntitle: t\nconcepts:\n  - a\nquiz:\n  - q: Q\n    choices:\n      - a\n      - b\n    answer: 3\n    explain: e\n---\n", "answer 3 is not one of the choices 1..2"},
		{"answer not a number", "---\nid: x\ntitle: t\nconcepts:\n  - a\nquiz:\n  - q: Q\n    choices:\n      - a\n      - b\n    answer: two\n    explain: e\n---\n", `answer "two" is not a number`},
		{"one choice", "---\nid: x\ntitle: t\nconcepts:\n  - a\nquiz:\n  - q: Q\n    choices:\n      - a\n    answer: 1\n    explain: e\n---\n", "at least two choices"},
		{"no explain", "---\nid: x\ntitle: t\nconcepts:\n  - a\nquiz:\n  - q: Q\n    choices:\n      - a\n      - b\n    answer: 1\n---\n", "has no explain"},
		{"list expected", "---\nid: x\ntitle: t\nconcepts: a, b\n---\n", "concepts: want a list"},
		{"bad indent", "---\nid: x\ntitle: t\nconcepts:\n  - a\n   - b\n---\n", ":6: unexpected indentation"},
		{"bad quote", "---\nid: \"x\\q\"\n---\n", "bad double-quoted value"},
	}
	for _, tt := range tests {
		_, err := ParsePage("f.md", tt.src)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
}

// TestQuestionHintsInBothLanguages: a question with its own hint has one in
// every language. Questions still without one fall back to the lesson's hint;
// the test logs how many remain.
func TestQuestionHintsInBothLanguages(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	missing, total := 0, 0
	for _, l := range c.Lessons() {
		en := l.Page("en")
		for i := range en.Quiz {
			total++
			has := 0
			for _, lang := range Languages {
				if l.Page(lang).Quiz[i].Hint != "" {
					has++
				}
			}
			switch has {
			case 0:
				missing++
			case len(Languages):
			default:
				t.Errorf("%s question %d has a hint in %d of %d languages", l.ID, i+1, has, len(Languages))
			}
		}
	}
	t.Logf("%d of %d questions have their own hint", total-missing, total)
}
