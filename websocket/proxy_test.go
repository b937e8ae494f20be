package websocket

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirelab/wirelab/httpcore"
)

// connectProxy is an HTTP proxy in the test process that understands only
// CONNECT. It keeps each request head as received, answers with status
// (a full status line, or "" for "HTTP/1.1 200 Connection established"),
// and on 2xx splices the connection to to (or to the CONNECT target when
// to is "").
type connectProxy struct {
	addr   string
	status string
	to     string

	mu    sync.Mutex
	heads []string
}

func (p *connectProxy) requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.heads...)
}

func startProxy(t *testing.T, status, to string) *connectProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &connectProxy{addr: ln.Addr().String(), status: status, to: to}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() { defer wg.Done(); p.serve(nc) }()
		}
	}()
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	return p
}

func (p *connectProxy) serve(nc net.Conn) {
	defer nc.Close()
	br := bufio.NewReader(nc)
	var head strings.Builder
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		head.WriteString(line)
		if line == "\r\n" {
			break
		}
	}
	p.mu.Lock()
	p.heads = append(p.heads, head.String())
	p.mu.Unlock()
	if p.status != "" {
		io.WriteString(nc, p.status+"\r\nContent-Length: 0\r\n\r\n")
		return
	}
	to := p.to
	if to == "" {
		to = strings.Fields(head.String())[1]
	}
	up, err := net.Dial("tcp", to)
	if err != nil {
		io.WriteString(nc, "HTTP/1.1 502 Bad Gateway\r\n\r\n")
		return
	}
	defer up.Close()
	io.WriteString(nc, "HTTP/1.1 200 Connection established\r\n\r\n")
	// The tunnel ends when either side does.
	done := make(chan struct{})
	go func() { io.Copy(up, br); up.Close(); nc.Close(); close(done) }()
	io.Copy(nc, up)
	up.Close()
	nc.Close()
	<-done
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// echoOnce sends one text message on c and checks it comes back.
func echoOnce(t *testing.T, c *Conn, msg string) {
	t.Helper()
	if err := c.WriteMessage(TextMessage, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	_, p, err := c.ReadMessage()
	if err != nil || string(p) != msg {
		t.Fatalf("echo: got %q, %v; want %q", p, err, msg)
	}
}

func TestDialThroughProxy(t *testing.T) {
	srv := echoServer(t, &Upgrader{})
	px := startProxy(t, "", "")
	var sent, status string
	d := Dialer{
		Proxy:          ProxyURL(mustURL(t, "http://alice:s3cret@"+px.addr)),
		OnProxyConnect: func(req []byte, st string) { sent, status = string(req), st },
	}
	c, resp, err := d.Dial(context.Background(), "ws://"+srv+"/chat")
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if resp.StatusCode != 101 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	echoOnce(t, c, "through the tunnel")

	// RFC 9110 §9.3.6: authority-form target, Host, and basic credentials
	// ("alice:s3cret" in base64).
	want := "CONNECT " + srv + " HTTP/1.1\r\nHost: " + srv + "\r\nProxy-Authorization: Basic YWxpY2U6czNjcmV0\r\n\r\n"
	if got := px.requests(); len(got) != 1 || got[0] != want {
		t.Errorf("proxy received %q, want %q", got, want)
	}
	if sent != want || status != "HTTP/1.1 200 Connection established" {
		t.Errorf("OnProxyConnect saw %q and %q", sent, status)
	}
}

func TestDialThroughProxyWithoutCredentials(t *testing.T) {
	srv := echoServer(t, &Upgrader{})
	px := startProxy(t, "", "")
	d := Dialer{Proxy: ProxyURL(mustURL(t, "http://"+px.addr))}
	c, _, err := d.Dial(context.Background(), "ws://"+srv+"/")
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	echoOnce(t, c, "x")
	if got := px.requests(); len(got) != 1 || strings.Contains(got[0], "Proxy-Authorization") {
		t.Errorf("proxy received %q, want one CONNECT without Proxy-Authorization", got)
	}
}

// TestDialWSSThroughProxy runs TLS inside the tunnel: the proxy sees only
// CONNECT, and the server sees the target's name in SNI.
func TestDialWSSThroughProxy(t *testing.T) {
	addr, pool, sni := tlsEchoServer(t, "wirelab.test")
	// The name does not resolve: only the proxy connects, to addr.
	px := startProxy(t, "", addr)
	d := Dialer{
		Proxy:     ProxyURL(mustURL(t, "http://"+px.addr)),
		TLSConfig: &tls.Config{RootCAs: pool},
	}
	c, _, err := d.Dial(context.Background(), "wss://wirelab.test/secure")
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	echoOnce(t, c, "secret")
	if got := <-sni; got != "wirelab.test" {
		t.Errorf("SNI %q, want wirelab.test", got)
	}
	want := "CONNECT wirelab.test:443 HTTP/1.1\r\nHost: wirelab.test:443\r\n\r\n"
	if got := px.requests(); len(got) != 1 || got[0] != want {
		t.Errorf("proxy received %q, want %q", got, want)
	}
}

// tlsEchoServer runs a wss:// echo server with a certificate for name; sni
// receives the server name of each TLS handshake.
func tlsEchoServer(t *testing.T, name string) (addr string, roots *x509.CertPool, sni <-chan string) {
	t.Helper()
	cert, pool := selfSigned(t, name)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	names := make(chan string, 8)
	cfg := &tls.Config{GetCertificate: func(h *tls.ClientHelloInfo) (*tls.Certificate, error) {
		select {
		case names <- h.ServerName:
		default:
		}
		return &cert, nil
	}}
	u := &Upgrader{}
	srv := &httpcore.Server{Handler: httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		if c, err := u.Upgrade(w, r); err == nil {
			go Echo(c)
		}
	})}
	done := make(chan struct{})
	go func() { srv.Serve(tls.NewListener(ln, cfg)); close(done) }()
	t.Cleanup(func() { srv.Close(); <-done })
	return ln.Addr().String(), pool, names
}

