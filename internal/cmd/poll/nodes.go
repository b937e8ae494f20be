package poll

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/polling"
	"github.com/wirelab/wirelab/polling/compare"
	"github.com/wirelab/wirelab/polling/natshub"
	"github.com/wirelab/wirelab/polling/natshub/natsembed"
)

// startNodes starts, in this process, one embedded NATS server (JetStream
// in a temporary directory, on a free loopback port) and n polling servers
// on it, each with its own NATS connection and backplane, as separate
// processes would have. The NATS server goes with the last node stopped.
// Every node reports the whole process's CPU time divided by n.
func startNodes(ctx context.Context, n int) (_ []*compare.RunningServer, err error) {
	var stops []func()
	stopAll := func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
		stops = nil
	}
	defer func() {
		if err != nil {
			stopAll()
		}
	}()
	dir, err := os.MkdirTemp("", "wirelab-compare-nats-")
	if err != nil {
		return nil, err
	}
	stops = append(stops, func() { os.RemoveAll(dir) })
	ns, err := natsembed.Start(natsembed.Options{Listen: "127.0.0.1:0", DataDir: dir, Name: "compare"})
	if err != nil {
		return nil, err
	}
	stops = append(stops, func() { ns.Shutdown(); ns.WaitForShutdown() })
	url := ns.ClientURL()
	var stopErr error
	cpu0 := compare.ProcessCPU()
	srvs := make([]*compare.RunningServer, n)
	for i := range srvs {
		node := "n" + strconv.Itoa(i+1)
		nc, err := nats.Connect(url, nats.Name("wirelab compare "+node), nats.Timeout(3*time.Second))
		if err != nil {
			return nil, fmt.Errorf("node %s cannot reach the embedded NATS at %s: %w", node, url, err)
		}
		stops = append(stops, nc.Close)
		bctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		bp, err := natshub.New(bctx, nc, natshub.Config{})
		cancel()
		if err != nil {
			return nil, fmt.Errorf("node %s: %w", node, err)
		}
		stops = append(stops, func() { bp.Close() })
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ps := &polling.Server{Channels: bp, AllowPublish: true}
		hs := &httpcore.Server{Handler: ps, MaxConns: -1, WriteTimeout: polling.DefaultWriteTimeout}
		done := make(chan error, 1)
		go func() { done <- hs.Serve(ln) }()
		stopHTTP := func() error {
			ps.Close()
			hs.Close()
			err := <-done
			if errors.Is(err, httpcore.ErrServerClosed) {
				err = nil
			}
			return err
		}
		stops = append(stops, func() {
			if err := stopHTTP(); err != nil && stopErr == nil {
				stopErr = fmt.Errorf("node %s: %w", node, err)
			}
		})
		srvs[i] = &compare.RunningServer{Addr: ln.Addr().String(), CPUScope: "process"}
	}
	// The nodes stop together, once, when the first Stop is called; the
	// others then return nothing more.
	var stopped bool
	for _, s := range srvs {
		s.Stop = func() (time.Duration, error) {
			if stopped {
				return 0, nil
			}
			stopped = true
			cpu := compare.ProcessCPU() - cpu0
			stopAll()
			return cpu, stopErr
		}
	}
	return srvs, nil
}
