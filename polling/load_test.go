package polling

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/wirelab/wirelab/httpcore"
)

// TestLoad holds WIRELAB_LOAD (say 10000) long-poll waiters, then as many
// WebSocket subscribers, on one server, publishes to them and reports the
// memory each side holds. It is skipped unless WIRELAB_LOAD is set; run it
// with scripts/polling-load, which raises the open-files limit.
//
// The server runs in a child process (this test binary again, running
// TestLoadServerProcess), so its memory is measured alone and each process
// needs one descriptor per connection, not two.
func TestLoad(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("WIRELAB_LOAD"))
	if n <= 0 {
		t.Skip("set WIRELAB_LOAD=10000 to run (scripts/polling-load does)")
	}
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err == nil && rl.Cur < uint64(n+500) {
		t.Fatalf("the open-files limit is %d; %d connections need about %d descriptors per process: raise it with ulimit -n %d (scripts/polling-load does)",
			rl.Cur, n, n+500, n+500)
	}
	for _, tr := range []Transport{LongPoll, WebSocket} {
		t.Run(tr.String(), func(t *testing.T) { loadOne(t, tr, n) })
	}
}

// loadStats is what the server process reports on GET /load/stats.
type loadStats struct {
	LongPolls  int64  `json:"long_polls"`
	Streams    int64  `json:"streams"`
	HeapInuse  uint64 `json:"heap_inuse"`
	Sys        uint64 `json:"sys"`
	RSS        uint64 `json:"rss"`
	Goroutines int    `json:"goroutines"`
}

// TestLoadServerProcess is the server half of TestLoad, run in a child
// process: it serves on 127.0.0.1:0, prints the address on stdout, and
// stops when its stdin closes.
func TestLoadServerProcess(t *testing.T) {
	if os.Getenv("WIRELAB_LOAD_SERVER") != "1" {
		t.Skip("the server half of TestLoad")
	}
	srv := &Server{Hub: NewMemoryHub(64), AllowPublish: true}
	hs := &httpcore.Server{MaxConns: -1, Handler: httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		if r.Path() != "/load/stats" {
			srv.ServeHTTP(w, r)
			return
		}
		m := readMemory()
		st := loadStats{HeapInuse: m.heap, Sys: m.sys, RSS: m.rss, Goroutines: m.goroutines}
		st.LongPolls, st.Streams = srv.Held()
		b, _ := json.Marshal(st) // plain numbers: cannot fail
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	fmt.Printf("listening on %s\n", ln.Addr())
	io.Copy(io.Discard, os.Stdin)
	srv.Close()
	hs.Close()
	<-served
}

// startLoadServer runs TestLoadServerProcess in a child process.
func startLoadServer(t *testing.T) (addr string, stop func()) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestLoadServerProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), "WIRELAB_LOAD_SERVER=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(stdout)
	line, err := br.ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	if err != nil || !ok {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the server process said %q, %v", line, err)
	}
	return addr, func() {
		stdin.Close()
		io.Copy(io.Discard, br)
		if err := cmd.Wait(); err != nil {
			t.Errorf("server process: %v", err)
		}
	}
}

// serverStats asks the server process for its gauges and memory.
func serverStats(t *testing.T, cc **httpcore.ClientConn, addr string) loadStats {
	t.Helper()
	var st loadStats
	if *cc == nil || !(*cc).Reusable() {
		c, err := httpcore.Dial(context.Background(), addr)
		if err != nil {
			t.Fatal(err)
		}
		*cc = c
	}
	resp, err := (*cc).Do(&httpcore.Request{Target: "/load/stats"})
	if err != nil {
		t.Fatal(err)
	}
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	return st
}

// memory is a snapshot of what a process holds.
type memory struct {
	heap, sys, rss uint64
	goroutines     int
}

func readMemory() memory {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m := memory{heap: ms.HeapInuse, sys: ms.Sys, goroutines: runtime.NumGoroutine()}
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, ln := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(ln, "VmRSS:"); ok {
				kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				m.rss = kb << 10
			}
		}
	}
	return m
}

