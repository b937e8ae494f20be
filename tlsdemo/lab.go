package tlsdemo

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"strings"

	"github.com/wirelab/wirelab/httpcore"
)

// A labServer is an httpcore.Server on 127.0.0.1, over TLS when given a
// config, that a demo starts and stops.
type labServer struct {
	srv  *httpcore.Server
	addr string
	done chan error
}

// startServer serves h on a free port of 127.0.0.1, over TLS when cfg is
// not nil.
func startServer(h httpcore.Handler, cfg *tls.Config) (*labServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &labServer{
		srv:  &httpcore.Server{Handler: h, ErrorLog: log.New(io.Discard, "", 0)},
		addr: ln.Addr().String(),
		done: make(chan error, 1),
	}
	if cfg != nil {
		ln = tls.NewListener(ln, cfg)
	}
	go func() { s.done <- s.srv.Serve(ln) }()
	return s, nil
}

// Close stops the server and waits for it.
func (s *labServer) Close() error {
	s.srv.Close()
	if err := <-s.done; !errors.Is(err, httpcore.ErrServerClosed) {
		return err
	}
	return nil
}

// startProxy runs a Proxy to backend on a free port of 127.0.0.1.
func startProxy(backend string, newTap func() Tap) (*Proxy, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	p := &Proxy{Backend: backend, NewTap: newTap}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		p.Serve(ln)
	}()
	return p, ln.Addr().String(), nil
}

// exchange dials addr (over TLS when cfg is not nil), sends one request
// and reads the whole response body. The connection is closed when it
// returns. A TLS handshake failure is returned as it is, so Classify and
// Explain can read it.
func exchange(ctx context.Context, addr string, cfg *tls.Config, req *httpcore.Request) (*httpcore.Response, []byte, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	if cfg != nil {
		tc := tls.Client(c, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return nil, nil, err
		}
		c = tc
	}
	cc := httpcore.NewClientConn(c)
	if req.Host == "" {
		req.Host = addr
		if cfg != nil && cfg.ServerName != "" {
			req.Host = cfg.ServerName
		}
	}
	resp, err := cc.DoContext(ctx, req)
	if err != nil {
		return nil, nil, err
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp, body, fmt.Errorf("reading the response body: %w", err)
	}
	return resp, body, nil
}

// textHandler answers every request with body as text/plain.
func textHandler(body string) httpcore.Handler {
	return httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Connection", "close")
		w.WriteString(body)
	})
}

// postForm returns a POST request with a form body.
func postForm(target, form string) *httpcore.Request {
	req := &httpcore.Request{Method: "POST", Target: target, Body: strings.NewReader(form), ContentLength: int64(len(form))}
	req.Header.Add("Content-Type", "application/x-www-form-urlencoded")
	return req
}
