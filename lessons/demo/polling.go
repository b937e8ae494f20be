package demo

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/lessons/diagram"
	"github.com/wirelab/wirelab/polling"
	"github.com/wirelab/wirelab/polling/compare"
)

func pollingDemos() []Demo {
	return []Demo{
		{
			ID:      "short-poll",
			Summary: i18n.ByLang(i18n.DemoSummaryShortPoll),
			Run:     demoShortPoll,
		},
		{
			ID:      "long-poll",
			Summary: i18n.ByLang(i18n.DemoSummaryLongPoll),
			Run:     demoLongPoll,
		},
		{
			ID:      "sse",
			Summary: i18n.ByLang(i18n.DemoSummarySse),
			Run:     demoSSE,
		},
		{
			ID:      "compare",
			Summary: i18n.ByLang(i18n.DemoSummaryCompare),
			Run:     demoCompare,
		},
	}
}

// pollLab is a polling server on loopback with its hub.
type pollLab struct {
	hub  *polling.MemoryHub
	srv  *polling.Server
	http *httpServer
}

func startPollLab() (*pollLab, error) {
	hub := polling.NewMemoryHub(256)
	srv := &polling.Server{Hub: hub, Heartbeat: time.Minute}
	hs, err := startHTTP(srv)
	if err != nil {
		return nil, err
	}
	return &pollLab{hub: hub, srv: srv, http: hs}, nil
}

func (l *pollLab) Close() {
	l.srv.Close()
	l.http.Close()
	l.hub.Close()
}

// publishEvery publishes n messages, one per interval, and returns when done.
func (l *pollLab) publishEvery(ctx context.Context, n int, every time.Duration) error {
	for i := 1; i <= n; i++ {
		select {
		case <-time.After(every):
		case <-ctx.Done():
			return ctx.Err()
		}
		if _, err := l.hub.Publish(ctx, []byte(fmt.Sprintf("news %d", i))); err != nil {
			return err
		}
	}
	return nil
}

// runClient runs a polling client until it has n messages or ctx ends.
func runClient(ctx context.Context, c *polling.Client, n int) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	got := 0
	err := c.Run(ctx, func(m polling.Message) error {
		got++
		if got == n {
			cancel()
		}
		return nil
	})
	return got, err
}

