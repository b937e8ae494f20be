package demo

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/postmessage"
	"github.com/wirelab/wirelab/websocket"
)

func pmDemos() []Demo {
	return []Demo{{
		ID:      "postmessage-origins",
		Summary: map[string]string{"en": "three real origins on loopback: which messages and sockets an allow-list lets in", "zh": "回环上的三个真实源：白名单放行哪些消息和套接字"},
		Run:     demoPostMessage,
	}}
}

func demoPostMessage(ctx context.Context, e *Env) error {
	s, err := postmessage.Start(postmessage.Config{
		ParentAddr:   "127.0.0.1:0",
		FrameAddr:    "127.0.0.1:0",
		AttackerAddr: "127.0.0.1:0",
	})
	if err != nil {
		return err
	}
	defer s.Shutdown(context.Background())
	o := s.Origins()
	e.Say("Three origins (scheme, host, port) on loopback — different ports make different origins:", "回环上的三个源（协议、主机、端口）——端口不同，源就不同：")
	e.Printf("  A parent page   %s\n  B framed widget %s\n  C attacker page %s\n", o.Parent, o.Frame, o.Attacker)

	// The parent's receiver accepts bridge messages from the frame only.
	policy := websocket.OriginPolicy{Allow: []websocket.Origin{o.Frame}}
	allow, err := postmessage.AllowList(policy)
	if err != nil {
		return err
	}
	list, _ := json.Marshal(allow)
	e.Say("\nThe parent's message listener checks event.origin against the allow-list %s:", "\n父页面的 message 监听器用白名单 %s 检查 event.origin：", list)
	cases := []struct {
		origin string
		want   bool
	}{
		{o.Frame.String(), true},
		{o.Attacker.String(), false},
		{o.Frame.String() + "/", false},
		{strings.Replace(o.Frame.String(), "http:", "https:", 1), false},
		{"null", false},
	}
	for _, c := range cases {
		ok := postmessage.Allowed(policy, c.origin)
		verdict := "ignored"
		if ok {
			verdict = "handled"
		}
		if e.Lang == "zh" {
			verdict = map[bool]string{true: "处理", false: "忽略"}[ok]
		}
		e.Printf("  event.origin = %-28q → %s\n", c.origin, verdict)
		if err := check(ok == c.want, "Allowed(%q) = %v", c.origin, ok); err != nil {
			return err
		}
	}
	e.Say("The comparison is exact: a trailing slash or another scheme is another string, so it is refused.",
		"比较是精确的字符串比较：多一个斜杠或换一个协议就是另一个字符串，于是被拒绝。")

	// The frame's WebSocket admits its own origin only.
	e.Say("\nThe widget's WebSocket %s checks the Origin header of each handshake:", "\n小部件的 WebSocket %s 检查每次握手的 Origin 首部：", s.SocketURL())
	for _, c := range []struct {
		origin websocket.Origin
		want   int
	}{
		{o.Frame, 101},
		{o.Parent, 403},
		{o.Attacker, 403},
	} {
		var h httpcore.Header
		h.Set("Origin", c.origin.String())
		d := websocket.Dialer{Header: h}
		conn, resp, err := d.Dial(ctx, s.SocketURL())
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		var he *websocket.HandshakeError
		if err != nil && !errors.As(err, &he) {
			return err
		}
		if conn != nil {
			conn.Close(websocket.CloseNormal, "")
		}
		e.Printf("  Origin: %-28s → %d\n", c.origin, status)
		if err := check(status == c.want, "origin %s: got %d, want %d", c.origin, status, c.want); err != nil {
			return err
		}
	}
	e.Say("\nSo the parent cannot open the socket itself; it talks to the widget with postMessage, and the widget relays.",
		"\n所以父页面无法自己打开这个套接字；它用 postMessage 和小部件通信，由小部件转发。")
	e.Say("Open the pages in a browser with: wirelab postmessage serve", "在浏览器里打开这些页面：wirelab postmessage serve")
	return nil
}
