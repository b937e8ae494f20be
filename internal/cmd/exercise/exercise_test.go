package exercise

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wirelab/wirelab/internal/iostreams"
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
		cmd := NewCmdInit(ios, func(o *InitOptions) error { got = o; return nil })
		cmd.SetArgs(strings.Fields(tt.args))
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		err := cmd.Execute()
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
	if err := runInit(o); err != nil || !strings.Contains(out.String(), filepath.Join(dir, "server.py")) {
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
