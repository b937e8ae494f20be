package httpcore

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// A Handler answers one request. It writes the response through w and may
// read r.Body; both are valid only until ServeHTTP returns (unless the
// handler hijacks the connection).
type Handler interface {
	ServeHTTP(w *ResponseWriter, r *Request)
}

// HandlerFunc adapts a function to a Handler.
type HandlerFunc func(w *ResponseWriter, r *Request)

// ServeHTTP calls f(w, r).
func (f HandlerFunc) ServeHTTP(w *ResponseWriter, r *Request) { f(w, r) }

// ConnState is a stage in a connection's life, reported to Server.ConnEvent.
type ConnState int

const (
	// StateOpen: the connection was accepted.
	StateOpen ConnState = iota
	// StateClosed: the server closed the connection (Requests tells how
	// many requests it carried).
	StateClosed
	// StateHijacked: a handler took the connection over.
	StateHijacked
	// StateRejected: the connection was refused because MaxConns were open.
	StateRejected
)

var connStateNames = [...]string{"open", "closed", "hijacked", "rejected"}

func (s ConnState) String() string {
	if int(s) < len(connStateNames) {
		return connStateNames[s]
	}
	return "ConnState(" + strconv.Itoa(int(s)) + ")"
}

// A ConnEvent describes a change in a connection's state.
type ConnEvent struct {
	Conn     net.Conn
	State    ConnState
	Requests int   // requests served on the connection so far
	Err      error // why it closed, if not a clean close by the peer
}

// Server serves HTTP/1.1 on net.Listeners. Its zero value is usable once
// Handler is set. Timeouts and limits left zero take the defaults given.
type Server struct {
	Handler Handler
	// Limits bounds request size; see Limits for the defaults.
	Limits Limits
	// ReadHeaderTimeout bounds the time to read a request's header section
	// once its first byte has arrived, and the wait for the first request on
	// a new connection: the cure for slowloris. Default 10s.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds the time to read a request body. Default 60s.
	ReadTimeout time.Duration
	// WriteTimeout bounds each write to the connection, so a peer that
	// stops reading is cut off. Default 30s.
	WriteTimeout time.Duration
	// IdleTimeout bounds the wait for the next request on a persistent
	// connection. Default 60s.
	IdleTimeout time.Duration
	// MaxConns caps concurrent connections; more are answered 503 and
	// closed. Default 10000; negative means no cap.
	MaxConns int
	// ConnEvent, if set, is called as connections open, close or are
	// hijacked. It must not block.
	ConnEvent func(ConnEvent)
	// ErrorLog receives handler panics and accept errors; nil means stderr.
	ErrorLog *log.Logger

	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	conns     map[*conn]struct{}
	wg        sync.WaitGroup
	shutdown  atomic.Bool
	open      atomic.Int64
	readers   sync.Pool
	writers   sync.Pool
	date      atomic.Pointer[dateCache]
	// work hands a new connection to an idle worker goroutine; done is
	// closed by Shutdown and Close to end the idle workers, which workers
	// counts. All three are made by Serve.
	work    chan *conn
	done    chan struct{}
	workers sync.WaitGroup
}

const (
	defaultReadHeaderTimeout = 10 * time.Second
	defaultReadTimeout       = 60 * time.Second
	defaultWriteTimeout      = 30 * time.Second
	defaultIdleTimeout       = 60 * time.Second
	defaultMaxConns          = 10000
	// workerIdle is how long a worker goroutine waits for another
	// connection after serving one before it exits.
	workerIdle = 2 * time.Second
	// maxDrain is how much of an unread request body the server reads past
	// so the connection can be reused; beyond it, the connection closes.
	maxDrain = 256 << 10
	bufSize  = 4 << 10
)

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

func (s *Server) logf(format string, args ...any) {
	if s.ErrorLog != nil {
		s.ErrorLog.Printf(format, args...)
		return
	}
	log.New(os.Stderr, "", log.LstdFlags).Printf(format, args...)
}

func (s *Server) event(e ConnEvent) {
	if s.ConnEvent != nil {
		s.ConnEvent(e)
	}
}

