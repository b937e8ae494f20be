// Package poll holds "wirelab poll serve", the live page that reads one
// stream with short polling, long polling, SSE and WebSocket side by side,
// and "wirelab compare", which measures them.
package poll

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/polling"
	"github.com/wirelab/wirelab/polling/compare"
)

// NewCmdPoll returns the "poll" command group.
func NewCmdPoll(ios *iostreams.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "poll <command>",
		Short: i18n.Pair(i18n.HelpPollShort)[0],
	}
	cmd.AddCommand(NewCmdServe(ios, nil))
	return cmd
}

// ServeOptions are the flags of "wirelab poll serve".
type ServeOptions struct {
	IO *iostreams.IOStreams
	// Addr is the TCP address to listen on; port 0 picks a free port.
	Addr string
	// Rate is how many messages per second the server publishes itself;
	// 0 publishes none.
	Rate float64
	// Payload is the size of each published message in bytes.
	Payload int
	// Publish enables POST /publish.
	Publish bool
	// KeepAlive is the number of requests of the short-versus-persistent
	// demonstration printed at start; 0 skips it.
	KeepAlive int
	// Bench serves only the transports, publishing over POST /publish,
	// with no page and no per-transport metering: the server "wirelab
	// compare" starts for each transport.
	Bench bool
	// Retention is how many messages each channel keeps for clients that
	// reconnect.
	Retention int
	// RetentionAge, if positive, also drops messages older than this.
	RetentionAge time.Duration
	// ChannelRetention overrides the retention of some channels.
	ChannelRetention map[string]polling.Retention
	// Channel is the channel the server publishes --rate messages to.
	Channel string
	// NATS is "" for the in-memory hub, "embedded" to run a NATS server
	// in the process, or NATS URLs to join (nats://h1:p1,nats://h2:p2).
	NATS string
	// Data is the embedded NATS server's JetStream directory ("" for a
	// temporary one, removed at exit).
	Data string
	// NATSListen is where the embedded NATS server listens.
	NATSListen string
	// Replicas is how many NATS servers keep each message.
	Replicas int
	// Node names this node in logs and /stats.
	Node string
}

// parseChannelRetention parses --channel-retention values such as
// "chat=1000" or "ticker=100:30s" (count, then an optional age).
func parseChannelRetention(vals []string) (map[string]polling.Retention, error) {
	m := map[string]polling.Retention{}
	for _, v := range vals {
		name, spec, ok := strings.Cut(v, "=")
		if !ok {
			return nil, fmt.Errorf("--channel-retention %q: want NAME=COUNT or NAME=COUNT:AGE, such as chat=1000:10m", v)
		}
		if err := polling.CheckChannel(name); err != nil {
			return nil, fmt.Errorf("--channel-retention %q: %w", v, err)
		}
		count, age, _ := strings.Cut(spec, ":")
		var r polling.Retention
		var err error
		if r.Count, err = strconv.Atoi(count); err != nil || r.Count < 1 {
			return nil, fmt.Errorf("--channel-retention %q: count %q is not a number of messages (1 or more)", v, count)
		}
		if age != "" {
			if r.Age, err = time.ParseDuration(age); err != nil || r.Age <= 0 {
				return nil, fmt.Errorf("--channel-retention %q: age %q is not a positive duration such as 30s or 10m", v, age)
			}
		}
		m[name] = r
	}
	return m, nil
}

