package exercise

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wirelab/wirelab/internal/cmd/cmdtest"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/lessons"
)

func TestInitFlags(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	for _, tt := range []struct {
		args, track, lang, dir string
		wantErr                bool
	}{
		{"ws --lang python", "ws", "python", "ws-python", false},
		{"http --lang go mydir --force", "http", "go", "mydir", false},
		{"http --lang python --solution", "http", "python", "http-python-solution", false},
		{"ws", "", "", "", true},
		{"ftp --lang go", "", "", "", true},
		{"ws --lang rust", "", "", "", true},
	} {
		var got *InitOptions
		err := cmdtest.Execute(NewCmdInit(ios, func(o *InitOptions) error { got = o; return nil }), tt.args)
		if (err != nil) != tt.wantErr {
			t.Errorf("%q: err %v", tt.args, err)
			continue
		}
		if !tt.wantErr && (got.Track != tt.track || got.Lang != tt.lang || got.Dir != tt.dir) {
			t.Errorf("%q: got %+v", tt.args, got)
		}
	}
}

func TestInitRefusesOverwrite(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	dir := t.TempDir()
	o := &InitOptions{IO: ios, Track: "ws", Lang: "python", Dir: dir, UI: "en"}
	if err := runInit(o); err != nil || !strings.Contains(out.String(), filepath.Join(dir, "server.py")) ||
		!strings.Contains(out.String(), "wirelab check ws --watch --run 'python3 server.py' "+dir+"\n") {
		t.Fatalf("%v %q", err, out)
	}
	if err := runInit(o); err == nil || !strings.Contains(err.Error(), "server.py") {
		t.Fatalf("second init: %v", err)
	}
}

func TestInitSolution(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	dir := t.TempDir()
	o := &InitOptions{IO: ios, Track: "http", Lang: "go", Dir: dir, UI: "en", Solution: true}
	if err := runInit(o); err != nil || !strings.Contains(out.String(), filepath.Join(dir, "main.go")) || !strings.Contains(out.String(), "go run .") {
		t.Fatalf("%v %q", err, out)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "main.go")); err != nil || !strings.Contains(string(b), "reference HTTP/1.1 server") {
		t.Errorf("main.go is not the solution: %v", err)
	}
}

func TestListShowsStagesPassed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress")
	t.Setenv(lessons.ProgressEnv, path)
	p := &lessons.Progress{}
	p.MarkStages("ws", "handshake", "tcp")
	if err := p.Save(path); err != nil {
		t.Fatal(err)
	}
	ios, _, out, _ := iostreams.Test()
	if err := runList(&ListOptions{IO: ios, UI: "en"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"http (", " stages, 0 passed): tcp → ", "ws (12 stages, 2 passed): tcp ✓ → handshake ✓ → accept-key → "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	ios, _, out, _ = iostreams.Test()
	if err := runList(&ListOptions{IO: ios, JSON: true}); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for _, tr := range got {
		for _, k := range []string{"track", "stages", "languages", "passed"} {
			if _, ok := tr[k]; !ok {
				t.Errorf("track %v lacks %q", tr["track"], k)
			}
		}
	}
	// Passed lists the stages in the checker's order, not the order recorded.
	if fmt.Sprint(got[1]["passed"]) != "[tcp handshake]" || fmt.Sprint(got[0]["passed"]) != "[]" {
		t.Errorf("passed: http %v, ws %v", got[0]["passed"], got[1]["passed"])
	}
}
