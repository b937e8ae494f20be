package http

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/iostreams"
)

// showBodyBytes is how much of each message body get shows; the header
// sections are always shown whole.
const showBodyBytes = 4 << 10

// GetOptions are the flags and argument of "wirelab http get".
type GetOptions struct {
	IO  *iostreams.IOStreams
	URL string
	// Requests is how many times the request is sent, over one
	// persistent connection while the server keeps it open.
	Requests int
	// Method is the request method; "" means GET, or POST with Data.
	Method string
	// Headers are extra field lines, "Name: value", sent in order.
	Headers []string
	// Data is the request body, sent when HasData is set.
	Data    string
	HasData bool
	JSON    bool
}

// NewCmdGet returns "wirelab http get". runF replaces the behaviour in
// tests; nil runs runGet.
func NewCmdGet(ios *iostreams.IOStreams, runF func(*GetOptions) error) *cobra.Command {
	opts := &GetOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "get URL",
		Short: i18n.Pair(i18n.HelpHTTPGetShort)[0],
		Long:  i18n.Pair(i18n.HelpHTTPGetLong)[0],
		Example: `  wirelab http get http://127.0.0.1:8080/hello
  wirelab http get --keep-alive 3 http://127.0.0.1:8080/
  wirelab http get -X PUT -H 'Content-Type: text/plain' --data hi http://127.0.0.1:8080/x
  wirelab http get --json --keep-alive 3 http://127.0.0.1:8080/status/204`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.URL = args[0]
			opts.HasData = cmd.Flags().Changed("data")
			if opts.Requests < 1 {
				return fmt.Errorf("--keep-alive %d: want at least 1 request", opts.Requests)
			}
			if runF != nil {
				return runF(opts)
			}
			return runGet(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.IntVarP(&opts.Requests, "keep-alive", "n", 1, i18n.Pair(i18n.FlagHTTPGetKeepAlive)[0])
	f.StringVarP(&opts.Method, "method", "X", "", i18n.Pair(i18n.FlagHTTPGetMethod)[0])
	f.StringArrayVarP(&opts.Headers, "header", "H", nil, i18n.Pair(i18n.FlagHTTPGetHeader)[0])
	f.StringVarP(&opts.Data, "data", "d", "", i18n.Pair(i18n.FlagHTTPGetData)[0])
	f.BoolVar(&opts.JSON, "json", false, i18n.Pair(i18n.FlagHTTPGetJSON)[0])
	return cmd
}

// GetSummary is what "wirelab http get --json" prints.
type GetSummary struct {
	Requests    int           `json:"requests"`
	Connections int           `json:"connections"`
	Responses   []GetExchange `json:"responses"`
}

// GetExchange describes one request and its response.
type GetExchange struct {
	Status int `json:"status"`
	// Interim lists informational (1xx) statuses received first.
	Interim       []int `json:"interim,omitempty"`
	BytesSent     int   `json:"bytes_sent"`
	BytesReceived int   `json:"bytes_received"`
	// Connection numbers the TCP connection that carried the exchange,
	// from 1.
	Connection int `json:"connection"`
}

// tapConn records every byte written to and read from a connection.
type tapConn struct {
	net.Conn
	sent, received bytes.Buffer
}

func (t *tapConn) Read(p []byte) (int, error) {
	n, err := t.Conn.Read(p)
	t.received.Write(p[:n])
	return n, err
}

func (t *tapConn) Write(p []byte) (int, error) {
	n, err := t.Conn.Write(p)
	t.sent.Write(p[:n])
	return n, err
}

// target is what a URL says about where and what to ask.
type target struct {
	addr string // host:port to dial
	host string // Host field value
	path string // request-target, origin form
}

func parseTarget(raw string) (target, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return target{}, fmt.Errorf("invalid URL %q: %v", raw, err)
	}
	switch strings.ToLower(u.Scheme) {
	case "http":
	case "https":
		return target{}, fmt.Errorf("%q: https is covered by wirelab https (coming)", raw)
	case "":
		return target{}, fmt.Errorf("URL %q has no scheme: use http://HOST[:PORT]/PATH", raw)
	default:
		return target{}, fmt.Errorf("URL %q: scheme %q is not supported (want http://)", raw, u.Scheme)
	}
	if u.Hostname() == "" {
		return target{}, fmt.Errorf("URL %q has no host", raw)
	}
	port := u.Port()
	if port == "" {
		port = "80" // RFC 9110 §4.2.1
	}
	return target{addr: net.JoinHostPort(u.Hostname(), port), host: u.Host, path: u.RequestURI()}, nil
}

