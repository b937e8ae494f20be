package root

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/wirelab/wirelab/lessons"
	lcheck "github.com/wirelab/wirelab/lessons/check"
)

// complete runs cobra's hidden "__complete" command, as the shell scripts
// of "wirelab completion" do, and returns the values offered (descriptions
// cut off) and the directive line.
func complete(t *testing.T, args ...string) ([]string, string) {
	t.Helper()
	out, err := run(t, append([]string{"__complete"}, args...)...)
	if err != nil {
		t.Fatalf("__complete %q: %v", args, err)
	}
	var values []string
	directive := ""
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(line, ":") {
			directive = line
			continue
		}
		v, _, _ := strings.Cut(line, "\t")
		values = append(values, v)
	}
	return values, directive
}

func TestCompletion(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	c, err := lessons.New()
	if err != nil {
		t.Fatal(err)
	}
	var ids, numbers []string
	for _, l := range c.Lessons() {
		ids = append(ids, l.ID)
		numbers = append(numbers, strconv.Itoa(l.Number))
	}
	httpStages, _ := lcheck.StageIDs(lcheck.KindHTTP)
	wsStages, _ := lcheck.StageIDs(lcheck.KindWebSocket)
	const noFiles, dirs = ":4", ":16"
	tests := []struct {
		args      string // words; a trailing space is the empty word being completed
		want      []string
		directive string
	}{
		{"lessons show ", ids, noFiles},
		{"lessons run ", ids, noFiles},
		{"lessons quiz ", ids, noFiles},
		{"learn ", ids, noFiles},
		{"lessons show 1", numbers, noFiles},
		{"lessons show dns ", nil, noFiles},
		{"learn --lang ", []string{"en", "zh"}, noFiles},
		{"lessons show --lang ", []string{"en", "zh"}, noFiles},
		{"lessons list --lang ", []string{"en", "zh"}, noFiles},
		{"check http --lang ", []string{"en", "zh"}, noFiles},
		{"exercise list --ui-lang ", []string{"en", "zh"}, noFiles},
		{"exercise init ", []string{"http", "ws"}, noFiles},
		{"exercise init ws --lang ", []string{"python", "go"}, noFiles},
		{"exercise init ws ", nil, dirs},
		{"check ", []string{"http", "ws"}, noFiles},
		{"check http --stage ", httpStages, noFiles},
		{"check ws --stage ", wsStages, noFiles},
		{"ws decode --from ", []string{"client", "server", "any"}, noFiles},
	}
	for _, tt := range tests {
		got, directive := complete(t, strings.Split(tt.args, " ")...)
		// "check " also offers cobra's own help; the rest offer exactly.
		got = slices.DeleteFunc(got, func(s string) bool { return s == "help" })
		if !slices.Equal(got, tt.want) || directive != tt.directive {
			t.Errorf("wirelab %s<TAB>: got %q %s, want %q %s", tt.args, got, directive, tt.want, tt.directive)
		}
	}
}

// Lesson titles in the completion follow --lang.
func TestCompletionTitlesFollowLang(t *testing.T) {
	c, err := lessons.New()
	if err != nil {
		t.Fatal(err)
	}
	out, err := run(t, "__complete", "lessons", "show", "--lang", "zh", "")
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(out, "\n")
	want := c.Lesson(1).ID + "\t1 " + c.Lesson(1).Page("zh").Title
	if first != want {
		t.Errorf("got %q, want %q", first, want)
	}
}
