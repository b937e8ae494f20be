package postmessage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/websocket"
)

// maxSocketMessage bounds a message from the frame (the Upgrader's read
// limit; a larger one fails the connection with 1009).
const maxSocketMessage = 64 << 10

// The bridge's WebSocket speaks JSON text messages. The frame sends requests
//
//	{"id":"bridge-1-x7","method":"upper","params":{"text":"hello"}}
//
// and the server answers each with a reply carrying the same id, or pushes
// messages of its own:
//
//	{"type":"hello","origin":"http://127.0.0.2:8402","text":"..."}
//	{"type":"reply","id":"bridge-1-x7","result":{"text":"HELLO","seq":1,"origin":"http://127.0.0.2:8402"}}
//	{"type":"reply","id":"bridge-2-k1","error":"unknown method \"nope\"; the server knows \"upper\""}
//	{"type":"push","text":"sent from Go"}
type socketRequest struct {
	ID     string          `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
}

type socketMessage struct {
	Type   string       `json:"type"`
	ID     string       `json:"id,omitempty"`
	Origin string       `json:"origin,omitempty"`
	Text   string       `json:"text,omitempty"`
	Result *upperResult `json:"result,omitempty"`
	Error  string       `json:"error,omitempty"`
}

type socketParams struct {
	Text string `json:"text"`
}

type upperResult struct {
	Text   string `json:"text"`
	Seq    int64  `json:"seq"`
	Origin string `json:"origin"`
}

// A socket is one open bridge connection. Replies (the handler's goroutine)
// and pushes (Push's caller) both write, so writes take mu: a Conn allows
// one writer at a time.
type socket struct {
	c      *websocket.Conn
	origin string
	mu     sync.Mutex
	seq    int64
}

func (s *socket) send(m socketMessage) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return s.c.WriteMessage(websocket.TextMessage, b)
}

// sockets tracks the open connections so Push can reach them and Shutdown
// can say goodbye.
type sockets struct {
	mu      sync.Mutex
	m       map[*socket]struct{}
	closing bool
	wg      sync.WaitGroup // one per running serveSocket
}

// serveSocket upgrades a request on the frame's origin. The Upgrader's
// OriginPolicy admits only pages of the frame's origin; the parent, the
// attacker, or any other page gets 403 Forbidden.
func (l *Lab) serveSocket(w *httpcore.ResponseWriter, r *httpcore.Request) {
	origin, _ := r.Header.Lookup("Origin")
	l.sockets.mu.Lock()
	if l.sockets.closing {
		l.sockets.mu.Unlock()
		w.Header().Set("Connection", "close")
		w.WriteHeader(503)
		w.WriteString("503 Service Unavailable: the lab is shutting down\n")
		return
	}
	l.sockets.wg.Add(1)
	l.sockets.mu.Unlock()
	defer l.sockets.wg.Done()

	c, err := l.up.Upgrade(w, r)
	if err != nil {
		var he *websocket.HandshakeError
		if errors.As(err, &he) {
			l.emit(EventSocketDeny, origin, fmt.Sprintf("%d %s: %v", he.Status, httpcore.StatusText(he.Status), err))
		} else {
			l.emit(EventSocketDeny, origin, err.Error())
		}
		return
	}
	s := &socket{c: c, origin: origin}
	if !l.sockets.add(s) {
		c.Close(websocket.CloseGoingAway, "lab shutting down")
		return
	}
	defer l.sockets.remove(s)
	l.emit(EventSocketOpen, origin, r.Target)
	hello := socketMessage{Type: "hello", Origin: origin, Text: "wirelab accepted the WebSocket from Origin " + origin + " (its OriginPolicy allows only " + l.origins.Frame.String() + ")"}
	if l.sendLogged(s, hello) != nil {
		c.CloseNow()
		return
	}
	for {
		_, p, err := c.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				l.emit(EventSocketClose, origin, ce.Code.String())
			} else {
				l.emit(EventSocketClose, origin, err.Error())
			}
			c.CloseNow()
			return
		}
		l.emit(EventSocketRecv, origin, string(p))
		reply, ok := s.answer(p)
		if !ok {
			l.emit(EventBadRequest, origin, reply.Error)
		}
		if l.sendLogged(s, reply) != nil {
			c.CloseNow()
			return
		}
	}
}

func (l *Lab) sendLogged(s *socket, m socketMessage) error {
	b, _ := json.Marshal(m)
	err := s.send(m)
	if err == nil {
		l.emit(EventSocketSend, s.origin, string(b))
	}
	return err
}

// answer turns a request into its reply; ok is false for a malformed one.
func (s *socket) answer(p []byte) (reply socketMessage, ok bool) {
	var req socketRequest
	if err := json.Unmarshal(p, &req); err != nil {
		return socketMessage{Type: "error", Error: "not a JSON request: " + err.Error()}, false
	}
	reply = socketMessage{Type: "reply", ID: req.ID}
	if req.ID == "" || len(req.ID) > 64 {
		reply.Type, reply.Error = "error", "a request needs an id of 1 to 64 characters"
		return reply, false
	}
	switch req.Method {
	case "upper":
		var params socketParams
		if err := json.Unmarshal(req.Params, &params); err != nil || !utf8.ValidString(params.Text) {
			reply.Error = `"upper" takes {"text": string}`
			return reply, true
		}
		s.seq++
		reply.Result = &upperResult{Text: strings.ToUpper(params.Text), Seq: s.seq, Origin: s.origin}
	default:
		reply.Error = fmt.Sprintf("unknown method %q; the server knows \"upper\"", req.Method)
	}
	return reply, true
}

func (ss *sockets) add(s *socket) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.closing {
		return false
	}
	ss.m[s] = struct{}{}
	return true
}

func (ss *sockets) remove(s *socket) {
	ss.mu.Lock()
	delete(ss.m, s)
	ss.mu.Unlock()
}

func (ss *sockets) list() []*socket {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	l := make([]*socket, 0, len(ss.m))
	for s := range ss.m {
		l = append(l, s)
	}
	return l
}

// Sockets returns how many bridge WebSockets are open.
func (l *Lab) Sockets() int {
	l.sockets.mu.Lock()
	defer l.sockets.mu.Unlock()
	return len(l.sockets.m)
}

// Push sends text to every open bridge WebSocket, from the server's side:
// the frame relays it to the parent as a "ws.push" event. It returns how
// many sockets it reached.
func (l *Lab) Push(text string) int {
	n := 0
	for _, s := range l.sockets.list() {
		if l.sendLogged(s, socketMessage{Type: "push", Text: text}) == nil {
			n++
		}
	}
	return n
}

// Shutdown sends close 1001 (going away) to every bridge WebSocket and waits
// for their handlers to finish, or for ctx to end, when it closes the
// connections that remain. The HTTP servers are the caller's to stop.
func (l *Lab) Shutdown(ctx context.Context) error {
	l.sockets.mu.Lock()
	l.sockets.closing = true
	l.sockets.mu.Unlock()
	socks := l.sockets.list()
	for _, s := range socks {
		s.mu.Lock()
		s.c.WriteControl(websocket.OpClose, websocket.FormatClose(websocket.CloseGoingAway, "lab shutting down"), time.Now().Add(time.Second))
		s.mu.Unlock()
	}
	done := make(chan struct{})
	go func() {
		l.sockets.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		for _, s := range l.sockets.list() {
			s.c.CloseNow()
		}
		<-done
		return ctx.Err()
	}
}
