// Command wsbench compares WebSocket echo servers on loopback: wirelab (on
// httpcore and on net/http, with explicit write corking; by default; with
// ReadMessage; the "wirelab ws serve" command) against gorilla/websocket,
// lxzan/gws, gobwas/ws and coder/websocket, with a raw TCP echo as the
// ceiling. The servers run on one core (-procs 1, their GOMAXPROCS).
//
//	go run ./cmd/wsbench                            # 512 B and 8 KiB, 1000 conns × 8 in flight, 2 s × 3 rounds each; idle memory at 10k
//	go run ./cmd/wsbench -conns 1 -inflight 1 -idle-conns 0 # a lone message: single ping-pong latency
//	go run ./cmd/wsbench -duration 2s -idle-conns 0 # quicker, no idle test
//	go run ./cmd/wsbench -servers wirelab,gws -cpuprofile /tmp/prof
//	go run ./cmd/wsbench -sizes '' -servers wirelab # the idle test alone
//
// Each server runs in this process on 127.0.0.1:0, but for
// wirelab-ws-serve, the wirelab command built from -wirelab and run as a
// process of its own (its CPU time and system calls come from /proc/PID). The load comes from a
// child process (this binary again), the same hand-rolled client for every
// server, so what differs between rows is the server alone. For each message
// size and server it reports echoed messages per second, payload MB/s (one
// direction), the median and 99th-percentile round-trip time, and the ratio
// to the best Go peer and to the TCP ceiling. It also reports the server's
// CPU time per message (getrusage over the measured window; the load runs
// in another process) and the same two ratios computed from it: on a
// machine shared with other work, throughput swings with the other load,
// CPU per message much less. Last, the server process's read and write
// system calls per message (syscr and syscw from /proc/self/io, on Linux),
// which show what corking changes.
//
// Each round runs every server in turn; the tables show, per server, the
// round with the median msg/s and the median CPU per message.
//
// The idle test opens -idle-conns connections (the handshake done, no
// traffic), collects garbage and divides the growth of HeapInuse+StackInuse
// by the number of connections: the server's memory per idle connection.
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