// buildRequest returns a fresh request (bodies are readers, read once).
func buildRequest(opts *GetOptions, t target, fields []httpcore.Field) *httpcore.Request {
	req := &httpcore.Request{Method: opts.Method, Target: t.path, Proto: "HTTP/1.1"}
	if req.Method == "" {
		req.Method = "GET"
		if opts.HasData {
			req.Method = "POST"
		}
	}
	var h httpcore.Header
	for _, f := range fields {
		h.Add(f.Name, f.Value)
	}
	if !h.Has("Host") {
		req.Host = t.host
	}
	if !h.Has("User-Agent") {
		req.Header.Add("User-Agent", "wirelab")
	}
	if !h.Has("Accept") {
		req.Header.Add("Accept", "*/*")
	}
	for _, f := range fields {
		req.Header.Add(f.Name, f.Value)
	}
	if opts.HasData {
		req.ContentLength = int64(len(opts.Data))
		if len(opts.Data) > 0 {
			req.Body = strings.NewReader(opts.Data)
		} else if !req.Header.Has("Content-Length") {
			req.Header.Add("Content-Length", "0")
		}
	}
	return req
}

func parseFields(lines []string) ([]httpcore.Field, error) {
	var fs []httpcore.Field
	for _, l := range lines {
		name, value, ok := strings.Cut(l, ":")
		if !ok || name == "" || strings.TrimSpace(name) != name {
			return nil, fmt.Errorf("header %q: want \"Name: value\"", l)
		}
		fs = append(fs, httpcore.Field{Name: name, Value: strings.Trim(value, " \t")})
	}
	return fs, nil
}

// getClient dials and redials, counting TCP connections.
type getClient struct {
	ctx   context.Context
	addr  string
	note  io.Writer
	tap   *tapConn
	cc    *httpcore.ClientConn
	conns int
	used  int // exchanges on the current connection
	// interim collects the 1xx statuses of the current exchange.
	interim []int
}

func (g *getClient) dial() error {
	if g.cc != nil {
		g.cc.Close()
	}
	var d net.Dialer
	c, err := d.DialContext(g.ctx, "tcp", g.addr)
	if err != nil {
		return fmt.Errorf("dial %s: %w", g.addr, err)
	}
	g.conns++
	g.used = 0
	g.tap = &tapConn{Conn: c}
	g.cc = httpcore.NewClientConn(g.tap)
	g.cc.Interim = func(r *httpcore.Response) { g.interim = append(g.interim, r.StatusCode) }
	fmt.Fprintf(g.note, "* connected to %s from %s (TCP connection %d)\n", c.RemoteAddr(), c.LocalAddr(), g.conns)
	return nil
}

func (g *getClient) close() {
	if g.cc != nil {
		g.cc.Close()
	}
}

// exchange sends one request (built afresh by mk) and reads the whole
// response. If a kept-alive connection turns out to have been closed by
// the server before it answered anything, it redials once and retries.
func (g *getClient) exchange(mk func() *httpcore.Request) (resp *httpcore.Response, sent, received []byte, err error) {
	for attempt := 0; ; attempt++ {
		if g.cc == nil || !g.cc.Reusable() {
			if g.cc != nil {
				fmt.Fprintf(g.note, "* not reusing TCP connection %d: %v\n", g.conns, g.cc.Err())
			}
			if err := g.dial(); err != nil {
				return nil, nil, nil, err
			}
		} else if g.used > 0 {
			fmt.Fprintf(g.note, "* reusing TCP connection %d\n", g.conns)
		}
		g.tap.sent.Reset()
		g.tap.received.Reset()
		g.interim = g.interim[:0]
		g.used++
		req := mk()
		resp, err = g.cc.DoContext(g.ctx, req)
		if err == nil {
			_, err = io.Copy(io.Discard, resp.Body)
			if err != nil {
				err = fmt.Errorf("reading the response body: %w", err)
			}
		}
		sent = bytes.Clone(g.tap.sent.Bytes())
		received = bytes.Clone(g.tap.received.Bytes())
		if err != nil && g.used > 1 && len(received) == 0 && attempt == 0 && g.ctx.Err() == nil {
			// RFC 9112 §9.3.1: a server may close an idle persistent
			// connection at any time; the request can be sent again.
			fmt.Fprintf(g.note, "* the server closed TCP connection %d before answering (%v); retrying on a new one\n", g.conns, err)
			if err := g.dial(); err != nil {
				return nil, sent, received, err
			}
			continue
		}
		return resp, sent, received, err
	}
}

