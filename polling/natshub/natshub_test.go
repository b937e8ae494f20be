package natshub_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/polling"
	"github.com/wirelab/wirelab/polling/natshub"
	"github.com/wirelab/wirelab/polling/natshub/natsembed"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const testTimeout = 20 * time.Second

// startNATS runs an embedded NATS with JetStream in a temporary directory.
func startNATS(t *testing.T, listen, dir string) *server.Server {
	t.Helper()
	ns, err := natsembed.Start(natsembed.Options{Listen: listen, DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ns.Shutdown(); ns.WaitForShutdown() })
	return ns
}

// node is one wirelab node: its own NATS connection, backplane and server.
type node struct {
	bp          *natshub.Backplane
	addr        string
	reconnected chan struct{} // a value each time NATS comes back
	lost        chan struct{} // a value each time the connection drops
}

func startNode(t *testing.T, url string) *node {
	t.Helper()
	reconnected, lost := make(chan struct{}, 10), make(chan struct{}, 10)
	nc, err := nats.Connect(url, nats.ReconnectWait(20*time.Millisecond), nats.MaxReconnects(-1),
		nats.ReconnectHandler(func(*nats.Conn) { reconnected <- struct{}{} }),
		nats.DisconnectErrHandler(func(*nats.Conn, error) { lost <- struct{}{} }))
	if err != nil {
		t.Fatal(err)
	}
	bp, err := natshub.New(context.Background(), nc, natshub.Config{Retention: polling.Retention{Count: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	srv := &polling.Server{Channels: bp, AllowPublish: true, Retry: time.Millisecond}
	hs := &httpcore.Server{Handler: srv}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		hs.Close()
		<-done
		bp.Close()
		nc.Close()
	})
	return &node{bp: bp, addr: ln.Addr().String(), reconnected: reconnected, lost: lost}
}

// publish posts "message from..to" to a channel on a node, each
// acknowledged, and returns the sequence numbers JetStream gave them.
func publish(t *testing.T, addr, channel string, from, to int) []uint64 {
	t.Helper()
	var seqs []uint64
	for i := from; i <= to; i++ {
		status, body, _ := post(addr, "/publish?channel="+channel, fmt.Sprintf("message %d", i))
		var seq uint64
		if _, err := fmt.Sscanf(body, `{"seq":%d}`, &seq); status != 200 || err != nil {
			t.Errorf("POST /publish?channel=%s: %d %q", channel, status, body)
			return seqs
		}
		seqs = append(seqs, seq)
	}
	return seqs
}

func post(addr, target, body string) (int, string, httpcore.Header) {
	cc, err := httpcore.Dial(context.Background(), addr)
	if err != nil {
		return 0, err.Error(), httpcore.Header{}
	}
	defer cc.Close()
	resp, err := cc.Do(&httpcore.Request{Method: "POST", Target: target, ContentLength: int64(len(body)), Body: bytes.NewReader([]byte(body))})
	if err != nil {
		return 0, err.Error(), httpcore.Header{}
	}
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// reader checks that a client gets "message 1", "message 2", ... in
// order, each once, with increasing sequence numbers, and stops at want.
// With more set it stops before the message after want instead, so the
// client's cursor is that of message want.
type reader struct {
	t       *testing.T
	name    string
	got     int
	lastSeq uint64
	want    int
	more    bool
	stop    context.CancelFunc
}

var errEnough = errors.New("enough")

func (r *reader) fn(m polling.Message) error {
	if r.got >= r.want {
		return errEnough // not delivered: the cursor stays at message want
	}
	if want := fmt.Sprintf("message %d", r.got+1); string(m.Data) != want || m.Seq <= r.lastSeq {
		r.t.Errorf("%s: got %q (seq %d) after seq %d, want %q: lost, duplicated or out of order", r.name, m.Data, m.Seq, r.lastSeq, want)
	}
	r.got++
	r.lastSeq = m.Seq
	if r.got >= r.want && !r.more {
		r.stop()
	}
	return nil
}

func read(t *testing.T, c *polling.Client, r *reader) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	r.t, r.stop = t, cancel
	if err := c.Run(ctx, r.fn); err != nil && err != errEnough {
		t.Errorf("%s: %v", r.name, err)
	}
	if r.got != r.want {
		t.Errorf("%s: got %d messages, want %d (timed out)", r.name, r.got, r.want)
	}
}

func client(tr polling.Transport, addr, channel string) *polling.Client {
	return &polling.Client{Transport: tr, Addr: addr, Channel: channel, Interval: 5 * time.Millisecond, Wait: 5 * time.Second, Retry: 5 * time.Millisecond}
}

// TestTwoNodes: clients of every transport on node A read a channel that is
// published to on node B, interleaved with another channel (so the
// channel's sequence numbers have gaps); each gets every message once, in
// order.
func TestTwoNodes(t *testing.T) {
	ns := startNATS(t, "127.0.0.1:0", t.TempDir())
	a, b := startNode(t, ns.ClientURL()), startNode(t, ns.ClientURL())
	const n = 40
	var wg sync.WaitGroup
	for _, tr := range polling.Transports() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := client(tr, a.addr, "room")
			c.After = 0
			read(t, c, &reader{name: tr.String() + " on A", want: n})
		}()
	}
	for i := 1; i <= n; i++ {
		publish(t, b.addr, "room", i, i)
		publish(t, a.addr, "other", i, i)
	}
	wg.Wait()
}