func demoShortPoll(ctx context.Context, e *Env) error {
	lab, err := startPollLab()
	if err != nil {
		return err
	}
	defer lab.Close()
	raw, err := exchange(ctx, lab.http.Addr, []byte("GET /poll?after=0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
	if err != nil {
		return err
	}
	e.Tell(i18n.DemoPollOnePollBeforeAnything)
	e.Quote("  < ", raw)

	m := &polling.Meter{}
	c := &polling.Client{Transport: polling.ShortPoll, Addr: lab.http.Addr, Interval: 50 * time.Millisecond, Meter: m}
	const n = 3
	pub := make(chan error, 1)
	go func() { pub <- lab.publishEvery(ctx, n, 200*time.Millisecond) }()
	start := time.Now()
	got, err := runClient(ctx, c, n)
	if err != nil {
		return err
	}
	if err := <-pub; err != nil {
		return err
	}
	s := m.Snapshot()
	e.Tell(i18n.DemoPollShortPollingClientAsking, n, time.Since(start).Round(10*time.Millisecond))
	e.Tell(i18n.DemoPollRequestsMessagesReceivedAnswers, s.Requests, got, s.Requests-int64(got))
	e.Tell(i18n.DemoPollBytesWireBytesNews, s.BytesIn+s.BytesOut, s.PayloadBytes)
	e.Tell(i18n.DemoPollMessagesWaitUpOne)
	return check(got == n && s.Requests > int64(n), "got %d messages in %d requests", got, s.Requests)
}

func demoLongPoll(ctx context.Context, e *Env) error {
	lab, err := startPollLab()
	if err != nil {
		return err
	}
	defer lab.Close()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", lab.http.Addr)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(ioTimeout))
	req := "GET /poll?after=0&wait=5 HTTP/1.1\r\nHost: x\r\n\r\n"
	e.Tell(i18n.DemoPollClientAsksSaysWill)
	e.Quote("  > ", []byte(req))
	start := time.Now()
	if _, err := c.Write([]byte(req)); err != nil {
		return err
	}
	go func() {
		time.Sleep(300 * time.Millisecond)
		lab.hub.Publish(ctx, []byte("news 1"))
	}()
	var raw bytes.Buffer
	br := bufio.NewReader(&teeConn{c, &raw})
	resp, body, err := readResponse(br, nil)
	if err != nil {
		return err
	}
	held := time.Since(start)
	e.Tell(i18n.DemoPollServerHeldRequestMessage, held.Round(time.Millisecond))
	e.Quote("  < ", raw.Bytes())
	if err := check(resp.StatusCode == 200 && bytes.Contains(body, []byte("news 1")) && held >= 250*time.Millisecond, "long poll answered %d after %v: %s", resp.StatusCode, held, body); err != nil {
		return err
	}

	m := &polling.Meter{}
	cl := &polling.Client{Transport: polling.LongPoll, Addr: lab.http.Addr, After: 1, Wait: 5 * time.Second, Meter: m}
	const n = 3
	pub := make(chan error, 1)
	go func() { pub <- lab.publishEvery(ctx, n, 100*time.Millisecond) }()
	got, err := runClient(ctx, cl, n)
	if err != nil {
		return err
	}
	if err := <-pub; err != nil {
		return err
	}
	s := m.Snapshot()
	e.Tell(i18n.DemoPollLongPollingClientMessages, got, s.Requests, s.Conns)
	held1, _ := lab.srv.Held()
	e.Tell(i18n.DemoPollServerHoldingRequestRight, held1)
	return check(got == n && s.Requests <= int64(n)+2, "long poll: %d messages in %d requests", got, s.Requests)
}

// teeConn copies what is read from a connection.
type teeConn struct {
	c   net.Conn
	buf *bytes.Buffer
}

func (t *teeConn) Read(p []byte) (int, error) {
	n, err := t.c.Read(p)
	t.buf.Write(p[:n])
	return n, err
}

func demoSSE(ctx context.Context, e *Env) error {
	lab, err := startPollLab()
	if err != nil {
		return err
	}
	defer lab.Close()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", lab.http.Addr)
	if err != nil {
		return err
	}
	defer c.Close()
	req := "GET /events?after=0 HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"
	e.Tell(i18n.DemoPollClientOpensOneRequest)
	e.Quote("  > ", []byte(req))
	if _, err := c.Write([]byte(req)); err != nil {
		return err
	}
	go lab.publishEvery(ctx, 2, 100*time.Millisecond)
	// Read for a while: the response never ends on its own.
	var raw bytes.Buffer
	deadline := time.Now().Add(2 * time.Second)
	buf := make([]byte, 4096)
	for time.Now().Before(deadline) && bytes.Count(raw.Bytes(), []byte("\nid: ")) < 2 {
		c.SetReadDeadline(deadline)
		n, err := c.Read(buf)
		raw.Write(buf[:n])
		if err != nil {
			break
		}
	}
	e.Tell(i18n.DemoPollWhatCameBackCrossed)
	e.Quote("  < ", raw.Bytes())
	resp, err := httpcore.ReadResponse(bufio.NewReader(bytes.NewReader(raw.Bytes())), nil)
	if err != nil {
		return err
	}
	er := polling.NewEventReader(resp.Body)
	var events []polling.Event
	for {
		ev, err := er.Next()
		if err != nil {
			break
		}
		if ev.Data != "" {
			events = append(events, ev)
		}
	}
	e.Tell(i18n.DemoPollParsedBrowserEventsourceWould, resp.Header.Get("Content-Type"))
	for _, ev := range events {
		e.Printf("  event id=%s data=%s\n", ev.ID, ev.Data)
	}
	e.Tell(i18n.DemoPollBrowserReconnectingSendsLast, lastID(events))
	return check(len(events) == 2 && strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream"), "got %d events", len(events))
}

func lastID(evs []polling.Event) string {
	if len(evs) == 0 {
		return ""
	}
	return evs[len(evs)-1].ID
}

func demoCompare(ctx context.Context, e *Env) error {
	cfg := compare.CompareConfig{
		Clients:  5,
		Rate:     20,
		Duration: 500 * time.Millisecond,
		Payload:  32,
		Interval: 100 * time.Millisecond,
		Wait:     2 * time.Second,
		Drain:    time.Second,
	}
	e.Tell(i18n.DemoPollClientsEachTransportRead, cfg.Clients, cfg.Rate, cfg.Duration, cfg.Payload, cfg.Interval)
	var calls atomic.Int64
	cfg.Progress = func(compare.Progress) { calls.Add(1) }
	res, err := compare.Compare(ctx, cfg)
	if err != nil {
		return err
	}
	e.Printf("\n%-6s %9s %5s %9s %9s %9s %6s %9s %9s\n", "", "delivered", "lost", "bytes/msg", "overhead", "requests", "conns", "p50 ms", "p99 ms")
	for _, t := range res.Transports {
		e.Printf("%-6s %9d %5d %9.0f %9.0f %9d %6d %9.2f %9.2f\n", t.Name, t.Delivered, t.Lost, t.BytesPerMessage, t.OverheadBytesPerMessage, t.Requests, t.Connections, t.Latency.P50, t.Latency.P99)
	}
	e.Tell(i18n.DemoPollMeasuredJustNowLoopback)
	e.Tell(i18n.DemoPollShortPollingWaitsUp)
	e.Tell(i18n.DemoPollSseWebsocketKeepOne)
	e.Tell(i18n.DemoPollBiggerRunsWirelabCompare)
	if len(res.Transports) != 4 {
		return fmt.Errorf("compare measured %d transports, want 4", len(res.Transports))
	}
	for _, t := range res.Transports {
		if t.Lost != 0 || t.Delivered == 0 {
			return errors.New("a transport lost messages: " + t.Name)
		}
	}
	return pollTimeline(ctx, e)
}

// timelineClients are the four transports pollTimeline draws, and what a
// diagram calls them.
var timelineClients = []struct {
	t    polling.Transport
	name [2]string
}{
	{polling.ShortPoll, [2]string{"short poll", "短轮询"}},
	{polling.LongPoll, [2]string{"long poll", "长轮询"}},
	{polling.SSE, [2]string{"SSE", "SSE"}},
	{polling.WebSocket, [2]string{"WebSocket", "WebSocket"}},
}

// pollTimeline runs one client of each transport against one server over
// the same second, while two messages are published, and draws each
// client's connection from the events both ends recorded.
func pollTimeline(ctx context.Context, e *Env) error {
	const n = 2
	every := 300 * time.Millisecond
	rec := diagram.NewRecorder()
	srvActor := len(timelineClients)
	stap := diagram.Tap{Rec: rec, Local: srvActor, Remote: srvActor, Label: pollLabel}
	hub := polling.NewMemoryHub(16)
	ps := &polling.Server{Hub: hub, Heartbeat: time.Minute}
	hs, err := startHTTPTap(ps, &stap)
	if err != nil {
		return err
	}
	defer func() {
		ps.Close()
		hs.Close()
		hub.Close()
	}()
	e.Say("\nOne client of each kind over the same %v, while the server publishes %d messages;\nshort polls every %v. What each connection carried, recorded at both ends:",
		"\n每种客户端各一个，在同样的 %v 里，服务端发布 %d 条消息；短轮询每 %v 问一次。\n两端记录下的每条连接上走过的内容：", time.Duration(n+1)*every, n, every)
	errs := make(chan error, len(timelineClients))
	for i, tc := range timelineClients {
		tap := diagram.Tap{Rec: rec, Local: i, Remote: srvActor, Label: pollLabel}
		c := &polling.Client{Transport: tc.t, Addr: hs.Addr, Interval: every, Wait: 5 * time.Second,
			Dial: tap.DialFunc(e.T("connect", "建立连接"))}
		go func() {
			got, err := runClient(ctx, c, n)
			if err == nil && got != n {
				err = fmt.Errorf("%s: %d messages, want %d", tc.name[0], got, n)
			}
			errs <- err
		}()
	}
	for i := 1; i <= n; i++ {
		select {
		case <-time.After(every):
		case <-ctx.Done():
			return ctx.Err()
		}
		rec.Note(srvActor, e.T("publish", "发布")+fmt.Sprintf(" news %d", i))
		if _, err := hub.Publish(ctx, []byte(fmt.Sprintf("news %d", i))); err != nil {
			return err
		}
	}
	for range timelineClients {
		if err := <-errs; err != nil {
			return err
		}
	}
	ps.Close() // ends the long poll still held, so that its connection closes too
	events := settle(ctx, rec)
	for i, tc := range timelineClients {
		var mine []diagram.Event
		for _, ev := range events {
			switch {
			case ev.From == i || ev.To == i:
			case ev.Kind == diagram.Note && ev.From == srvActor:
			default:
				continue
			}
			// This client becomes actor 0, the server actor 1.
			ev.From, ev.To = min(ev.From-i, 1), min(ev.To-i, 1)
			mine = append(mine, ev)
		}
		if err := e.draw([2]string{"\n" + tc.name[0] + ":", "\n" + tc.name[1] + "："},
			[][2]string{tc.name, {"server", "服务端"}}, mine); err != nil {
			return err
		}
	}
	return nil
}

// sseData finds the data lines of Server-Sent Events.
var sseData = regexp.MustCompile(`(?m)^data: (.*)$`)

// pollNews finds the messages of this demo in a poll's JSON answer.
var pollNews = regexp.MustCompile(`news \d+`)

// pollLabel names a write of the polling transports: a request line
// without its version, a status with the messages it carries ("200 OK
// [news 1]", "200 OK []" for an empty poll), the news an SSE event or a
// WebSocket text frame carries ("data: news 1", "text: news 1"), and
// other frames as wireLabel does.
func pollLabel(b []byte) string {
	head, body, _ := bytes.Cut(b, []byte("\r\n\r\n"))
	line := firstLine(head)
	switch {
	case strings.HasPrefix(line, "HTTP/1.1 "):
		status := strings.TrimPrefix(line, "HTTP/1.1 ")
		if bytes.Contains(head, []byte("application/json")) {
			return fmt.Sprintf("%s [%s]", status, strings.Join(pollNews.FindAllString(string(body), -1), ", "))
		}
		return status
	case strings.HasSuffix(line, " HTTP/1.1"):
		return strings.TrimSuffix(line, " HTTP/1.1")
	}
	news := strings.Join(pollNews.FindAllString(string(b), -1), ", ")
	switch {
	case news != "" && sseData.Match(b):
		return "data: " + news
	case news != "" && len(b) > 0 && b[0] == 0x81: // a whole text frame
		return "text: " + news
	}
	return wireLabel(b)
}
