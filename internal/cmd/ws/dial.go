package ws

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/websocket"
)

// handshakeTimeout bounds the TCP, TLS and WebSocket handshakes of dial.
const handshakeTimeout = 10 * time.Second

// DialOptions are the argument and flags of "wirelab ws dial".
type DialOptions struct {
	IO  *iostreams.IOStreams
	URL string
	// Subprotocols are offered to the server, in order of preference.
	Subprotocols []string
	// Origin, if set, is sent as the Origin header, as a browser would.
	Origin string
	// JSON prints one JSON object per event instead of the text view.
	JSON bool
	// Compress offers permessage-deflate (RFC 7692).
	Compress bool
	// Proxy is an HTTP proxy URL to tunnel through with CONNECT; empty
	// means HTTP_PROXY/HTTPS_PROXY/NO_PROXY from the environment.
	Proxy string
}

// NewCmdDial returns "wirelab ws dial". runF replaces the behaviour in
// tests; nil runs runDial.
func NewCmdDial(ios *iostreams.IOStreams, runF func(*DialOptions) error) *cobra.Command {
	opts := &DialOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "dial URL",
		Short: i18n.Pair(i18n.HelpWSDialShort)[0],
		Long:  i18n.Pair(i18n.HelpWSDialLong)[0],
		Example: `  wirelab ws dial ws://127.0.0.1:9998/echo
  printf 'hello\n/ping x\n/close 4000 bye\n' | wirelab ws dial ws://127.0.0.1:9998/
  wirelab ws dial --subprotocol chat --origin http://localhost:8000 ws://127.0.0.1:9998/
  wirelab ws dial --proxy http://user:pass@127.0.0.1:8888 ws://127.0.0.1:9998/`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.URL = args[0]
			if _, err := parseWSURL(opts.URL); err != nil {
				return err
			}
			if opts.Origin != "" {
				if _, err := websocket.ParseOrigin(opts.Origin); err != nil {
					return fmt.Errorf("--origin %q: %w", opts.Origin, err)
				}
			}
			if opts.Proxy != "" {
				if _, err := parseProxy(opts.Proxy); err != nil {
					return err
				}
			}
			for _, p := range opts.Subprotocols {
				if p == "" || strings.ContainsAny(p, ", \t") {
					return fmt.Errorf("--subprotocol %q: want one token, without commas or spaces (RFC 6455 §4.1)", p)
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return runDial(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&opts.Subprotocols, "subprotocol", nil, i18n.Pair(i18n.FlagWSDialSubprotocol)[0])
	f.StringVar(&opts.Origin, "origin", "", i18n.Pair(i18n.FlagWSDialOrigin)[0])
	f.BoolVar(&opts.JSON, "json", false, i18n.Pair(i18n.FlagWSDialJSON)[0])
	f.BoolVar(&opts.Compress, "compress", false, i18n.Pair(i18n.FlagWSDialCompress)[0])
	f.StringVar(&opts.Proxy, "proxy", "", i18n.Pair(i18n.FlagWSDialProxy)[0])
	return cmd
}

// wsURL is what a ws:// or wss:// URL says about where to connect.
type wsURL struct {
	addr   string // host:port to dial
	host   string // Host header value
	target string // request-target
	secure bool
	server string // TLS server name
}

// parseWSURL checks a WebSocket URI (RFC 6455 §3).
func parseWSURL(raw string) (wsURL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return wsURL{}, fmt.Errorf("invalid URL %q: %v", raw, err)
	}
	var w wsURL
	switch strings.ToLower(u.Scheme) {
	case "ws":
	case "wss":
		w.secure = true
	case "":
		return w, fmt.Errorf("URL %q has no scheme: use ws://HOST[:PORT]/PATH (RFC 6455 §3)", raw)
	default:
		return w, fmt.Errorf("URL %q: scheme %q is not ws or wss (RFC 6455 §3)", raw, u.Scheme)
	}
	if strings.Contains(raw, "#") {
		return w, fmt.Errorf("URL %q has a fragment, which a WebSocket URI must not (RFC 6455 §3)", raw)
	}
	if u.Hostname() == "" {
		return w, fmt.Errorf("URL %q has no host", raw)
	}
	port := u.Port()
	if port == "" {
		port = "80"
		if w.secure {
			port = "443"
		}
	}
	w.addr = net.JoinHostPort(u.Hostname(), port)
	w.host = u.Host
	w.server = u.Hostname()
	w.target = u.RequestURI()
	return w, nil
}

// recordConn keeps a copy of what is written while buf is set: the
// handshake request exactly as sent.
type recordConn struct {
	net.Conn
	buf *bytes.Buffer
}

func (r *recordConn) Write(p []byte) (int, error) {
	n, err := r.Conn.Write(p)
	if r.buf != nil {
		r.buf.Write(p[:n])
	}
	return n, err
}

// dialer prints what happens on the connection, as text or JSON.
type dialer struct {
	opts *DialOptions
	out  io.Writer // stdout, locked
	note io.Writer // stderr, or nothing with --json
}

func (d *dialer) notef(format string, args ...any) {
	fmt.Fprintf(d.note, "* "+format+"\n", args...)
}

// event writes one JSON object on a line.
func (d *dialer) event(v map[string]any) {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte(fmt.Sprintf(`{"event":"error","error":%q}`, err.Error()))
	}
	d.out.Write(append(b, '\n'))
}