// ListenAndServe listens on addr (default "127.0.0.1:8080") and serves.
func (s *Server) ListenAndServe(addr string) error {
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(ln)
}

// Serve accepts connections on ln and serves each in its own goroutine; a
// goroutine that has served one connection waits briefly for the next (see
// worker). It returns ErrServerClosed after Shutdown or Close, or the error
// from Accept.
// Serve closes ln when it returns.
func (s *Server) Serve(ln net.Listener) error {
	if s.shutdown.Load() {
		ln.Close()
		return ErrServerClosed
	}
	s.mu.Lock()
	if s.listeners == nil {
		s.listeners = make(map[net.Listener]struct{})
	}
	if s.work == nil {
		s.work = make(chan *conn)
		s.done = make(chan struct{})
		if s.shutdown.Load() { // Shutdown ran before done existed
			close(s.done)
		}
	}
	s.listeners[ln] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.listeners, ln)
		s.mu.Unlock()
		ln.Close()
	}()
	var delay time.Duration
	for {
		rwc, err := ln.Accept()
		if err != nil {
			if s.shutdown.Load() {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, syscallEMFILE) {
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				s.logf("httpcore: accept error: %v; retrying in %v", err, delay)
				time.Sleep(delay)
				continue
			}
			return err
		}
		delay = 0
		max := s.MaxConns
		if max == 0 {
			max = defaultMaxConns
		}
		if max > 0 && s.open.Load() >= int64(max) {
			go s.reject(rwc)
			continue
		}
		c := s.newConn(rwc)
		if c == nil {
			rwc.Close()
			return ErrServerClosed
		}
		select {
		case s.work <- c: // an idle worker takes it
		default:
			s.workers.Add(1)
			go s.worker(c)
		}
	}
}

// worker serves c, then waits up to workerIdle for another connection from
// Serve. A new goroutine starts with a 2 KB stack and parsing a request
// needs more, so the runtime would copy the stack to a larger one on every
// connection (a fifth of a short connection's CPU time); a worker that has
// served one connection already has the stack the next one needs.
func (s *Server) worker(c *conn) {
	defer s.workers.Done()
	var idle *time.Timer
	for {
		c.serve()
		if idle == nil {
			idle = time.NewTimer(workerIdle)
		} else {
			idle.Reset(workerIdle)
		}
		select {
		case c = <-s.work:
		case <-idle.C:
			return
		case <-s.done:
			idle.Stop()
			return
		}
	}
}

// endWorkers tells idle workers to exit; it is called with s.mu held.
func (s *Server) endWorkers() {
	if s.done != nil {
		select {
		case <-s.done:
		default:
			close(s.done)
		}
	}
}

// reject answers 503 to a connection over MaxConns, without reading from
// it; it runs in its own goroutine so a slow peer cannot stall Accept.
func (s *Server) reject(rwc net.Conn) {
	s.event(ConnEvent{Conn: rwc, State: StateRejected})
	rwc.SetWriteDeadline(time.Now().Add(time.Second))
	io.WriteString(rwc, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 35\r\nConnection: close\r\nRetry-After: 1\r\n\r\ntoo many connections, retry later.\n")
	rwc.Close()
}

func (s *Server) newConn(rwc net.Conn) *conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shutdown.Load() {
		return nil
	}
	if s.conns == nil {
		s.conns = make(map[*conn]struct{})
	}
	c := &conn{srv: s, rwc: rwc, state: connIdle}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	s.conns[c] = struct{}{}
	s.open.Add(1)
	s.wg.Add(1)
	return c
}

// Shutdown stops accepting, closes idle connections, and waits for active
// requests to finish. If ctx ends first it closes the remaining connections
// and returns ctx.Err().
func (s *Server) Shutdown(ctx context.Context) error {
	s.shutdown.Store(true)
	s.mu.Lock()
	for ln := range s.listeners {
		ln.Close()
	}
	for c := range s.conns {
		if c.state == connIdle {
			// Wake the read waiting for the next request; serve sees the
			// shutdown flag and closes.
			c.rwc.SetReadDeadline(aLongTimeAgo)
		}
	}
	s.endWorkers()
	s.mu.Unlock()
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		s.workers.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		s.closeConns()
		<-done
		return ctx.Err()
	}
}

