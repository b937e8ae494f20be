package lessons

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/wirelab/wirelab/lessons/check"
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

func TestProgressStages(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress")
	// A file from before exercises: no stages lines.
	os.WriteFile(path, []byte("# wirelab learn progress\nlesson=dns\nstep=1\ndone=tcp-ip\n"), 0o644)
	p, err := LoadProgress(path)
	if err != nil || len(p.Stages) != 0 || !p.IsDone("tcp-ip") {
		t.Fatalf("old file: got %+v, %v", p, err)
	}
	p.MarkStages("ws", "tcp", "handshake", "tcp")
	p.MarkStages("http", "tcp")
	if err := p.Save(path); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if want := "done=tcp-ip\nstages.http=tcp\nstages.ws=tcp,handshake\n"; !strings.HasSuffix(string(b), want) {
		t.Errorf("file is %q, want it to end with %q", b, want)
	}

	// Another process (wirelab learn, holding the progress it loaded
	// before) saves: the stages recorded meanwhile are kept.
	stale := &Progress{Lesson: "dns", Step: 2}
	if err := stale.Save(path); err != nil {
		t.Fatal(err)
	}
	q, err := LoadProgress(path)
	if err != nil || q.Step != 2 || !q.StagePassed("ws", "handshake") || !q.StagePassed("http", "tcp") || q.StagePassed("ws", "close") {
		t.Errorf("after a stale save: %+v, %v; want step 2 and the stages kept", q, err)
	}
	q.MarkStages("ws", "no-such-stage")
	if n, total := q.StageCount("ws"); n != 2 || total < 3 {
		t.Errorf("ws count %d/%d, want 2 of all the ws stages (an unknown id does not count)", n, total)
	}
	httpTotal := len(mustIDs(t, "http"))
	if got, want := q.StageSummary(), "http 1/"+strconv.Itoa(httpTotal)+" · ws 2/"; !strings.HasPrefix(got, want) {
		t.Errorf("summary %q, want it to start %q", got, want)
	}
}

func mustIDs(t *testing.T, kind string) []string {
	ids, err := check.StageIDs(kind)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}
