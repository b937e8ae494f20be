package natshub_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/wirelab/wirelab/polling"
	"github.com/wirelab/wirelab/polling/natshub"
)

// TestCluster runs real failures against a 3-server NATS cluster (routes,
// JetStream, a stream with 3 replicas) and 3 wirelab processes. It needs a
// nats-server binary: scripts/cluster builds one and sets
// WIRELAB_NATS_SERVER. Clients of all four transports on 3 channels are
// spread over the nodes; the test kills one wirelab node with SIGKILL
// mid-stream (its clients move to another node with their cursors), then
// one NATS server (publishing goes on), then stops NATS entirely (publish
// answers 503 with Retry-After; subscribers are held and resume). Every
// client must get every message of its channel once, in order.
func TestCluster(t *testing.T) {
	natsBin := os.Getenv("WIRELAB_NATS_SERVER")
	if natsBin == "" {
		t.Skip("WIRELAB_NATS_SERVER is not set: scripts/cluster builds nats-server and runs this test")
	}
	dir := t.TempDir()
	wirelab := filepath.Join(dir, "wirelab")
	if out, err := exec.Command("go", "build", "-o", wirelab, "github.com/wirelab/wirelab/cmd/wirelab").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	// Three NATS servers with routes to each other.
	clientPorts, routePorts := freePorts(t, 3), freePorts(t, 3)
	var routes, urls []string
	for i := range 3 {
		routes = append(routes, fmt.Sprintf("nats://127.0.0.1:%d", routePorts[i]))
		urls = append(urls, fmt.Sprintf("nats://127.0.0.1:%d", clientPorts[i]))
	}
	natsArgs := func(i int) []string {
		return []string{"-a", "127.0.0.1", "-p", fmt.Sprint(clientPorts[i]), "-n", fmt.Sprintf("nats%d", i+1),
			"-js", "-sd", filepath.Join(dir, fmt.Sprintf("js%d", i+1)),
			"--cluster_name", "wirelab", "--cluster", routes[i], "--routes", strings.Join(routes, ",")}
	}
	natsProcs := make([]*proc, 3)
	for i := range 3 {
		natsProcs[i] = start(t, "Server is ready", natsBin, natsArgs(i)...)
	}
	allURLs := strings.Join(urls, ",")
	// The stream with 3 replicas, once the cluster has a JetStream leader.
	nc, err := nats.Connect(allURLs)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	began := time.Now()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		bp, err := natshub.New(ctx, nc, natshub.Config{Replicas: 3, Retention: polling.Retention{Count: 4096}})
		cancel()
		if err == nil {
			bp.Close()
			break
		}
		if time.Since(began) > testTimeout {
			t.Fatalf("no JetStream stream with 3 replicas after %v: %v", testTimeout, err)
		}
	}
	t.Logf("NATS cluster up, stream R3 created in %v", time.Since(began).Round(time.Millisecond))

	// Three wirelab nodes, each given every NATS URL.
	nodes := make([]*proc, 3)
	addrs := make([]string, 3)
	var alive [3]atomic.Bool
	for i := range 3 {
		nodes[i] = start(t, "listening on http://", wirelab, "poll", "serve", "--addr", "127.0.0.1:0", "--nats", allURLs,
			"--replicas", "3", "--node", fmt.Sprintf("w%d", i+1), "--publish", "--rate", "0", "--keepalive", "0", "--retention", "4096")
		addrs[i] = strings.TrimPrefix(nodes[i].first, "listening on http://")
		alive[i].Store(true)
	}

	// 12 clients: 4 transports × 3 channels, client k starting on node k%3
	// and moving to the next live node when its node stops answering.
	channels := []string{"red", "green", "blue"}
	const total = 60
	type result struct {
		name       string
		moved      time.Time // when it reconnected on another node
		err        error
		got        int
		duplicates int
	}
	var killedAt atomic.Int64
	results := make(chan result, 12)
	var connected, moved sync.WaitGroup
	k := 0
	for _, ch := range channels {
		for _, tr := range polling.Transports() {
			home := k % 3
			k++
			connected.Add(1)
			if home == 0 {
				moved.Add(1) // w1 is the node killed
			}
			go func() {
				res := result{name: fmt.Sprintf("%s/%s from w%d", ch, tr, home+1)}
				cur := home
				var once sync.Once
				c := client(tr, addrs[home], ch)
				c.Retry = 20 * time.Millisecond
				c.Dial = func(ctx context.Context, network, _ string) (net.Conn, error) {
					for range 3 {
						if alive[cur].Load() {
							var d net.Dialer
							conn, err := d.DialContext(ctx, network, addrs[cur])
							if err == nil {
								return conn, nil
							}
						}
						cur = (cur + 1) % 3
					}
					return nil, fmt.Errorf("no wirelab node answers")
				}
				c.OnConnect = func() {
					once.Do(connected.Done)
					if cur != home && res.moved.IsZero() {
						res.moved = time.Now()
						moved.Done()
					}
				}
				ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
				defer cancel()
				var last uint64
				res.err = c.Run(ctx, func(m polling.Message) error {
					want := fmt.Sprintf("%s %d", ch, res.got+1)
					if string(m.Data) != want || m.Seq <= last {
						t.Errorf("%s: got %q (seq %d after %d), want %q", res.name, m.Data, m.Seq, last, want)
						res.duplicates++
					}
					last = m.Seq
					res.got++
					if res.got == total {
						cancel()
					}
					return nil
				})
				results <- res
			}()
		}
	}
	connected.Wait()

	// The publisher: message i of every channel on node i%3 (a live one),
	// retrying another node on a refusal or a 503.
	publishAll := func(from, to int) {
		for i := from; i <= to; i++ {
			for _, ch := range channels {
				for n := i % 3; ; n = (n + 1) % 3 {
					if !alive[n].Load() {
						continue
					}
					t0 := time.Now()
					status, body, _ := post(addrs[n], "/publish?channel="+ch, fmt.Sprintf("%s %d", ch, i))
					if d := time.Since(t0); d > time.Second {
						t.Logf("publish %s %d on w%d: %d %q after %v", ch, i, n+1, status, strings.TrimSpace(body), d.Round(time.Millisecond))
					}
					if status == 200 {
						break
					}
					if status != 503 && status != 0 {
						t.Fatalf("publish %s %d on w%d: %d %q", ch, i, n+1, status, body)
					}
				}
			}
		}
	}
	publishAll(1, 15)

	// kill -9 wirelab node w1 mid-stream.
	alive[0].Store(false)
	killedAt.Store(time.Now().UnixNano())
	nodes[0].kill()
	publishAll(16, 30)
	// Its clients are elsewhere before the next failure, so the failover
	// time measured is the node's alone.
	movedAll := make(chan struct{})
	go func() { moved.Wait(); close(movedAll) }()
	select {
	case <-movedAll:
	case <-time.After(testTimeout):
		t.Fatalf("the clients of the killed node did not reconnect elsewhere within %v", testTimeout)
	}

	// kill -9 one NATS server: publishing and delivery go on.
	natsProcs[2].kill()
	natsKilled := time.Now()
	publishAll(31, 40)
	t.Logf("with NATS server 3 killed: 10 rounds published on 3 channels in %v", time.Since(natsKilled).Round(time.Millisecond))
	natsProcs[2] = start(t, "Server is ready", natsBin, natsArgs(2)...)

	// Stop NATS entirely: publishing answers 503 with Retry-After.
	for _, p := range natsProcs {
		p.kill()
	}
	status, body, h := post(addrs[1], "/publish?channel=red", "refused")
	if status == 200 { // that message would be a 61st
		t.Fatalf("publish with all of NATS down answered 200 %q", body)
	}
	if status != 503 || h.Get("Retry-After") == "" {
		t.Errorf("publish with NATS down: %d %q Retry-After %q, want 503 with Retry-After", status, body, h.Get("Retry-After"))
	}
	restarted := time.Now()
	for i := range 3 {
		natsProcs[i] = start(t, "Server is ready", natsBin, natsArgs(i)...)
	}
	publishAll(41, total)
	t.Logf("NATS stopped entirely, then restarted: rounds 41-%d published within %v of the restart", total, time.Since(restarted).Round(time.Millisecond))

	killed := time.Unix(0, killedAt.Load())
	var slowest time.Duration
	for range 12 {
		r := <-results
		if r.err != nil {
			t.Errorf("%s: %v", r.name, r.err)
		}
		if r.got != total || r.duplicates != 0 {
			t.Errorf("%s: got %d messages (%d out of order or repeated), want %d", r.name, r.got, r.duplicates, total)
		}
		if !r.moved.IsZero() {
			d := r.moved.Sub(killed)
			slowest = max(slowest, d)
			t.Logf("%s moved to another node %v after the kill", r.name, d.Round(time.Millisecond))
		}
	}
	t.Logf("failover: every client of the killed node reconnected elsewhere within %v; 0 lost, 0 duplicated", slowest.Round(time.Millisecond))
}

func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	var lns []net.Listener
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	for _, ln := range lns {
		ln.Close()
	}
	return ports
}

// proc is a child process whose stderr the test reads.
type proc struct {
	cmd   *exec.Cmd
	first string // the line start waited for
	done  chan struct{}
}

// start runs a program and waits for a line of its stderr containing
// ready; the process is killed when the test ends.
func start(t *testing.T, ready, name string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(name, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = cmd.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, done: make(chan struct{})}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		found := false
		for sc.Scan() {
			if !found && strings.Contains(sc.Text(), ready) {
				found = true
				lines <- sc.Text()
			}
		}
		cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(p.kill)
	select {
	case p.first = <-lines:
	case <-p.done:
		t.Fatalf("%s exited before saying %q", name, ready)
	case <-time.After(testTimeout):
		t.Fatalf("%s did not say %q within %v", name, ready, testTimeout)
	}
	return p
}

// kill sends SIGKILL (kill -9) and waits for the process to end.
func (p *proc) kill() {
	p.cmd.Process.Kill()
	<-p.done
}
