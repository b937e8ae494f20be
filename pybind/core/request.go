package core

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/websocket"
)

// maxBody bounds the body ParseRequest returns.
const maxBody = 10 << 20

// ParseRequest parses one HTTP/1.1 request with the strict httpcore engine
// (RFC 9112) and returns it packed (see pack.go):
//
//	method, target, proto, host, consumed, name1, value1, name2, value2, ... ; body
//
// consumed is the decimal count of bytes the request took, header section
// and body. A body framed by Content-Length or chunked coding must be
// complete in data. A malformed request is a protocol error whose code is
// the status a server would answer (400, 414, 431, 501, 505...).
func ParseRequest(data []byte) (out []byte, err error) {
	defer guard(&err)
	br := bufio.NewReaderSize(bytes.NewReader(data), 4096)
	req, err := httpcore.ReadRequest(br)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return nil, newTagged(KindProtocol, 400, "", "httpcore: the request ends before its header section does (no empty line after the fields, RFC 9112 §2.1)")
	}
	if err != nil {
		return nil, tag(err)
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, maxBody+1))
	if err == io.ErrUnexpectedEOF {
		return nil, newTagged(KindProtocol, 400, "", "httpcore: the request ends inside its body (RFC 9112 §6)")
	}
	if err != nil {
		return nil, tag(err)
	}
	if len(body) > maxBody {
		return nil, newTagged(KindProtocol, 413, "", "httpcore: request body over 10 MiB")
	}
	consumed := len(data) - br.Buffered()
	ss := []string{req.Method, req.Target, req.Proto, req.Host, strconv.Itoa(consumed)}
	ss = fieldStrings(ss, &req.Header)
	return packStrings(nil, ss, body), nil
}

// ServerHandshake answers the opening handshake request in data as the
// websocket Upgrader does on a live connection, and returns
//
//	status (3 ASCII digits) + the response bytes to send
//
// 101 Switching Protocols with Sec-WebSocket-Accept when the request is a
// valid one, else the precise refusal: 400, 403, 405, or 426 with
// Sec-WebSocket-Version: 13. subprotocols, comma-separated, are the ones
// the server speaks; origins "*" accepts any Origin, "" accepts requests
// without one and same-origin ones.
func ServerHandshake(data []byte, subprotocols string, anyOrigin bool) (out []byte, err error) {
	defer guard(&err)
	req, err := httpcore.ReadRequest(bufio.NewReader(bytes.NewReader(data)))
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return nil, newTagged(KindProtocol, 400, "", "httpcore: the request ends before its header section does (RFC 9112 §2.1)")
	}
	if err != nil {
		return nil, tag(err)
	}
	u := websocket.Upgrader{Subprotocols: splitList(subprotocols)}
	u.Origins.AllowAny = anyOrigin
	// Upgrader's checks run on a live connection; here the connection is a
	// recorder, through UpgradeHTTP's net/http path.
	hr := &http.Request{
		Method: req.Method, Proto: req.Proto, ProtoMajor: req.ProtoMajor, ProtoMinor: req.ProtoMinor,
		Host: req.Host, RequestURI: req.Target, Header: http.Header{}, URL: &url.URL{Path: req.Path()},
	}
	for _, f := range req.Header.Fields() {
		hr.Header.Add(f.Name, f.Value)
	}
	rec := &recorder{header: http.Header{}}
	c, herr := u.UpgradeHTTP(rec, hr)
	if herr == nil {
		c.CloseNow()
		return append([]byte("101"), rec.conn.out.Bytes()...), nil
	}
	if rec.status == 0 {
		return nil, tag(herr)
	}
	var b bytes.Buffer
	b.WriteString(strconv.Itoa(rec.status))
	resp := httpcore.Response{StatusCode: rec.status, ContentLength: int64(rec.body.Len()), Body: bytes.NewReader(rec.body.Bytes())}
	// net/http spells names canonically ("Sec-Websocket-Version"); send
	// them as RFC 6455 does, in a stable order.
	names := make([]string, 0, len(rec.header))
	for k := range rec.header {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		name := k
		if rest, ok := strings.CutPrefix(k, "Sec-Websocket-"); ok {
			name = "Sec-WebSocket-" + rest
		}
		for _, v := range rec.header[k] {
			resp.Header.Add(name, v)
		}
	}
	if err := resp.Write(&b); err != nil {
		return nil, tag(err)
	}
	return b.Bytes(), nil
}

// recorder is an http.ResponseWriter and http.Hijacker that keeps what an
// Upgrader writes.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	conn   *recConn
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(code int)        { r.status = code }
func (r *recorder) Write(p []byte) (int, error) { return r.body.Write(p) }
func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	r.conn = &recConn{}
	return r.conn, bufio.NewReadWriter(bufio.NewReader(bytes.NewReader(nil)), bufio.NewWriter(r.conn)), nil
}

// recConn is a net.Conn that records writes and reads nothing.
type recConn struct{ out bytes.Buffer }

func (c *recConn) Read([]byte) (int, error)         { return 0, io.EOF }
func (c *recConn) Write(p []byte) (int, error)      { return c.out.Write(p) }
func (c *recConn) Close() error                     { return nil }
func (c *recConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (c *recConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (c *recConn) SetDeadline(time.Time) error      { return nil }
func (c *recConn) SetReadDeadline(time.Time) error  { return nil }
func (c *recConn) SetWriteDeadline(time.Time) error { return nil }

// splitList splits a comma-separated list, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range bytes.Split([]byte(s), []byte(",")) {
		if t := string(bytes.TrimSpace(p)); t != "" {
			out = append(out, t)
		}
	}
	return out
}
