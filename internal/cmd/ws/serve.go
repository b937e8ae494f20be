package ws

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/websocket"
)

// echoPage is the page served on GET / without an upgrade: a text box that
// talks to the echo over the browser's WebSocket API. It needs no network.
//
//go:embed static/echo.html
var echoPage string

// shutdownGrace bounds how long a shutdown waits for the peers to answer
// the close frame before it closes their connections.
const shutdownGrace = 5 * time.Second

// ServeOptions are the flags of "wirelab ws serve".
type ServeOptions struct {
	IO *iostreams.IOStreams
	// Addr is the TCP address to listen on; port 0 picks a free port.
	Addr string
	// Origins, when set, restricts browsers to these origins (and the
	// server's own); "null" admits pages opened from disk. Empty accepts
	// every origin.
	Origins []string
	// Subprotocols are offered to clients, in order of preference.
	Subprotocols []string
	// Quiet turns off the per-connection log: handshakes, frames, closes.
	Quiet bool
	// Compress accepts permessage-deflate (RFC 7692) when a client offers
	// it, with context takeover allowed both ways.
	Compress bool
}

// NewCmdServe returns "wirelab ws serve". runF replaces the behaviour in
// tests; nil runs runServe.
func NewCmdServe(ios *iostreams.IOStreams, runF func(*ServeOptions) error) *cobra.Command {
	opts := &ServeOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: i18n.Pair(i18n.HelpWSServeShort)[0],
		Long:  i18n.Pair(i18n.HelpWSServeLong)[0],
		Example: `  wirelab ws serve                       # ws://127.0.0.1:9998/echo
  wirelab ws serve --addr 127.0.0.1:0    # any free port
  wirelab ws serve --origin http://localhost:8000 --origin null
  wirelab ws dial ws://127.0.0.1:9998/echo`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := originPolicy(opts.Origins); err != nil {
				return err
			}
			for _, p := range opts.Subprotocols {
				if p == "" || strings.ContainsAny(p, ", \t") {
					return fmt.Errorf("--subprotocol %q: want one token, without commas or spaces (RFC 6455 §4.1)", p)
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return runServe(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Addr, "addr", "127.0.0.1:9998", i18n.Pair(i18n.FlagHTTPServeAddr)[0])
	f.StringArrayVar(&opts.Origins, "origin", nil, i18n.Pair(i18n.FlagWSServeOrigin)[0])
	f.StringArrayVar(&opts.Subprotocols, "subprotocol", nil, i18n.Pair(i18n.FlagWSServeSubprotocol)[0])
	f.BoolVarP(&opts.Quiet, "quiet", "q", false, i18n.Pair(i18n.FlagWSServeQuiet)[0])
	f.BoolVar(&opts.Compress, "compress", false, i18n.Pair(i18n.FlagWSServeCompress)[0])
	return cmd
}

// originPolicy turns the --origin values into a policy: every origin when
// there are none, else the list plus the server's own.
func originPolicy(origins []string) (websocket.OriginPolicy, error) {
	if len(origins) == 0 {
		return websocket.OriginPolicy{AllowAny: true}, nil
	}
	var p websocket.OriginPolicy
	for _, s := range origins {
		o, err := websocket.ParseOrigin(s)
		if err != nil {
			return p, fmt.Errorf("--origin %q: %w", s, err)
		}
		if o.IsOpaque() {
			p.AllowOpaque = true
			continue
		}
		p.Allow = append(p.Allow, o)
	}
	return p, nil
}

// runServe serves the echo on opts.Addr until ctx is cancelled or the
// process receives SIGINT or SIGTERM.
func runServe(ctx context.Context, opts *ServeOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	policy, err := originPolicy(opts.Origins)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return fmt.Errorf("listen on %q: %w", opts.Addr, err)
	}
	out := &lockedWriter{w: opts.IO.ErrOut}
	es := &echoServer{
		up:    websocket.Upgrader{Subprotocols: opts.Subprotocols, Origins: policy, Compression: compression(opts.Compress)},
		log:   out,
		quiet: opts.Quiet,
		anyOK: len(opts.Origins) == 0,
		conns: make(map[*websocket.Conn]struct{}),
	}
	srv := &httpcore.Server{Handler: es, ErrorLog: log.New(out, "", 0)}
	// A script reads this line to learn the port: keep its shape.
	fmt.Fprintf(out, "listening on ws://%s\n", ln.Addr())
	if len(opts.Origins) == 0 {
		fmt.Fprintf(out, "echoing on every path; any Origin is accepted (restrict with --origin); page at http://%s/\n", ln.Addr())
	} else {
		fmt.Fprintf(out, "echoing on every path; Origins accepted: %s and the server's own; page at http://%s/\n", strings.Join(opts.Origins, ", "), ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serving on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}

	n := es.goingAway()
	fmt.Fprintf(out, "shutting down: sent close 1001 (going away) to %s; waiting up to %v for the replies\n", plural(n, "connection"), shutdownGrace)
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	err = srv.Shutdown(sctx)
	cancel()
	if errors.Is(err, context.DeadlineExceeded) {
		fmt.Fprintf(out, "closed connections that did not finish closing within %v\n", shutdownGrace)
	}
	es.wg.Wait()
	if err := <-errc; !errors.Is(err, httpcore.ErrServerClosed) {
		return fmt.Errorf("serving on %s: %w", ln.Addr(), err)
	}
	fmt.Fprintln(out, "stopped")
	return nil
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// echoServer is the handler: it upgrades, echoes, and remembers the open
// connections so a shutdown can say goodbye.
type echoServer struct {
	up    websocket.Upgrader
	log   io.Writer
	quiet bool
	anyOK bool // the origin policy is "any": say so when logging the Origin
	seq   atomic.Int64

	mu      sync.Mutex
	conns   map[*websocket.Conn]struct{}
	closing bool
	wg      sync.WaitGroup // goingAway's goroutines
}

func (s *echoServer) logf(format string, args ...any) {
	if !s.quiet {
		fmt.Fprintf(s.log, format+"\n", args...)
	}
}

// wantsWebSocket reports whether a request tries to open a WebSocket, even
// a malformed one, so that the Upgrader answers it with the precise error.
func wantsWebSocket(r *httpcore.Request) bool {
	return r.Header.Has("Upgrade") || r.Header.Has("Sec-WebSocket-Key") || r.Header.Has("Sec-WebSocket-Version")
}

func (s *echoServer) ServeHTTP(w *httpcore.ResponseWriter, r *httpcore.Request) {
	if !wantsWebSocket(r) {
		s.servePlain(w, r)
		return
	}
	id := s.seq.Add(1)
	c, err := s.up.Upgrade(w, r)
	if !s.quiet {
		var b strings.Builder
		fmt.Fprintf(&b, "#%d %s %s %s\n", id, r.Method, r.Target, r.Proto)
		for _, f := range r.Header.Fields() {
			fmt.Fprintf(&b, "#%d   %s: %s\n", id, f.Name, f.Value)
		}
		var he *websocket.HandshakeError
		switch {
		case errors.As(err, &he):
			fmt.Fprintf(&b, "#%d refused: %d %s: %v\n", id, he.Status, httpcore.StatusText(he.Status), err)
		case err != nil:
			fmt.Fprintf(&b, "#%d failed: %v\n", id, err)
		default:
			fmt.Fprintf(&b, "#%d 101 Switching Protocols: connected to %s; %s", id, c.RemoteAddr(), s.originNote(r))
			if p := c.Subprotocol(); p != "" {
				fmt.Fprintf(&b, "; subprotocol %q", p)
			}
			b.WriteByte('\n')
		}
		io.WriteString(s.log, b.String())
	}
	if err != nil {
		return
	}
	s.echo(id, c)
}

// originNote says which Origin was accepted, and why.
func (s *echoServer) originNote(r *httpcore.Request) string {
	o, ok := r.Header.Lookup("Origin")
	switch {
	case !ok:
		return "no Origin header (not a browser)"
	case s.anyOK:
		return fmt.Sprintf("Origin %q accepted (any is, by default)", o)
	default:
		return fmt.Sprintf("Origin %q accepted", o)
	}
}

// servePlain answers a request that does not try to open a WebSocket: the
// echo page on /, and 426 elsewhere.
func (s *echoServer) servePlain(w *httpcore.ResponseWriter, r *httpcore.Request) {
	h := w.Header()
	if r.Path() == "/" && (r.Method == "GET" || r.Method == "HEAD") {
		s.logf("http %s %s %s: 200, the echo page", r.Method, r.Target, r.Proto)
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Length", strconv.Itoa(len(echoPage)))
		w.WriteHeader(200)
		if r.Method == "GET" {
			w.WriteString(echoPage)
		}
		return
	}
	s.logf("http %s %s %s: 426, not a WebSocket handshake", r.Method, r.Target, r.Proto)
	// RFC 9110 §15.5.22: a 426 names the protocol to upgrade to.
	h.Set("Upgrade", "websocket")
	h.Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(426)
	fmt.Fprintf(w, "426 Upgrade Required: %s is a WebSocket echo endpoint; connect with ws://%s%s, or open http://%s/ in a browser\n", r.Target, r.Host, r.Target, r.Host)
}

// track registers c; once the shutdown has started it reports false.
func (s *echoServer) track(c *websocket.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *echoServer) untrack(c *websocket.Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

// goingAway starts the shutdown: it sends close 1001 to every connection
// and returns how many there were. The echo loops read the replies.
func (s *echoServer) goingAway() int {
	s.mu.Lock()
	s.closing = true
	conns := make([]*websocket.Conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		// A write blocked on a peer that does not read holds the
		// connection's write lock; the server's Shutdown closes that
		// connection after the grace period, which frees this goroutine.
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			sayGoingAway(c)
		}()
	}
	return len(conns)
}

func sayGoingAway(c *websocket.Conn) {
	c.WriteControl(websocket.OpClose, websocket.FormatClose(websocket.CloseGoingAway, "server shutting down"), time.Now().Add(shutdownGrace))
}

// maxKeptBuffer bounds the message buffer an echo loop keeps between
// messages: a connection that once carried a large message does not hold
// its size for the rest of its life.
const maxKeptBuffer = 64 << 10

// echo sends every message back whole until the connection ends. Whole
// messages, not a stream: a peer may send a large message before it reads
// anything, and a streaming echo would then wait on it forever.
func (s *echoServer) echo(id int64, c *websocket.Conn) {
	defer c.CloseNow()
	if !s.quiet {
		c.SetFrameHook(func(e websocket.FrameEvent) {
			fmt.Fprintf(s.log, "#%d %s\n", id, frameLine(e))
		})
	}
	tracked := s.track(c)
	if !tracked {
		sayGoingAway(c)
	}
	var err error
	var buf []byte // reused for each message, as long as it stays small
	for {
		var mt websocket.MessageType
		var p []byte
		if mt, p, err = c.ReadMessageTo(buf[:0]); err != nil {
			break
		}
		if cap(p) <= maxKeptBuffer {
			buf = p
		}
		if !s.quiet {
			s.logf("#%d %s", id, messageLine(mt, p))
		}
		err = c.WriteMessage(mt, p)
		if err == websocket.ErrCloseSent {
			// The shutdown said goodbye: read on until the reply.
			for err == websocket.ErrCloseSent || err == nil {
				_, _, err = c.ReadMessage()
			}
			break
		}
		if err != nil {
			break
		}
	}
	if tracked {
		s.untrack(c) // before the log line, so a shutdown after it counts right
	}
	var ce *websocket.CloseError
	var fe *websocket.FrameError
	switch {
	case errors.As(err, &fe):
		s.logf("#%d failed: %v; sent close %s", id, err, fe.Code)
	case errors.As(err, &ce) && ce.Code == websocket.CloseAbnormal:
		s.logf("#%d closed without a close frame (%s)", id, ce.Code)
	case errors.As(err, &ce) && ce.Reason != "":
		s.logf("#%d closed: code %s, reason %q", id, ce.Code, ce.Reason)
	case errors.As(err, &ce):
		s.logf("#%d closed: code %s", id, ce.Code)
	default:
		s.logf("#%d ended: %v", id, err)
	}
}

// compression is what --compress turns on: permessage-deflate with context
// takeover allowed both ways (the peer may still refuse it), every message
// compressed however small, so that the frame log shows RSV1 on each one
// (kosoku 0.1.0 also reports an ERROR in cases 12.x.1-2 and 13.x.1-2 when
// the 16- and 64-byte echoes come back uncompressed, which RFC 7692 §6
// allows), or nil.
func compression(on bool) *websocket.Compression {
	if !on {
		return nil
	}
	return &websocket.Compression{ServerContextTakeover: true, ClientContextTakeover: true, Threshold: -1}
}
