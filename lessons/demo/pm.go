package demo

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/postmessage"
	"github.com/wirelab/wirelab/websocket"
)

func pmDemos() []Demo {
	return []Demo{{
		ID:      "postmessage-origins",
		Summary: i18n.ByLang(i18n.DemoSummaryPostmessageOrigins),
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
	e.Tell(i18n.DemoPMThreeOriginsSchemeHost)
	e.Printf("  A parent page   %s\n  B framed widget %s\n  C attacker page %s\n", o.Parent, o.Frame, o.Attacker)

	// The parent's receiver accepts bridge messages from the frame only.
	policy := websocket.OriginPolicy{Allow: []websocket.Origin{o.Frame}}
	allow, err := postmessage.AllowList(policy)
	if err != nil {
		return err
	}
	list, _ := json.Marshal(allow)
	e.Tell(i18n.DemoPMParentMessageListenerChecks, list)
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
		verdict := e.P().Sprintf(i18n.DemoPMIgnored)
		if ok {
			verdict = e.P().Sprintf(i18n.DemoPMHandled)
		}
		e.Printf("  event.origin = %-28q → %s\n", c.origin, verdict)
		if err := check(ok == c.want, "Allowed(%q) = %v", c.origin, ok); err != nil {
			return err
		}
	}
	e.Tell(i18n.DemoPMComparisonExactTrailingSlash)

	// The frame's WebSocket admits its own origin only.
	e.Tell(i18n.DemoPMWidgetWebsocketChecksOrigin, s.SocketURL())
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
	e.Tell(i18n.DemoPMSoParentCannotOpen)
	e.Tell(i18n.DemoPMOpenPagesBrowserWirelab)
	return nil
}
