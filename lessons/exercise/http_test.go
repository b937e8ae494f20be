package exercise

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirelab/wirelab/lessons/check"
)

// readyWriter collects a server's output and closes ready at the first
// "listening on" line, which every starter and solution prints once its
// socket listens.
type readyWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	ready chan struct{}
	once  sync.Once
}

func (w *readyWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if strings.Contains(w.buf.String(), "listening on") {
		w.once.Do(func() { close(w.ready) })
	}
	return len(p), nil
}

func (w *readyWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// serve starts name args in dir with PORT=0, so that the system picks a
// free port (no race with other tests for a port picked in advance), waits
// for its "listening on" line and returns the address that line names.
// Cleanup kills it.
func serve(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PORT=0")
	out := &readyWriter{ready: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// exited is closed (not sent on) so that both the select below and
	// the cleanup can wait on it: a server that exits before it listens
	// must not leave the cleanup waiting forever.
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	select {
	case <-out.ready:
		m := listeningOn.FindStringSubmatch(out.String())
		if m == nil {
			t.Fatalf("%s: no address in its \"listening on\" line:\n%s", name, out)
		}
		return m[1]
	case <-exited:
		t.Fatalf("%s exited before it listened (%v):\n%s", name, waitErr, out)
	case <-time.After(20 * time.Second):
		t.Fatalf("%s printed no \"listening on\" line in 20s:\n%s", name, out)
	}
	return ""
}

// listeningOn finds the address in a server's "listening on" line.
var listeningOn = regexp.MustCompile(`listening on \w+://([^/\s]+)/`)

func needPython(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("no python3")
	}
}

// buildGo builds the Go program in dir (a folder Init wrote, with its own
// go.mod) into a temporary binary.
func buildGo(t *testing.T, dir string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	bin := filepath.Join(t.TempDir(), "server")
	cmd := exec.Command(goBin, "build", "-o", bin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOFLAGS=", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build in %s: %v\n%s", dir, err, out)
	}
	return bin
}

// start writes the starter or solution of the HTTP track in lang with
// write (Init or InitSolution) and runs it.
func start(t *testing.T, lang string, write func(track, lang, dir string, force bool) ([]string, error)) string {
	t.Helper()
	if lang == "python" {
		needPython(t)
	}
	dir := t.TempDir()
	if _, err := write("http", lang, dir, false); err != nil {
		t.Fatal(err)
	}
	if lang == "python" {
		return serve(t, dir, "python3", "server.py")
	}
	return serve(t, dir, buildGo(t, dir))
}

func checkHTTP(t *testing.T, addr string, timeout time.Duration) *check.Report {
	t.Helper()
	rep, err := check.Run(context.Background(), check.Options{Kind: "http", Addr: addr, Lang: "en", Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func reportText(rep *check.Report) string {
	var b bytes.Buffer
	rep.WriteText(&b)
	return b.String()
}

// Every reference solution passes every stage.
func TestHTTPSolutionsPassEveryStage(t *testing.T) {
	for _, lang := range []string{"python", "go"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			rep := checkHTTP(t, start(t, lang, InitSolution), 3*time.Second)
			ids, _ := check.StageIDs("http")
			if !rep.Passed || len(rep.Stages) != len(ids) {
				t.Fatalf("the %s solution failed:\n%s", lang, reportText(rep))
			}
		})
	}
}

// Every starter passes tcp and fails route with the teaching message, in
// bounded time.
func TestHTTPStartersFailAtRoute(t *testing.T) {
	for _, lang := range []string{"python", "go"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			began := time.Now()
			rep := checkHTTP(t, start(t, lang, Init), 3*time.Second)
			f := rep.Failed()
			if f == nil || f.ID != "route" || !rep.Stages[0].Passed {
				t.Fatalf("the %s starter: want tcp passed and route failed:\n%s", lang, reportText(rep))
			}
			for _, want := range []string{"GET /nope has status 200; want 404"} {
				if !strings.Contains(f.Message, want) {
					t.Errorf("message %q lacks %q", f.Message, want)
				}
			}
			if !strings.Contains(f.Failure.Hint, "the path is its second word") || f.Failure.Section != "RFC 9110 §15.5.5" || len(f.Failure.Hints) != 2 {
				t.Errorf("hint %q, section %q, hints %q", f.Failure.Hint, f.Failure.Section, f.Failure.Hints)
			}
			if d := time.Since(began); d > 10*time.Second {
				t.Errorf("the check took %v", d)
			}
		})
	}
}

