package demo

import (
	"context"
	"fmt"
	"net"
	"os"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/polling"
	"github.com/wirelab/wirelab/polling/natshub"
	"github.com/wirelab/wirelab/polling/natshub/natsembed"
)

func failoverDemos() []Demo {
	return []Demo{{
		ID:      "failover",
		Summary: i18n.ByLang(i18n.DemoSummaryFailover),
		Run:     demoFailover,
	}}
}

// clusterNode is one wirelab node of the failover demo: its own NATS
// connection, backplane and polling server.
type clusterNode struct {
	nc   *nats.Conn
	bp   *natshub.Backplane
	srv  *polling.Server
	http *httpServer
}

func startClusterNode(ctx context.Context, url string) (*clusterNode, error) {
	nc, err := nats.Connect(url)
	if err != nil {
		return nil, fmt.Errorf("connecting to NATS at %s: %w", url, err)
	}
	bp, err := natshub.New(ctx, nc, natshub.Config{Retention: polling.Retention{Count: 256}})
	if err != nil {
		nc.Close()
		return nil, err
	}
	n := &clusterNode{nc: nc, bp: bp, srv: &polling.Server{Channels: bp, Heartbeat: time.Minute}}
	if n.http, err = startHTTP(n.srv); err != nil {
		bp.Close()
		nc.Close()
		return nil, err
	}
	return n, nil
}

// Stop closes the node's held streams, its listener and connections, then
// its consumers and its NATS connection.
func (n *clusterNode) Stop() {
	n.srv.Close()
	n.http.Close()
	n.bp.Close()
	n.nc.Close()
}

func demoFailover(ctx context.Context, e *Env) error {
	const channel, before, after = "news", 5, 5
	dir, err := os.MkdirTemp("", "wirelab-failover-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ns, err := natsembed.Start(natsembed.Options{Listen: "127.0.0.1:0", DataDir: dir, Name: "wirelab-demo"})
	if err != nil {
		return err
	}
	defer func() { ns.Shutdown(); ns.WaitForShutdown() }()
	e.Tell(i18n.DemoFailoverNATS, ns.ClientURL(), natshub.DefaultStream, channel, natshub.DefaultSubject+"."+channel)

	a, err := startClusterNode(ctx, ns.ClientURL())
	if err != nil {
		return err
	}
	aStopped := false
	defer func() {
		if !aStopped {
			a.Stop()
		}
	}()
	b, err := startClusterNode(ctx, ns.ClientURL())
	if err != nil {
		return err
	}
	defer b.Stop()
	e.Tell(i18n.DemoFailoverNodes)
	e.Printf("  A  http://%s\n  B  http://%s\n", a.http.Addr, b.http.Addr)

	// The client knows one name, as it would behind a load balancer; its
	// Dial connects to whichever node target names: A, then B once A is
	// gone.
	var target atomic.Pointer[string]
	target.Store(&a.http.Addr)
	var onB atomic.Bool
	resumed := make(chan uint64, 1)
	c := &polling.Client{Transport: polling.SSE, Addr: "news.wirelab.test:80", Channel: channel, Retry: 10 * time.Millisecond}
	c.Dial = func(ctx context.Context, network, _ string) (net.Conn, error) {
		addr := *target.Load()
		onB.Store(addr == b.http.Addr)
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
	c.OnConnect = func() {
		if onB.Load() {
			select {
			case resumed <- c.Cursor():
			default:
			}
		}
	}

	published := map[uint64]string{}
	publish := func(n *clusterNode, from, to int) error {
		h, err := n.bp.Hub(channel)
		if err != nil {
			return err
		}
		for i := from; i <= to; i++ {
			data := fmt.Sprintf("news %d", i)
			m, err := h.Publish(ctx, []byte(data))
			if err != nil {
				return err
			}
			published[m.Seq] = data
		}
		return nil
	}

	var got []polling.Message
	readA := make(chan struct{})
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- c.Run(runCtx, func(m polling.Message) error {
			got = append(got, m)
			switch len(got) {
			case before:
				close(readA)
			case before + after:
				cancel()
			}
			return nil
		})
	}()
	// The client starts from the stream's first message (cursor 0), so
	// publishing may begin before it is connected.
	if err := publish(a, 1, before); err != nil {
		return err
	}
	select {
	case <-readA:
	case err := <-done:
		return fmt.Errorf("the client stopped before reading %d messages on node A: %v", before, err)
	case <-ctx.Done():
		return ctx.Err()
	}
	cursorA := c.Cursor()
	e.Tell(i18n.DemoFailoverReadOnA, before, cursorA)

	a.Stop()
	aStopped = true
	e.Tell(i18n.DemoFailoverStopA)
	if err := publish(b, before+1, before+after); err != nil {
		return err
	}
	e.Tell(i18n.DemoFailoverPublishedOnB, after)
	target.Store(&b.http.Addr)

	var carried uint64
	select {
	case carried = <-resumed:
	case err := <-done:
		return fmt.Errorf("the client stopped before reconnecting to node B: %v", err)
	case <-ctx.Done():
		return ctx.Err()
	}
	e.Tell(i18n.DemoFailoverReconnected, carried)
	if err := <-done; err != nil {
		return err
	}
	if err := check(len(got) == before+after, "the client read %d messages, want %d", len(got), before+after); err != nil {
		return err
	}
	onBMsgs := got[before:]
	e.Tell(i18n.DemoFailoverReadOnB, len(onBMsgs), onBMsgs[0].Seq, onBMsgs[len(onBMsgs)-1].Seq)

	// Every published message received exactly once, with the data it was
	// published with.
	seen := map[uint64]int{}
	duplicated := 0
	for _, m := range got {
		seen[m.Seq]++
		if seen[m.Seq] > 1 {
			duplicated++
		}
		if want, ok := published[m.Seq]; !ok || want != string(m.Data) {
			return fmt.Errorf("the client got %q as seq %d, which was published as %q", m.Data, m.Seq, want)
		}
	}
	lost := 0
	for seq := range published {
		if seen[seq] == 0 {
			lost++
		}
	}
	e.Tell(i18n.DemoFailoverTally, len(published), len(got), lost, duplicated)
	if err := check(carried == cursorA, "the client resumed on node B from cursor %d, but it had read up to %d on node A", carried, cursorA); err != nil {
		return err
	}
	if err := check(lost == 0 && duplicated == 0, "%d lost, %d duplicated across the failover", lost, duplicated); err != nil {
		return err
	}
	e.Tell(i18n.DemoFailoverWhy)
	return nil
}
