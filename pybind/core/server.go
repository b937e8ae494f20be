package core

import (
	"io"
	"log"
	"mime"
	"net"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/websocket"
)

// A Server accepts WebSocket connections on a TCP port with the httpcore
// server. Python runs its accept loop: Accept returns each handshake
// request as a Pending that Python accepts (choosing a subprotocol) or
// rejects (with a status). Requests that are not WebSocket upgrades get a
// file from the document root, if one was given, or 404.
type Server struct {
	srv     *httpcore.Server
	ln      net.Listener
	root    *os.Root
	pending chan *Pending
	done    chan struct{} // closed by Shutdown: no more connections
	closed  chan struct{} // closed when Shutdown closed every connection
	once    sync.Once
	opts    *Options

	mu    sync.Mutex
	conns map[*Conn]struct{}
}

// How long a handshake request waits for Python: first for Accept to pick
// it up, then for the decision.
const (
	queueWait  = 10 * time.Second
	decideWait = 30 * time.Second
)

// Listen starts a server on host:port (port 0 picks a free one). docroot,
// if not "", is a directory whose files are served to plain HTTP GETs.
// opts (nil: the defaults) applies to every connection.
func Listen(host string, port int, docroot string, opts *Options) (s *Server, err error) {
	defer guard(&err)
	s = &Server{pending: make(chan *Pending), done: make(chan struct{}), closed: make(chan struct{}), conns: map[*Conn]struct{}{}, opts: opts.orDefault()}
	if docroot != "" {
		if s.root, err = os.OpenRoot(docroot); err != nil {
			return nil, valueErr("wirelab: document root: %v", err)
		}
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		if s.root != nil {
			s.root.Close()
		}
		return nil, tag(err)
	}
	s.ln = ln
	s.srv = &httpcore.Server{Handler: httpcore.HandlerFunc(s.serveHTTP), ErrorLog: log.New(io.Discard, "", 0)}
	go s.srv.Serve(ln)
	return s, nil
}

// Port returns the TCP port the server listens on.
func (s *Server) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// Addr returns the address the server listens on, host:port.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Accept waits for the next WebSocket handshake request. After Close it
// returns a closed error (code 1001).
func (s *Server) Accept() (p *Pending, err error) {
	defer guard(&err)
	select {
	case p := <-s.pending:
		return p, nil
	case <-s.done:
		return nil, newTagged(KindClosed, int(websocket.CloseGoingAway), "server closed", "wirelab: the server is closed")
	}
}

// Close stops listening and closes every open connection with 1001 (going
// away), waiting for their closing handshakes: Shutdown, then WaitClosed.
func (s *Server) Close() (err error) {
	defer guard(&err)
	s.Shutdown()
	<-s.closed
	return nil
}

// Shutdown stops listening and starts closing every open connection with
// 1001 (going away); it does not wait (WaitClosed does, so that Python
// waits in slices and Ctrl-C gets through).
func (s *Server) Shutdown() {
	s.once.Do(func() {
		close(s.done)
		s.srv.Close()
		if s.root != nil {
			s.root.Close()
		}
		s.mu.Lock()
		conns := make([]*Conn, 0, len(s.conns))
		for c := range s.conns {
			conns = append(conns, c)
		}
		s.mu.Unlock()
		go s.closeAll(conns)
	})
}

// closeAll runs the closing handshakes side by side. close_timeout bounds
// each one; with none (0), a peer gets a second.
func (s *Server) closeAll(conns []*Conn) {
	defer close(s.closed)
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Close(int(websocket.CloseGoingAway), []byte("server shutting down"))
			t := time.NewTimer(s.opts.closeTimeout + time.Second)
			defer t.Stop()
			select {
			case <-c.readDone:
			case <-t.C:
				c.Abort()
				<-c.readDone
			}
		}()
	}
	wg.Wait()
}

// WaitClosed waits up to timeoutMs for Shutdown to finish: 1 when every
// connection is closed, statusNotYet if not yet.
func (s *Server) WaitClosed(timeoutMs int) int { return waitFor(s.closed, timeoutMs) }

func (s *Server) track(c *Conn) {
	s.mu.Lock()
	s.conns[c] = struct{}{}
	s.mu.Unlock()
}

