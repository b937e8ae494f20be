package compare

import (
	"context"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/polling"
)

// KeepAliveRun is the cost of N requests made one way.
type KeepAliveRun struct {
	Proto       string  `json:"proto"`       // "HTTP/1.0" or "HTTP/1.1"
	Requests    int     `json:"requests"`    // requests answered
	Connections int64   `json:"connections"` // TCP connections opened
	Bytes       int64   `json:"bytes"`       // both directions, at the socket
	Millis      float64 `json:"ms"`          // wall time for all of them
}

// KeepAliveResult sets short connections beside a persistent one.
type KeepAliveResult struct {
	Path       string       `json:"path"`
	Short      KeepAliveRun `json:"short"`      // HTTP/1.0, a new connection per request
	Persistent KeepAliveRun `json:"persistent"` // HTTP/1.1 keep-alive, one connection
}

// KeepAlive sends n GET requests for path to addr twice: as HTTP/1.0
// without "Connection: keep-alive", where the server closes the connection
// after each response so every request pays a TCP handshake and teardown
// (RFC 9112 §9.3, §C.2.2), and as HTTP/1.1, whose connections persist by
// default, so all n share one connection.
func KeepAlive(ctx context.Context, addr, path string, n int) (*KeepAliveResult, error) {
	if n <= 0 || n > 100000 {
		return nil, fmt.Errorf("polling: keep-alive demo needs 1 to 100000 requests, not %d", n)
	}
	res := &KeepAliveResult{Path: path}
	var err error
	if res.Short, err = keepAliveRun(ctx, addr, path, n, "HTTP/1.0"); err != nil {
		return nil, err
	}
	if res.Persistent, err = keepAliveRun(ctx, addr, path, n, "HTTP/1.1"); err != nil {
		return nil, err
	}
	return res, nil
}

func keepAliveRun(ctx context.Context, addr, path string, n int, proto string) (KeepAliveRun, error) {
	var m polling.Meter
	run := KeepAliveRun{Proto: proto}
	var cc *httpcore.ClientConn
	defer func() {
		if cc != nil {
			cc.Close()
		}
	}()
	var d net.Dialer
	start := time.Now()
	for i := 0; i < n; i++ {
		if cc == nil || !cc.Reusable() {
			if cc != nil {
				cc.Close()
			}
			nc, err := d.DialContext(ctx, "tcp", addr)
			if err != nil {
				return run, fmt.Errorf("polling: keep-alive demo: %w", err)
			}
			cc = httpcore.NewClientConn(polling.CountConn(nc, &m))
		}
		req := &httpcore.Request{Method: "GET", Target: path, Proto: proto, Host: addr}
		resp, err := cc.DoContext(ctx, req)
		if err != nil {
			return run, fmt.Errorf("polling: keep-alive demo, %s request %d: %w", proto, i+1, err)
		}
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			return run, fmt.Errorf("polling: keep-alive demo, %s request %d: %w", proto, i+1, err)
		}
		run.Requests++
	}
	run.Millis = float64(time.Since(start).Microseconds()) / 1000
	s := m.Snapshot()
	run.Connections, run.Bytes = s.Conns, s.BytesIn+s.BytesOut
	return run, nil
}