// Each variant of the Python solution carries one bug, made by replacing
// one piece of its text, and fails the stage named for it.
func TestHTTPBrokenSolutionsFailTheirStage(t *testing.T) {
	needPython(t)
	src, err := tracks.ReadFile("tracks/http/python/solution/server.py")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		bug     string
		patches [][2]string // old text, new text
		stage   string
		waits   bool // the stage fails by timing out
	}{
		{"field names keep their case", [][2]string{{`fields[name.decode("ascii").lower()]`, `fields[name.decode("ascii")]`},
			{`"host" not in fields`, `"Host" not in fields`}, {`fields.get("x-wirelab-echo", "")`, `fields.get("X-Wirelab-Echo", "")`}}, "headers", false},
		{"ignores Content-Length", [][2]string{{`body = r.exactly(int(n))`, `body = b""`}}, "body", false},
		{"no keep-alive", [][2]string{{"            if close:\n                return\n", "            return\n"}}, "keep-alive", false},
		{"drops a pipelined request", [][2]string{{"    return method.decode", "    r.buf = b\"\"\n    return method.decode"}}, "keep-alive", true},
		{"one recv is one request", [][2]string{{"            self.fill()  # not there yet", "            raise BadRequest(400, 'not whole after one recv')  #"}}, "split", false},
		{"decimal chunk sizes", [][2]string{{"int(size_text, 16)", "int(size_text, 10)"}}, "chunked", false},
		{"ignores the chunked body", [][2]string{{"        body = read_chunked(r)", "        body = b\"\""}}, "chunked", false},
		{"a body on HEAD", [][2]string{{`head_only=(method == "HEAD")`, `head_only=False`}}, "head", false},
		{"accepts HTTP/3.0", [][2]string{{`    if version not in (b"HTTP/1.0", b"HTTP/1.1"):`, "    if False:"}}, "errors", false},
		{"one client at a time", [][2]string{{"threading.Thread(target=handle, args=(sock,), daemon=True).start()", "handle(sock)"}}, "concurrent", true},
	}
	for _, tt := range tests {
		t.Run(tt.bug, func(t *testing.T) {
			t.Parallel()
			broken := string(src)
			for _, p := range tt.patches {
				if n := strings.Count(broken, p[0]); n != 1 {
					t.Fatalf("%q occurs %d times in the solution, want once", p[0], n)
				}
				broken = strings.Replace(broken, p[0], p[1], 1)
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "server.py"), []byte(broken), 0o644); err != nil {
				t.Fatal(err)
			}
			timeout := 3 * time.Second
			if tt.waits {
				timeout = time.Second
			}
			rep := checkHTTP(t, serve(t, dir, "python3", "server.py"), timeout)
			f := rep.Failed()
			if f == nil || f.ID != tt.stage {
				t.Fatalf("want stage %s to fail:\n%s", tt.stage, reportText(rep))
			}
			if f.Failure == nil || f.Failure.Hint == "" || f.Failure.Section == "" {
				t.Errorf("the failure does not teach: %+v", f.Failure)
			}
			t.Logf("%s: %s (%s; hint: %s)", f.ID, f.Message, f.Failure.Section, f.Failure.Hint)
		})
	}
}

// InitSolution writes the solution's files, and never overwrites without
// force.
func TestInitSolution(t *testing.T) {
	for lang, want := range map[string]string{"python": "server.py", "go": "go.mod main.go"} {
		dir := t.TempDir()
		files, err := InitSolution("http", lang, dir, false)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range files {
			names = append(names, filepath.Base(f))
		}
		if strings.Join(names, " ") != want {
			t.Errorf("%s: wrote %v, want %s", lang, names, want)
		}
		if _, err := InitSolution("http", lang, dir, false); err == nil || !strings.Contains(err.Error(), "already exists") {
			t.Errorf("%s: second InitSolution: %v", lang, err)
		}
	}
	if _, err := InitSolution("http", "rust", t.TempDir(), false); err == nil || !strings.Contains(err.Error(), `unknown language "rust"`) {
		t.Errorf("rust: %v", err)
	}
}
