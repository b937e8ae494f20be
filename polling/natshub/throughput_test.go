package natshub_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/polling"
)

// TestThroughputThreeNodes publishes on one channel from every one of three
// nodes at once (several publishers per node, each waiting for its
// acknowledgement) and logs messages per second through the channel: from
// the first publish to the last delivery at a WebSocket client on each
// node. Every client must get every message once, in JetStream order, and
// each publisher's messages in the order it sent them.
// WIRELAB_THROUGHPUT=N publishes N messages (default 900).
func TestThroughputThreeNodes(t *testing.T) {
	total := 900
	if v, err := strconv.Atoi(os.Getenv("WIRELAB_THROUGHPUT")); err == nil && v > 0 {
		total = v
	}
	const perNode = 3 // publishers per node
	ns := startNATS(t, "127.0.0.1:0", t.TempDir())
	nodes := []*node{startNode(t, ns.ClientURL()), startNode(t, ns.ClientURL()), startNode(t, ns.ClientURL())}
	const ch = "throughput"
	pubs := len(nodes) * perNode
	each := total / pubs
	total = each * pubs

	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	type seen struct {
		n       atomic.Int64
		lastSeq uint64
		lastOf  map[string]int // publisher → its last message number seen
		done    chan struct{}
	}
	var clients sync.WaitGroup
	var all []*seen
	for i, nd := range nodes {
		s := &seen{lastOf: map[string]int{}, done: make(chan struct{})}
		all = append(all, s)
		c := client(polling.WebSocket, nd.addr, ch)
		ready := make(chan struct{})
		var once sync.Once
		c.OnConnect = func() { once.Do(func() { close(ready) }) }
		clients.Add(1)
		go func() {
			defer clients.Done()
			err := c.Run(ctx, func(m polling.Message) error {
				p, num, _ := strings.Cut(string(m.Data), " ")
				j, _ := strconv.Atoi(num)
				if m.Seq <= s.lastSeq || j != s.lastOf[p]+1 {
					t.Errorf("client of node %d: %q (seq %d) after seq %d and %s's message %d: lost, duplicated or out of order", i, m.Data, m.Seq, s.lastSeq, p, s.lastOf[p])
				}
				s.lastSeq, s.lastOf[p] = m.Seq, j
				if s.n.Add(1) == int64(total) {
					close(s.done)
				}
				return nil
			})
			if err != nil && ctx.Err() == nil {
				t.Errorf("client of node %d: %v", i, err)
			}
		}()
		select {
		case <-ready:
		case <-ctx.Done():
			t.Fatalf("the client of node %d did not connect", i)
		}
	}

	start := time.Now()
	var wg sync.WaitGroup
	for p := range pubs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			addr := nodes[p%len(nodes)].addr
			cc, err := httpcore.Dial(ctx, addr)
			if err != nil {
				t.Error(err)
				return
			}
			defer cc.Close()
			for j := 1; j <= each; j++ {
				body := fmt.Sprintf("p%d %d", p, j)
				resp, err := cc.Do(&httpcore.Request{Method: "POST", Target: "/publish?channel=" + ch, ContentLength: int64(len(body)), Body: bytes.NewReader([]byte(body))})
				if err != nil {
					t.Errorf("publisher %d, message %d: %v", p, j, err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				if resp.StatusCode != 200 {
					t.Errorf("publisher %d, message %d: %d", p, j, resp.StatusCode)
					return
				}
			}
		}()
	}
	wg.Wait()
	published := time.Since(start)
	for i, s := range all {
		select {
		case <-s.done:
		case <-ctx.Done():
			t.Fatalf("the client of node %d got %d of %d messages", i, s.n.Load(), total)
		}
	}
	took := time.Since(start)
	cancel()
	clients.Wait()
	t.Logf("%d messages on one channel from %d publishers over 3 nodes (one embedded NATS): all acknowledged in %v (%.0f/s), all delivered to a WebSocket client on each node in %v (%.0f messages/s through the channel)",
		total, pubs, published.Round(time.Millisecond), float64(total)/published.Seconds(), took.Round(time.Millisecond), float64(total)/took.Seconds())
}
