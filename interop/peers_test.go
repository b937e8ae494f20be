package interop

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// peerTimeout bounds every wait on a peer: a process to listen, a script to
// finish, a close to be reported.
const peerTimeout = 30 * time.Second

// tool returns the peer program that the environment variable env names
// (scripts/interop sets it), else the first of fallbacks that exists. When
// none does, the test skips with how to install it, or fails under CI=true,
// as scripts/lib.sh's missing does.
func tool(t *testing.T, env, hint string, fallbacks ...string) string {
	t.Helper()
	candidates := fallbacks
	if v := os.Getenv(env); v != "" {
		candidates = []string{v}
	}
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	what := env + " is unset and none of " + strings.Join(fallbacks, ", ") + " exists"
	if v := os.Getenv(env); v != "" {
		what = env + "=" + v + " does not exist"
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s and CI=true: %s", what, hint)
	}
	t.Skipf("SKIP: %s: %s", what, hint)
	return ""
}

// cacheDir is the cache folder of scripts/lib.sh, whose venvs/interop is
// the Python virtualenv scripts/interop makes:
// ${WIRELAB_CACHE:-${XDG_CACHE_HOME:-~/.cache}/wirelab}.
func cacheDir() string {
	if d := os.Getenv("WIRELAB_CACHE"); d != "" {
		return d
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "wirelab")
}

// pythonTool is a Python that can import websockets.
func pythonTool(t *testing.T) string {
	t.Helper()
	py := tool(t, "WIRELAB_PYTHON", "run scripts/interop, which makes a venv with websockets (pip install websockets)",
		filepath.Join(cacheDir(), "venvs", "interop", "bin", "python"))
	if out, err := exec.Command(py, "-c", "import websockets.sync.client, websockets.sync.server").CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s cannot import websockets: %v\n%s", py, err, out)
		}
		t.Skipf("SKIP: %s cannot import websockets (run scripts/interop, or pip install websockets): %s", py, out)
	}
	return py
}

// nodeTool is node, with node/node_modules/ws installed.
func nodeTool(t *testing.T) string {
	t.Helper()
	node := tool(t, "WIRELAB_NODE", "install Node.js (sudo apt-get install nodejs npm), then run scripts/interop", "node")
	if _, err := os.Stat(filepath.Join("node", "node_modules", "ws", "package.json")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("node/node_modules/ws is missing and CI=true: run (cd interop/node && npm ci)")
		}
		t.Skipf("SKIP: node/node_modules/ws is missing: run scripts/interop or (cd interop/node && npm ci)")
	}
	return node
}

// A peerEvent is one JSON line a peer script prints on stdout. Clients print
// a check per feature, then done; servers print one closed event per
// connection.
type peerEvent struct {
	Check  string `json:"check,omitempty"`
	OK     bool   `json:"ok,omitempty"`
	Detail string `json:"detail,omitempty"`

	Event  string `json:"event,omitempty"` // "done", "closed", "error"
	Code   int    `json:"code,omitempty"`
	Reason string `json:"reason,omitempty"`
	Clean  bool   `json:"clean,omitempty"`
}

// A proc is a peer process. Its stdout is read as JSON lines into events;
// its stderr is kept and logged if the test fails. t.Cleanup kills it.
type proc struct {
	name   string
	events chan peerEvent
	done   chan struct{} // closed once the process has exited
	err    error         // its exit status, valid after done
	stderr lockedBuffer
}

func startProc(t *testing.T, name string, argv ...string) *proc {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	p := &proc{name: name, events: make(chan peerEvent, 64), done: make(chan struct{})}
	cmd.Stderr = &p.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		for sc.Scan() {
			var ev peerEvent
			if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
				ev = peerEvent{Event: "error", Detail: "not a JSON line: " + sc.Text()}
			}
			p.events <- ev
		}
		close(p.events)
		// Wait only after stdout is drained (os/exec's rule for pipes).
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		select {
		case <-p.done:
		case <-time.After(peerTimeout):
			t.Errorf("%s (pid %d) did not exit after kill", name, cmd.Process.Pid)
		}
		if t.Failed() && p.stderr.Len() > 0 {
			t.Logf("%s stderr:\n%s", name, p.stderr.String())
		}
	})
	return p
}

// next returns the next event, failing the test on timeout or when the
// process ends first.
func (p *proc) next(t *testing.T) peerEvent {
	t.Helper()
	select {
	case ev, ok := <-p.events:
		if !ok {
			<-p.done
			t.Fatalf("%s exited before reporting (%v); stderr:\n%s", p.name, p.err, p.stderr.String())
		}
		return ev
	case <-time.After(peerTimeout):
		t.Fatalf("%s reported nothing within %v; stderr:\n%s", p.name, peerTimeout, p.stderr.String())
	}
	panic("unreachable")
}

// wait waits for the process to exit and returns its status.
func (p *proc) wait(t *testing.T) error {
	t.Helper()
	for range p.events { // drain, so the reader can reach Wait
	}
	select {
	case <-p.done:
		return p.err
	case <-time.After(peerTimeout):
		t.Fatalf("%s did not exit within %v", p.name, peerTimeout)
	}
	return nil
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// waitListening polls addr by dialing until it accepts, the process exits,
// or peerTimeout passes.
func waitListening(t *testing.T, p *proc, addr string) {
	t.Helper()
	deadline := time.Now().Add(peerTimeout)
	for backoff := 5 * time.Millisecond; ; backoff = min(2*backoff, 200*time.Millisecond) {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		select {
		case <-p.done:
			t.Fatalf("%s exited before listening on %s (%v); stderr:\n%s", p.name, addr, p.err, p.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not listen on %s within %v: %v; stderr:\n%s", p.name, addr, peerTimeout, err, p.stderr.String())
		}
		time.Sleep(backoff) // polling interval, not synchronisation
	}
}

// startPeerServer starts a peer echo server on a free port and waits until
// it listens. It returns the ws:// URL of its /echo.
func startPeerServer(t *testing.T, name string, argv ...string) (*proc, string) {
	t.Helper()
	port := strconv.Itoa(freePort(t))
	p := startProc(t, name, append(argv, port)...)
	addr := "127.0.0.1:" + port
	waitListening(t, p, addr)
	return p, "ws://" + addr + "/echo"
}

// runPeerClient runs a peer client script against url and turns each check
// it prints into a subtest of t.
func runPeerClient(t *testing.T, name string, argv ...string) {
	t.Helper()
	p := startProc(t, name, argv...)
	seen := 0
	for {
		ev := p.next(t)
		if ev.Event == "done" {
			break
		}
		if ev.Event == "error" {
			t.Fatalf("%s: %s", name, ev.Detail)
		}
		seen++
		t.Run(ev.Check, func(t *testing.T) {
			if !ev.OK {
				t.Errorf("%s %s: %s", name, ev.Check, ev.Detail)
			} else if ev.Detail != "" {
				t.Log(ev.Detail)
			}
		})
	}
	if err := p.wait(t); err != nil {
		t.Errorf("%s exited with %v; stderr:\n%s", name, err, p.stderr.String())
	}
	if seen < len(clientChecks) {
		t.Errorf("%s reported %d checks, want %d (%v)", name, seen, len(clientChecks), clientChecks)
	}
}

// clientChecks are the checks every peer client script reports, in order.
var clientChecks = []string{"subprotocol", "text", "binary", "fragmented", "70000", "1MiB", "ping", "server-ping", "close-4000", "server-close-4001"}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func (b *lockedBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Len()
}
