package demo

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/websocket"
)

func browserDemos() []Demo {
	return []Demo{
		{
			ID:      "ws-socket-api",
			Summary: i18n.ByLang(i18n.DemoSummaryWsSocketApi),
			Run:     demoSocketAPI,
		},
		{
			ID:      "socket-vs-ws",
			Summary: i18n.ByLang(i18n.DemoSummarySocketVsWs),
			Run:     demoSocketVsWS,
		},
	}
}

func demoSocketAPI(ctx context.Context, e *Env) error {
	// The server answers the handshake only after the "too early" send
	// below. A browser guarantees that order by itself: the socket cannot
	// open before the script that made it has run to its end.
	gate := make(chan struct{})
	srv, err := startEchoGated(nil, gate, nil)
	if err != nil {
		return err
	}
	defer srv.Close()
	var mu sync.Mutex
	var events []string
	logf := func(format string, args ...any) {
		mu.Lock()
		events = append(events, fmt.Sprintf(format, args...))
		mu.Unlock()
		e.Printf(format+"\n", args...)
	}
	big := strings.Repeat("x", 1<<20)
	got := 0
	s := websocket.NewSocket("ws://"+srv.Addr+"/echo", websocket.SocketHandlers{
		OnOpen: func(s *websocket.Socket) {
			logf("onopen      readyState=%d (%s)", s.ReadyState(), s.ReadyState())
			s.Send("hello")
			s.Send(big)
			logf("%s", e.P().Sprintf(i18n.DemoBrowserBuffered, s.BufferedAmount()))
		},
		OnMessage: func(s *websocket.Socket, m websocket.MessageEvent) {
			got++
			data := string(m.Data)
			if len(data) > 16 {
				data = fmt.Sprintf("%d bytes", len(m.Data))
			}
			logf("onmessage   data=%q text=%v", data, m.Text)
			if got == 2 {
				s.Close(1000, "done")
				logf("close(1000, \"done\") → readyState=%d (%s)", s.ReadyState(), s.ReadyState())
			}
		},
		OnError: func(s *websocket.Socket, err error) {
			logf("onerror     %v", err)
		},
		OnClose: func(s *websocket.Socket, ev websocket.CloseEvent) {
			logf("onclose     code=%d reason=%q wasClean=%v readyState=%d (%s)", ev.Code, ev.Reason, ev.WasClean, s.ReadyState(), s.ReadyState())
		},
	})
	e.Printf("new WebSocket(%q) → readyState=%d (%s)\n", s.URL(), s.ReadyState(), s.ReadyState())
	err = s.Send("too early")
	close(gate)
	if err == nil {
		return fmt.Errorf("send() while CONNECTING succeeded; a browser throws InvalidStateError")
	}
	e.Tell(i18n.DemoBrowserSendWhileConnecting, err)
	select {
	case <-s.Done():
	case <-ctx.Done():
		return ctx.Err()
	}
	mu.Lock()
	defer mu.Unlock()
	joined := strings.Join(events, "\n")
	return check(strings.Contains(joined, "onopen") && strings.Contains(joined, "wasClean=true") && got == 2,
		"events were:\n%s", joined)
}

func demoSocketVsWS(ctx context.Context, e *Env) error {
	// A bare TCP socket: the bytes arrive, the boundaries do not.
	reads := make(chan []string, 1)
	srv, err := startTCP(func(c net.Conn) {
		time.Sleep(50 * time.Millisecond)
		var got []string
		b := make([]byte, 256)
		c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		for {
			n, err := c.Read(b)
			if n > 0 {
				got = append(got, string(b[:n]))
			}
			if err != nil {
				break
			}
		}
		reads <- got
	})
	if err != nil {
		return err
	}
	defer srv.Close()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", srv.Addr)
	if err != nil {
		return err
	}
	c.Write([]byte("first message"))
	c.Write([]byte("second message"))
	got := <-reads
	c.Close()
	e.Tell(i18n.DemoBrowserBareTcpSocketClient, got)
	n := 0
	for _, r := range got {
		n += len(r)
	}
	e.Tell(i18n.DemoBrowserBytesArrivedButNothing, n)

	// WebSocket: the same two messages keep their boundaries.
	ws, err := startEcho(nil)
	if err != nil {
		return err
	}
	defer ws.Close()
	var hsBytes int
	conn, resp, err := websocket.Dial(ctx, "ws://"+ws.Addr+"/")
	if err != nil {
		return err
	}
	defer conn.CloseNow()
	var out bytes.Buffer
	resp.Write(&out)
	hsBytes = out.Len()
	var msgs []string
	for _, m := range []string{"first message", "second message"} {
		if err := conn.WriteMessage(websocket.TextMessage, []byte(m)); err != nil {
			return err
		}
	}
	for range 2 {
		_, m, err := conn.ReadMessage()
		if err != nil {
			return err
		}
		msgs = append(msgs, string(m))
	}
	conn.Close(websocket.CloseNormal, "")
	e.Tell(i18n.DemoBrowserWebsocketSameTwoSends, len(msgs), msgs)
	e.Tell(i18n.DemoBrowserEachMessageRodeFrame, 6)
	e.Tell(i18n.DemoBrowserPricePaidOncePer, hsBytes)
	e.Tell(i18n.DemoBrowserSocketOperatingSystemInterface)
	return check(len(msgs) == 2 && msgs[0] == "first message" && msgs[1] == "second message", "messages %q", msgs)
}