// Close closes every listener and connection at once.
func (s *Server) Close() error {
	s.shutdown.Store(true)
	s.mu.Lock()
	for ln := range s.listeners {
		ln.Close()
	}
	s.endWorkers()
	s.mu.Unlock()
	s.closeConns()
	s.wg.Wait()
	s.workers.Wait()
	return nil
}

func (s *Server) closeConns() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.cancel()
		c.rwc.Close()
	}
}

var aLongTimeAgo = time.Unix(1, 0)

type connStateInternal uint8

const (
	connIdle connStateInternal = iota
	connActive
)

// conn is the server side of one connection.
type conn struct {
	srv    *Server
	rwc    net.Conn
	ctx    context.Context
	cancel context.CancelFunc
	state  connStateInternal // guarded by srv.mu
	br     *bufio.Reader
	bw     *bufio.Writer
	// readerBack is set by DetachBuffered: the handler took br's bytes and
	// the server may reuse br once the handler returns.
	readerBack bool
	tw         timeoutWriter
	rd         Reader
	req        Request
	w          ResponseWriter
	requests   int
	hijacked   bool
	remote     string               // RemoteAddr, computed once
	tls        *tls.ConnectionState // for TLS connections, after the handshake

	// Disconnect detection while a handler runs (see requestContext).
	cr        *connReader // its own allocation: a hijacker's reader keeps only it alive
	reqCtx    context.Context
	reqCancel context.CancelFunc
	bgDone    chan struct{}
	bgErr     error
}

// connReader sits between the connection and its bufio.Reader so that a
// byte read by the background read can be handed back.
type connReader struct {
	c       net.Conn
	hasByte bool
	b       [1]byte
}

func (cr *connReader) Read(p []byte) (int, error) {
	if cr.hasByte && len(p) > 0 {
		p[0] = cr.b[0]
		cr.hasByte = false
		return 1, nil
	}
	return cr.c.Read(p)
}

// requestContext returns the context of the running request, starting a
// background read that cancels it if the client goes away. It does so only
// when the request body has been read and nothing else is buffered, so the
// read cannot take bytes the handler needs. The cost is paid only by
// handlers that ask for the context, such as long polls.
func (c *conn) requestContext() context.Context {
	if c.reqCtx != nil {
		return c.reqCtx
	}
	c.reqCtx, c.reqCancel = context.WithCancel(c.ctx)
	if c.bodyDone() && c.br.Buffered() == 0 && !c.hijacked {
		// The body is read: the body read deadline no longer applies, and
		// the watch must last as long as the handler does.
		c.rwc.SetReadDeadline(time.Time{})
		c.bgDone = make(chan struct{})
		cancel := c.reqCancel
		go func() {
			defer close(c.bgDone)
			n, err := c.rwc.Read(c.cr.b[:])
			if n == 1 {
				c.cr.hasByte = true // the start of a pipelined request
			}
			if err != nil && !isTimeout(err) {
				c.bgErr = err
				cancel() // the client closed the connection
			}
		}()
	}
	return c.reqCtx
}

// bodyDone reports whether the handler can no longer read request bytes.
func (c *conn) bodyDone() bool {
	r := &c.req
	switch {
	case r.Body == NoBody:
		return true
	case r.Chunked:
		return r.chunked.state == chunkDone
	default:
		return r.fixed.n == 0
	}
}

// stopBackgroundRead ends a running background read; a byte it read stays
// in c.cr for the next reader.
func (c *conn) stopBackgroundRead() {
	if c.bgDone != nil {
		c.rwc.SetReadDeadline(aLongTimeAgo)
		<-c.bgDone
		c.bgDone = nil
	}
}

