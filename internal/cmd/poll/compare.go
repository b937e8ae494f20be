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
	"github.com/wirelab/wirelab/internal/i18n"
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
	// Channel is the channel published to and read.
	Channel string
	// Nodes above 1 spreads the clients over that many servers on one
	// embedded NATS (in this process).
	Nodes int
}

// NewCmdCompare returns "wirelab compare". runF replaces the behaviour in
// tests; nil runs runCompare.
func NewCmdCompare(ios *iostreams.IOStreams, runF func(*CompareOptions) error) *cobra.Command {
	opts := &CompareOptions{IO: ios}
	var transports string
	cmd := &cobra.Command{
		Use:   "compare",
		Short: i18n.Pair(i18n.HelpCompareShort)[0],
		Long:  i18n.Pair(i18n.HelpCompareLong)[0],
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
			case opts.Nodes < 1 || opts.Nodes > 64:
				return fmt.Errorf("--nodes %d: want 1 to 64 servers", opts.Nodes)
			}
			if err := polling.CheckChannel(opts.Channel); err != nil {
				return fmt.Errorf("--channel: %w", err)
			}
			if runF != nil {
				return runF(opts)
			}
			return runCompare(cmd.Context(), opts)
		},
	}
	cmd.Flags().IntVarP(&opts.Clients, "clients", "n", 100, i18n.Pair(i18n.FlagCompareClients)[0])
	cmd.Flags().Float64VarP(&opts.Rate, "rate", "r", 1, i18n.Pair(i18n.FlagCompareRate)[0])
	cmd.Flags().DurationVarP(&opts.Duration, "duration", "d", 10*time.Second, i18n.Pair(i18n.FlagCompareDuration)[0])
	cmd.Flags().IntVarP(&opts.Payload, "payload", "b", 64, i18n.Pair(i18n.FlagComparePayload)[0])
	cmd.Flags().StringVar(&transports, "transports", "short,long,sse,ws", i18n.Pair(i18n.FlagCompareTransports)[0])
	cmd.Flags().DurationVar(&opts.Interval, "interval", time.Second, i18n.Pair(i18n.FlagCompareInterval)[0])
	cmd.Flags().DurationVar(&opts.Wait, "wait", 25*time.Second, i18n.Pair(i18n.FlagCompareWait)[0])
	cmd.Flags().BoolVar(&opts.BrowserHeaders, "browser-headers", false, i18n.Pair(i18n.FlagCompareBrowserHeaders)[0])
	cmd.Flags().BoolVar(&opts.JSON, "json", false, i18n.Pair(i18n.FlagCompareJSON)[0])
	cmd.Flags().StringVar(&opts.HTML, "html", "", i18n.Pair(i18n.FlagCompareHTML)[0])
	cmd.Flags().BoolVar(&opts.InProcess, "in-process", false, i18n.Pair(i18n.FlagCompareInProcess)[0])
	cmd.Flags().StringVar(&opts.Channel, "channel", polling.DefaultChannel, i18n.Pair(i18n.FlagCompareChannel)[0])
	cmd.Flags().IntVar(&opts.Nodes, "nodes", 1, i18n.Pair(i18n.FlagCompareNodes)[0])
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
		Nodes:      opts.Nodes,
		StartNodes: startNodes,
	}
	if opts.Channel != polling.DefaultChannel {
		cfg.Channel = opts.Channel
	}
	if opts.BrowserHeaders {
		cfg.Header = compare.BrowserHeader()
	}
	if !opts.InProcess && opts.Nodes <= 1 {
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
	if err := tw.Flush(); err != nil {
		return err
	}
	if c.Nodes < 2 {
		return nil
	}
	fmt.Fprintf(w, "\n%d nodes on one embedded NATS, published on node 1, clients round-robin\n\n", c.Nodes)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "transport\tnode\tclients\tdelivered\tlost\tdup\tp50 ms\tp95 ms\tp99 ms\textra p50 ms\t")
	for _, r := range res.Transports {
		for _, n := range r.PerNode {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%.1f\t%.1f\t%.1f\t%+.1f\t\n",
				r.Name, n.Node, n.Clients, n.Delivered, n.Lost, n.Duplicated, n.Latency.P50, n.Latency.P95, n.Latency.P99, n.ExtraP50)
		}
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
