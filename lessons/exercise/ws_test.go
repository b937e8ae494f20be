package exercise

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirelab/wirelab/lessons/check"
)

// The WebSocket track's reference solutions pass every stage, its starters
// fail at handshake with the teaching message, and the reference solution
// with one bug put in fails at the stage named for that bug.

// A learnerServer is a server from tracks/, running in its own process.
type learnerServer struct {
	name   string
	addr   string
	first  chan string   // the first line it prints
	exited chan struct{} // closed when the process has ended
	kill   func()
	stderr bytes.Buffer // read only once exited is closed
}

// errors stops the server and returns what it wrote to stderr.
func (s *learnerServer) errors() string {
	s.kill()
	return s.stderr.String()
}

// alive reports that the process has not ended: it did not crash.
func (s *learnerServer) alive() bool {
	select {
	case <-s.exited:
		return false
	default:
		return true
	}
}

var listeningLine = regexp.MustCompile(`listening on ws://([0-9.]+:[0-9]+)/`)

// startServer runs name with args in dir, with PORT=0 so that the server
// takes a free port, and waits for the line in which it says which:
// "listening on ws://HOST:PORT/". Cleanup kills it.
func startServer(t *testing.T, dir, name string, args ...string) *learnerServer {
	t.Helper()
	s := launch(t, dir, name, args...)
	s.waitListening(t)
	return s
}

// launch starts the process of startServer without waiting for it.
func launch(t *testing.T, dir, name string, args ...string) *learnerServer {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PORT=0")
	pr, pw := io.Pipe()
	s := &learnerServer{name: name, exited: make(chan struct{}), first: make(chan string, 1)}
	cmd.Stdout, cmd.Stderr = pw, &s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		cmd.Wait()
		pw.Close()
		close(s.exited)
	}()
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			select {
			case s.first <- sc.Text():
			default:
			}
		}
	}()
	s.kill = func() {
		cmd.Process.Kill()
		<-s.exited
	}
	t.Cleanup(s.kill)
	return s
}

// waitListening waits for the server's first line and takes the address
// from it.
func (s *learnerServer) waitListening(t *testing.T) {
	t.Helper()
	select {
	case line := <-s.first:
		m := listeningLine.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("%s printed %q, not \"listening on ws://HOST:PORT/\"", s.name, line)
		}
		s.addr = m[1]
	case <-s.exited:
		t.Fatalf("%s ended before it listened:\n%s", s.name, s.errors())
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not say where it listens within 30s", s.name)
	}
}