// endRequest stops the background read and cancels the request context.
// It reports false if the client is known to have gone.
func (c *conn) endRequest() bool {
	ok := true
	if c.bgDone != nil {
		c.rwc.SetReadDeadline(aLongTimeAgo)
		<-c.bgDone
		c.bgDone = nil
		ok = c.bgErr == nil
		c.bgErr = nil
	}
	if c.reqCancel != nil {
		c.reqCancel()
		c.reqCtx, c.reqCancel = nil, nil
	}
	return ok
}

// timeoutWriter extends the write deadline before each write.
type timeoutWriter struct {
	c net.Conn
	d time.Duration
}

func (t *timeoutWriter) Write(p []byte) (int, error) {
	if t.d > 0 {
		t.c.SetWriteDeadline(time.Now().Add(t.d))
	}
	return t.c.Write(p)
}

func (c *conn) setState(st connStateInternal) bool {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	if st == connActive && c.srv.shutdown.Load() {
		return false
	}
	c.state = st
	return true
}

func (c *conn) serve() {
	s := c.srv
	var closeErr error
	defer func() {
		if c.bw != nil && !c.hijacked {
			c.bw.Flush()
		}
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		s.open.Add(-1)
		c.cancel()
		if !c.hijacked {
			c.rwc.Close()
			s.event(ConnEvent{Conn: c.rwc, State: StateClosed, Requests: c.requests, Err: closeErr})
		}
		c.release()
		s.wg.Done()
	}()
	s.event(ConnEvent{Conn: c.rwc, State: StateOpen})
	c.cr = &connReader{c: c.rwc}
	c.br = s.getReader(c.cr)
	c.tw = timeoutWriter{c.rwc, orDefault(s.WriteTimeout, defaultWriteTimeout)}
	c.bw = s.getWriter(&c.tw)
	c.rd = Reader{br: c.br, lim: s.Limits.withDefaults()}
	headerTimeout := orDefault(s.ReadHeaderTimeout, defaultReadHeaderTimeout)
	idle := orDefault(s.IdleTimeout, defaultIdleTimeout)
	bodyTimeout := orDefault(s.ReadTimeout, defaultReadTimeout)
	wait := headerTimeout
	for {
		// Wait for the first byte of the next request. Flush first so
		// pipelined responses go out together but never wait on a read.
		if c.br.Buffered() == 0 {
			if err := c.bw.Flush(); err != nil {
				closeErr = err
				return
			}
		}
		if wait > 0 {
			c.rwc.SetReadDeadline(time.Now().Add(wait))
		}
		// Checked after setting the deadline: a Shutdown that began before
		// this point is seen here; one that begins after it sets a deadline
		// in the past that this one cannot overwrite.
		if s.shutdown.Load() {
			return
		}
		if _, err := c.br.Peek(1); err != nil {
			if err != io.EOF && !isTimeout(err) {
				closeErr = err
			}
			return
		}
		if !c.setState(connActive) {
			return // shutting down
		}
		if headerTimeout > 0 {
			c.rwc.SetReadDeadline(time.Now().Add(headerTimeout))
		}
		err := c.rd.ReadRequest(&c.req)
		if err != nil {
			closeErr = err
			switch {
			case isTimeout(err):
				c.writeError(408, "timed out reading the request header section")
			case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) || isNetErr(err):
			default:
				c.writeError(StatusOf(err), err.Error())
			}
			return
		}
		c.requests++
		if bodyTimeout > 0 {
			c.rwc.SetReadDeadline(time.Now().Add(bodyTimeout))
		}
		keep := c.handle()
		if c.hijacked {
			return
		}
		if !keep || s.shutdown.Load() {
			return
		}
		c.setState(connIdle)
		wait = idle
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func isNetErr(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe)
}