func mib(b uint64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func loadOne(t *testing.T, tr Transport, n int) {
	addr, stop := startLoadServer(t)
	defer stop()
	var ctl *httpcore.ClientConn
	defer func() {
		if ctl != nil {
			ctl.Close()
		}
	}()
	idle := serverStats(t, &ctl, addr)
	clientBefore := readMemory()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	var got [3]atomic.Int64  // clients that received message 1, 2, 3
	var all [3]chan struct{} // closed when every client has message k
	for k := range all {
		all[k] = make(chan struct{})
	}
	var failed atomic.Int64
	var lastErr atomic.Value
	start := time.Now()
	dials := make(chan struct{}, 256) // at most 256 first handshakes in flight
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &Client{Transport: tr, Addr: addr, ID: "c" + strconv.Itoa(i), Wait: 50 * time.Second, Retry: 200 * time.Millisecond}
			first := true
			c.Dial = func(ctx context.Context, network, a string) (net.Conn, error) {
				if first {
					first = false
					dials <- struct{}{}
					defer func() { <-dials }()
				}
				var d net.Dialer
				return d.DialContext(ctx, network, a)
			}
			err := c.Run(ctx, func(m Message) error {
				if got[m.Seq-1].Add(1) == int64(n) {
					close(all[m.Seq-1])
				}
				return nil
			})
			if err != nil {
				failed.Add(1)
				lastErr.Store(err)
			}
		}()
	}
	// Wait until the server holds every client: long polls waiting, or
	// WebSockets open. This is a scale test across processes, so it
	// watches the server's gauge.
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(3 * time.Minute)
	var st loadStats
	for {
		st = serverStats(t, &ctl, addr)
		if tr == LongPoll && st.LongPolls >= int64(n) || tr == WebSocket && st.Streams >= int64(n) {
			break
		}
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("after 3 minutes the server holds %d long polls and %d streams, want %d (failed clients: %d, last error %v)", st.LongPolls, st.Streams, n, failed.Load(), lastErr.Load())
		}
	}
	connected := time.Since(start)
	cm := readMemory()
	t.Logf("%s: %d subscribers held after %v (server gauges: %d long polls, %d streams)", tr, n, connected.Round(time.Millisecond), st.LongPolls, st.Streams)
	perKiB := func(after, before uint64) float64 { return (float64(after) - float64(before)) / 1024 / float64(n) }
	t.Logf("%s: server process: heap in use %s (%.1f KiB per subscriber over idle %s), RSS %s (idle %s), runtime sys %s, goroutines %d",
		tr, mib(st.HeapInuse), perKiB(st.HeapInuse, idle.HeapInuse), mib(idle.HeapInuse), mib(st.RSS), mib(idle.RSS), mib(st.Sys), st.Goroutines)
	t.Logf("%s: client process: heap in use %s (%.1f KiB per client), RSS %s, goroutines %d",
		tr, mib(cm.heap), perKiB(cm.heap, clientBefore.heap), mib(cm.rss), cm.goroutines)

	pub, err := httpcore.Dial(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	for k := 1; k <= 3; k++ {
		t0 := time.Now()
		body := []byte(fmt.Sprintf("message %d", k))
		resp, err := pub.Do(&httpcore.Request{Method: "POST", Target: "/publish", ContentLength: int64(len(body)), Body: bytes.NewReader(body)})
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		select {
		case <-all[k-1]:
		case <-deadline:
			t.Fatalf("message %d reached %d of %d subscribers", k, got[k-1].Load(), n)
		}
		t.Logf("%s: message %d reached all %d subscribers in %v", tr, k, n, time.Since(t0).Round(time.Millisecond))
	}
	cancel()
	wg.Wait()
	for k := range got {
		if v := got[k].Load(); v != int64(n) {
			t.Errorf("%s: message %d delivered %d times, want %d (once per subscriber)", tr, k+1, v, n)
		}
	}
	if f := failed.Load(); f > 0 {
		t.Errorf("%s: %d clients failed; last error: %v", tr, f, lastErr.Load())
	}
}
