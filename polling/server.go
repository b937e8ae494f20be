package polling

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/websocket"
)

// Defaults for the Server's zero fields.
const (
	DefaultMaxBatch            = 256
	DefaultMaxWait             = 60 * time.Second
	DefaultMaxWaitersPerClient = 2
	DefaultRetry               = time.Second
	DefaultHeartbeat           = 15 * time.Second
	DefaultWriteTimeout        = 10 * time.Second
)

// MaxPublishBytes is the largest body POST /publish accepts; a longer one is
// answered 413 Content Too Large (RFC 9110 §15.5.14).
const MaxPublishBytes = 1 << 20

// Server is an httpcore.Handler that serves a Hub's stream on four paths:
//
//	GET  /poll?after=SEQ                 short poll: answered at once
//	GET  /poll?after=SEQ&wait=S&id=ID    long poll: held up to S seconds
//	GET  /events?after=SEQ               Server-Sent Events (or Last-Event-ID: SEQ)
//	GET  /ws?after=SEQ                   WebSocket, one text frame per message
//	POST /publish                        the body becomes a message (if AllowPublish)
//
// Without a cursor a reader starts from the newest message: it sees only
// what is published after it arrives. Other paths get 404, so a Server can
// sit behind a mux.
//
// Its zero value (with Hub set) is ready to use. Close ends every held
// request and stream.
type Server struct {
	Hub Hub
	// MaxBatch caps the messages in one poll answer; a client further
	// behind asks again. Default 256.
	MaxBatch int
	// MaxWait caps the wait a long poll may ask for. Default 60s.
	MaxWait time.Duration
	// MaxWaitersPerClient bounds the long polls one client (named by id=)
	// holds at once; a new one releases the oldest with an empty answer.
	// Default 2.
	MaxWaitersPerClient int
	// Retry is the reconnection delay an SSE stream announces in its retry
	// field. Default 1s.
	Retry time.Duration
	// Heartbeat is how often an idle SSE stream sends a comment line, so
	// proxies keep it open and a dead client shows up as a failed write.
	// Default 15s.
	Heartbeat time.Duration
	// WriteTimeout bounds each WebSocket write, so a client that stops
	// reading is cut off. (httpcore.Server.WriteTimeout does the same for
	// the HTTP transports.) Default 10s.
	WriteTimeout time.Duration
	// Upgrader runs the WebSocket handshake; its zero value accepts
	// same-origin pages and non-browser clients.
	Upgrader websocket.Upgrader
	// AllowPublish enables POST /publish.
	AllowPublish bool
	// Meters, if set, counts per transport the requests and the messages
	// and payload bytes sent.
	Meters *Meters

	once    sync.Once
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup // WebSocket connections
	mu      sync.Mutex
	waiters map[string][]*waiter
	held    atomic.Int64 // long polls being held
	streams atomic.Int64 // event streams and WebSockets open
}

// Held reports how many long polls the server is holding and how many event
// streams and WebSocket connections are open.
func (s *Server) Held() (longPolls, streams int64) {
	return s.held.Load(), s.streams.Load()
}

type waiter struct{ release context.CancelFunc }

func (s *Server) init() {
	s.once.Do(func() {
		s.ctx, s.cancel = context.WithCancel(context.Background())
		s.waiters = make(map[string][]*waiter)
	})
}

// Close ends every long poll, event stream and WebSocket connection the
// server holds (WebSockets get close code 1001, going away) and waits for
// the WebSocket goroutines. Handlers that run after Close answer 503.
func (s *Server) Close() error {
	s.init()
	s.cancel()
	s.wg.Wait()
	return nil
}

func (s *Server) meter(t Transport) *Meter {
	if s.Meters == nil {
		return nil
	}
	return &s.Meters[t]
}

