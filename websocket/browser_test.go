package websocket

import (
	"strings"
	"sync"
	"testing"
)

func TestSocketLifecycle(t *testing.T) {
	// The server answers the handshake after the checks of the CONNECTING
	// state below, which would otherwise race the connection's opening.
	gate := make(chan struct{})
	addr := gatedEchoServer(t, &Upgrader{Subprotocols: []string{"chat"}}, Echo, gate)
	var mu sync.Mutex
	var log []string
	add := func(s string) { mu.Lock(); log = append(log, s); mu.Unlock() }
	s := NewSocket("ws://"+addr+"/echo", SocketHandlers{
		OnOpen: func(s *Socket) {
			add("open " + s.ReadyState().String() + " " + s.Protocol())
			s.Send("hello")
			s.SendBinary([]byte{1, 2, 3})
		},
		OnMessage: func(s *Socket, e MessageEvent) {
			add("message " + string(e.Data))
			if !e.Text {
				s.Close(4000, "done")
				add("after close " + s.ReadyState().String())
				add("send while closing: " + errString(s.Send("dropped")))
			}
		},
		OnError: func(s *Socket, err error) { add("error " + err.Error()) },
		OnClose: func(s *Socket, e CloseEvent) {
			add("close " + e.Code.String() + " " + e.Reason + " " + boolString(e.WasClean) + " " + s.ReadyState().String())
		},
	}, "chat")
	if st := s.ReadyState(); st != Connecting {
		t.Errorf("state right after NewSocket: %v, want CONNECTING", st)
	}
	if err := s.Send("too early"); err != ErrInvalidState {
		t.Errorf("Send while connecting: %v, want ErrInvalidState", err)
	}
	close(gate)
	<-s.Done()
	got := strings.Join(log, "\n")
	want := strings.Join([]string{
		"open OPEN chat",
		"message hello",
		"message \x01\x02\x03",
		"after close CLOSING",
		"send while closing: <nil>",
		"close 4000  true CLOSED", // the server echoes the code; the reason is its own (empty)
	}, "\n")
	if got != want {
		t.Errorf("events:\n%s\nwant:\n%s", got, want)
	}
	if err := s.Close(1001, ""); err == nil {
		t.Error("Close(1001) must be rejected like the browser's InvalidAccessError")
	}
}

func TestSocketConnectFailure(t *testing.T) {
	var mu sync.Mutex
	var log []string
	s := NewSocket("ws://127.0.0.1:1/", SocketHandlers{
		OnError: func(s *Socket, err error) { mu.Lock(); log = append(log, "error"); mu.Unlock() },
		OnClose: func(s *Socket, e CloseEvent) {
			mu.Lock()
			log = append(log, "close "+e.Code.String()+" "+boolString(e.WasClean))
			mu.Unlock()
		},
	})
	<-s.Done()
	if got := strings.Join(log, ","); got != "error,close 1006 (abnormal closure) false" {
		t.Errorf("events %q", got)
	}
	if s.ReadyState() != Closed {
		t.Errorf("state %v", s.ReadyState())
	}
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
