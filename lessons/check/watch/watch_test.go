package watch

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/lessons/check"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// bound is how long a test waits for something that should happen at once;
// reaching it fails the test (it is not used to let time pass).
const bound = 30 * time.Second

// freeAddr returns a loopback address with a port nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func needPython(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not found")
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// startLoop runs a Loop on the ws python starter copied to a temporary
// folder, checking up to accept-key, and returns its folder, its results
// and the channel Run's error arrives on.
func startLoop(ctx context.Context, t *testing.T) (dir, addr string, results <-chan Result, done <-chan error) {
	needPython(t)
	dir = t.TempDir()
	copyFile(t, "../../exercise/tracks/ws/python/starter/server.py", filepath.Join(dir, "server.py"))
	addr = freeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	res := make(chan Result)
	l := &Loop{
		Check: func(ctx context.Context) (*check.Report, error) {
			return check.Run(ctx, check.Options{Kind: check.KindWebSocket, Addr: addr, Stage: "accept-key", Lang: "en", Timeout: 5 * time.Second})
		},
		Command: "python3 server.py",
		Dir:     dir,
		Addr:    addr,
		Env:     []string{"PORT=" + port},
		Draw: func(r Result) {
			select {
			case res <- r:
			case <-ctx.Done():
			}
		},
	}
	errc := make(chan error, 1)
	go func() { errc <- l.Run(ctx) }()
	return dir, addr, res, errc
}

func next(t *testing.T, results <-chan Result) Result {
	t.Helper()
	select {
	case r := <-results:
		return r
	case <-time.After(bound):
		t.Fatal("no result from the loop")
	}
	return Result{}
}

func failedID(r Result) string {
	if r.Report == nil {
		return "no report: " + errString(r.Err)
	}
	if f := r.Report.Failed(); f != nil {
		return f.ID
	}
	return ""
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func TestLoopRestartsOnChange(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir, _, results, done := startLoop(ctx, t)

	first := next(t, results)
	if got := failedID(first); got != "handshake" {
		t.Fatalf("run 1 with the starter: first failing stage %q, want handshake\n%s", got, first.Output)
	}
	if first.Run != 1 || first.Changed != "" {
		t.Errorf("run 1: Run %d, Changed %q", first.Run, first.Changed)
	}

	copyFile(t, "testdata/handshake.py", filepath.Join(dir, "server.py"))
	second := next(t, results)
	if got := failedID(second); got != "" {
		t.Fatalf("run 2 after the fix: stage %q failed, want all passed (err %v)\n%s", got, second.Err, second.Output)
	}
	if ids := passed(second.Report); strings.Join(ids, ",") != "tcp,handshake,accept-key" {
		t.Errorf("run 2 passed %v, want tcp, handshake and accept-key", ids)
	}
	if second.Run != 2 || filepath.Base(second.Changed) != "server.py" {
		t.Errorf("run 2: Run %d, Changed %q, want 2 and server.py", second.Run, second.Changed)
	}
	if !strings.Contains(second.Output, "pid ") {
		t.Errorf("run 2: the server's output %q lacks its first line", second.Output)
	}

	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run returned %v, want context.Canceled", err)
	}
}

func passed(r *check.Report) []string {
	var ids []string
	for _, s := range r.Stages {
		if s.Passed {
			ids = append(ids, s.ID)
		}
	}
	return ids
}

func TestCancelStopsTheServer(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir, addr, results, done := startLoop(ctx, t)
	next(t, results)
	// The fixed server prints its pid, so the test can look for it after.
	copyFile(t, "testdata/handshake.py", filepath.Join(dir, "server.py"))
	r := next(t, results)
	_, after, ok := strings.Cut(r.Output, "pid ")
	if !ok {
		t.Fatalf("no pid in the server's output %q", r.Output)
	}
	pid, err := strconv.Atoi(strings.Fields(after)[0])
	if err != nil {
		t.Fatal(err)
	}

	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run returned %v, want context.Canceled", err)
	}
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Errorf("after cancel, %s still accepts connections", addr)
	}
	if alive(pid) {
		t.Errorf("after cancel, the server (pid %d) is still running", pid)
	}
}