func orInt(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

func orDur(v, def time.Duration) time.Duration {
	if v <= 0 {
		return def
	}
	return v
}

// ServeHTTP implements httpcore.Handler.
func (s *Server) ServeHTTP(w *httpcore.ResponseWriter, r *httpcore.Request) {
	s.init()
	path := r.Path()
	switch path {
	case "/poll", "/events", "/ws":
		if r.Method != "GET" && r.Method != "HEAD" {
			w.Header().Set("Allow", "GET, HEAD")
			httpError(w, 405, fmt.Sprintf("polling: %s takes GET, not %s (RFC 9110 §15.5.6)", path, r.Method))
			return
		}
	case "/publish":
		if !s.AllowPublish {
			httpError(w, 404, "polling: publishing over HTTP is turned off on this server")
			return
		}
		if r.Method != "POST" {
			w.Header().Set("Allow", "POST")
			httpError(w, 405, fmt.Sprintf("polling: /publish takes POST, not %s (RFC 9110 §15.5.6)", r.Method))
			return
		}
		s.servePublish(w, r)
		return
	default:
		httpError(w, 404, fmt.Sprintf("polling: no such path %q: try /poll, /events or /ws", path))
		return
	}
	if s.ctx.Err() != nil {
		w.Header().Set("Retry-After", "1")
		httpError(w, 503, "polling: the server is shutting down")
		return
	}
	q, err := url.ParseQuery(r.RawQuery())
	if err != nil {
		httpError(w, 400, fmt.Sprintf("polling: malformed query %q: %v", r.RawQuery(), err))
		return
	}
	cursor, err := s.cursor(r, q)
	if err != nil {
		httpError(w, 400, err.Error())
		return
	}
	switch path {
	case "/poll":
		s.servePoll(w, r, q, cursor)
	case "/events":
		s.serveEvents(w, r, cursor)
	case "/ws":
		s.serveWS(w, r, cursor)
	}
}

// cursor returns the reader's cursor: Last-Event-ID on /events (the header
// EventSource sends when it reconnects, WHATWG HTML §9.2.4), else the after
// parameter, else the newest message.
func (s *Server) cursor(r *httpcore.Request, q url.Values) (uint64, error) {
	if r.Path() == "/events" {
		if v, ok := r.Header.Lookup("Last-Event-ID"); ok && v != "" {
			return parseCursor("Last-Event-ID", v)
		}
	}
	if vs, ok := q["after"]; ok {
		if len(vs) != 1 {
			return 0, fmt.Errorf("polling: after= appears %d times; send one cursor", len(vs))
		}
		return parseCursor("after=", vs[0])
	}
	return s.Hub.Last(), nil
}

// httpError writes a plain-text error answer.
func httpError(w *httpcore.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	w.WriteString(msg + "\n")
}

// cursorError answers a *CursorError with its status.
func cursorError(w *httpcore.ResponseWriter, err error) {
	var ce *CursorError
	if errors.As(err, &ce) {
		httpError(w, ce.Status, ce.Error())
		return
	}
	httpError(w, 500, "polling: "+err.Error())
}

func (s *Server) servePoll(w *httpcore.ResponseWriter, r *httpcore.Request, q url.Values, cursor uint64) {
	t := ShortPoll
	var wait time.Duration
	if v := q.Get("wait"); v != "" {
		secs, err := strconv.ParseFloat(v, 64)
		maxWait := orDur(s.MaxWait, DefaultMaxWait)
		if err != nil || secs < 0 || secs > maxWait.Seconds() {
			httpError(w, 400, fmt.Sprintf("polling: wait=%q is not a number of seconds from 0 to %g", v, maxWait.Seconds()))
			return
		}
		wait = time.Duration(secs * float64(time.Second))
		t = LongPoll
	}
	m := s.meter(t)
	if m != nil {
		m.Requests.Add(1)
	}
	max := orInt(s.MaxBatch, DefaultMaxBatch)
	var msgs []Message
	var err error
	if t == ShortPoll || wait == 0 {
		msgs, _, err = s.Hub.Read(cursor, max)
	} else {
		msgs, err = s.longPoll(r, q.Get("id"), cursor, max, wait)
		if err != nil && !errors.As(err, new(*CursorError)) {
			if s.ctx.Err() != nil {
				w.Header().Set("Retry-After", "1")
				httpError(w, 503, "polling: the server is shutting down")
			}
			return // the client is gone
		}
	}
	if err != nil {
		cursorError(w, err)
		return
	}
	next := cursor
	if len(msgs) > 0 {
		next = msgs[len(msgs)-1].Seq
	}
	body := appendPoll(make([]byte, 0, 64+len(msgs)*64), next, msgs)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
	if m != nil {
		countSent(m, msgs)
	}
}

func countSent(m *Meter, msgs []Message) {
	var n int64
	for _, msg := range msgs {
		n += int64(len(msg.Data))
	}
	m.Messages.Add(int64(len(msgs)))
	m.PayloadBytes.Add(n)
}

// longPoll holds the request until there are messages, the wait ends (nil,
// nil), a newer long poll of the same client releases it (nil, nil) or the
// client or server goes away (an error).
func (s *Server) longPoll(r *httpcore.Request, id string, cursor uint64, max int, wait time.Duration) ([]Message, error) {
	ctx, release := context.WithCancel(r.Context())
	defer release()
	stop := context.AfterFunc(s.ctx, release)
	defer stop()
	if id != "" {
		wt := &waiter{release: release}
		s.mu.Lock()
		list := s.waiters[id]
		if limit := orInt(s.MaxWaitersPerClient, DefaultMaxWaitersPerClient); len(list) >= limit {
			list[0].release() // the oldest answers empty; the client has moved on
			list = list[1:]
		}
		s.waiters[id] = append(list, wt)
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			list := s.waiters[id]
			for i, x := range list {
				if x == wt {
					list = append(list[:i:i], list[i+1:]...)
					break
				}
			}
			if len(list) == 0 {
				delete(s.waiters, id)
			} else {
				s.waiters[id] = list
			}
			s.mu.Unlock()
		}()
	}
	s.held.Add(1)
	msgs, err := Wait(ctx, s.Hub, cursor, max, wait)
	s.held.Add(-1)
	if err != nil && ctx.Err() != nil && r.Context().Err() == nil && s.ctx.Err() == nil {
		return nil, nil // released by a newer long poll of the same client
	}
	return msgs, err
}