// writeTree writes the embedded folder tracks/track/lang/which into a new
// temporary folder, go.mod.tmpl as go.mod, and returns the folder.
func writeTree(t *testing.T, track, lang, which string) string {
	t.Helper()
	sub, err := fs.Sub(tracks, path.Join("tracks", track, lang, which))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, sub); err != nil {
		t.Fatal(err)
	}
	if tmpl := filepath.Join(dir, "go.mod.tmpl"); fileExists(tmpl) {
		if err := os.Rename(tmpl, filepath.Join(dir, "go.mod")); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// python3 returns the interpreter that python3 on PATH runs: asked once,
// so that each server does not start through a shim (pyenv's takes longer
// than Python itself). It skips the test when there is none.
func python3(t *testing.T) string {
	t.Helper()
	pythonOnce.Do(func() {
		out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
		if p := strings.TrimSpace(string(out)); err == nil && p != "" {
			pythonPath = p
		}
	})
	if pythonPath == "" {
		t.Skip("no python3 on PATH")
	}
	return pythonPath
}

var (
	pythonOnce sync.Once
	pythonPath string
)

// startWS starts the track's program in lang from dir: Python with
// python3 -S (without site-packages, which also shows that it needs only
// the standard library, and starts faster), Go built first with the go
// command, as a learner's module.
func startWS(t *testing.T, lang, dir string) *learnerServer {
	t.Helper()
	switch lang {
	case "python":
		return startServer(t, dir, python3(t), "-S", "server.py")
	case "go":
		gobin, err := exec.LookPath("go")
		if err != nil {
			t.Skip("no go command on PATH")
		}
		bin := filepath.Join(dir, "server")
		build := exec.Command(gobin, "build", "-o", bin, ".")
		build.Dir = dir
		build.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=", "GOTOOLCHAIN=local")
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		return startServer(t, dir, bin)
	}
	t.Fatalf("no language %q", lang)
	return nil
}

// runWSCheck runs every WebSocket stage against s.
func runWSCheck(t *testing.T, s *learnerServer, lang string, timeout time.Duration) *check.Report {
	t.Helper()
	rep, err := check.Run(context.Background(), check.Options{Kind: check.KindWebSocket, Addr: s.addr, Lang: lang, Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	if !s.alive() {
		t.Errorf("the server ended during the check:\n%s", s.errors())
	}
	return rep
}

// reportText is the report as `wirelab check ws` prints it.
func TestWSSolutionsPassEveryStage(t *testing.T) {
	// One language of messages each: the server does not see it.
	for lang, msgs := range map[string]string{"python": "en", "go": "zh"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			s := startWS(t, lang, writeTree(t, check.KindWebSocket, lang, "solution"))
			rep := runWSCheck(t, s, msgs, 3*time.Second)
			ids, _ := check.StageIDs(check.KindWebSocket)
			if !rep.Passed || len(rep.Stages) != len(ids) {
				t.Fatalf("the reference solution failed:\n%s\nstderr:\n%s", reportText(rep), s.errors())
			}
		})
	}
}

func TestWSStartersFailAtHandshake(t *testing.T) {
	for _, lang := range []string{"python", "go"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			s := startWS(t, lang, writeTree(t, check.KindWebSocket, lang, "starter"))
			rep := runWSCheck(t, s, "en", 3*time.Second)
			f := rep.Failed()
			if f == nil || f.ID != "handshake" || !rep.Stages[0].Passed {
				t.Fatalf("want tcp passed and handshake failed:\n%s", reportText(rep))
			}
			// It fails on what the starter answers, not on a timeout.
			if want := "the status is 200, not 101 Switching Protocols"; !strings.Contains(f.Message, want) {
				t.Errorf("message %q lacks %q", f.Message, want)
			}
			if !strings.Contains(f.Failure.Hint, "answer 101 Switching Protocols") || f.Failure.Section != "RFC 6455 §4.2.2" || len(f.Failure.Hints) != 2 {
				t.Errorf("failure: %+v", f.Failure)
			}
		})
	}
}

// wsBug is the Python reference solution with one bug put in: each patch
// replaces a text that occurs exactly once.
type wsBug struct {
	name    string
	patches [][2]string
	stage   string // the stage named for the bug, which fails first
	msg     string // in the failure's message
	hint    string // in its hint
}

var wsBugs = []wsBug{
	{
		name: "one recv is one frame (the articles' server)",
		patches: [][2]string{
			{"    b0, b1 = stream.read_exact(2)\n", "    stream.buf = stream.sock.recv(8096)  # bug: one recv is one frame\n    b0, b1 = stream.read_exact(2)\n"},
			{"        while len(self.buf) < n:\n", "        while not self.buf:\n"},
		},
		stage: "length-64", msg: "the checker sent 65536 bytes", hint: "single read",
	},
	{
		name:    "drops what follows a frame in the same recv",
		patches: [][2]string{{"    payload = unmask(key, stream.read_exact(length))\n", "    payload = unmask(key, stream.read_exact(length))\n    stream.buf = b\"\"  # bug\n"}},
		stage:   "coalesced-frames", msg: `waiting for the echo of "second"`, hint: "One read from the socket can hold several frames",
	},
	{
		// The checker's 4 writes come 50ms apart: this server fails unless
		// it is kept from reading for more than 100ms.
		name: "expects the rest of a frame's header in the same recv",
		patches: [][2]string{
			{`struct.unpack("!H", stream.read_exact(2))`, `struct.unpack("!H", stream.buf[:2]); stream.buf = stream.buf[2:]`},
			{"    key = stream.read_exact(4)\n", "    key, stream.buf = stream.buf[:4], stream.buf[4:]\n"},
		},
		stage: "split-frame", msg: "the server", hint: "A frame can arrive over several reads",
	},
	{
		name:    "no 16-bit length form",
		patches: [][2]string{{"    elif n <= 0xFFFF:\n", "    elif False:  # bug\n"}},
		stage:   "length-16", msg: "the 126-byte echo writes its length with 127 in byte 1", hint: "7e 00 7e",
	},
	{
		name: "masks its frames",
		patches: [][2]string{{"    sock.sendall(head + payload)", `    key = b"\x37\xfa\x21\x3d"  # bug: a server that masks
    head = head[:1] + bytes([head[1] | 0x80]) + head[2:] + key
    sock.sendall(head + unmask(key, payload))`}},
		stage: "server-unmasked", msg: "masked frame from a server", hint: "MUST NOT mask",
	},
	{
		name:    "accept key without the GUID",
		patches: [][2]string{{"hashlib.sha1((key + GUID)", "hashlib.sha1((key)"}},
		stage:   "accept-key", msg: "Sec-WebSocket-Accept is", hint: "258EAFA5-E914-47DA-95CA-C5AB0DC85B11",
	},
	{
		name:    "ignores a ping",
		patches: [][2]string{{"                send_frame(sock, OP_PONG, payload)", "                pass  # bug"}},
		stage:   "ping-pong", msg: "timed out", hint: "Answer a ping (opcode 0x9) with a pong",
	},
	{
		name:    "never answers a close",
		patches: [][2]string{{"                send_frame(sock, OP_CLOSE, payload[:2])\n                return\n", "                continue  # bug\n"}},
		stage:   "close", msg: "timed out", hint: "send a close frame back",
	},
	{
		name:    "no reassembly of fragments",
		patches: [][2]string{{"            if fin:\n", "            if True:  # bug: every frame is a message\n"}},
		stage:   "fragmented", msg: "the reply announces a 5-byte payload", hint: "Join their payloads",
	},
}

