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
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/polling"
	"github.com/wirelab/wirelab/polling/compare"
)

// NewCmdPoll returns the "poll" command group.
func NewCmdPoll(ios *iostreams.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "poll <command>",
		Short: "Short polling, long polling, Server-Sent Events and WebSocket on one stream",
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
	// Retention is how many messages the hub keeps for clients that
	// reconnect.
	Retention int
}

// NewCmdServe returns "wirelab poll serve". runF replaces the behaviour in
// tests; nil runs runServe.
func NewCmdServe(ios *iostreams.IOStreams, runF func(*ServeOptions) error) *cobra.Command {
	opts := &ServeOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve one message stream four ways, with a live page that reads all four side by side",
		Long: `Serve one message stream with short polling, long polling, Server-Sent Events and
WebSocket, on httpcore, and a page that subscribes with all four at once:

  /                      the live page: per transport, messages, latency, requests,
                         connections and bytes (counted at the server's sockets)
  /poll?after=SEQ        short poll: the messages after SEQ, at once
  /poll?after=SEQ&wait=S long poll: held up to S seconds until there is one
  /events                Server-Sent Events; resumes from Last-Event-ID
  /ws?after=SEQ          WebSocket, one text frame per message
  /stats                 the server's per-transport counts (JSON)
  /keepalive?n=100       n requests over HTTP/1.0 short connections against one
                         HTTP/1.1 persistent connection (JSON)
  POST /publish          with --publish: the body becomes a message

The server publishes --rate messages per second itself. At start it runs the
keep-alive demonstration against itself and prints the table. The first line
on stderr is "listening on http://HOST:PORT". SIGINT or SIGTERM stops it.`,
		Example: `  wirelab poll serve                          # http://127.0.0.1:8090/
  wirelab poll serve --rate 5 --payload 200
  wirelab poll serve --addr 127.0.0.1:0 --publish
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
			if opts.Bench {
				opts.Rate, opts.Publish, opts.KeepAlive = 0, true, 0
			}
			if runF != nil {
				return runF(opts)
			}
			return runServe(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Addr, "addr", "127.0.0.1:8090", "address to listen on (port 0 picks a free port)")
	cmd.Flags().Float64Var(&opts.Rate, "rate", 1, "messages per second the server publishes (0: none)")
	cmd.Flags().IntVar(&opts.Payload, "payload", 32, "bytes per published message")
	cmd.Flags().BoolVar(&opts.Publish, "publish", false, "accept POST /publish: the request body becomes a message")
	cmd.Flags().IntVar(&opts.KeepAlive, "keepalive", 100, "requests in the short-versus-persistent demonstration at start (0: skip)")
	cmd.Flags().IntVar(&opts.Retention, "retention", 1<<16, "messages kept for clients that reconnect")
	cmd.Flags().BoolVar(&opts.Bench, "bench", false, "serve only the transports and POST /publish (what compare runs)")
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
	hub := polling.NewMemoryHub(opts.Retention)
	var handler httpcore.Handler
	var ln net.Listener
	var closeHandler func() error
	if opts.Bench {
		srv := &polling.Server{Hub: hub, AllowPublish: true}
		l, err := net.Listen("tcp", opts.Addr)
		if err != nil {
			return fmt.Errorf("listen on %q: %w", opts.Addr, err)
		}
		handler, ln, closeHandler = srv, l, srv.Close
	} else {
		lab := compare.NewLab(hub)
		lab.Server.AllowPublish = opts.Publish
		l, err := lab.Listen(opts.Addr)
		if err != nil {
			return fmt.Errorf("listen on %q: %w", opts.Addr, err)
		}
		handler, ln, closeHandler = lab, l, lab.Close
	}
	hs := &httpcore.Server{Handler: handler, MaxConns: -1, ErrorLog: log.New(out, "", 0)}
	// A script reads this line to learn the port: keep its shape.
	fmt.Fprintf(out, "listening on http://%s\n", ln.Addr())
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
					if _, err := hub.Publish(bgCtx, payload(hub.Last()+1, opts.Payload)); err != nil {
						return
					}
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
	err := hs.Shutdown(sctx)
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
