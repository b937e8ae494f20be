package quizgen

import (
	"context"
	"net"
	"time"

	"github.com/wirelab/wirelab/httpcore"
)

// serve starts an httpcore server for h on 127.0.0.1 and dials it. wrap,
// if set, wraps the listener (to count bytes at the server). stop closes the
// connection and the server, and waits for the server's goroutines, so that
// whatever they counted is complete.
func serve(ctx context.Context, h httpcore.Handler, wrap func(net.Listener) net.Listener) (c net.Conn, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	srv := &httpcore.Server{Handler: h}
	done := make(chan struct{})
	var served net.Listener = ln
	if wrap != nil {
		served = wrap(ln)
	}
	go func() { defer close(done); srv.Serve(served) }()
	stopServer := func() { srv.Close(); <-done }
	var d net.Dialer
	c, err = d.DialContext(ctx, "tcp", ln.Addr().String())
	if err != nil {
		stopServer()
		return nil, nil, err
	}
	c.SetDeadline(deadline(ctx))
	return c, func() { c.Close(); stopServer() }, nil
}

func deadline(ctx context.Context) time.Time {
	if d, ok := ctx.Deadline(); ok {
		return d
	}
	return time.Now().Add(5 * time.Second)
}
