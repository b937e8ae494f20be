package learn

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wirelab/wirelab/internal/cmd/cmdtest"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/internal/textwrap"
	"github.com/wirelab/wirelab/lessons"
)

func TestMain(m *testing.M) {
	// Never touch the real config directory.
	dir, err := os.MkdirTemp("", "wirelab-learn-test")
	if err != nil {
		panic(err)
	}
	os.Setenv(lessons.ProgressEnv, filepath.Join(dir, "progress"))
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func TestFlags(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	tests := []struct {
		args    string
		want    Options
		wantErr bool
	}{
		{"", Options{}, false},
		{"5", Options{Lesson: "5"}, false},
		{"dns --lang zh", Options{Lesson: "dns", Lang: "zh"}, false},
		{"--reset --progress-file /tmp/p", Options{Reset: true, ProgressFile: "/tmp/p"}, false},
		{"--width 60", Options{Width: 60}, false},
		{"--width -5", Options{}, true},
		{"--lang de", Options{}, true},
		{"1 2", Options{}, true},
	}
	for _, tt := range tests {
		var got *Options
		err := cmdtest.Execute(NewCmdLearn(ios, func(o *Options) error { got = o; return nil }), tt.args)
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
}

// TestLearnPiped drives wirelab learn with piped input, quits, and comes
// back to the same place.
func TestLearnPiped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress")
	ios, in, out, _ := iostreams.Test()
	in.WriteString("n\nn\nq\n")
	if err := runLearn(nil, &Options{IO: ios, Lang: "en", ProgressFile: path}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "── 1/") || !strings.Contains(out.String(), "Progress saved: lesson 1") {
		t.Errorf("got:\n%s", out)
	}
	p, err := lessons.LoadProgress(path)
	if err != nil || p.Lesson != "tcp-ip" || p.Step != 2 {
		t.Fatalf("saved %+v, %v; want tcp-ip step 2", p, err)
	}

	ios, in, out, _ = iostreams.Test()
	in.WriteString("q\n")
	if err := runLearn(nil, &Options{IO: ios, Lang: "zh", ProgressFile: path}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "── 1/") || !strings.Contains(out.String(), "3/") || !strings.Contains(out.String(), "进度已保存") {
		t.Errorf("did not resume at step 3:\n%s", out)
	}

	ios, in, _, _ = iostreams.Test()
	in.WriteString("q\n")
	if err := runLearn(nil, &Options{IO: ios, Lang: "en", ProgressFile: path, Lesson: "dns"}); err != nil {
		t.Fatal(err)
	}
	if p, _ := lessons.LoadProgress(path); p.Lesson != "dns" || p.Step != 0 {
		t.Errorf("after learn dns: %+v", p)
	}

	ios, in, _, _ = iostreams.Test()
	in.WriteString("q\n")
	if err := runLearn(nil, &Options{IO: ios, Lang: "en", ProgressFile: path, Reset: true}); err != nil {
		t.Fatal(err)
	}
	if p, _ := lessons.LoadProgress(path); p.Lesson != "tcp-ip" || p.Step != 0 {
		t.Errorf("after --reset: %+v", p)
	}
}

func TestLearnUnknownLesson(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	err := runLearn(nil, &Options{IO: ios, Lang: "en", ProgressFile: filepath.Join(t.TempDir(), "p"), Lesson: "nope"})
	if err == nil || !strings.Contains(err.Error(), "unknown lesson") || !strings.Contains(err.Error(), "tcp-ip") {
		t.Errorf("got %v, want the valid lessons", err)
	}
}

func TestLearnDefaultProgressFromEnv(t *testing.T) {
	path := filepath.Join(t.TempDir(), "envprogress")
	t.Setenv(lessons.ProgressEnv, path)
	ios, in, _, _ := iostreams.Test()
	in.WriteString("n\n")
	if err := runLearn(nil, &Options{IO: ios, Lang: "en"}); err != nil {
		t.Fatal(err)
	}
	if p, err := lessons.LoadProgress(path); err != nil || p.Step != 1 {
		t.Errorf("got %+v, %v; want step 1 saved at $%s", p, err, lessons.ProgressEnv)
	}
}

// TestLearnShowsStagesPassed: the stages wirelab check recorded are shown
// when learn starts, and kept when learn saves its own progress (even after
// --reset, which forgets only the course position and quizzes).
func TestLearnShowsStagesPassed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress")
	p := &lessons.Progress{}
	p.MarkStages("http", "tcp")
	p.MarkStages("ws", "tcp", "handshake")
	if err := p.Save(path); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		lang, want string
		reset      bool
	}{
		{"en", "Exercise stages passed: http 1/", false},
		{"zh", "已通过的练习阶段：http 1/", true},
	} {
		ios, in, out, _ := iostreams.Test()
		in.WriteString("q\n")
		if err := runLearn(nil, &Options{IO: ios, Lang: tt.lang, ProgressFile: path, Reset: tt.reset}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), tt.want) || !strings.Contains(out.String(), " · ws 2/") {
			t.Errorf("%s: the start lacks %q and ws 2/…:\n%.400s", tt.lang, tt.want, out)
		}
		if q, _ := lessons.LoadProgress(path); !q.StagePassed("ws", "handshake") {
			t.Errorf("%s: learn's save lost the stages: %+v", tt.lang, q)
		}
	}
}

// TestLearnWidth walks a Chinese lesson at --width 60: every line the
// learner reads fits (prompts end where the learner's Enter would).
func TestLearnWidth(t *testing.T) {
	ios, in, out, _ := iostreams.Test()
	in.WriteString(strings.Repeat("n\n", 6) + "q\n")
	opts := &Options{IO: ios, Lang: "zh", ProgressFile: filepath.Join(t.TempDir(), "p"), Lesson: "14", Width: 60}
	if err := runLearn(nil, opts); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "keep-alive") {
		t.Fatalf("lesson 14 not shown:\n%s", out)
	}
	for line := range strings.Lines(out.String()) {
		if i := strings.LastIndex(line, "> "); i >= 0 {
			line = line[i+2:]
		}
		if w := textwrap.Width(strings.TrimSuffix(line, "\n")); w > 60 {
			t.Errorf("line is %d cells: %q", w, line)
		}
	}
}
