package poll

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/polling"
	"github.com/wirelab/wirelab/polling/compare"
)

// CompareOptions are the flags of "wirelab compare".
type CompareOptions struct {
	IO         *iostreams.IOStreams
	Clients    int
	Rate       float64
	Duration   time.Duration
	Payload    int
	Transports []polling.Transport
	Interval   time.Duration
	Wait       time.Duration
	// BrowserHeaders makes every client send the request fields a browser
	// sends, instead of only Host.
	BrowserHeaders bool
	JSON           bool
	HTML           string
	// InProcess runs the server inside this process instead of as a child
	// process; its CPU time then includes the clients'.
	InProcess bool
}

// NewCmdCompare returns "wirelab compare". runF replaces the behaviour in
// tests; nil runs runCompare.
func NewCmdCompare(ios *iostreams.IOStreams, runF func(*CompareOptions) error) *cobra.Command {
	opts := &CompareOptions{IO: ios}
	var transports string
	cmd := &cobra.Command{
		Use:   "compare",
		Short: "Measure short polling, long polling, SSE and WebSocket against one stream",
		Long: `Run --clients readers of each transport on loopback against one stream of --rate
messages per second for --duration, each message --payload bytes, and measure
per transport:

  delivered, lost, dup   every client must see every message once, in order
  bytes/msg, overhead    bytes on the wire in both directions, counted at the
                         client sockets, per message delivered; overhead is
                         everything but the payload (headers, chunk lines,
                         frame headers, the JSON envelope, handshakes)
  requests, conns        HTTP requests sent and TCP connections opened
  p50, p95, p99          delivery latency: from publish to the client
  server CPU             user+system CPU seconds of the server process

Each transport runs in turn against a fresh server: a child process
("wirelab poll serve --bench"), so its CPU time is the server's alone
(--in-process shares this process instead). A short-polling client asks every
--interval; a long poll asks the server to hold it --wait.`,
		Example: `  wirelab compare --clients 100 --rate 1 --duration 20s --payload 64
  wirelab compare --clients 1000 --transports long,ws --json
  wirelab compare --clients 100 --html report.html --browser-headers`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ts, err := polling.ParseTransports(transports)
			if err != nil {
				return fmt.Errorf("--transports: %w", err)
			}
			opts.Transports = ts
			switch {
			case opts.Clients < 1:
				return fmt.Errorf("--clients %d: want at least 1", opts.Clients)
			case opts.Rate <= 0:
				return fmt.Errorf("--rate %v: want more than 0 messages per second", opts.Rate)
			case opts.Duration <= 0:
				return fmt.Errorf("--duration %v: want more than 0", opts.Duration)
			case opts.Payload < 0 || opts.Payload > 1<<20:
				return fmt.Errorf("--payload %d: want 0 to 1048576 bytes", opts.Payload)
			case opts.Interval <= 0:
				return fmt.Errorf("--interval %v: want more than 0", opts.Interval)
			case opts.Wait <= 0 || opts.Wait > polling.DefaultMaxWait:
				return fmt.Errorf("--wait %v: want more than 0 and at most %v", opts.Wait, polling.DefaultMaxWait)
			}
			if runF != nil {
				return runF(opts)
			}
			return runCompare(cmd.Context(), opts)
		},
	}
	cmd.Flags().IntVarP(&opts.Clients, "clients", "n", 100, "readers per transport")
	cmd.Flags().Float64VarP(&opts.Rate, "rate", "r", 1, "messages per second on the stream")
	cmd.Flags().DurationVarP(&opts.Duration, "duration", "d", 10*time.Second, "how long each transport's stream runs")
	cmd.Flags().IntVarP(&opts.Payload, "payload", "b", 64, "bytes per message")
	cmd.Flags().StringVar(&transports, "transports", "short,long,sse,ws", "transports to measure, comma-separated")
	cmd.Flags().DurationVar(&opts.Interval, "interval", time.Second, "short-polling period")
	cmd.Flags().DurationVar(&opts.Wait, "wait", 25*time.Second, "how long a long poll asks to be held")
	cmd.Flags().BoolVar(&opts.BrowserHeaders, "browser-headers", false, "send a browser's request fields (User-Agent, Accept, Cookie, ...) with each request")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the results as JSON")
	cmd.Flags().StringVar(&opts.HTML, "html", "", "also write an HTML report with charts to this file")
	cmd.Flags().BoolVar(&opts.InProcess, "in-process", false, "run the server in this process (its CPU time then includes the clients')")
	return cmd
}

