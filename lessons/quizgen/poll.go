package quizgen

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"

	"github.com/wirelab/wirelab/polling"
)

// PollBytes asks what one short poll costs on the wire: it runs a real
// short poll against the polling package's server on loopback, before any
// message is published, and counts the request and response bytes at the
// client's socket.
var PollBytes = register(Generator{
	ID:     "poll-bytes",
	Params: []string{"addr", "request", "response", "body", "answer"},
	Form: map[string]string{
		"en": "Type a whole number of bytes, such as 123.",
		"zh": "请输入一个整数字节数，例如 123。",
	},
	Normalize: normalizeCount,
	Remark:    pollRemark,
	New:       func(ctx context.Context, r *rand.Rand) (*Instance, error) { return newPollBytes(ctx) },
})

func newPollBytes(ctx context.Context) (*Instance, error) {
	x, err := shortPoll(ctx)
	if err != nil {
		return nil, err
	}
	if x.client != x.server {
		return nil, fmt.Errorf("quizgen: the client counted %d bytes and the server %d for the same poll", x.client, x.server)
	}
	answer := strconv.FormatInt(x.client, 10)
	return &Instance{
		Params: map[string]string{
			"addr":     x.addr,
			"request":  strconv.Itoa(len(x.req)),
			"response": strconv.Itoa(len(x.resp)),
			"body":     strconv.Itoa(x.body),
			"answer":   answer,
		},
		Show:   showLines("→ ", x.req) + "\n" + showLines("← ", x.resp),
		Work:   countLines("→ ", x.req) + "\n" + countLines("← ", x.resp) + "\n  = " + answer,
		Answer: answer,
	}, nil
}

// pollExchange is one short poll as both ends counted it.
type pollExchange struct {
	addr           string
	req, resp      []byte // the bytes written and read by the client
	body           int    // the response body's length
	client, server int64  // bytes on the wire, both directions, at each end
}

// shortPoll serves a fresh, empty stream on 127.0.0.1 and asks it once,
// counting the bytes at the client's socket (polling.CountConn) and at the
// server's (polling.TransportListener).
func shortPoll(ctx context.Context) (*pollExchange, error) {
	hub := polling.NewMemoryHub(16)
	defer hub.Close()
	ps := &polling.Server{Hub: hub}
	defer ps.Close()
	srvMeters := new(polling.Meters)
	nc, stop, err := serve(ctx, ps, func(ln net.Listener) net.Listener {
		return &polling.TransportListener{Listener: ln, Meters: srvMeters}
	})
	if err != nil {
		return nil, err
	}
	x := &pollExchange{addr: nc.RemoteAddr().String()}
	x.req = []byte("GET /poll?after=0 HTTP/1.1\r\nHost: " + x.addr + "\r\nConnection: close\r\n\r\n")
	var m polling.Meter
	c := polling.CountConn(nc, &m)
	_, err = c.Write(x.req)
	if err == nil {
		x.resp, err = io.ReadAll(c) // Connection: close, so the server ends it
	}
	stop() // waits for the server's connection goroutine: its counts are complete
	if err != nil {
		return nil, fmt.Errorf("quizgen: short poll to %s: %w", x.addr, err)
	}
	head, body, ok := bytes.Cut(x.resp, []byte("\r\n\r\n"))
	if !ok || !bytes.HasPrefix(head, []byte("HTTP/1.1 200 ")) {
		return nil, fmt.Errorf("quizgen: short poll to %s: want a 200 answer, got %q", x.addr, x.resp)
	}
	x.body = len(body)
	x.client = m.BytesIn.Load() + m.BytesOut.Load()
	sm := &srvMeters[polling.ShortPoll]
	x.server = sm.BytesIn.Load() + sm.BytesOut.Load()
	return x, nil
}

// countLines is showLines with each line's byte count, then the total.
func countLines(arrow string, raw []byte) string {
	var b strings.Builder
	for _, l := range strings.Split(showLines("", raw), "\n") {
		n := len(strings.ReplaceAll(strings.ReplaceAll(l, "␍␊", "\r\n"), "␊", "\n"))
		fmt.Fprintf(&b, "  %s%3d  %s\n", arrow, n, l)
	}
	fmt.Fprintf(&b, "  %s%3d", arrow, len(raw))
	return b.String()
}

// pollRemark recognises one direction counted alone.
func pollRemark(in *Instance, typed string) map[string]string {
	n, ok := normalizeCount(typed)
	switch {
	case !ok:
		return nil
	case n == in.Params["request"]:
		return map[string]string{"en": "That is the request alone; add the response.", "zh": "这只是请求的字节数；还要加上响应。"}
	case n == in.Params["response"]:
		return map[string]string{"en": "That is the response alone; add the request.", "zh": "这只是响应的字节数；还要加上请求。"}
	}
	return nil
}

// normalizeCount reads a decimal count of bytes, allowing a unit after it.
func normalizeCount(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, unit := range []string{"bytes", "byte", "字节", "B", "b"} {
		if strings.HasSuffix(s, unit) {
			s = strings.TrimSpace(strings.TrimSuffix(s, unit))
			break
		}
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return "", false
	}
	return strconv.FormatUint(n, 10), true
}
