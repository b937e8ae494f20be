package http

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/httpcore/inspect"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/iostreams"
)

// ServeOptions are the flags of "wirelab http serve".
type ServeOptions struct {
	IO *iostreams.IOStreams
	// Addr is the TCP address to listen on; port 0 picks a free port.
	Addr string
	// Grace bounds how long a shutdown waits for requests in progress
	// before closing their connections.
	Grace time.Duration
}

// NewCmdServe returns "wirelab http serve". runF replaces the behaviour in
// tests; nil runs runServe.
func NewCmdServe(ios *iostreams.IOStreams, runF func(*ServeOptions) error) *cobra.Command {
	opts := &ServeOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: i18n.Pair(i18n.HelpHTTPServeShort)[0],
		Long:  i18n.Pair(i18n.HelpHTTPServeLong)[0],
		Example: `  wirelab http serve
  wirelab http serve --addr 127.0.0.1:0     # any free port
  curl -v http://127.0.0.1:8080/status/206 -H 'Range: bytes=0-4'
  curl -i http://127.0.0.1:8080/resource -H 'If-None-Match: "…ETag of a 200…"'   # 304`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runServe(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Addr, "addr", "127.0.0.1:8080", i18n.Pair(i18n.FlagHTTPServeAddr)[0])
	cmd.Flags().DurationVar(&opts.Grace, "grace", 5*time.Second, i18n.Pair(i18n.FlagHTTPServeGrace)[0])
	return cmd
}

// lockedWriter serialises writes from the server's connection goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// connLogger returns a Server.ConnEvent hook that logs each connection's
// life to w:
//
//	conn 127.0.0.1:51234 open
//	conn 127.0.0.1:51234 closed after 3 requests
func connLogger(w io.Writer) func(httpcore.ConnEvent) {
	return func(e httpcore.ConnEvent) {
		peer := e.Conn.RemoteAddr().String()
		switch e.State {
		case httpcore.StateOpen:
			fmt.Fprintf(w, "conn %s open\n", peer)
		case httpcore.StateClosed:
			if e.Err != nil {
				fmt.Fprintf(w, "conn %s closed after %s: %v\n", peer, plural(e.Requests, "request"), e.Err)
			} else {
				fmt.Fprintf(w, "conn %s closed after %s\n", peer, plural(e.Requests, "request"))
			}
		case httpcore.StateHijacked:
			fmt.Fprintf(w, "conn %s hijacked after %s\n", peer, plural(e.Requests, "request"))
		case httpcore.StateRejected:
			fmt.Fprintf(w, "conn %s rejected: too many connections (503)\n", peer)
		}
	}
}

// runServe serves the inspector on opts.Addr until ctx is cancelled or the
// process receives SIGINT or SIGTERM, then shuts down gracefully.
func runServe(ctx context.Context, opts *ServeOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return fmt.Errorf("listen on %q: %w", opts.Addr, err)
	}
	out := &lockedWriter{w: opts.IO.ErrOut}
	srv := &httpcore.Server{
		Handler:   inspect.Handler(),
		ConnEvent: connLogger(out),
		ErrorLog:  log.New(out, "", 0),
	}
	// A script reads this line to learn the port: keep its shape.
	fmt.Fprintf(out, "listening on http://%s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serving on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	fmt.Fprintf(out, "shutting down: waiting up to %v for requests in progress\n", opts.Grace)
	if opts.Grace > 0 {
		sctx, cancel := context.WithTimeout(context.Background(), opts.Grace)
		err = srv.Shutdown(sctx)
		cancel()
	} else {
		err = srv.Close()
	}
	if errors.Is(err, context.DeadlineExceeded) {
		fmt.Fprintf(out, "closed connections still busy after %v\n", opts.Grace)
	}
	if err := <-errc; !errors.Is(err, httpcore.ErrServerClosed) {
		return fmt.Errorf("serving on %s: %w", ln.Addr(), err)
	}
	fmt.Fprintln(out, "stopped")
	return nil
}