func TestWSBrokenVariantsFailTheirStage(t *testing.T) {
	py := python3(t)
	src, err := tracks.ReadFile("tracks/ws/python/solution/server.py")
	if err != nil {
		t.Fatal(err)
	}
	// Every variant runs at once: they wait on sockets, and three of them
	// on the stage's timeout. (t.Parallel would run only GOMAXPROCS of them
	// at a time.)
	servers := make([]*learnerServer, len(wsBugs))
	for i, bug := range wsBugs {
		code := string(src)
		for _, p := range bug.patches {
			if n := strings.Count(code, p[0]); n != 1 {
				t.Fatalf("%s: the solution has %q %d times, want once", bug.name, p[0], n)
			}
			code = strings.Replace(code, p[0], p[1], 1)
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "server.py"), []byte(code), 0o644); err != nil {
			t.Fatal(err)
		}
		servers[i] = launch(t, dir, py, "-S", "server.py")
	}
	for _, s := range servers {
		s.waitListening(t)
	}
	reports := make([]*check.Report, len(wsBugs))
	errs := make([]error, len(wsBugs))
	var wg sync.WaitGroup
	for i := range wsBugs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reports[i], errs[i] = check.Run(context.Background(), check.Options{Kind: check.KindWebSocket, Addr: servers[i].addr, Lang: "en", Timeout: time.Second})
		}()
	}
	wg.Wait()
	ids, _ := check.StageIDs(check.KindWebSocket)
	for i, bug := range wsBugs {
		t.Run(bug.name, func(t *testing.T) {
			rep, s := reports[i], servers[i]
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if !s.alive() {
				t.Errorf("the server ended during the check:\n%s", s.errors())
			}
			f := rep.Failed()
			if f == nil || f.ID != bug.stage {
				t.Fatalf("want stage %s to fail first:\n%s", bug.stage, reportText(rep))
			}
			for k, st := range rep.Stages {
				if st.ID != ids[k] || (ids[k] != bug.stage && st.Passed == st.Skipped) {
					t.Errorf("stage %d: %+v", k, st)
				}
			}
			if !strings.Contains(f.Message, bug.msg) || !strings.Contains(f.Failure.Hint, bug.hint) {
				t.Errorf("message %q (want %q), hint %q (want %q)", f.Message, bug.msg, f.Failure.Hint, bug.hint)
			}
			if !strings.HasPrefix(f.Failure.Section, "RFC ") || len(f.Failure.Hints) != 2 || len(f.Failure.Sent) == 0 {
				t.Errorf("evidence: %+v", f.Failure)
			}
		})
	}
}