func runDial(ctx context.Context, opts *DialOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	u, err := parseWSURL(opts.URL)
	if err != nil {
		return err
	}
	d := &dialer{opts: opts, out: &lockedWriter{w: opts.IO.Out}, note: opts.IO.ErrOut}
	if opts.JSON {
		d.note = io.Discard
	}

	hctx, cancel := context.WithTimeout(ctx, handshakeTimeout)
	defer cancel()
	wd := websocket.Dialer{Subprotocols: opts.Subprotocols, Compression: compression(opts.Compress)}
	nc, err := d.connect(hctx, &wd, u)
	if err != nil {
		return err
	}
	if u.secure {
		tc := tls.Client(nc, &tls.Config{ServerName: u.server})
		if err := tc.HandshakeContext(hctx); err != nil {
			nc.Close()
			return fmt.Errorf("TLS handshake with %s: %w", u.addr, err)
		}
		nc = tc
	}
	d.notef("connected to %s from %s", nc.RemoteAddr(), nc.LocalAddr())
	rec := &recordConn{Conn: nc, buf: &bytes.Buffer{}}
	if opts.Origin != "" {
		wd.Header.Add("Origin", opts.Origin)
	}
	c, resp, err := wd.NewClient(hctx, rec, u.host, u.target)
	cancel()
	d.showHandshake(rec.buf.Bytes(), resp, nc)
	rec.buf = nil
	if err != nil {
		nc.Close()
		return err
	}
	defer c.CloseNow()
	return d.talk(ctx, c)
}

// parseProxy checks a --proxy URL.
func parseProxy(raw string) (*url.URL, error) {
	p, err := url.Parse(raw)
	if err != nil || (!strings.EqualFold(p.Scheme, "http") && !strings.EqualFold(p.Scheme, "https")) || p.Hostname() == "" {
		return nil, fmt.Errorf("--proxy %q: want an HTTP proxy URL, http://[user:pass@]host:port", raw)
	}
	return p, nil
}

// connect makes the TCP connection to u, through a tunnel when a proxy
// applies, showing the CONNECT exchange.
func (d *dialer) connect(ctx context.Context, wd *websocket.Dialer, u wsURL) (net.Conn, error) {
	var proxy *url.URL
	var err error
	if d.opts.Proxy != "" {
		proxy, err = parseProxy(d.opts.Proxy)
	} else {
		scheme := "ws"
		if u.secure {
			scheme = "wss"
		}
		proxy, err = websocket.ProxyFromEnvironment(&url.URL{Scheme: scheme, Host: u.addr})
	}
	if err != nil {
		return nil, err
	}
	if proxy == nil {
		var nd net.Dialer
		nc, err := nd.DialContext(ctx, "tcp", u.addr)
		if err != nil {
			return nil, fmt.Errorf("dial %s: %w", u.addr, err)
		}
		return nc, nil
	}
	d.notef("asking proxy %s for a tunnel to %s", proxy.Redacted(), u.addr)
	wd.OnProxyConnect = d.showConnect
	nc, err := wd.DialTunnel(ctx, proxy, u.addr)
	if err == nil {
		d.notef("tunnel open: what follows goes through the proxy to %s", u.addr)
	}
	return nc, err
}

// showConnect prints the CONNECT request as sent and the proxy's status
// line.
func (d *dialer) showConnect(req []byte, status string) {
	if d.opts.JSON {
		d.event(map[string]any{"event": "proxy", "request": string(req), "status": status})
		return
	}
	io.WriteString(d.out, prefixLines("> ", string(req))+"< "+status+"\n")
}

// prefixLines puts prefix before each CRLF-ended line of s.
func prefixLines(prefix, s string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(s, "\r\n") {
		if line == "" {
			continue
		}
		b.WriteString(strings.TrimRight(prefix+strings.TrimSuffix(line, "\r\n"), " ") + "\n")
	}
	return b.String()
}

