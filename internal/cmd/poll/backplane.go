package poll

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/wirelab/wirelab/polling"
	"github.com/wirelab/wirelab/polling/natshub"
	"github.com/wirelab/wirelab/polling/natshub/natsembed"
)

// channels returns what carries the server's channels: a MemoryChannels
// without --nats, else a natshub.Backplane on an embedded NATS server or on
// the NATS servers --nats names. note says what was set up, for the log;
// stop releases it.
func channels(ctx context.Context, opts *ServeOptions) (chs polling.Channels, note string, stop func(), err error) {
	ret := polling.Retention{Count: opts.Retention, Age: opts.RetentionAge}
	if opts.NATS == "" {
		mc := &polling.MemoryChannels{Retention: ret, PerChannel: opts.ChannelRetention}
		return mc, "", func() { mc.Close() }, nil
	}
	var stops []func()
	stopAll := func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	defer func() {
		if err != nil {
			stopAll()
		}
	}()
	url := opts.NATS
	if opts.NATS == "embedded" {
		dir := opts.Data
		if dir == "" {
			if dir, err = os.MkdirTemp("", "wirelab-nats-"); err != nil {
				return nil, "", nil, err
			}
			stops = append(stops, func() { os.RemoveAll(dir) })
		}
		ns, err := natsembed.Start(natsembed.Options{Listen: opts.NATSListen, DataDir: dir, Name: opts.Node})
		if err != nil {
			return nil, "", nil, err
		}
		stops = append(stops, func() { ns.Shutdown(); ns.WaitForShutdown() })
		url = ns.ClientURL()
		note = fmt.Sprintf("NATS embedded on %s, JetStream in %s; other nodes join with --nats %s", url, dir, url)
	}
	nc, err := nats.Connect(url, nats.Name("wirelab "+opts.Node), nats.Timeout(3*time.Second),
		nats.MaxReconnects(-1), nats.ReconnectWait(250*time.Millisecond))
	if err != nil {
		return nil, "", nil, fmt.Errorf("cannot reach NATS at %s: %w (is nats-server running there? --nats embedded runs one in this process)", url, err)
	}
	stops = append(stops, nc.Close)
	bctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	bp, err := natshub.New(bctx, nc, natshub.Config{Replicas: opts.Replicas, Retention: ret})
	if err != nil {
		return nil, "", nil, err
	}
	stops = append(stops, func() { bp.Close() })
	if note == "" {
		note = fmt.Sprintf("NATS at %s, stream %s with %d replica(s)", nc.ConnectedUrlRedacted(), natshub.DefaultStream, max(opts.Replicas, 1))
	}
	return bp, note, stopAll, nil
}

// checkNATS checks the --nats value: "embedded" or a comma-separated list
// of nats:// URLs.
func checkNATS(v string) error {
	if v == "" || v == "embedded" {
		return nil
	}
	for _, u := range strings.Split(v, ",") {
		if !strings.HasPrefix(u, "nats://") && !strings.HasPrefix(u, "tls://") {
			return fmt.Errorf("--nats %q: %q is not a nats:// URL: want embedded or nats://HOST:PORT,nats://HOST:PORT", v, u)
		}
	}
	return nil
}