// alive reports whether pid runs (a zombie, dead but not yet reaped by its
// new parent, does not count).
func alive(pid int) bool {
	if runtime.GOOS != "linux" {
		return false
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	_, rest, _ := strings.Cut(string(b), ") ")
	return !strings.HasPrefix(rest, "Z") && !strings.HasPrefix(rest, "X")
}

func TestServerThatExits(t *testing.T) {
	needPython(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "server.py"), []byte("import sys\nprint('oops')\nsys.exit(3)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := make(chan Result, 1)
	l := &Loop{
		Check:   func(context.Context) (*check.Report, error) { t.Error("checked a server that exited"); return nil, nil },
		Command: "python3 server.py", Dir: dir, Addr: freeAddr(t),
		Draw: func(r Result) { res <- r; cancel() },
	}
	if err := l.Run(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Run returned %v", err)
	}
	r := <-res
	var exit *ExitError
	if !errors.As(r.Err, &exit) || !strings.Contains(exit.Output, "oops") || !strings.Contains(r.Err.Error(), "exit status 3") {
		t.Errorf("got Err %v (output %q), want an ExitError with exit status 3 and the output", r.Err, r.Output)
	}
}

func TestBusyPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res := make(chan Result, 1)
	l := &Loop{
		Check:   func(context.Context) (*check.Report, error) { t.Error("checked the wrong server"); return nil, nil },
		Command: "exit 0", Dir: t.TempDir(), Addr: ln.Addr().String(),
		Draw: func(r Result) { res <- r; cancel() },
	}
	l.Run(ctx)
	var busy *BusyError
	if r := <-res; !errors.As(r.Err, &busy) {
		t.Errorf("got Err %v, want a BusyError", r.Err)
	}
}

func TestEnterLoop(t *testing.T) {
	// Draw runs on Run's goroutine before it reads Enter: a buffer of one
	// lets Draw press Enter for the next run.
	enter := make(chan struct{}, 1)
	var runs []int
	checks := 0
	l := &Loop{
		Check: func(context.Context) (*check.Report, error) { checks++; return &check.Report{Passed: true}, nil },
		Enter: enter,
		Draw: func(r Result) {
			runs = append(runs, r.Run)
			if r.Run < 3 {
				enter <- struct{}{}
			} else {
				close(enter) // input ends
			}
		},
	}
	if err := l.Run(context.Background()); err != nil {
		t.Errorf("Run: %v, want nil when input ends", err)
	}
	if checks != 3 || len(runs) != 3 || runs[2] != 3 {
		t.Errorf("%d checks, runs %v; want 3 checks drawn as runs 1, 2, 3", checks, runs)
	}
}

func TestWaitPort(t *testing.T) {
	ctx := context.Background()
	exited := make(chan struct{})
	close(exited)
	if err := WaitPort(ctx, freeAddr(t), bound, exited); !errors.Is(err, errExited) {
		t.Errorf("process gone: got %v, want errExited", err)
	}
	if err := WaitPort(ctx, freeAddr(t), 50*time.Millisecond, nil); !errors.Is(err, ErrPortTimeout) {
		t.Errorf("nothing listening: got %v, want ErrPortTimeout", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		if c, err := ln.Accept(); err == nil {
			c.Close()
		}
	}()
	if err := WaitPort(ctx, ln.Addr().String(), bound, nil); err != nil {
		t.Errorf("listening: got %v", err)
	}
}

func TestChangesBurst(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "pkg"), 0o755); err != nil {
		t.Fatal(err)
	}
	ch, err := Changes(ctx, dir, 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if err := os.WriteFile(filepath.Join(dir, "pkg", "a.py"), []byte(strconv.Itoa(i)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case p := <-ch:
		if filepath.Base(p) != "a.py" {
			t.Errorf("changed %q, want pkg/a.py", p)
		}
	case <-time.After(bound):
		t.Fatal("no change reported")
	}
	cancel()
	for range ch { // closed when the watcher ends
	}
}

func TestCounts(t *testing.T) {
	tests := []struct {
		name string
		op   fsnotify.Op
		want bool
	}{
		{"server.py", fsnotify.Write, true},
		{"server.py", fsnotify.Create, true},
		{"server.py", fsnotify.Rename, true},
		{"server.py", fsnotify.Chmod, false},
		{".server.py.swp", fsnotify.Write, false},
		{"server.py~", fsnotify.Create, false},
		{"4913", fsnotify.Create, false},
		{"server.cpython-312.pyc", fsnotify.Write, false},
		{"__pycache__", fsnotify.Create, false},
		{"server.log", fsnotify.Write, false},
	}
	for _, tt := range tests {
		if got := counts(fsnotify.Event{Name: "/x/" + tt.name, Op: tt.op}); got != tt.want {
			t.Errorf("%s %v: got %v, want %v", tt.name, tt.op, got, tt.want)
		}
	}
}

func TestScreen(t *testing.T) {
	rep := &check.Report{Kind: "ws", Lang: "en", Stages: []check.StageResult{
		{ID: "tcp", Passed: true, Message: "connected"},
		{ID: "handshake", Message: "the status is 200, not 101 Switching Protocols",
			Failure: &check.Failure{Sent: []byte("GET / HTTP/1.1\r\n\r\n"), Received: []byte("HTTP/1.1 200 OK\r\n\r\n"), Offset: 9, Section: "RFC 6455 §4.2.2", Hint: "answer 101"}},
		{ID: "accept-key", Skipped: true, Message: "not run: an earlier stage failed"},
	}}
	fixed := func() time.Time { return time.Date(2026, 12, 7, 21, 0, 0, 0, time.UTC) }
	for _, tty := range []bool{false, true} {
		var out bytes.Buffer
		s := &Screen{Out: &out, TTY: tty, Lang: "en", Title: "wirelab check ws 127.0.0.1:9001", Dir: "ws-python", Now: fixed}
		s.Draw(Result{Run: 1, Report: rep, Output: "listening\n"})
		s.Draw(Result{Run: 2, Changed: "/tmp/x/server.py", Report: rep})
		got := out.String()
		for _, want := range []string{
			"wirelab check ws 127.0.0.1:9001 · run 2 · 21:00:00 · server.py changed",
			s.paint(green, "✓") + " tcp               connected\n",
			s.paint(red, "✗") + " handshake         the status is 200, not 101 Switching Protocols\n",
			"· accept-key        pending\n",
			"(the caret marks byte 9)", "rule: RFC 6455 §4.2.2", "hint: answer 101",
			"  │ listening\n",
			"watching ws-python: save a file",
		} {
			if !strings.Contains(got, want) {
				t.Errorf("tty=%v: the screen lacks %q:\n%s", tty, want, got)
			}
		}
		if hasClear := strings.Contains(got, clearScreen); hasClear != tty {
			t.Errorf("tty=%v: clear-screen escape present: %v", tty, hasClear)
		}
		if hasEsc := strings.Contains(got, "\x1b["); hasEsc != tty {
			t.Errorf("tty=%v: escapes present: %v", tty, hasEsc)
		}
		if rules := strings.Count(got, strings.Repeat("═", 64)); rules != map[bool]int{false: 1, true: 0}[tty] {
			t.Errorf("tty=%v: %d rule lines", tty, rules)
		}
	}
}

// TestScreenHintLevels checks the two levels of a stage's hints: the
// first failure at a stage shows the nudge; the same stage failing on the
// next pass shows the exact rule as well; another stage failing, or a
// pass, starts over.
func TestScreenHintLevels(t *testing.T) {
	failing := func(id, lang string) *check.Report {
		return &check.Report{Kind: "http", Lang: lang, Stages: []check.StageResult{
			{ID: "tcp", Passed: true, Message: "ok"},
			{ID: id, Message: "wrong", Failure: &check.Failure{Offset: -1, Section: "RFC 9112 §9.3",
				Hint: "nudge-" + id, Hints: []string{"nudge-" + id, "rule-" + id}}},
		}}
	}
	passing := &check.Report{Kind: "http", Lang: "en", Passed: true, Stages: []check.StageResult{{ID: "tcp", Passed: true, Message: "ok"}}}
	for _, lang := range []string{"en", "zh"} {
		var out bytes.Buffer
		s := &Screen{Out: &out, Lang: lang, Title: "t", Dir: "."}
		steps := []struct {
			rep  *check.Report
			rule string // the rule the pass must show, "" for none
		}{
			{failing("keep-alive", lang), ""},
			{failing("keep-alive", lang), "rule-keep-alive"},
			{failing("keep-alive", lang), "rule-keep-alive"},
			{failing("chunked", lang), ""},
			{passing, ""},
			{failing("chunked", lang), ""},
			{failing("chunked", lang), "rule-chunked"},
		}
		for i, st := range steps {
			out.Reset()
			s.Draw(Result{Run: i + 1, Report: st.rep})
			got := out.String()
			if f := st.rep.Failed(); f != nil && !strings.Contains(got, f.Failure.Hint) {
				t.Errorf("%s pass %d: no nudge %q:\n%s", lang, i+1, f.Failure.Hint, got)
			}
			hasRule := strings.Contains(got, "rule-")
			if hasRule != (st.rule != "") || st.rule != "" && !strings.Contains(got, i18n.New(lang).Sprintf(i18n.WatchExactRule, st.rule)) {
				t.Errorf("%s pass %d: want rule %q:\n%s", lang, i+1, st.rule, got)
			}
		}
	}
}

// lineWriter sends each write on a channel.
type lineWriter chan string

func (w lineWriter) Write(b []byte) (int, error) {
	w <- string(b)
	return len(b), nil
}

func TestStopEndsTheWholeGroup(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	// A command with shell syntax is not exec'd: the shell stays, and the
	// sleep it starts in the background is its child, in its group.
	lines := make(lineWriter, 4)
	p, err := Start("sleep 300 & echo $!; wait", t.TempDir(), nil, lines)
	if err != nil {
		t.Fatal(err)
	}
	var out string
	select {
	case out = <-lines:
	case <-time.After(bound):
		p.Stop()
		t.Fatal("the shell printed no pid")
	}
	pid, err := strconv.Atoi(strings.TrimSpace(out))
	if err != nil {
		p.Stop()
		t.Fatalf("pid %q: %v", out, err)
	}
	if !alive(pid) {
		t.Fatalf("the background sleep (pid %d) is not running", pid)
	}
	p.Stop()
	// SIGKILL to the group is delivered before Stop returns; a process
	// being killed may take a moment to become a zombie, so wait for it
	// with a bound, not a sleep.
	deadline := time.Now().Add(bound)
	for alive(pid) && time.Now().Before(deadline) {
		runtime.Gosched()
	}
	if alive(pid) {
		t.Errorf("after Stop, the shell's child (pid %d) still runs", pid)
	}
	p.Stop() // a second Stop returns at once
}