var (
	procs      = flag.Int("procs", 1, "GOMAXPROCS of the servers (this process; wirelab-ws-serve's own); 0 leaves the default. The load child keeps its default")
	wirelabPkg = flag.String("wirelab", "../cmd/wirelab", "directory of the wirelab command, built for the wirelab-ws-serve row")
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-child" {
		runChild()
		return
	}
	var (
		duration  = flag.Duration("duration", 2*time.Second, "measured time per server, size and round")
		rounds    = flag.Int("rounds", 3, "rounds; each runs every server in turn, and the table shows the median")
		warmup    = flag.Duration("warmup", time.Second, "load before measuring")
		conns     = flag.Int("conns", 1000, "connections")
		inflight  = flag.Int("inflight", 8, "messages in flight per connection")
		sizes     = flag.String("sizes", "512,8192", "message sizes in bytes, comma-separated (empty: only the idle test)")
		servers   = flag.String("servers", "", "servers to run, comma-separated (default: all): "+names())
		idleConns = flag.Int("idle-conns", 10000, "connections for the idle-memory test (0: skip it)")
		idleEcho  = flag.Int("idle-echo", 0, "idle test: echo one message of this many bytes per connection before measuring (0: handshake only)")
		cpuprof   = flag.String("cpuprofile", "", "directory for a CPU profile of each server's measured window")
		memprof   = flag.String("memprofile", "", "directory for a heap profile of each server at the idle measurement")
	)
	flag.Parse()
	if *procs > 0 {
		runtime.GOMAXPROCS(*procs) // the load child keeps its own default
	}
	var sel []contender
	for _, c := range contenders {
		if *servers == "" || strings.Contains(","+*servers+",", ","+c.name+",") {
			sel = append(sel, c)
		}
	}
	if len(sel) == 0 {
		fatal(fmt.Errorf("no server matches -servers %q (have %s)", *servers, names()))
	}
	for _, d := range []string{*cpuprof, *memprof} {
		if d != "" {
			if err := os.MkdirAll(d, 0o755); err != nil {
				fatal(err)
			}
		}
	}
	fmt.Printf("wsbench: %s %s/%s, servers' GOMAXPROCS=%d, %d conns × %d in flight, warm-up %s, %s per server, size and round, %d rounds\n\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0), *conns, *inflight, *warmup, *duration, *rounds)

	for _, s := range strings.FieldsFunc(*sizes, func(r rune) bool { return r == ',' }) {
		size, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || size < 8 {
			fatal(fmt.Errorf("bad size %q (at least 8 bytes: the send time travels in the message)", s))
		}
		type row struct {
			c    contender
			runs []loadResult
			res  loadResult // the run with the median msg/s
			cpu  float64    // median server CPU µs per message

			stalled int // rounds dropped from the medians
		}
		rows := make([]row, len(sel))
		for round := range *rounds {
			for i, c := range sel {
				prof := ""
				if *cpuprof != "" && round == 0 {
					prof = filepath.Join(*cpuprof, fmt.Sprintf("%s-%d.cpu.pprof", c.name, size))
				}
				res := benchLoad(c, childArgs{Mode: "load", WS: c.ws, Conns: *conns, Inflight: *inflight,
					Size: size, Warmup: *warmup, Duration: *duration}, prof)
				rows[i].c = c
				rows[i].runs = append(rows[i].runs, res)
				fmt.Fprintf(os.Stderr, "  round %d  %-16s %6d B  %9.0f msg/s  %5.1f µs CPU/msg\n",
					round+1, c.name, size, rate(res), cpuPerMsg(res))
			}
		}
		for i := range rows {
			// A round in which the server used under 5 % of one CPU while
			// 8000 messages were outstanding saw the machine stall (other
			// load, or the VM descheduled), not the server: drop it unless
			// every round did.
			var runs []loadResult
			for _, r := range rows[i].runs {
				if r.ServerCPU.Seconds() >= 0.05*r.Seconds {
					runs = append(runs, r)
				}
			}
			rows[i].stalled = len(rows[i].runs) - len(runs)
			if len(runs) == 0 {
				runs = slices.Clone(rows[i].runs)
			}
			slices.SortFunc(runs, func(a, b loadResult) int { return cmp.Compare(rate(a), rate(b)) })
			rows[i].res = runs[len(runs)/2]
			cpus := make([]float64, len(runs))
			for j, r := range runs {
				cpus[j] = cpuPerMsg(r)
			}
			slices.Sort(cpus)
			rows[i].cpu = cpus[len(cpus)/2]
		}
		var bestPeer, tcp, bestPeerCPU, tcpCPU float64
		bestName := ""
		for _, r := range rows {
			if r.c.peer && rate(r.res) > bestPeer {
				bestPeer, bestName = rate(r.res), r.c.name
			}
			if r.c.peer && r.cpu > 0 && (bestPeerCPU == 0 || r.cpu < bestPeerCPU) {
				bestPeerCPU = r.cpu
			}
			if !r.c.ws {
				tcp, tcpCPU = rate(r.res), r.cpu
			}
		}
		fmt.Printf("### %d-byte messages (median of %d rounds; best peer: %s)\n\n", size, *rounds, bestName)
		fmt.Println("| server | msg/s | MB/s | p50 | p99 | × best peer | % of TCP | server CPU/msg | CPU: × best peer | CPU: % of TCP | reads/msg | writes/msg | errors |")
		fmt.Println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
		for _, r := range rows {
			m := rate(r.res)
			errs := strconv.Itoa(r.res.Errors)
			if r.res.Err != "" {
				errs = r.res.Err
			}
			if r.stalled > 0 {
				errs += fmt.Sprintf(" (%d stalled round(s) dropped)", r.stalled)
			}
			// The CPU columns compare messages per CPU-second: best peer's
			// (or TCP's) CPU per message divided by this server's.
			fmt.Printf("| %s | %.0f | %.1f | %s | %s | %s | %s | %.1f µs | %s | %s | %s | %s | %s |\n", r.c.name, m, m*float64(size)/1e6,
				fmtDur(quantile(r.res.Hist, 0.50)), fmtDur(quantile(r.res.Hist, 0.99)),
				ratio(m, bestPeer, "%.2f×"), ratio(100*m, tcp, "%.0f %%"), r.cpu,
				ratio(bestPeerCPU, r.cpu, "%.2f×"), ratio(100*tcpCPU, r.cpu, "%.0f %%"),
				perMsg(r.res.ServerReads, r.res), perMsg(r.res.ServerWrites, r.res), errs)
		}
		fmt.Println()
	}

	if *idleConns > 0 {
		n := *idleConns
		if limit := fdLimit(); n+256 > int(limit) {
			n = int(limit) - 256
			fmt.Printf("note: RLIMIT_NOFILE is %d per process, so the idle test uses %d connections, not %d\n\n", limit, n, *idleConns)
		}
		traffic := "handshake only"
		if *idleEcho > 0 {
			traffic = fmt.Sprintf("after one %d-byte echo each", *idleEcho)
		}
		fmt.Printf("### idle memory, %d connections, %s (server process: Δ(HeapInuse+StackInuse) / conns after GC)\n\n", n, traffic)
		fmt.Println("| server | bytes/conn | heap/conn | stack/conn | goroutines/conn |")
		fmt.Println("| --- | ---: | ---: | ---: | ---: |")
		warmGoroutines(2 * n)
		for _, c := range sel {
			if c.noIdle {
				fmt.Printf("| %s | – (not measured: a process of its own) | | | |\n", c.name)
				continue
			}
			prof := ""
			if *memprof != "" {
				prof = filepath.Join(*memprof, c.name+"-idle.heap.pprof")
			}
			r, err := benchIdle(c, n, *idleEcho, prof)
			if err != nil {
				fmt.Printf("| %s | error: %v | | | |\n", c.name, err)
				continue
			}
			fmt.Printf("| %s | %.0f | %.0f | %.0f | %.2f |\n", c.name, r.heap+r.stack, r.heap, r.stack, r.goroutines)
		}
		fmt.Println()
	}
}

