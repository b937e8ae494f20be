package websocket

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/http/httpproxy"

	"github.com/wirelab/wirelab/httpcore"
)

// ProxyFromEnvironment chooses the proxy for a WebSocket URL from the
// environment, as curl and net/http do: HTTPS_PROXY for wss://, HTTP_PROXY
// for ws://, except for the hosts NO_PROXY lists (lower-case names are read
// too). It returns nil for a direct connection.
//
// As in golang.org/x/net/http/httpproxy, "localhost" and loopback addresses
// are never proxied, whatever NO_PROXY says: to send a loopback dial through
// a proxy (as the tests do), set Dialer.Proxy to ProxyURL.
//
// The environment is read on every call, so a change shows at the next Dial.
func ProxyFromEnvironment(u *url.URL) (*url.URL, error) {
	return httpproxy.FromEnvironment().ProxyFunc()(httpURL(u))
}

// ProxyURL returns a Dialer.Proxy that sends every dial through proxy,
// "http://[user:password@]host:port" (or https:// to talk TLS to the proxy
// itself). A nil proxy means always direct.
func ProxyURL(proxy *url.URL) func(*url.URL) (*url.URL, error) {
	return func(*url.URL) (*url.URL, error) { return proxy, nil }
}

// httpURL maps ws:// to http:// and wss:// to https://, the schemes proxy
// settings are written for.
func httpURL(u *url.URL) *url.URL {
	v := *u
	switch strings.ToLower(u.Scheme) {
	case "ws":
		v.Scheme = "http"
	case "wss":
		v.Scheme = "https"
	}
	return &v
}

// A ProxyError is a proxy's refusal to open a tunnel: its answer to CONNECT
// was not 2xx (RFC 9110 §9.3.6).
type ProxyError struct {
	Proxy      string // the proxy URL, password removed
	Target     string // the host:port asked for
	StatusCode int
	StatusLine string // as received, e.g. "HTTP/1.1 407 Proxy Authentication Required"
	Response   *httpcore.Response
}

func (e *ProxyError) Error() string {
	var hint string
	switch {
	case e.StatusCode == 407:
		hint = "the proxy wants credentials: put user:password in the proxy URL, sent as Proxy-Authorization (RFC 9110 §11.7.1)"
	case e.StatusCode == 403:
		hint = "the proxy's rules forbid this target or port (tinyproxy, for one, tunnels only to the ports its ConnectPort lines list, 443 and 563 in Debian's configuration)"
	case e.StatusCode == 502 || e.StatusCode == 504:
		hint = "the proxy could not reach the target: is a server listening there, as seen from the proxy?"
	case e.StatusCode == 405 || e.StatusCode == 501:
		hint = "this proxy does not tunnel with CONNECT"
	default:
		hint = "a tunnel opens only on a 2xx answer"
	}
	return fmt.Sprintf("websocket: proxy %s refused CONNECT %s: %q; %s (RFC 9110 §9.3.6)", e.Proxy, e.Target, e.StatusLine, hint)
}

// DialTunnel connects to proxy and asks it for a tunnel to addr (host:port):
//
//	CONNECT example.com:443 HTTP/1.1
//	Host: example.com:443
//	Proxy-Authorization: Basic dXNlcjpwYXNz    (when the URL has user:password)
//
// On a 2xx answer the returned connection is the tunnel: bytes written go
// to addr, and the TLS and WebSocket handshakes run inside it. Any other
// answer is a *ProxyError. If Dialer.OnProxyConnect is set it sees the
// request as sent and the proxy's status line.
func (d *Dialer) DialTunnel(ctx context.Context, proxy *url.URL, addr string) (net.Conn, error) {
	name := proxy.Redacted()
	paddr := proxy.Host
	if proxy.Port() == "" {
		port := "80"
		if strings.EqualFold(proxy.Scheme, "https") {
			port = "443"
		}
		paddr = net.JoinHostPort(proxy.Hostname(), port)
	}
	switch strings.ToLower(proxy.Scheme) {
	case "http", "https":
	default:
		return nil, fmt.Errorf("websocket: proxy %s: scheme %q is not supported; use an HTTP proxy, http://host:port", name, proxy.Scheme)
	}
	nc, err := d.netDial()(ctx, "tcp", paddr)
	if err != nil {
		return nil, fmt.Errorf("websocket: connecting to proxy %s: %w", name, err)
	}
	if strings.EqualFold(proxy.Scheme, "https") {
		tc := tls.Client(nc, &tls.Config{ServerName: proxy.Hostname()})
		if err := tc.HandshakeContext(ctx); err != nil {
			nc.Close()
			return nil, fmt.Errorf("websocket: TLS handshake with proxy %s: %w", name, err)
		}
		nc = tc
	}
	tunnel, err := d.connect(ctx, nc, proxy, name, addr)
	if err != nil {
		nc.Close()
		return nil, err
	}
	return tunnel, nil
}

// connect sends CONNECT over nc and reads the proxy's answer.
func (d *Dialer) connect(ctx context.Context, nc net.Conn, proxy *url.URL, name, addr string) (net.Conn, error) {
	stop := deadlineFrom(ctx, nc)
	defer stop()

	// RFC 9110 §9.3.6 and RFC 9112 §3.2.3: the authority-form target, and
	// a Host field with the same host:port.
	req := &httpcore.Request{Method: "CONNECT", Target: addr, Host: addr}
	req.Header.Add("Host", addr)
	if u := proxy.User; u != nil {
		pw, _ := u.Password()
		cred := base64.StdEncoding.EncodeToString([]byte(u.Username() + ":" + pw))
		req.Header.Add("Proxy-Authorization", "Basic "+cred)
	}
	var sent strings.Builder
	if err := req.Write(&sent); err != nil {
		return nil, err
	}
	if _, err := nc.Write([]byte(sent.String())); err != nil {
		return nil, fmt.Errorf("websocket: sending CONNECT to proxy %s: %w", name, err)
	}
	br := bufio.NewReaderSize(nc, 4096)
	resp, err := httpcore.ReadResponse(br, req)
	if err != nil {
		return nil, fmt.Errorf("websocket: reading proxy %s's answer to CONNECT %s: %w", name, addr, err)
	}
	status := fmt.Sprintf("%s %03d", resp.Proto, resp.StatusCode)
	if resp.Reason != "" {
		status += " " + resp.Reason
	}
	if d.OnProxyConnect != nil {
		d.OnProxyConnect([]byte(sent.String()), status)
	}
	if resp.StatusCode/100 != 2 {
		return nil, &ProxyError{Proxy: name, Target: addr, StatusCode: resp.StatusCode, StatusLine: status, Response: resp}
	}
	if br.Buffered() > 0 {
		// Bytes from the far end arrived with the proxy's answer; they are
		// the start of the tunnel.
		return &bufferedConn{Conn: nc, r: br}, nil
	}
	return nc, nil
}

// bufferedConn reads what its bufio.Reader still holds before the socket.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// deadlineFrom applies ctx's deadline and cancellation to nc until stop.
func deadlineFrom(ctx context.Context, nc net.Conn) (stop func()) {
	if dl, ok := ctx.Deadline(); ok {
		nc.SetDeadline(dl)
	}
	after := context.AfterFunc(ctx, func() { nc.SetDeadline(time.Unix(1, 0)) })
	return func() {
		after()
		nc.SetDeadline(time.Time{})
	}
}