// serveEvents streams the hub as Server-Sent Events (WHATWG HTML §9.2).
func (s *Server) serveEvents(w *httpcore.ResponseWriter, r *httpcore.Request, cursor uint64) {
	m := s.meter(SSE)
	if m != nil {
		m.Requests.Add(1)
	}
	max := orInt(s.MaxBatch, DefaultMaxBatch)
	msgs, wake, err := s.Hub.Read(cursor, max)
	if err != nil {
		cursorError(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	if r.Method == "HEAD" {
		return
	}
	ctx := r.Context()
	s.streams.Add(1)
	defer s.streams.Add(-1)
	// §9.2.6: "retry" sets the client's reconnection time in milliseconds.
	buf := make([]byte, 0, 4096)
	buf = append(buf, "retry: "...)
	buf = strconv.AppendInt(buf, orDur(s.Retry, DefaultRetry).Milliseconds(), 10)
	buf = append(buf, "\n\n"...)
	beat := time.NewTicker(orDur(s.Heartbeat, DefaultHeartbeat))
	defer beat.Stop()
	for {
		for _, msg := range msgs {
			buf = appendEvent(buf, msg)
			cursor = msg.Seq
		}
		if len(buf) > 0 {
			if m != nil {
				countSent(m, msgs) // counted as sent before the client can see them
			}
			if _, err := w.Write(buf); err != nil {
				return
			}
			if err := w.Flush(); err != nil {
				return // cut off: the client stopped reading or went away
			}
			buf = buf[:0]
		}
		if len(msgs) == 0 {
			select {
			case <-wake:
			case <-beat.C:
				// §9.2.6: a line starting with a colon is a comment, ignored
				// by the client but enough to keep the connection busy.
				buf = append(buf, ": heartbeat\n\n"...)
			case <-ctx.Done():
				return
			case <-s.ctx.Done():
				return
			}
		}
		msgs, wake, err = s.Hub.Read(cursor, max)
		if err != nil {
			// The stream moved past our retention while we were blocked;
			// end it, the client reconnects and learns why.
			return
		}
	}
}

// serveWS sends the hub over a WebSocket, one text frame per message.
func (s *Server) serveWS(w *httpcore.ResponseWriter, r *httpcore.Request, cursor uint64) {
	m := s.meter(WebSocket)
	if m != nil {
		m.Requests.Add(1)
	}
	if _, _, err := s.Hub.Read(cursor, 1); err != nil {
		cursorError(w, err) // refuse before upgrading, with a status a client can read
		return
	}
	c, err := s.Upgrader.Upgrade(w, r)
	if err != nil {
		return // the client got its 4xx
	}
	s.wg.Add(1)
	defer s.wg.Done()
	s.streams.Add(1)
	defer s.streams.Add(-1)
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	// The reader answers pings and the close handshake, and notices the
	// client leaving; the stream is one-way, so data messages are ignored.
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		defer cancel()
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	}()
	timeout := orDur(s.WriteTimeout, DefaultWriteTimeout)
	max := orInt(s.MaxBatch, DefaultMaxBatch)
	buf := make([]byte, 0, 256)
	code, reason := websocket.CloseGoingAway, "server shutting down"
	for {
		msgs, err := Wait(ctx, s.Hub, cursor, max, 0)
		if err != nil {
			var ce *CursorError
			if errors.As(err, &ce) {
				// RFC 6455 §7.4.1: 1008 for a message that violates policy;
				// the reason tells the client to start over.
				code, reason = websocket.ClosePolicyViolation, truncate(fmt.Sprintf("cursor %d expired; oldest is %d", ce.Cursor, ce.First), 123)
			}
			break
		}
		ok := true
		for _, msg := range msgs {
			buf = appendMessage(buf[:0], msg)
			if m != nil {
				m.Messages.Add(1)
				m.PayloadBytes.Add(int64(len(msg.Data)))
			}
			c.SetWriteDeadline(time.Now().Add(timeout))
			if err := c.WriteMessage(websocket.TextMessage, buf); err != nil {
				ok = false
				break
			}
			cursor = msg.Seq
		}
		if !ok {
			c.CloseNow() // cut off: the client stopped reading or went away
			<-readerDone
			return
		}
	}
	select {
	case <-readerDone: // the client closed, or the connection failed
		c.CloseNow()
	default:
		c.SetWriteDeadline(time.Now().Add(timeout))
		c.Close(code, reason)
		c.CloseNow()
		<-readerDone
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// servePublish appends the request body as one message and answers
// {"seq":N}.
func (s *Server) servePublish(w *httpcore.ResponseWriter, r *httpcore.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxPublishBytes+1))
	if err != nil {
		httpError(w, 400, "polling: reading the message: "+err.Error())
		return
	}
	if len(body) > MaxPublishBytes {
		httpError(w, 413, fmt.Sprintf("polling: a message may be at most %d bytes", MaxPublishBytes))
		return
	}
	msg, err := s.Hub.Publish(r.Context(), body)
	if err != nil {
		httpError(w, 503, "polling: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteString(`{"seq":` + strconv.FormatUint(msg.Seq, 10) + "}\n")
}