// TestMoveNodes: a client reads half a channel on node A, stops, and goes on
// with its cursor on node B: nothing lost, nothing repeated.
func TestMoveNodes(t *testing.T) {
	ns := startNATS(t, "127.0.0.1:0", t.TempDir())
	a, b := startNode(t, ns.ClientURL()), startNode(t, ns.ClientURL())
	for _, tr := range polling.Transports() {
		t.Run(tr.String(), func(t *testing.T) {
			ch := "move-" + tr.String()
			publish(t, a.addr, ch, 1, 10)
			publish(t, b.addr, "noise", 1, 3)
			publish(t, a.addr, ch, 11, 20)
			r := &reader{name: "on A", want: 15, more: true}
			c := client(tr, a.addr, ch)
			read(t, c, r)
			if c.Cursor() != r.lastSeq {
				t.Fatalf("cursor %d after message 15, whose seq is %d", c.Cursor(), r.lastSeq)
			}
			// On B, with A's cursor, while more is published on A.
			r2 := &reader{name: "on B", want: 30, got: r.got, lastSeq: r.lastSeq}
			c2 := client(tr, b.addr, ch)
			c2.After = c.Cursor()
			var wg sync.WaitGroup
			var once sync.Once
			c2.OnConnect = func() {
				once.Do(func() {
					wg.Add(1)
					go func() { defer wg.Done(); publish(t, a.addr, ch, 21, 30) }()
				})
			}
			read(t, c2, r2)
			wg.Wait()
		})
	}
}

// TestCursorOnANodeBehind: a cursor from a node that has read further than
// this one is held until this node catches up, not refused; a cursor
// beyond the stream is 400.
func TestCursorOnANodeBehind(t *testing.T) {
	ns := startNATS(t, "127.0.0.1:0", t.TempDir())
	a := startNode(t, ns.ClientURL())
	seqs := publish(t, a.addr, "x", 1, 3)
	bh, err := a.bp.Hub("y") // a fresh channel: this node has read nothing of it
	if err != nil {
		t.Fatal(err)
	}
	msgs, wake, err := bh.Read(seqs[2], 0)
	if err != nil || len(msgs) != 0 || wake == nil {
		t.Errorf("Read(%d) on a channel the node has not read that far: got %v, %v, want held", seqs[2], msgs, err)
	}
	status, body := get(t, a.addr, fmt.Sprintf("/poll?channel=y&after=%d", seqs[2]+100))
	if status != 400 || !strings.Contains(body, "is ahead of the stream") {
		t.Errorf("cursor beyond the stream: got %d %q, want 400", status, body)
	}
}