// showHandshake prints the request as sent and the response as received;
// for a refusal, the start of its body too.
func (d *dialer) showHandshake(req []byte, resp *httpcore.Response, nc net.Conn) {
	var body []byte
	if resp != nil && resp.StatusCode != 101 {
		nc.SetReadDeadline(time.Now().Add(time.Second))
		body, _ = io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	}
	if d.opts.JSON {
		v := map[string]any{"event": "handshake", "request": string(req)}
		if resp != nil {
			var hs [][2]string
			for _, f := range resp.Header.Fields() {
				hs = append(hs, [2]string{f.Name, f.Value})
			}
			v["status"] = resp.StatusCode
			v["reason"] = resp.Reason
			v["response_header"] = hs
			if len(body) > 0 {
				v["response_body"] = string(body)
			}
		}
		d.event(v)
		return
	}
	var b strings.Builder
	b.WriteString(prefixLines("> ", string(req)))
	if resp != nil {
		fmt.Fprintf(&b, "< %s %d %s\n", resp.Proto, resp.StatusCode, resp.Reason)
		for _, f := range resp.Header.Fields() {
			fmt.Fprintf(&b, "< %s: %s\n", f.Name, f.Value)
		}
		b.WriteString("<\n")
		for _, line := range strings.SplitAfter(string(body), "\n") {
			if line != "" {
				b.WriteString("< " + strings.TrimRight(line, "\r\n") + "\n")
			}
		}
	}
	io.WriteString(d.out, b.String())
}

// frame prints one frame crossing the connection.
func (d *dialer) frame(e websocket.FrameEvent) {
	if !d.opts.JSON {
		fmt.Fprintln(d.out, frameLine(e))
		return
	}
	h := e.Header
	dir := "send"
	if e.Incoming {
		dir = "recv"
	}
	v := map[string]any{"event": "frame", "direction": dir, "opcode": h.Opcode.String(), "fin": h.Fin, "rsv": h.Rsv, "length": h.Length, "masked": h.Masked}
	if h.Masked {
		v["masking_key"] = hex.EncodeToString(h.Key[:])
	}
	switch h.Opcode {
	case websocket.OpPing, websocket.OpPong:
		putData(v, "payload", e.Payload, true)
	case websocket.OpClose:
		if len(e.Payload) >= 2 {
			v["close_code"] = binary.BigEndian.Uint16(e.Payload)
			v["close_reason"] = string(e.Payload[2:])
		}
	}
	d.event(v)
}

// putData stores p under key as text when it is, else under key_hex.
func putData(v map[string]any, key string, p []byte, text bool) {
	if text && utf8.Valid(p) {
		v[key] = string(p)
	} else {
		v[key+"_hex"] = hex.EncodeToString(p)
	}
}

// talk sends what standard input says and shows what arrives, until the
// connection closes.
func (d *dialer) talk(ctx context.Context, c *websocket.Conn) error {
	c.SetFrameHook(d.frame)
	d.notef("WebSocket open; subprotocol %q. Lines are sent as text messages; /ping [DATA], /close [CODE [REASON]], /binary HEX; //x sends \"/x\"; end of input closes", c.Subprotocol())

	// The reader: every message until the connection ends.
	readDone := make(chan struct{})
	var readErr error
	go func() {
		defer close(readDone)
		for {
			mt, p, err := c.ReadMessage()
			if err != nil {
				readErr = err
				return
			}
			if d.opts.JSON {
				v := map[string]any{"event": "message", "type": mt.String(), "length": len(p)}
				putData(v, "data", p, mt == websocket.TextMessage)
				d.event(v)
			} else {
				fmt.Fprintln(d.out, messageLine(mt, p))
			}
		}
	}()

	// Standard input, a line at a time. It may block for good (a
	// terminal), so nothing waits for this goroutine; done lets it go.
	lines := make(chan string)
	inErr := make(chan error, 1)
	done := make(chan struct{})
	defer close(done)
	go func() {
		br := bufio.NewReader(d.opts.IO.In)
		for {
			line, err := br.ReadString('\n')
			if line != "" {
				select {
				case lines <- strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r"):
				case <-done:
					return
				}
			}
			if err != nil {
				if err != io.EOF {
					inErr <- err
				}
				close(lines)
				return
			}
		}
	}()

	closing := false
	for !closing {
		select {
		case line, ok := <-lines:
			if !ok {
				select {
				case err := <-inErr:
					d.notef("reading standard input: %v; closing", err)
				default:
					d.notef("end of input: closing with 1000 (normal closure)")
				}
				d.sendClose(c, websocket.CloseNormal, "")
				closing = true
				break
			}
			closing = d.command(c, line)
		case <-readDone:
			closing = true
		case <-ctx.Done():
			d.notef("interrupted: closing with 1001 (going away)")
			d.sendClose(c, websocket.CloseGoingAway, "")
			closing = true
		}
	}
	// The reader sees the server's close frame, then the server closes
	// TCP (RFC 6455 §7.1.1); a server that never answers is cut off.
	timer := time.NewTimer(closeWait)
	defer timer.Stop()
	select {
	case <-readDone:
	case <-timer.C:
		d.notef("no close frame from the server after %v: closing TCP", closeWait)
		c.CloseNow()
		<-readDone
	}
	return d.closed(readErr)
}

