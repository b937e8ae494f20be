package lessons

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wirelab/wirelab/internal/cmd/cmdtest"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/lessons"
)

func TestMain(m *testing.M) {
	// Never touch the real config directory.
	dir, err := os.MkdirTemp("", "wirelab-lessons-test")
	if err != nil {
		panic(err)
	}
	os.Setenv(lessons.ProgressEnv, filepath.Join(dir, "progress"))
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func TestLessonsHasCommands(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	for _, name := range []string{"list", "show", "run", "quiz"} {
		cmd, _, err := NewCmdLessons(ios).Find([]string{name})
		if err != nil || cmd.Name() != name {
			t.Errorf("got %v, %v; want the %q command", cmd, err, name)
		}
	}
}

func TestFlagParsing(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	t.Run("list", func(t *testing.T) {
		tests := []struct {
			args    string
			want    ListOptions
			wantErr bool
		}{
			{"", ListOptions{}, false},
			{"--json", ListOptions{JSON: true}, false},
			{"--lang zh", ListOptions{Lang: "zh"}, false},
			{"--lang fr", ListOptions{}, true},
			{"extra", ListOptions{}, true},
		}
		for _, tt := range tests {
			var got *ListOptions
			err := cmdtest.Execute(NewCmdList(ios, func(o *ListOptions) error { got = o; return nil }), tt.args)
			if (err != nil) != tt.wantErr {
				t.Errorf("%q: got error %v, want error %v", tt.args, err, tt.wantErr)
				continue
			}
			if tt.wantErr {
				continue
			}
			tt.want.IO = ios
			if *got != tt.want {
				t.Errorf("%q: got %+v, want %+v", tt.args, *got, tt.want)
			}
		}
	})
	t.Run("show", func(t *testing.T) {
		var got *ShowOptions
		if err := cmdtest.Execute(NewCmdShow(ios, func(o *ShowOptions) error { got = o; return nil }), "dns --lang zh --raw"); err != nil {
			t.Fatal(err)
		}
		if got.Lesson != "dns" || got.Lang != "zh" || !got.Raw {
			t.Errorf("got %+v", *got)
		}
		if err := cmdtest.Execute(NewCmdShow(ios, func(*ShowOptions) error { return nil }), ""); err == nil {
			t.Error("show without a lesson succeeded")
		}
	})
	t.Run("run", func(t *testing.T) {
		tests := []struct {
			args    string
			want    RunOptions
			wantErr bool
		}{
			{"3", RunOptions{Lesson: "3"}, false},
			{"dns --json", RunOptions{Lesson: "dns", JSON: true}, false},
			{"--all", RunOptions{All: true}, false},
			{"--all 3", RunOptions{}, true},
			{"", RunOptions{}, true},
			{"1 2", RunOptions{}, true},
		}
		for _, tt := range tests {
			var got *RunOptions
			err := cmdtest.Execute(NewCmdRun(ios, func(o *RunOptions) error { got = o; return nil }), tt.args)
			if (err != nil) != tt.wantErr {
				t.Errorf("%q: got error %v, want error %v", tt.args, err, tt.wantErr)
				continue
			}
			if tt.wantErr {
				continue
			}
			tt.want.IO = ios
			if *got != tt.want {
				t.Errorf("%q: got %+v, want %+v", tt.args, *got, tt.want)
			}
		}
	})
	t.Run("quiz", func(t *testing.T) {
		var got *QuizOptions
		if err := cmdtest.Execute(NewCmdQuiz(ios, func(o *QuizOptions) error { got = o; return nil }), "4 --json"); err != nil {
			t.Fatal(err)
		}
		if got.Lesson != "4" || !got.JSON {
			t.Errorf("got %+v", *got)
		}
	})
}

func TestListJSON(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	if err := runList(&ListOptions{IO: ios, JSON: true, Lang: "en"}); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	c, _ := lessons.New()
	if len(got) != c.Len() {
		t.Fatalf("got %d lessons, want %d", len(got), c.Len())
	}
	for _, e := range got {
		if len(e) != 6 {
			t.Errorf("entry has keys %v, want exactly id, title, concepts, languages, done, exercises", e)
		}
		for _, k := range []string{"id", "title", "concepts", "languages", "done", "exercises"} {
			if _, ok := e[k]; !ok {
				t.Errorf("entry lacks %q: %v", k, e)
			}
		}
	}
	if !strings.HasPrefix(out.String(), `[{"id":"tcp-ip","title":`) || !strings.Contains(out.String(), `"languages":["en","zh"],"done":false,"exercises":[]}`) {
		t.Errorf("unexpected shape: %.200s", out)
	}
}

func TestListShowsProgress(t *testing.T) {
	path := os.Getenv(lessons.ProgressEnv)
	p := &lessons.Progress{Lesson: "ws-handshake", Done: []string{"tcp-ip"}}
	p.MarkStages("ws", "tcp", "handshake")
	if err := p.Save(path); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(path) })

	ios, _, out, _ := iostreams.Test()
	if err := runList(&ListOptions{IO: ios, Lang: "en"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"✓  1  tcp-ip", "   2  ip-tcp", "▶ 15  ws-handshake", "exercises: ws:handshake ✓  ws:accept-key\n",
		"\n1 of ", " lessons' quizzes passed · exercise stages passed: http 0/"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	ios, _, out, _ = iostreams.Test()
	if err := runList(&ListOptions{IO: ios, Lang: "en", JSON: true}); err != nil {
		t.Fatal(err)
	}
	var got []struct {
		ID        string
		Done      bool
		Exercises []struct {
			Track, Stage string
			Passed       bool
		}
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if !got[0].Done || got[1].Done {
		t.Errorf("done: lesson 1 %v, lesson 2 %v; want true, false", got[0].Done, got[1].Done)
	}
	ex := got[14].Exercises
	if got[14].ID != "ws-handshake" || len(ex) != 2 || ex[0].Stage != "handshake" || !ex[0].Passed || ex[1].Passed {
		t.Errorf("ws-handshake: %+v", got[14])
	}
}

func TestListText(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	if err := runList(&ListOptions{IO: ios, Lang: "zh"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), " 1  tcp-ip") || !strings.Contains(out.String(), "套接字") {
		t.Errorf("got:\n%s", out)
	}
}

func TestShow(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	if err := runShow(&ShowOptions{IO: ios, Lesson: "dns", Lang: "en"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"DNS", "Quiz", "wirelab lessons run dns"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("show lacks %q", want)
		}
	}
	if strings.Contains(out.String(), "\x1b[") {
		t.Error("non-terminal output has escape codes")
	}
}

func TestUnknownLessonListsValidOnes(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	for _, run := range []func() error{
		func() error { return runShow(&ShowOptions{IO: ios, Lesson: "nope", Lang: "en"}) },
		func() error { return runRun(nil, &RunOptions{IO: ios, Lesson: "99", Lang: "en"}) },
		func() error { return runQuiz(&QuizOptions{IO: ios, Lesson: "nope", Lang: "en"}) },
	} {
		err := run()
		if err == nil || !strings.Contains(err.Error(), "unknown lesson") || !strings.Contains(err.Error(), "tcp-ip") || !strings.Contains(err.Error(), "http-message") {
			t.Errorf("got %v, want an error listing the lessons", err)
		}
	}
}

func TestRunLesson(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	if err := runRun(nil, &RunOptions{IO: ios, Lesson: "1", Lang: "en"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "▶ socket") {
		t.Errorf("got:\n%s", out)
	}
	ios, _, out, _ = iostreams.Test()
	if err := runRun(nil, &RunOptions{IO: ios, Lesson: "tcp-ip", Lang: "zh", JSON: true}); err != nil {
		t.Fatal(err)
	}
	var res []DemoResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil || len(res) != 1 || !res[0].Passed || res[0].Demo != "socket" || !strings.Contains(res[0].Output, "服务端") {
		t.Errorf("got %+v, %v", res, err)
	}
}

func TestQuizCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress")
	t.Setenv(lessons.ProgressEnv, path)
	c, _ := lessons.New()
	l := c.Lesson(3)
	var in strings.Builder
	r := lessons.NewQuizRand(7)
	for _, q := range l.Page("en").Quiz {
		in.WriteString(string(rune('0' + q.Shuffle(r).Answer)))
		in.WriteString("\n")
	}
	ios, stdin, out, _ := iostreams.Test()
	stdin.WriteString(in.String())
	if err := runQuiz(&QuizOptions{IO: ios, Lesson: "3", Lang: "en", JSON: true, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	want := `{"lesson":"dns","right":` + string(rune('0'+len(l.Page("en").Quiz))) + `,"total":` + string(rune('0'+len(l.Page("en").Quiz))) + `,"passed":true}`
	if strings.TrimSpace(out.String()) != want {
		t.Errorf("got %s, want %s", out, want)
	}
	p, err := lessons.LoadProgress(path)
	if err != nil || !p.IsDone("dns") {
		t.Errorf("progress %+v, %v; want dns done", p, err)
	}
}

func TestShowNamesTheExercises(t *testing.T) {
	c, _ := lessons.New()
	l, _ := c.Find("ws-handshake")
	for lang, want := range map[string]string{"en": "Exercise stages this lesson prepares: `ws:handshake`, `ws:accept-key`.", "zh": "本课为这些练习阶段打基础：`ws:handshake`、`ws:accept-key`。"} {
		md := ShowMarkdown(c, l, lang)
		if !strings.Contains(md, want) || !strings.Contains(md, "\n    wirelab check ws --watch --run 'python3 server.py' ws-python\n") {
			t.Errorf("%s: the lesson lacks its exercises:\n%s", lang, md)
		}
	}
	if md := ShowMarkdown(c, c.Lesson(1), "en"); strings.Contains(md, "Exercise stages") {
		t.Errorf("lesson 1 prepares no exercise stage, yet names some")
	}
}
