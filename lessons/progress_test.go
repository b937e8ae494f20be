package lessons

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestProgressRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "progress")
	p, err := LoadProgress(path)
	if err != nil || p.Lesson != "" || p.Step != 0 || len(p.Done) != 0 {
		t.Fatalf("missing file: got %+v, %v; want a fresh start", p, err)
	}
	p = &Progress{Lesson: "dns", Step: 2}
	p.MarkDone("tcp-ip")
	p.MarkDone("ip-tcp")
	p.MarkDone("tcp-ip")
	if err := p.Save(path); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if want := "lesson=dns\nstep=2\ndone=tcp-ip,ip-tcp\n"; !strings.HasSuffix(string(b), want) {
		t.Errorf("file is %q, want it to end with %q", b, want)
	}
	q, err := LoadProgress(path)
	if err != nil || q.Lesson != "dns" || q.Step != 2 || !q.IsDone("ip-tcp") || len(q.Done) != 2 {
		t.Errorf("reloaded %+v, %v", q, err)
	}
}

func TestProgressBadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress")
	os.WriteFile(path, []byte("lesson=dns\nstep=minus one\n"), 0o644)
	if _, err := LoadProgress(path); err == nil || !strings.Contains(err.Error(), ":2: step") {
		t.Errorf("got %v, want an error naming line 2", err)
	}
}

func TestDefaultProgressPath(t *testing.T) {
	got, err := DefaultProgressPath(func(k string) string {
		if k == ProgressEnv {
			return "/tmp/x"
		}
		return ""
	})
	if err != nil || got != "/tmp/x" {
		t.Errorf("got %q, %v; want the %s override", got, err, ProgressEnv)
	}
}