// handle runs the handler for c.req and finishes the response. It reports
// whether the connection may carry another request.
func (c *conn) handle() (keep bool) {
	req := &c.req
	req.conn = c
	if c.remote == "" {
		c.remote = c.rwc.RemoteAddr().String()
		if tc, ok := c.rwc.(*tls.Conn); ok {
			st := tc.ConnectionState()
			c.tls = &st
		}
	}
	req.RemoteAddr, req.TLS = c.remote, c.tls
	defer func() { req.conn = nil }()
	w := &c.w
	w.reset(c, req)
	if req.Expect != "" {
		if !asciiEqualFold(req.Expect, "100-continue") {
			// RFC 9110 §10.1.1: an expectation we cannot meet.
			c.writeError(417, fmt.Sprintf("Expect %q is not supported (only 100-continue is)", req.Expect))
			return false
		}
		if req.ProtoAtLeast(1, 1) && req.Body != NoBody {
			w.cont = continueReader{w: w, r: req.Body}
			req.Body = &w.cont
		}
	}
	if c.srv.Handler != nil {
		ok := c.runHandler(w, req)
		if !c.hijacked && !c.endRequest() {
			return false
		}
		if !ok {
			return false
		}
	} else {
		w.WriteHeader(404)
	}
	if c.hijacked {
		return false
	}
	if err := w.finish(); err != nil {
		return false
	}
	if w.closeAfter {
		return false
	}
	return c.drain(req)
}

func (c *conn) runHandler(w *ResponseWriter, req *Request) (ok bool) {
	defer func() {
		if v := recover(); v != nil {
			c.srv.logf("httpcore: panic serving %s %s: %v", req.Method, req.Target, v)
			if !w.committed && !c.hijacked {
				w.header.Reset()
				c.writeError(500, "internal error")
			}
			ok = false
		}
	}()
	c.srv.Handler.ServeHTTP(w, req)
	err := w.bodyErr
	if err == nil && req.Chunked {
		err = req.chunked.err
	}
	var pe *ProtocolError
	if errors.As(err, &pe) && !w.committed {
		// The handler hit a bad body (too large, malformed chunk) and wrote
		// nothing: answer with that error's status.
		w.header.Reset()
		c.writeError(StatusOf(err), err.Error())
		return false
	}
	return true
}

// drain reads what the handler left of the request body, so the next
// request starts at the right byte. It gives up (closing) past maxDrain.
func (c *conn) drain(req *Request) bool {
	if req.Body == NoBody {
		return true
	}
	if c.w.cont.w != nil && !c.w.cont.sent {
		// We never asked for the body, so the client may not send it.
		return false
	}
	n, err := io.CopyN(io.Discard, req.Body, maxDrain+1)
	return err == io.EOF && n <= maxDrain
}

// writeError writes a complete error response and marks the connection for
// closing.
func (c *conn) writeError(code int, msg string) {
	body := StatusText(code) + ": " + msg + "\n"
	c.bw.WriteString(statusLine(code))
	c.bw.WriteString("Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\n")
	c.bw.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n")
	if c.req.Method != "HEAD" {
		c.bw.WriteString(body)
	}
	c.bw.Flush()
}

func (c *conn) release() {
	if !c.hijacked || c.readerBack { // a hijacker keeps the reader, unless it gave it back
		c.br.Reset(nil)
		c.srv.readers.Put(c.br)
	}
	c.bw.Reset(nil)
	c.srv.writers.Put(c.bw)
}

func (s *Server) getReader(r io.Reader) *bufio.Reader {
	if v := s.readers.Get(); v != nil {
		br := v.(*bufio.Reader)
		br.Reset(r)
		return br
	}
	return bufio.NewReaderSize(r, bufSize)
}

func (s *Server) getWriter(w io.Writer) *bufio.Writer {
	if v := s.writers.Get(); v != nil {
		bw := v.(*bufio.Writer)
		bw.Reset(w)
		return bw
	}
	return bufio.NewWriterSize(w, bufSize)
}

// dateCache holds the Date field value for one second (RFC 9110 §6.6.1:
// an origin server with a clock sends Date).
type dateCache struct {
	sec int64
	val string
}

func (s *Server) dateValue() string {
	now := time.Now()
	if d := s.date.Load(); d != nil && d.sec == now.Unix() {
		return d.val
	}
	d := &dateCache{sec: now.Unix(), val: now.UTC().Format("Mon, 02 Jan 2006 15:04:05 GMT")}
	s.date.Store(d)
	return d.val
}