func names() string {
	var s []string
	for _, c := range contenders {
		s = append(s, c.name)
	}
	return strings.Join(s, ",")
}

// cpuPerMsg is the server's CPU time per echoed message, in µs: less
// sensitive than msg/s to other load on the machine.
func cpuPerMsg(r loadResult) float64 {
	if r.Msgs == 0 {
		return 0
	}
	return float64(r.ServerCPU) / 1e3 / float64(r.Msgs)
}

func rate(r loadResult) float64 {
	if r.Seconds == 0 {
		return 0
	}
	return float64(r.Msgs) / r.Seconds
}

func ratio(a, b float64, format string) string {
	if a == 0 || b == 0 {
		return "–"
	}
	return fmt.Sprintf(format, a/b)
}

func fmtDur(d time.Duration) string {
	switch {
	case d == 0:
		return "–"
	case d < time.Millisecond:
		return fmt.Sprintf("%.0f µs", float64(d)/1e3)
	default:
		return fmt.Sprintf("%.2f ms", float64(d)/1e6)
	}
}

// child starts this binary as the load generator with args.
type child struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Reader
}

func startChild(a childArgs) (*child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "-child")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	b, _ := json.Marshal(a)
	stdin.Write(append(b, '\n'))
	return &child{cmd, stdin, bufio.NewReader(stdout)}, nil
}

func (c *child) wait() {
	c.stdin.Close()
	c.cmd.Wait()
}

// benchLoad serves with c and runs one load child against it.
func benchLoad(c contender, a childArgs, cpuprof string) loadResult {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fatal(err)
	}
	var open atomic.Int64
	stop := c.start(ln, &open, a.Size)
	defer stop()
	a.Addr = ln.Addr().String()
	usage := c.usage
	if usage == nil {
		usage = func() (time.Duration, ioCounts) { return cpuTime(), readIOCounts() }
	}
	ch, err := startChild(a)
	if err != nil {
		fatal(err)
	}
	defer ch.wait()
	// The child says "measuring" when its measured window opens and "done"
	// when it closes; the server's CPU time and profile cover that window.
	var cpu0, cpu1 time.Duration
	var io0, io1 ioCounts
	for {
		line, err := ch.out.ReadString('\n')
		if err != nil {
			return loadResult{Err: "load generator: " + err.Error()}
		}
		if line == "measuring\n" {
			cpu0, io0 = usage()
			if cpuprof != "" {
				f, err := os.Create(cpuprof)
				if err != nil {
					fatal(err)
				}
				pprof.StartCPUProfile(f)
				defer f.Close()
			}
			continue
		}
		if line == "done\n" {
			cpu1, io1 = usage()
			if cpuprof != "" {
				pprof.StopCPUProfile()
			}
			break
		}
		return loadResult{Err: fmt.Sprintf("load generator said %q", strings.TrimSpace(line))}
	}
	line, err := ch.out.ReadBytes('\n')
	if err != nil {
		return loadResult{Err: "load generator: " + err.Error()}
	}
	var res loadResult
	if err := json.Unmarshal(line, &res); err != nil {
		return loadResult{Err: fmt.Sprintf("load generator said %q", line)}
	}
	res.ServerCPU = cpu1 - cpu0
	res.ServerReads, res.ServerWrites = io1.reads-io0.reads, io1.writes-io0.writes
	return res
}