func selfSigned(t *testing.T, name string) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: name},
		DNSNames:     []string{name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

func TestProxyRefusals(t *testing.T) {
	for _, tc := range []struct {
		status string
		code   int
		hint   string
	}{
		{"HTTP/1.1 407 Proxy Authentication Required", 407, "Proxy-Authorization"},
		{"HTTP/1.1 403 Forbidden", 403, "ConnectPort"},
		{"HTTP/1.1 502 Bad Gateway", 502, "could not reach the target"},
		{"HTTP/1.0 418 I'm a teapot", 418, "only on a 2xx answer"},
	} {
		px := startProxy(t, tc.status, "")
		proxy := "http://bob:hunter2@" + px.addr
		d := Dialer{Proxy: ProxyURL(mustURL(t, proxy))}
		_, _, err := d.Dial(context.Background(), "ws://example.test:8080/")
		var pe *ProxyError
		if !errors.As(err, &pe) {
			t.Errorf("%s: got %v, want a *ProxyError", tc.status, err)
			continue
		}
		msg := err.Error()
		if pe.StatusCode != tc.code || pe.StatusLine != tc.status || pe.Target != "example.test:8080" {
			t.Errorf("%s: got %+v", tc.status, pe)
		}
		for _, want := range []string{"bob:xxxxx@" + px.addr, fmt.Sprintf("%q", tc.status), "example.test:8080", tc.hint, "RFC 9110 §9.3.6"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: error %q lacks %q", tc.status, msg, want)
			}
		}
		if strings.Contains(msg, "hunter2") {
			t.Errorf("%s: error %q shows the proxy password", tc.status, msg)
		}
	}
}

func TestProxyUnreachableAndBadScheme(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	d := Dialer{Proxy: ProxyURL(mustURL(t, "http://"+dead))}
	_, _, err = d.Dial(context.Background(), "ws://example.test/")
	if err == nil || !strings.Contains(err.Error(), "connecting to proxy http://"+dead) {
		t.Errorf("dead proxy: got %v", err)
	}
	d = Dialer{Proxy: ProxyURL(mustURL(t, "socks5://"+dead))}
	_, _, err = d.Dial(context.Background(), "ws://example.test/")
	if err == nil || !strings.Contains(err.Error(), `scheme "socks5" is not supported`) {
		t.Errorf("socks5 proxy: got %v", err)
	}
}

func TestProxyFromEnvironment(t *testing.T) {
	t.Setenv("HTTP_PROXY", "http://plain.proxy:3128")
	t.Setenv("HTTPS_PROXY", "http://secure.proxy:3129")
	t.Setenv("NO_PROXY", "direct.example")
	for _, tc := range []struct{ url, want string }{
		{"ws://a.example/", "http://plain.proxy:3128"},
		{"wss://a.example/", "http://secure.proxy:3129"},
		{"ws://direct.example:9000/", ""},
		// httpproxy never proxies loopback, whatever NO_PROXY says.
		{"ws://127.0.0.1:9000/", ""},
		{"ws://localhost:9000/", ""},
	} {
		got, err := ProxyFromEnvironment(mustURL(t, tc.url))
		if err != nil {
			t.Fatal(err)
		}
		var s string
		if got != nil {
			s = got.String()
		}
		if s != tc.want {
			t.Errorf("%s: proxy %q, want %q", tc.url, s, tc.want)
		}
	}
}

// TestDialUsesEnvironmentProxy: a zero Dialer follows HTTP_PROXY. The
// target name does not resolve; only the proxy connects, to the server.
func TestDialUsesEnvironmentProxy(t *testing.T) {
	srv := echoServer(t, &Upgrader{})
	px := startProxy(t, "", srv)
	t.Setenv("HTTP_PROXY", "http://"+px.addr)
	t.Setenv("NO_PROXY", "")
	c, _, err := Dial(context.Background(), "ws://echo.wirelab.test:9/")
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	echoOnce(t, c, "env")
	if got := px.requests(); len(got) != 1 || !strings.HasPrefix(got[0], "CONNECT echo.wirelab.test:9 HTTP/1.1\r\n") {
		t.Errorf("proxy received %q", got)
	}
}