func get(t *testing.T, addr, target string) (int, string) {
	t.Helper()
	cc, err := httpcore.Dial(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	resp, err := cc.Do(&httpcore.Request{Method: "GET", Target: target})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestPollingHasNoNATS: importing polling brings no NATS code.
func TestPollingHasNoNATS(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/wirelab/wirelab/polling").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "nats") {
		t.Errorf("go list -deps ./polling names a NATS package:\n%s", out)
	}
	if !strings.Contains(string(out), "github.com/wirelab/wirelab/httpcore") {
		t.Errorf("go list -deps ./polling lists no httpcore: is the output what we think?\n%s", out)
	}
}

// TestNATSDown stops NATS in the middle of a stream: POST /publish answers
// 503 with Retry-After, the clients stay held, and when NATS is back (same
// port, same data directory) they get what is published then, none lost.
func TestNATSDown(t *testing.T) {
	dir := t.TempDir()
	ns, err := natsembed.Start(natsembed.Options{Listen: "127.0.0.1:0", DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	listen := ns.Addr().String()
	a := startNode(t, ns.ClientURL())
	var wg sync.WaitGroup
	held := make(chan struct{}, len(polling.Transports()))
	for _, tr := range polling.Transports() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := client(tr, a.addr, "room")
			var once sync.Once
			r := &reader{name: tr.String(), want: 10}
			c.OnConnect = func() { once.Do(func() { held <- struct{}{} }) }
			read(t, c, r)
		}()
		<-held
	}
	publish(t, a.addr, "room", 1, 5)
	ns.Shutdown()
	ns.WaitForShutdown()
	<-a.lost
	status, body, h := post(a.addr, "/publish?channel=room", "lost?")
	if status != 503 || h.Get("Retry-After") == "" || !strings.Contains(body, "not connected to NATS") {
		t.Errorf("publish with NATS down: got %d %q (Retry-After %q), want 503 with Retry-After", status, body, h.Get("Retry-After"))
	}
	startNATS(t, listen, dir)
	select {
	case <-a.reconnected:
	case <-time.After(testTimeout):
		t.Fatal("the node did not reconnect to NATS")
	}
	publish(t, a.addr, "room", 6, 10)
	wg.Wait()
}

// TestCrossNodeLatency measures what NATS adds between nodes: a message
// published over HTTP on node B reaches a WebSocket client of node A, timed
// from just before the POST to the client's receipt, against the same
// client on node B itself.
func TestCrossNodeLatency(t *testing.T) {
	ns := startNATS(t, "127.0.0.1:0", t.TempDir())
	a, b := startNode(t, ns.ClientURL()), startNode(t, ns.ClientURL())
	const n = 200
	for _, on := range []struct {
		name, addr, ch string
	}{{"B to a client of A", a.addr, "lat-a"}, {"B to a client of B", b.addr, "lat-b"}} {
		ch := on.ch
		got := make(chan time.Time, n)
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		c := client(polling.WebSocket, on.addr, ch)
		ready := make(chan struct{})
		var once sync.Once
		c.OnConnect = func() { once.Do(func() { close(ready) }) }
		done := make(chan error, 1)
		go func() { done <- c.Run(ctx, func(polling.Message) error { got <- time.Now(); return nil }) }()
		<-ready
		lat := make([]time.Duration, 0, n)
		for i := 1; i <= n; i++ {
			t0 := time.Now()
			publish(t, b.addr, ch, i, i)
			select {
			case t1 := <-got:
				lat = append(lat, t1.Sub(t0))
			case <-ctx.Done():
				t.Fatalf("%s: message %d did not arrive", on.name, i)
			}
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		p50, p99 := lat[n/2], lat[n*99/100]
		t.Logf("%s: publish (HTTP, JetStream ack) to WebSocket delivery: p50 %v, p99 %v", on.name, p50.Round(time.Microsecond), p99.Round(time.Microsecond))
		if p99 > time.Second {
			t.Errorf("%s: p99 %v, want under 1s on loopback", on.name, p99)
		}
	}
}