func (s *Server) forget(c *Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

// A Pending is a WebSocket handshake request waiting for Python's decision.
type Pending struct {
	s      *Server
	w      *httpcore.ResponseWriter
	r      *httpcore.Request
	decide chan decision
	result chan accepted
	gone   chan struct{} // closed when the handler stopped waiting
}

type decision struct {
	reject bool
	status int
	body   []byte
	proto  string
}

type accepted struct {
	c   *Conn
	err error
}

// Request returns the handshake request, packed (see pack.go):
//
//	method, target, proto, host, name1, value1, ... ; nothing
//
// (httpcore does not tell a handler the client's address; Conn.RemoteAddr
// does once the handshake is accepted.)
func (p *Pending) Request() (out []byte, err error) {
	defer guard(&err)
	r := p.r
	ss := []string{r.Method, r.Target, r.Proto, r.Host}
	ss = fieldStrings(ss, &r.Header)
	return packStrings(nil, ss, nil), nil
}

// Accept completes the handshake with the 101 response, choosing
// subprotocol (one the client offered, or "" for none), and returns the
// connection. The request is checked against RFC 6455 §4.2.1 first; a bad
// one gets its precise status and the error is a handshake error.
func (p *Pending) Accept(subprotocol string) (c *Conn, err error) {
	defer guard(&err)
	select {
	case p.decide <- decision{proto: subprotocol}:
	default:
		return nil, valueErr("wirelab: this handshake was already answered")
	}
	select {
	case a := <-p.result:
		return a.c, a.err
	case <-p.gone:
		// The handler closes gone as it returns, also right after sending
		// the result: look at result first, or a random pick between the
		// two ready cases would drop an upgraded connection.
		select {
		case a := <-p.result:
			return a.c, a.err
		default:
		}
		return nil, newTagged(KindHandshake, 503, "", "wirelab: the handshake timed out waiting for the handler")
	}
}

// Reject answers the handshake with status (400-599) and a text body.
func (p *Pending) Reject(status int, body []byte) (err error) {
	defer guard(&err)
	if status < 400 || status > 599 {
		return valueErr("wirelab: a refusal needs a 4xx or 5xx status, not %d", status)
	}
	select {
	case p.decide <- decision{reject: true, status: status, body: body}:
	default:
		return valueErr("wirelab: this handshake was already answered")
	}
	select {
	case <-p.result:
	case <-p.gone:
	}
	return nil
}

func (s *Server) serveHTTP(w *httpcore.ResponseWriter, r *httpcore.Request) {
	if !websocket.IsWebSocketUpgrade(r) {
		s.serveFile(w, r)
		return
	}
	p := &Pending{s: s, w: w, r: r, decide: make(chan decision, 1), result: make(chan accepted, 1), gone: make(chan struct{})}
	defer close(p.gone)
	t := time.NewTimer(queueWait)
	defer t.Stop()
	select {
	case s.pending <- p:
	case <-t.C:
		unavailable(w, "no handler is accepting connections")
		return
	case <-s.done:
		unavailable(w, "the server is shutting down")
		return
	}
	t.Reset(decideWait)
	var d decision
	select {
	case d = <-p.decide:
	case <-t.C:
		unavailable(w, "the handler did not answer the handshake")
		return
	case <-s.done:
		unavailable(w, "the server is shutting down")
		return
	}
	if d.reject {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Connection", "close")
		w.WriteHeader(d.status)
		w.Write(d.body)
		p.result <- accepted{}
		return
	}
	u := websocket.Upgrader{Origins: websocket.OriginPolicy{AllowAny: true}}
	if d.proto != "" {
		u.Subprotocols = []string{d.proto}
	}
	wc, err := u.Upgrade(w, r)
	if err != nil {
		p.result <- accepted{err: tag(err)}
		return
	}
	c := newConn(wc, packInfo(wc, 101, r.Method, r.Target, &r.Header, nil), s, s.opts)
	s.track(c)
	p.result <- accepted{c: c}
}

func unavailable(w *httpcore.ResponseWriter, why string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Retry-After", "1")
	w.WriteHeader(503)
	w.WriteString("503 Service Unavailable: " + why + "\n")
}

// serveFile answers a plain HTTP request from the document root. os.Root
// keeps every lookup inside it, so "/../" cannot escape.
func (s *Server) serveFile(w *httpcore.ResponseWriter, r *httpcore.Request) {
	notFound := func() {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(404)
		w.WriteString("404 Not Found\n")
	}
	if r.Method != "GET" && r.Method != "HEAD" {
		w.Header().Set("Allow", "GET, HEAD")
		w.WriteHeader(405)
		return
	}
	if s.root == nil {
		notFound()
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.Path()), "/")
	if name == "" {
		name = "."
	}
	f, err := s.root.Open(name)
	if err != nil {
		notFound()
		return
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		name = path.Join(name, "index.html")
		if f, err = s.root.Open(name); err != nil {
			notFound()
			return
		}
	}
	data, err := io.ReadAll(f)
	if err != nil {
		notFound()
		return
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}

// AcceptWithin is Accept that gives up after timeoutMs milliseconds and
// returns nil then, without an error, so that a Python accept loop returns
// to the interpreter regularly and Ctrl-C (KeyboardInterrupt) and signal
// handlers run. After Close it returns a closed error (code 1001).
func (s *Server) AcceptWithin(timeoutMs int) (p *Pending, err error) {
	defer guard(&err)
	t := time.NewTimer(time.Duration(max(timeoutMs, 0)) * time.Millisecond)
	defer t.Stop()
	select {
	case p := <-s.pending:
		return p, nil
	case <-s.done:
		return nil, newTagged(KindClosed, int(websocket.CloseGoingAway), "server closed", "wirelab: the server is closed")
	case <-t.C:
		return nil, nil
	}
}
