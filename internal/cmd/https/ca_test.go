package https

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wirelab/wirelab/internal/cmd/cmdtest"
	"github.com/wirelab/wirelab/internal/iostreams"
)

func TestCAFlags(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	var got *CAOptions
	if err := cmdtest.Execute(NewCmdCA(ios, func(o *CAOptions) error { got = o; return nil }), "--dir /tmp/x --out /tmp/y --json app.test api.test"); err != nil {
		t.Fatal(err)
	}
	if got.Dir != "/tmp/x" || got.Out != "/tmp/y" || !got.JSON || got.Install || strings.Join(got.Names, ",") != "app.test,api.test" {
		t.Errorf("got %+v", got)
	}
	if err := cmdtest.Execute(NewCmdCA(ios, func(o *CAOptions) error { got = o; return nil }), ""); err != nil {
		t.Fatal(err)
	}
	if got.Dir != "" || got.Out != "." || got.Install {
		t.Errorf("defaults: %+v", got)
	}
}

func TestCACommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ca") // never the real user config dir
	out := t.TempDir()
	ios, _, stdout, _ := iostreams.Test()
	if err := runCA(t.Context(), &CAOptions{IO: ios, Dir: dir, Out: out, Names: []string{"app.test"}, goos: "linux"}); err != nil {
		t.Fatal(err)
	}
	text := stdout.String()
	for _, want := range []string{"created a new development CA in " + dir, "sha256", "curl --cacert " + filepath.Join(dir, "rootCA.pem"),
		"sudo update-ca-certificates", "localhost+3.pem"} {
		if !strings.Contains(text, want) && !(want == "sudo update-ca-certificates" && strings.Contains(text, "update-ca-trust")) {
			t.Errorf("missing %q in\n%s", want, text)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "localhost+3-key.pem")); err != nil {
		t.Error(err)
	}

	// Second run: the same CA, as JSON; --install runs the trust commands
	// (here a fake runner: tests never touch the system store).
	var ran [][]string
	ios, _, stdout, _ = iostreams.Test()
	err := runCA(t.Context(), &CAOptions{IO: ios, Dir: dir, Out: out, JSON: true, Install: true, goos: "darwin",
		run: func(_ context.Context, argv []string) error { ran = append(ran, argv); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	var rep CAReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Created || !rep.Installed || rep.Leaf != nil || rep.Cert != filepath.Join(dir, "rootCA.pem") || len(rep.SHA256) != 64 {
		t.Errorf("json: %+v", rep)
	}
	if len(ran) != 1 || !strings.Contains(strings.Join(ran[0], " "), "add-trusted-cert") {
		t.Errorf("install ran %v", ran)
	}
}
