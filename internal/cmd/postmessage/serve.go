package postmessage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/postmessage"
)

// shutdownGrace bounds how long a shutdown waits for the bridge's
// WebSockets to answer the close frame.
const shutdownGrace = 5 * time.Second

// ServeOptions are the flags of "wirelab postmessage serve".
type ServeOptions struct {
	IO *iostreams.IOStreams
	// Parent, Frame and Attacker are the addresses of the three origins;
	// port 0 picks a free port.
	Parent, Frame, Attacker string
	// JSON prints the URLs and allow-lists as one JSON object.
	JSON bool
	// Quiet turns off the log of requests and WebSocket messages.
	Quiet bool
}

// NewCmdServe returns "wirelab postmessage serve". runF replaces the
// behaviour in tests; nil runs runServe.
func NewCmdServe(ios *iostreams.IOStreams, runF func(*ServeOptions) error) *cobra.Command {
	opts := &ServeOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: i18n.Pair(i18n.HelpPostMessageServeShort)[0],
		Long:  i18n.Pair(i18n.HelpPostMessageServeLong)[0],
		Example: `  wirelab postmessage serve
  wirelab postmessage serve --parent 127.0.0.1:0 --frame 127.0.0.2:0 --attacker 127.0.0.3:0
  wirelab postmessage serve --parent 127.0.0.1:8401 --frame 127.0.0.1:8402 --attacker 127.0.0.1:8403
  wirelab postmessage serve --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runServe(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Parent, "parent", postmessage.DefaultParentAddr, i18n.Pair(i18n.FlagPostMessageServeParent)[0])
	f.StringVar(&opts.Frame, "frame", postmessage.DefaultFrameAddr, i18n.Pair(i18n.FlagPostMessageServeFrame)[0])
	f.StringVar(&opts.Attacker, "attacker", postmessage.DefaultAttackerAddr, i18n.Pair(i18n.FlagPostMessageServeAttacker)[0])
	f.BoolVar(&opts.JSON, "json", false, i18n.Pair(i18n.FlagPostMessageServeJSON)[0])
	f.BoolVarP(&opts.Quiet, "quiet", "q", false, i18n.Pair(i18n.FlagPostMessageServeQuiet)[0])
	return cmd
}

// lockedWriter serialises writes from the servers' goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// Summary is what serve prints: where to go, and who trusts whom.
type Summary struct {
	Parent    string `json:"parent"`
	Frame     string `json:"frame"`
	Attacker  string `json:"attacker"`
	WebSocket string `json:"webSocket"`
	// The allow-lists, as serialised origins (RFC 6454 §6.2).
	ParentAccepts []string `json:"parentAccepts"`
	FrameAccepts  []string `json:"frameAccepts"`
	SocketAccepts []string `json:"socketAccepts"`
}

func summarize(l *postmessage.Lab) (Summary, error) {
	o := l.Origins()
	s := Summary{Parent: l.ParentURL(), Frame: l.FrameURL(), Attacker: l.AttackerURL(), WebSocket: l.SocketURL()}
	var err error
	if s.ParentAccepts, err = postmessage.AllowList(o.ParentPolicy()); err != nil {
		return s, err
	}
	if s.FrameAccepts, err = postmessage.AllowList(o.FramePolicy()); err != nil {
		return s, err
	}
	s.SocketAccepts, err = postmessage.AllowList(o.SocketPolicy())
	return s, err
}

func printSummary(w io.Writer, s Summary) {
	fmt.Fprintln(w, "wirelab postMessage lab: three origins on loopback")
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  1. parent\t%s\topen this: origin A, the safe and the vulnerable receivers, the bridge\n", s.Parent)
	fmt.Fprintf(tw, "     frame\t%s\torigin B, embedded by the parent; holds %s\n", s.Frame, s.WebSocket)
	fmt.Fprintf(tw, "  2. attacker\t%s\tthen this: origin C attacks both receivers\n", s.Attacker)
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, "allow-lists (RFC 6454 serialisations, rendered into the pages):")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  the parent's safe receiver accepts messages from\t%s\n", strings.Join(s.ParentAccepts, " "))
	fmt.Fprintf(tw, "  the frame accepts messages from\t%s\n", strings.Join(s.FrameAccepts, " "))
	fmt.Fprintf(tw, "  the WebSocket accepts the Origin\t%s (and clients that send none)\n", strings.Join(s.SocketAccepts, " "))
	fmt.Fprintf(tw, "  the vulnerable receiver accepts\tanything\n")
	tw.Flush()
}

// runServe serves the lab until ctx is cancelled or the process receives
// SIGINT or SIGTERM.
func runServe(ctx context.Context, opts *ServeOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	logw := &lockedWriter{w: opts.IO.ErrOut}
	cfg := postmessage.Config{
		ParentAddr: opts.Parent, FrameAddr: opts.Frame, AttackerAddr: opts.Attacker,
		ErrorLog: log.New(logw, "", 0),
	}
	if !opts.Quiet {
		cfg.Observe = func(e postmessage.Event) { fmt.Fprintln(logw, e) }
	}
	srv, err := postmessage.Start(cfg)
	if err != nil {
		if strings.Contains(err.Error(), "127.0.0.") && strings.Contains(err.Error(), "assign") {
			return fmt.Errorf("%w (this system lacks that loopback address: use three ports of 127.0.0.1, e.g. --frame 127.0.0.1:8402 --attacker 127.0.0.1:8403)", err)
		}
		return err
	}
	sum, err := summarize(srv.Lab)
	if err == nil {
		if opts.JSON {
			enc := json.NewEncoder(opts.IO.Out)
			enc.SetIndent("", "  ")
			err = enc.Encode(sum)
		} else {
			printSummary(opts.IO.Out, sum)
		}
	}
	if err == nil {
		<-ctx.Done()
	}
	fmt.Fprintf(logw, "shutting down: close 1001 to %d bridge WebSocket(s), waiting up to %v\n", srv.Sockets(), shutdownGrace)
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if serr := srv.Shutdown(sctx); serr != nil && !errors.Is(serr, context.DeadlineExceeded) && err == nil {
		err = serr
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(logw, "stopped")
	return nil
}