func runGet(ctx context.Context, opts *GetOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	t, err := parseTarget(opts.URL)
	if err != nil {
		return err
	}
	fields, err := parseFields(opts.Headers)
	if err != nil {
		return err
	}
	out, note := opts.IO.Out, opts.IO.ErrOut
	if opts.JSON {
		note = io.Discard
	}
	g := &getClient{ctx: ctx, addr: t.addr, note: note}
	defer g.close()
	sum := GetSummary{Responses: []GetExchange{}}
	mk := func() *httpcore.Request { return buildRequest(opts, t, fields) }
	for i := 0; i < opts.Requests; i++ {
		resp, sent, received, err := g.exchange(mk)
		if !opts.JSON {
			showBytes(out, "> ", sent, false)
			showBytes(out, "< ", received, true)
		}
		if err != nil {
			return fmt.Errorf("request %d to %s: %w", i+1, t.addr, err)
		}
		sum.Requests++
		sum.Responses = append(sum.Responses, GetExchange{
			Status:        resp.StatusCode,
			Interim:       append([]int(nil), g.interim...),
			BytesSent:     len(sent),
			BytesReceived: len(received),
			Connection:    g.conns,
		})
	}
	sum.Connections = g.conns
	if opts.JSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(sum)
	}
	_, err = fmt.Fprintf(out, "%s over %s\n", plural(sum.Requests, "request"), plural(sum.Connections, "TCP connection"))
	return err
}

// headEnd returns the offset just past the header section of the first
// message in b that is not an interim (1xx, other than 101) response, or
// len(b) if b holds no complete one.
func headEnd(b []byte, response bool) int {
	off := 0
	for {
		i := bytes.Index(b[off:], []byte("\r\n\r\n"))
		if i < 0 {
			return len(b)
		}
		end := off + i + 4
		line := b[off:]
		interim := response && len(line) >= 12 && bytes.HasPrefix(line, []byte("HTTP/1.")) &&
			line[9] == '1' && !bytes.HasPrefix(line[9:], []byte("101"))
		if !interim {
			return end
		}
		off = end
	}
}

// showBytes writes b line by line behind prefix: the header sections whole,
// then at most showBodyBytes of the body. The CRLF ending a line is not
// shown, nor the LF ending a body line. A line that holds anything else
// that would not show — a control byte, a bare CR, a bare LF in a header
// section, invalid UTF-8 — is shown quoted, so that nothing is hidden.
func showBytes(w io.Writer, prefix string, b []byte, response bool) {
	if len(b) == 0 {
		return
	}
	head := headEnd(b, response)
	limit := min(len(b), head+showBodyBytes)
	var sb strings.Builder
	showLines(&sb, prefix, b[:head], false)
	showLines(&sb, prefix, b[head:limit], true)
	if rest := len(b) - limit; rest > 0 {
		fmt.Fprintf(&sb, "%s[%d more bytes not shown]\n", prefix, rest)
	}
	io.WriteString(w, sb.String())
}

func showLines(sb *strings.Builder, prefix string, b []byte, body bool) {
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i+1], b[i+1:]
		} else {
			b = nil
		}
		text, ok := bytes.CutSuffix(line, []byte("\r\n"))
		if !ok && body {
			text, _ = bytes.CutSuffix(line, []byte("\n"))
		}
		sb.WriteString(prefix)
		if printable(text) {
			sb.Write(text)
		} else {
			sb.WriteString(strconv.Quote(string(text)))
		}
		sb.WriteByte('\n')
	}
}

// printable reports whether b can be shown as it is: valid UTF-8 with no
// control bytes but HTAB.
func printable(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, c := range b {
		if (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}
