package websocket

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/wirelab/wirelab/httpcore"
)

// A Dialer runs the client side of the opening handshake (RFC 6455 §4.1).
// The zero value is ready to use.
type Dialer struct {
	// Subprotocols to offer, in order of preference.
	Subprotocols []string
	// Extensions is the Sec-WebSocket-Extensions value to offer, if any.
	Extensions string
	// Header holds extra request fields, such as Origin or Cookie.
	Header httpcore.Header
	// TLSConfig is used for wss:// URLs; nil means the system defaults.
	TLSConfig *tls.Config
	// HandshakeTimeout bounds the whole handshake when the context has no
	// deadline. Default 10s.
	HandshakeTimeout time.Duration
	// NetDial, if set, makes the TCP connection.
	NetDial func(ctx context.Context, network, addr string) (net.Conn, error)
	// ReadLimit bounds received messages; 0 means DefaultReadLimit.
	ReadLimit int64
	// Compression, if set, offers permessage-deflate (RFC 7692) and fails
	// the handshake on a response that does not honour the offer.
	Compression *Compression

	// Proxy returns the HTTP proxy to tunnel through (with CONNECT, see
	// DialTunnel) for a ws:// or wss:// URL, or nil to connect directly.
	// nil means ProxyFromEnvironment: HTTP_PROXY, HTTPS_PROXY, NO_PROXY.
	// ProxyURL(u) names one proxy; ProxyURL(nil) always connects directly.
	Proxy func(*url.URL) (*url.URL, error)
	// OnProxyConnect, if set, sees the CONNECT request as sent to the proxy
	// and the proxy's status line, before the handshakes in the tunnel.
	OnProxyConnect func(request []byte, statusLine string)
	// Gate holds the hosts this client is CONNECTING to: a Dial waits while
	// another connection to the same host:port is in its opening handshake
	// (RFC 6455 §4.1 item 2). Dialers sharing a Gate wait for each other;
	// nil means this Dialer's own, made on first use.
	Gate *HostGate

	ownGate *HostGate
}

// Dial opens a WebSocket connection to a ws:// or wss:// URL with a zero
// Dialer.
func Dial(ctx context.Context, rawURL string) (*Conn, *httpcore.Response, error) {
	var d Dialer
	return d.Dial(ctx, rawURL)
}

// Dial opens a connection. It returns the server's handshake response too,
// also on a HandshakeError when the server answered something other than a
// valid 101.
func (d *Dialer) Dial(ctx context.Context, rawURL string) (*Conn, *httpcore.Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, nil, fmt.Errorf("websocket: bad URL %q: %w", rawURL, err)
	}
	var secure bool
	switch strings.ToLower(u.Scheme) {
	case "ws", "http":
	case "wss", "https":
		secure = true
	default:
		return nil, nil, fmt.Errorf("websocket: URL %q: scheme must be ws or wss (RFC 6455 §3)", rawURL)
	}
	if u.Fragment != "" || strings.Contains(rawURL, "#") {
		return nil, nil, fmt.Errorf("websocket: URL %q has a fragment, which a WebSocket URI must not (RFC 6455 §3)", rawURL)
	}
	if u.Host == "" {
		return nil, nil, fmt.Errorf("websocket: URL %q has no host", rawURL)
	}
	addr := u.Host
	if u.Port() == "" {
		port := "80"
		if secure {
			port = "443"
		}
		addr = net.JoinHostPort(u.Hostname(), port)
	}
	target := u.RequestURI()
	if target == "" {
		target = "/"
	}

	if _, ok := ctx.Deadline(); !ok {
		t := d.HandshakeTimeout
		if t == 0 {
			t = 10 * time.Second
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t)
		defer cancel()
	}
	// §4.1 item 2: one connection per host in the CONNECTING state.
	release, err := d.gate().acquire(ctx, strings.ToLower(addr))
	if err != nil {
		return nil, nil, err
	}
	defer release()

	// §4.1 item 3: through a proxy, ask it for a tunnel to host:port.
	proxyFor := d.Proxy
	if proxyFor == nil {
		proxyFor = ProxyFromEnvironment
	}
	proxy, err := proxyFor(u)
	if err != nil {
		return nil, nil, fmt.Errorf("websocket: choosing a proxy for %q: %w", rawURL, err)
	}
	var nc net.Conn
	if proxy != nil {
		nc, err = d.DialTunnel(ctx, proxy, addr)
	} else {
		nc, err = d.netDial()(ctx, "tcp", addr)
	}
	if err != nil {
		return nil, nil, err
	}
	if secure {
		cfg := d.TLSConfig.Clone()
		if cfg == nil {
			cfg = &tls.Config{}
		}
		if cfg.ServerName == "" {
			cfg.ServerName = u.Hostname()
		}
		tc := tls.Client(nc, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			nc.Close()
			return nil, nil, err
		}
		nc = tc
	}
	c, resp, err := d.handshake(ctx, nc, u.Host, target)
	if err != nil {
		nc.Close()
		return nil, resp, err
	}
	return c, resp, nil
}

// netDial returns NetDial or a net.Dialer's DialContext.
func (d *Dialer) netDial() func(ctx context.Context, network, addr string) (net.Conn, error) {
	if d.NetDial != nil {
		return d.NetDial
	}
	var nd net.Dialer
	return nd.DialContext
}