// ioCounts are the read and write system calls this process has made.
type ioCounts struct{ reads, writes int64 }

// readIOCounts reads syscr and syscw from /proc/self/io (Linux): every
// read(2), readv(2), write(2) and writev(2), on any file. It returns zeros
// where there is no such file.
func readIOCounts() ioCounts { return readIOCountsFile("/proc/self/io") }

// readIOCountsFile reads syscr and syscw from an io file of /proc.
func readIOCountsFile(name string) ioCounts {
	var c ioCounts
	b, err := os.ReadFile(name)
	if err != nil {
		return c
	}
	for _, line := range strings.Split(string(b), "\n") {
		name, v, _ := strings.Cut(line, ": ")
		n, _ := strconv.ParseInt(v, 10, 64)
		switch name {
		case "syscr":
			c.reads = n
		case "syscw":
			c.writes = n
		}
	}
	return c
}

// perMsg formats n system calls per message of r, or "–" when unknown.
func perMsg(n int64, r loadResult) string {
	if n == 0 || r.Msgs == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f", float64(n)/float64(r.Msgs))
}

type idleResult struct{ heap, stack, goroutines float64 }

// benchIdle measures the server's memory per idle connection.
func benchIdle(c contender, n, echo int, memprof string) (idleResult, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return idleResult{}, err
	}
	var open atomic.Int64
	stop := c.start(ln, &open, 512)
	defer stop()
	before := settledMemStats()
	g0 := runtime.NumGoroutine()
	ch, err := startChild(childArgs{Mode: "idle", Addr: ln.Addr().String(), WS: c.ws, Conns: n, Echo: echo > 0, Size: echo})
	if err != nil {
		return idleResult{}, err
	}
	defer ch.wait()
	line, err := ch.out.ReadString('\n')
	if err != nil || line != "ready\n" {
		return idleResult{}, fmt.Errorf("load generator: %q %v", strings.TrimSpace(line), err)
	}
	for deadline := time.Now().Add(60 * time.Second); open.Load() < int64(n); {
		if time.Now().After(deadline) {
			return idleResult{}, fmt.Errorf("only %d of %d connections open after 60 s", open.Load(), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // let every connection goroutine park in its read
	after := settledMemStats()
	g1 := runtime.NumGoroutine()
	if memprof != "" {
		if f, err := os.Create(memprof); err == nil {
			pprof.Lookup("heap").WriteTo(f, 0)
			f.Close()
		}
	}
	return idleResult{
		heap:       float64(int64(after.HeapInuse)-int64(before.HeapInuse)) / float64(n),
		stack:      float64(int64(after.StackInuse)-int64(before.StackInuse)) / float64(n),
		goroutines: float64(g1-g0) / float64(n),
	}, nil
}

// warmGoroutines starts n goroutines and lets them end. The runtime keeps
// the descriptor (g) of a goroutine that ended, about 0.4 KB of heap, and
// gives it to the next goroutine started: without this, the first server
// of the idle test would pay for up to two new descriptors per connection
// (its connection goroutines) and the servers after it, reusing those,
// for none. Now none does, and the idle figures leave the g out.
func warmGoroutines(n int) {
	var wg sync.WaitGroup
	release := make(chan struct{})
	for range n {
		wg.Go(func() { <-release })
	}
	close(release)
	wg.Wait()
}

// procCPUTime is the user and system CPU time of process pid so far, from
// /proc/PID/stat (in clock ticks, 100 per second on Linux: over a 2 s
// window, about 1 % of a server's CPU time); 0 if it cannot be read.
func procCPUTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses and may hold
	// spaces: state is field 3, utime 14, stime 15.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * (time.Second / 100)
}

// cpuTime is the user and system CPU time this process (the servers) has
// used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func settledMemStats() runtime.MemStats {
	var m runtime.MemStats
	for range 3 {
		runtime.GC()
	}
	runtime.ReadMemStats(&m)
	return m
}

// fdLimit returns this process's open-file limit (Go raises the soft limit
// to the hard one at startup).
func fdLimit() uint64 {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return 1 << 20
	}
	return r.Cur
}
