package lessons

import (
	"errors"
	"fmt"
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

// TestQuestionHintsInBothLanguages: every question has its own hint and its
// own explanation in every language. A hint nudges without giving the answer
// away, so it does not quote the right choice, and it is not the lesson's
// hint nor another question's.
func TestQuestionHintsInBothLanguages(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range Languages {
		seen := map[string]string{}
		for _, l := range c.Lessons() {
			pg := l.Page(lang)
			for i, q := range pg.Quiz {
				where := fmt.Sprintf("%s (%s) question %d", l.ID, lang, i+1)
				switch {
				case strings.TrimSpace(q.Hint) == "":
					t.Errorf("%s has no hint", where)
				case strings.TrimSpace(q.Explain) == "":
					t.Errorf("%s has no explanation", where)
				case q.Hint == pg.Hint:
					t.Errorf("%s: its hint is the lesson's hint", where)
				case q.Hint == q.Explain:
					t.Errorf("%s: its hint is its explanation", where)
				case seen[q.Hint] != "":
					t.Errorf("%s: same hint as %s", where, seen[q.Hint])
				}
				seen[q.Hint] = where
				if q.Answer > 0 {
					if right := q.Choices[q.Answer-1]; len([]rune(right)) > 3 && strings.Contains(q.Hint, right) {
						t.Errorf("%s: the hint gives the answer away (it quotes %q)", where, right)
					}
				}
			}
		}
		t.Logf("%s: %d questions, each with its own hint and explanation", lang, len(seen))
	}
}