func runCompare(ctx context.Context, opts *CompareOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	cfg := compare.CompareConfig{
		Clients:    opts.Clients,
		Rate:       opts.Rate,
		Duration:   opts.Duration,
		Payload:    opts.Payload,
		Transports: opts.Transports,
		Interval:   opts.Interval,
		Wait:       opts.Wait,
	}
	if opts.BrowserHeaders {
		cfg.Header = compare.BrowserHeader()
	}
	if !opts.InProcess {
		exe, err := os.Executable()
		if err != nil {
			return fmt.Errorf("finding this program to start the server (try --in-process): %w", err)
		}
		cfg.StartServer = childServer(exe)
	}
	if opts.IO.IsTTY {
		bar := newBar(opts.IO.ErrOut, len(opts.Transports), opts)
		cfg.Progress = bar.update
		defer bar.finish()
	}
	res, err := compare.Compare(ctx, cfg)
	if err != nil {
		return err
	}
	if opts.HTML != "" {
		f, err := os.Create(opts.HTML)
		if err != nil {
			return fmt.Errorf("--html: %w", err)
		}
		if err := compare.WriteHTMLReport(f, res); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("--html: %w", err)
		}
	}
	if opts.JSON {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	return WriteTable(opts.IO.Out, res)
}

// WriteTable prints the results as an aligned table.
func WriteTable(w io.Writer, res *compare.CompareResult) error {
	c := res.Config
	fmt.Fprintf(w, "%d clients per transport, %g msg/s for %gs, %d-byte payload, short-poll interval %gs\n\n",
		c.Clients, c.Rate, c.DurationSeconds, c.Payload, c.IntervalSeconds)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "transport\tdelivered\tlost\tdup\tbytes/msg\toverhead/msg\trequests\treq/msg\tconns\tp50 ms\tp95 ms\tp99 ms\tserver CPU s\t")
	for _, r := range res.Transports {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.1f\t%.1f\t%d\t%.2f\t%d\t%.1f\t%.1f\t%.1f\t%.3f\t\n",
			r.Name, r.Delivered, r.Lost, r.Duplicated, r.BytesPerMessage, r.OverheadBytesPerMessage,
			r.Requests, r.RequestsPerMessage, r.Connections, r.Latency.P50, r.Latency.P95, r.Latency.P99, r.ServerCPUSeconds)
	}
	return tw.Flush()
}

// childServer starts "wirelab poll serve --bench" for each transport, so
// the server's CPU time is its process's own.
func childServer(exe string) func(context.Context) (*compare.RunningServer, error) {
	return func(ctx context.Context) (*compare.RunningServer, error) {
		cmd := exec.Command(exe, "poll", "serve", "--bench", "--addr", "127.0.0.1:0")
		stderr, err := cmd.StderrPipe()
		if err != nil {
			return nil, err
		}
		if err := cmd.Start(); err != nil {
			return nil, err
		}
		br := bufio.NewReader(stderr)
		line, err := br.ReadString('\n')
		addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on http://")
		if err != nil || !ok {
			cmd.Process.Kill()
			rest, _ := io.ReadAll(br)
			cmd.Wait()
			return nil, fmt.Errorf("the server process %s said %q, not \"listening on http://HOST:PORT\"", exe, strings.TrimSpace(line+string(rest)))
		}
		var tail strings.Builder
		drained := make(chan struct{})
		go func() {
			defer close(drained)
			io.Copy(&tail, br) // keep its log for an error message
		}()
		return &compare.RunningServer{
			Addr:     addr,
			CPUScope: "server",
			Stop: func() (time.Duration, error) {
				cmd.Process.Signal(syscall.SIGTERM)
				<-drained
				err := cmd.Wait()
				cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
				if err != nil {
					var ee *exec.ExitError
					if errors.As(err, &ee) {
						err = fmt.Errorf("server process: %v: %s", err, strings.TrimSpace(tail.String()))
					}
				}
				return cpu, err
			},
		}, nil
	}
}

// bar draws progress on a terminal: one step per message published.
type bar struct {
	pb    *progressbar.ProgressBar
	total int
	index map[polling.Transport]int
}

func newBar(w io.Writer, n int, opts *CompareOptions) *bar {
	per := max(1, int(opts.Rate*opts.Duration.Seconds()+0.5))
	b := &bar{total: per, index: map[polling.Transport]int{}}
	for i, t := range opts.Transports {
		b.index[t] = i
	}
	b.pb = progressbar.NewOptions(per*n,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("starting"),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	return b
}

func (b *bar) update(p compare.Progress) {
	b.pb.Describe(fmt.Sprintf("%-5s %-10s", p.Transport, p.Phase))
	b.pb.Set(b.index[p.Transport]*b.total + p.Published)
}

func (b *bar) finish() { b.pb.Finish() }