// NewCmdServe returns "wirelab poll serve". runF replaces the behaviour in
// tests; nil runs runServe.
func NewCmdServe(ios *iostreams.IOStreams, runF func(*ServeOptions) error) *cobra.Command {
	opts := &ServeOptions{IO: ios}
	var channelRetention []string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: i18n.Pair(i18n.HelpPollServeShort)[0],
		Long:  i18n.Pair(i18n.HelpPollServeLong)[0],
		Example: `  wirelab poll serve                          # http://127.0.0.1:8090/
  wirelab poll serve --rate 5 --payload 200
  wirelab poll serve --addr 127.0.0.1:0 --publish
  wirelab poll serve --channel news --channel-retention news=100:10m
  wirelab poll serve --nats embedded --data /tmp/n1 --node n1 --publish
  wirelab poll serve --nats nats://127.0.0.1:4222 --node n2 --addr 127.0.0.1:8091
  curl -N http://127.0.0.1:8090/events
  curl 'http://127.0.0.1:8090/poll?after=0'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Rate < 0 {
				return fmt.Errorf("--rate %v: want 0 or more messages per second", opts.Rate)
			}
			if opts.Payload < 0 || opts.Payload > 1<<20 {
				return fmt.Errorf("--payload %d: want 0 to 1048576 bytes", opts.Payload)
			}
			if err := polling.CheckChannel(opts.Channel); err != nil {
				return fmt.Errorf("--channel: %w", err)
			}
			if opts.Retention < 1 {
				return fmt.Errorf("--retention %d: want 1 or more messages", opts.Retention)
			}
			if opts.RetentionAge < 0 {
				return fmt.Errorf("--retention-age %v: want 0 (no limit) or a positive duration", opts.RetentionAge)
			}
			if err := checkNATS(opts.NATS); err != nil {
				return err
			}
			if opts.NATS != "" && len(channelRetention) > 0 {
				return fmt.Errorf("--channel-retention works without --nats only: on NATS every channel shares the stream's retention (--retention, --retention-age)")
			}
			if opts.Node == "" {
				opts.Node, _ = os.Hostname()
			}
			var err error
			if opts.ChannelRetention, err = parseChannelRetention(channelRetention); err != nil {
				return err
			}
			if opts.Bench {
				opts.Rate, opts.Publish, opts.KeepAlive = 0, true, 0
			}
			if runF != nil {
				return runF(opts)
			}
			return runServe(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Addr, "addr", "127.0.0.1:8090", i18n.Pair(i18n.FlagHTTPServeAddr)[0])
	cmd.Flags().Float64Var(&opts.Rate, "rate", 1, i18n.Pair(i18n.FlagPollServeRate)[0])
	cmd.Flags().IntVar(&opts.Payload, "payload", 32, i18n.Pair(i18n.FlagPollServePayload)[0])
	cmd.Flags().BoolVar(&opts.Publish, "publish", false, i18n.Pair(i18n.FlagPollServePublish)[0])
	cmd.Flags().IntVar(&opts.KeepAlive, "keepalive", 100, i18n.Pair(i18n.FlagPollServeKeepalive)[0])
	cmd.Flags().IntVar(&opts.Retention, "retention", 1<<16, i18n.Pair(i18n.FlagPollServeRetention)[0])
	cmd.Flags().BoolVar(&opts.Bench, "bench", false, i18n.Pair(i18n.FlagPollServeBench)[0])
	cmd.Flags().DurationVar(&opts.RetentionAge, "retention-age", 0, i18n.Pair(i18n.FlagPollServeRetentionAge)[0])
	cmd.Flags().StringArrayVar(&channelRetention, "channel-retention", nil, i18n.Pair(i18n.FlagPollServeChannelRetention)[0])
	cmd.Flags().StringVar(&opts.Channel, "channel", polling.DefaultChannel, i18n.Pair(i18n.FlagPollServeChannel)[0])
	cmd.Flags().StringVar(&opts.NATS, "nats", "", i18n.Pair(i18n.FlagPollServeNATS)[0])
	cmd.Flags().StringVar(&opts.Data, "data", "", i18n.Pair(i18n.FlagPollServeData)[0])
	cmd.Flags().StringVar(&opts.NATSListen, "nats-listen", "127.0.0.1:4222", i18n.Pair(i18n.FlagPollServeNATSListen)[0])
	cmd.Flags().IntVar(&opts.Replicas, "replicas", 1, i18n.Pair(i18n.FlagPollServeReplicas)[0])
	cmd.Flags().StringVar(&opts.Node, "node", "", i18n.Pair(i18n.FlagPollServeNode)[0])
	cmd.Flags().MarkHidden("bench")
	return cmd
}

// lockedWriter serialises writes from several goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// payload returns n bytes of printable text for message seq.
func payload(seq uint64, n int) []byte {
	s := fmt.Sprintf("message %d ", seq)
	b := make([]byte, n)
	for i := range b {
		if i < len(s) {
			b[i] = s[i]
		} else {
			b[i] = 'a' + byte(i%26)
		}
	}
	return b
}

func runServe(ctx context.Context, opts *ServeOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	out := &lockedWriter{w: opts.IO.ErrOut}
	chs, note, stopChannels, err := channels(ctx, opts)
	if err != nil {
		return err
	}
	defer stopChannels()
	if opts.Channel == "" {
		opts.Channel = polling.DefaultChannel
	}
	hub, err := chs.Channel(opts.Channel)
	if err != nil {
		return err
	}
	var handler httpcore.Handler
	var ln net.Listener
	var closeHandler func() error
	if opts.Bench {
		srv := &polling.Server{Channels: chs, AllowPublish: true}
		l, err := net.Listen("tcp", opts.Addr)
		if err != nil {
			return fmt.Errorf("listen on %q: %w", opts.Addr, err)
		}
		handler, ln, closeHandler = srv, l, srv.Close
	} else {
		lab := compare.NewLab(nil)
		lab.Server.Channels = chs
		lab.Server.AllowPublish = opts.Publish
		lab.Node = opts.Node
		l, err := lab.Listen(opts.Addr)
		if err != nil {
			return fmt.Errorf("listen on %q: %w", opts.Addr, err)
		}
		handler, ln, closeHandler = lab, l, lab.Close
	}
	hs := &httpcore.Server{Handler: handler, MaxConns: -1, ErrorLog: log.New(out, "", 0)}
	// A script reads this line to learn the port: keep its shape.
	fmt.Fprintf(out, "listening on http://%s\n", ln.Addr())
	if note != "" {
		fmt.Fprintf(out, "node %s: %s\n", opts.Node, note)
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()

	var bg sync.WaitGroup
	bgCtx, cancelBG := context.WithCancel(ctx)
	defer func() { cancelBG(); bg.Wait() }()
	if opts.KeepAlive > 0 {
		bg.Add(1)
		go func() {
			defer bg.Done()
			res, err := compare.KeepAlive(bgCtx, ln.Addr().String(), "/hello", opts.KeepAlive)
			if err != nil {
				if bgCtx.Err() == nil {
					fmt.Fprintf(out, "keep-alive demo: %v\n", err)
				}
				return
			}
			fmt.Fprint(out, FormatKeepAlive(res))
		}()
	}
	if opts.Rate > 0 {
		bg.Add(1)
		go func() {
			defer bg.Done()
			tick := time.NewTicker(time.Duration(float64(time.Second) / opts.Rate))
			defer tick.Stop()
			for {
				select {
				case <-bgCtx.Done():
					return
				case <-tick.C:
					if _, err := hub.Publish(bgCtx, payload(hub.Last()+1, opts.Payload)); errors.Is(err, polling.ErrHubClosed) {
						return
					} // other errors (NATS down): try again next tick
				}
			}
		}()
	}

	select {
	case err := <-errc:
		return fmt.Errorf("serving on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	cancelBG()
	bg.Wait()
	closeHandler() // ends held polls and streams, closes WebSockets with 1001
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	err = hs.Shutdown(sctx)
	cancel()
	if errors.Is(err, context.DeadlineExceeded) {
		fmt.Fprintln(out, "closed connections still busy after 5s")
	}
	if err := <-errc; !errors.Is(err, httpcore.ErrServerClosed) {
		return fmt.Errorf("serving on %s: %w", ln.Addr(), err)
	}
	fmt.Fprintln(out, "stopped")
	return nil
}

// FormatKeepAlive renders the short-versus-persistent table:
//
//	100 × GET /hello         TCP conns     bytes   total ms   ms/request
//	HTTP/1.0, close              100     12345       45.1        0.451
//	HTTP/1.1, keep-alive           1      9876       12.3        0.123
func FormatKeepAlive(r *compare.KeepAliveResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-24s %9s %9s %10s %12s\n", fmt.Sprintf("%d × GET %s", r.Short.Requests, r.Path), "TCP conns", "bytes", "total ms", "ms/request")
	row := func(name string, x compare.KeepAliveRun) {
		fmt.Fprintf(&b, "%-24s %9d %9d %10.1f %12.3f\n", name, x.Connections, x.Bytes, x.Millis, x.Millis/float64(max(x.Requests, 1)))
	}
	row("HTTP/1.0, close", r.Short)
	row("HTTP/1.1, keep-alive", r.Persistent)
	return b.String()
}
