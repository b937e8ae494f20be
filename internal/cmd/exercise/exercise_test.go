package exercise

import (
	"io"
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
