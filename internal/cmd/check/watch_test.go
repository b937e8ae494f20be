package check

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/lessons"
	"github.com/wirelab/wirelab/lessons/check/watch"
)

func TestWatchOnEnter(t *testing.T) {
	addr := httpServer(t, true) // closes after every response: fails a later stage
	progress := filepath.Join(t.TempDir(), "progress")
	ios, in, out, _ := iostreams.Test()
	in.WriteString("\n") // one Enter, then input ends
	opts := &Options{IO: ios, Kind: "http", Addr: addr, Lang: "en", Timeout: 2 * time.Second, Watch: true, ProgressFile: progress}
	if err := runWatch(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"wirelab check http " + addr + " --watch · run 1 ·",
		"wirelab check http " + addr + " --watch · run 2 ·",
		"✓ tcp ", "\n✗ ", "\n· ", "rule: RFC ", "hint: ",
		"press Enter to check again",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "\x1b[") {
		t.Errorf("not a terminal, yet the output has escapes:\n%q", got)
	}
	if n := strings.Count(got, "════"); n == 0 {
		t.Errorf("no rule line between the runs:\n%s", got)
	}
	p, err := lessons.LoadProgress(progress)
	if n, total := p.StageCount("http"); err != nil || !p.StagePassed("http", "tcp") || n >= total {
		t.Errorf("progress %+v, %v: want tcp passed and not every stage", p, err)
	}
}

func TestWatchRunsTheStarter(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not found")
	}
	dir := t.TempDir()
	b, err := os.ReadFile("../../../lessons/exercise/tracks/ws/python/starter/server.py")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "server.py"), b, 0o644)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	progress := filepath.Join(t.TempDir(), "progress")
	ios, _, out, _ := iostreams.Test()
	opts := &Options{IO: ios, Kind: "ws", Addr: addr, Lang: "zh", Timeout: 2 * time.Second, Watch: true,
		Run: "python3 server.py", Dir: dir, ProgressFile: progress}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	l := watchLoop(ctx, opts)
	draw := l.Draw
	l.Draw = func(r watch.Result) { draw(r); cancel() }
	l.Run(ctx)

	got := out.String()
	for _, want := range []string{"第 1 次", "✓ tcp ", "✗ handshake ", "· close ", "待检查", "规则：RFC 6455 §4.2.2", "正在监视 " + dir} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Errorf("the starter still listens on %s after the loop ended", addr)
	}
	p, err := lessons.LoadProgress(progress)
	if err != nil || strings.Join(p.Stages["ws"], ",") != "tcp" {
		t.Errorf("progress %+v, %v: want ws tcp passed", p, err)
	}
}

func TestCheckRecordsStages(t *testing.T) {
	addr := httpServer(t, false)
	progress := filepath.Join(t.TempDir(), "progress")
	old := &lessons.Progress{Lesson: "dns", Step: 1, Done: []string{"tcp-ip"}}
	old.MarkStages("ws", "tcp")
	if err := old.Save(progress); err != nil {
		t.Fatal(err)
	}
	ios, _, _, _ := iostreams.Test()
	if err := runCheck(context.Background(), &Options{IO: ios, Kind: "http", Addr: addr, Lang: "en", Timeout: 2 * time.Second, ProgressFile: progress}); err != nil {
		t.Fatal(err)
	}
	p, err := lessons.LoadProgress(progress)
	if err != nil {
		t.Fatal(err)
	}
	if n, total := p.StageCount("http"); n != total || n == 0 {
		t.Errorf("http stages recorded %d/%d, want all", n, total)
	}
	if p.Lesson != "dns" || !p.IsDone("tcp-ip") || !p.StagePassed("ws", "tcp") {
		t.Errorf("the rest of the progress changed: %+v", p)
	}
}
