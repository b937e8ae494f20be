package demo

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/lessons/diagram"
)

// loopback is where every demo listens: port 0 lets the kernel pick a free
// port, so demos never collide with each other or with a learner's server.
const loopback = "127.0.0.1:0"

// ioTimeout bounds any single wait on a socket in a demo.
const ioTimeout = 5 * time.Second

// httpServer is an httpcore server a demo started on loopback.
type httpServer struct {
	Addr string
	srv  *httpcore.Server
	done chan struct{}
	// Conns counts the TCP connections the server accepted.
	Conns atomic.Int64
}

// startHTTP serves h on a fresh loopback port.
func startHTTP(h httpcore.Handler) (*httpServer, error) { return startHTTPTap(h, nil) }

// startHTTPTap is startHTTP whose connections are recorded through tap,
// when it is not nil.
func startHTTPTap(h httpcore.Handler, tap *diagram.Tap) (*httpServer, error) {
	ln, err := tcpListener(tap)
	if err != nil {
		return nil, err
	}
	s := &httpServer{Addr: ln.Addr().String(), done: make(chan struct{})}
	s.srv = &httpcore.Server{
		Handler:           h,
		ReadHeaderTimeout: ioTimeout,
		IdleTimeout:       ioTimeout,
		ConnEvent: func(ev httpcore.ConnEvent) {
			if ev.State == httpcore.StateOpen {
				s.Conns.Add(1)
			}
		},
	}
	go func() {
		defer close(s.done)
		s.srv.Serve(ln)
	}()
	return s, nil
}

// Close stops the server and waits for it.
func (s *httpServer) Close() {
	s.srv.Close()
	<-s.done
}

// exchange dials addr, writes raw, and reads until the server closes the
// connection (send "Connection: close" to get there) or the read times out.
func exchange(ctx context.Context, addr string, raw []byte) ([]byte, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(ioTimeout))
	if _, err := c.Write(raw); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() && len(b) > 0 {
		return b, nil
	}
	return b, err
}

// readResponse reads one response from br and its whole body.
func readResponse(br *bufio.Reader, req *httpcore.Request) (*httpcore.Response, []byte, error) {
	resp, err := httpcore.ReadResponse(br, req)
	if err != nil {
		return nil, nil, err
	}
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

// firstLine returns b up to its first CRLF or LF.
func firstLine(b []byte) string {
	for i, c := range b {
		if c == '\r' || c == '\n' {
			return string(b[:i])
		}
	}
	return string(b)
}

// tcpEcho runs a plain TCP server that hands each connection to fn.
type tcpServer struct {
	Addr string
	ln   net.Listener
	wg   sync.WaitGroup
}

func startTCP(fn func(net.Conn)) (*tcpServer, error) { return startTCPTap(fn, nil) }

// startTCPTap is startTCP whose connections are recorded through tap,
// when it is not nil.
func startTCPTap(fn func(net.Conn), tap *diagram.Tap) (*tcpServer, error) {
	ln, err := tcpListener(tap)
	if err != nil {
		return nil, err
	}
	s := &tcpServer{Addr: ln.Addr().String(), ln: ln}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer c.Close()
				c.SetDeadline(time.Now().Add(ioTimeout))
				fn(c)
			}()
		}
	}()
	return s, nil
}

func (s *tcpServer) Close() {
	s.ln.Close()
	s.wg.Wait()
}

// check returns an error saying what the lesson expected when ok is false.
func check(ok bool, format string, args ...any) error {
	if ok {
		return nil
	}
	return fmt.Errorf(format, args...)
}