// NewClient runs the client handshake over an existing connection.
func (d *Dialer) NewClient(ctx context.Context, nc net.Conn, host, target string) (*Conn, *httpcore.Response, error) {
	return d.handshake(ctx, nc, host, target)
}

func (d *Dialer) handshake(ctx context.Context, nc net.Conn, host, target string) (*Conn, *httpcore.Response, error) {
	if dl, ok := ctx.Deadline(); ok {
		nc.SetDeadline(dl)
		defer nc.SetDeadline(time.Time{})
	}
	stop := context.AfterFunc(ctx, func() { nc.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	// §4.1 item 7: a nonce of 16 random bytes, base64-encoded.
	var nonce [16]byte
	rand.Read(nonce[:])
	key := base64.StdEncoding.EncodeToString(nonce[:])
	req := &httpcore.Request{Method: "GET", Target: target, Host: host}
	req.Header.Add("Host", host)
	req.Header.Add("Upgrade", "websocket")
	req.Header.Add("Connection", "Upgrade")
	req.Header.Add("Sec-WebSocket-Key", key)
	req.Header.Add("Sec-WebSocket-Version", "13")
	if len(d.Subprotocols) > 0 {
		req.Header.Add("Sec-WebSocket-Protocol", strings.Join(d.Subprotocols, ", "))
	}
	if d.Extensions != "" {
		req.Header.Add("Sec-WebSocket-Extensions", d.Extensions)
	}
	if d.Compression != nil {
		req.Header.Add("Sec-WebSocket-Extensions", d.Compression.Offer())
	}
	for _, f := range d.Header.Fields() {
		req.Header.Add(f.Name, f.Value)
	}
	if err := req.Write(nc); err != nil {
		return nil, nil, err
	}
	br := bufio.NewReaderSize(nc, 4096)
	resp, err := httpcore.ReadResponse(br, req)
	if err != nil {
		return nil, nil, fmt.Errorf("websocket: reading the handshake response: %w", err)
	}
	if err := d.verify(resp, key); err != nil {
		if resp.StatusCode != 101 {
			// Keep the refusal's body (its explanation) readable after
			// the connection is closed: up to 64 KiB, for a second at most.
			nc.SetReadDeadline(time.Now().Add(time.Second))
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
			resp.Body = bytes.NewReader(body)
		}
		return nil, resp, err
	}
	var deflate DeflateParams
	useDeflate := false
	if d.Compression != nil {
		accepted, err := ParseExtensions(resp.Header.Values("Sec-WebSocket-Extensions")...)
		if err == nil {
			deflate, useDeflate, err = d.Compression.Verify(accepted)
		}
		if err != nil {
			return nil, resp, err
		}
	}
	c := newConn(nc, br, false, resp.Header.Get("Sec-WebSocket-Protocol"), resp.Header.Get("Sec-WebSocket-Extensions"))
	if useDeflate {
		c.rsvOK |= rsv1
		c.extras().dfl = newDeflateConn(deflate, false, d.Compression)
	}
	if d.ReadLimit != 0 {
		c.readLimit = d.ReadLimit
	}
	return c, resp, nil
}

// verify checks the server's response (RFC 6455 §4.1, the client's
// requirements on the handshake response).
func (d *Dialer) verify(resp *httpcore.Response, key string) error {
	h := fields(resp.Header.Fields())
	if resp.StatusCode != 101 {
		return hsErr(resp.StatusCode, "", "", "§4.1", "server answered %d %s instead of 101 Switching Protocols", resp.StatusCode, resp.Reason)
	}
	if !h.hasToken("Upgrade", "websocket") {
		return hsErr(101, "Upgrade", resp.Header.Get("Upgrade"), "§4.1", "in the response does not contain \"websocket\"")
	}
	if !h.hasToken("Connection", "upgrade") {
		return hsErr(101, "Connection", resp.Header.Get("Connection"), "§4.1", "in the response does not contain \"upgrade\"")
	}
	if got, want := resp.Header.Get("Sec-WebSocket-Accept"), AcceptKey(key); got != want {
		return hsErr(101, "Sec-WebSocket-Accept", got, "§4.1", "does not match the key we sent (want %q)", want)
	}
	if p, ok := resp.Header.Lookup("Sec-WebSocket-Protocol"); ok {
		offered := false
		for _, s := range d.Subprotocols {
			offered = offered || s == p
		}
		if !offered {
			return hsErr(101, "Sec-WebSocket-Protocol", p, "§4.1", "names a subprotocol the client did not offer")
		}
	}
	if e, ok := resp.Header.Lookup("Sec-WebSocket-Extensions"); ok && e != "" {
		var offered []string
		for _, x := range parseExtensions(fields{{Name: "Sec-WebSocket-Extensions", Value: d.Extensions}}) {
			offered = append(offered, x.Name)
		}
		if d.Compression != nil {
			offered = append(offered, DeflateName)
		}
		for _, x := range parseExtensions(h) {
			ok := false
			for _, o := range offered {
				ok = ok || o == x.Name
			}
			if !ok {
				return hsErr(101, "Sec-WebSocket-Extensions", e, "§4.1", "names an extension the client did not offer")
			}
		}
	}
	return nil
}