// closeWait bounds the wait for the server's close frame.
const closeWait = 5 * time.Second

// sendClose starts the closing handshake. It only sends the close frame:
// the reader goroutine goes on reading, so messages already on their way
// are still shown, until the server's close frame arrives. (Conn.Close
// would read, and drop, them itself.)
func (d *dialer) sendClose(c *websocket.Conn, code websocket.CloseCode, reason string) {
	err := c.WriteControl(websocket.OpClose, websocket.FormatClose(code, reason), time.Now().Add(closeWait))
	if err != nil && err != websocket.ErrCloseSent {
		d.notef("sending the close frame: %v", err)
		c.CloseNow()
	}
}

// command runs one input line and reports whether it closed the
// connection.
func (d *dialer) command(c *websocket.Conn, line string) (closed bool) {
	var err error
	switch {
	case strings.HasPrefix(line, "//"):
		err = d.sendText(c, line[1:])
	case line == "/ping" || strings.HasPrefix(line, "/ping "):
		data := strings.TrimPrefix(strings.TrimPrefix(line, "/ping"), " ")
		if len(data) > 125 {
			err = fmt.Errorf("/ping: %d bytes of data; a control frame carries at most 125 (RFC 6455 §5.5)", len(data))
		} else {
			err = c.Ping([]byte(data))
		}
	case line == "/close" || strings.HasPrefix(line, "/close "):
		code, reason, perr := parseCloseArgs(strings.TrimPrefix(line, "/close"))
		if perr != nil {
			err = perr
			break
		}
		d.sendClose(c, code, reason)
		return true
	case line == "/binary" || strings.HasPrefix(line, "/binary "):
		var p []byte
		if p, err = parseHex(strings.TrimPrefix(line, "/binary")); err == nil {
			err = c.WriteMessage(websocket.BinaryMessage, p)
		}
	case strings.HasPrefix(line, "/"):
		err = fmt.Errorf("unknown command %q: use /ping [DATA], /close [CODE [REASON]], /binary HEX, or //text to send text starting with a slash", strings.Fields(line)[0])
	default:
		err = d.sendText(c, line)
	}
	if err != nil {
		d.notef("%v", err)
	}
	return false
}

func (d *dialer) sendText(c *websocket.Conn, s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("line %q is not valid UTF-8, which a text message must be (RFC 6455 §5.6); send it with /binary", s)
	}
	return c.WriteMessage(websocket.TextMessage, []byte(s))
}

// parseCloseArgs reads "[CODE [REASON]]".
func parseCloseArgs(s string) (websocket.CloseCode, string, error) {
	s = strings.TrimPrefix(s, " ")
	if s == "" {
		return websocket.CloseNormal, "", nil
	}
	num, reason, _ := strings.Cut(s, " ")
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 || n > 0xffff {
		return 0, "", fmt.Errorf("/close %s: %q is not a close code such as 1000 or 4000 (RFC 6455 §7.4)", s, num)
	}
	code := websocket.CloseCode(n)
	if !code.ValidOnWire() {
		return 0, "", fmt.Errorf("/close: code %d may not be sent: use 1000-1003, 1007-1011 or 3000-4999 (RFC 6455 §7.4.1)", n)
	}
	if len(reason) > 123 || !utf8.ValidString(reason) {
		return 0, "", fmt.Errorf("/close: the reason must be valid UTF-8 of at most 123 bytes, not %d bytes (RFC 6455 §5.5.1)", len(reason))
	}
	return code, reason, nil
}

// closed reports how the connection ended; a connection that ended without
// a close handshake is an error.
func (d *dialer) closed(err error) error {
	var ce *websocket.CloseError
	var fe *websocket.FrameError
	switch {
	case errors.As(err, &ce) && ce.Code != websocket.CloseAbnormal:
		if d.opts.JSON {
			d.event(map[string]any{"event": "closed", "code": int(ce.Code), "reason": ce.Reason})
		} else if ce.Reason != "" {
			fmt.Fprintf(d.out, "closed: code %s, reason %q\n", ce.Code, ce.Reason)
		} else {
			fmt.Fprintf(d.out, "closed: code %s\n", ce.Code)
		}
		return nil
	case errors.As(err, &ce):
		err = fmt.Errorf("the connection closed without a close frame (%s, RFC 6455 §7.1.5)", ce.Code)
	case errors.As(err, &fe):
		err = fmt.Errorf("failed the connection with close %s: %w", fe.Code, err)
	}
	if d.opts.JSON {
		d.event(map[string]any{"event": "error", "error": err.Error()})
	}
	return err
}
