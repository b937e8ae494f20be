package polling

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/websocket"
)

// An HTTPError is a status other than 200 from the server, with the body it
// sent (the server's explanation).
type HTTPError struct {
	Transport Transport
	Status    int
	Body      string
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("polling: %s: server answered %d %s: %s", e.Transport, e.Status, httpcore.StatusText(e.Status), strings.TrimSpace(e.Body))
}

// permanent reports whether retrying cannot help: the server refused the
// request itself (4xx other than 408 and 429).
func permanent(err error) bool {
	var he *HTTPError
	return errors.As(err, &he) && he.Status/100 == 4 && he.Status != 408 && he.Status != 429
}

// A Client reads the stream of a Server with one transport. It keeps a
// cursor, so when its connection breaks it reconnects and resumes after the
// last message it delivered: nothing is lost and nothing is repeated.
//
// A Client is used by one goroutine: set the fields, then call Run once.
type Client struct {
	Transport Transport
	// Addr is the server's host:port.
	Addr string
	// Channel names the stream to read ("" for the server's
	// DefaultChannel). After is a cursor of that channel.
	Channel string
	// After is the cursor to start from: 0 reads the stream from its first
	// message.
	After uint64
	// Interval is how often a short-polling client asks. Default 1s.
	Interval time.Duration
	// Phase delays a short-polling client's first request, so that many
	// clients do not all ask in the same instant.
	Phase time.Duration
	// Wait is how long a long poll asks the server to hold it. Default 25s.
	Wait time.Duration
	// ID names the client to the server, which bounds its concurrent long
	// polls. Default: none.
	ID string
	// Header holds extra request fields (a browser sends a User-Agent,
	// Accept, cookies...); they cost bytes on every poll.
	Header httpcore.Header
	// Retry is the pause before reconnecting after a failure. An SSE
	// server's retry field replaces it. Default 100ms.
	Retry time.Duration
	// Meter, if set, counts the client's connections, requests, bytes and
	// messages.
	Meter *Meter
	// Dial, if set, opens the TCP connections.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// OnConnect, if set, is called each time the client is connected: for
	// polling, when a new TCP connection is open (the request follows at
	// once); for SSE, when the 200 of the event stream arrived; for
	// WebSocket, after the 101.
	OnConnect func()

	cursor atomic.Uint64
}

// Cursor returns the sequence number of the last message delivered.
func (c *Client) Cursor() uint64 { return c.cursor.Load() }

// Run reads messages until ctx ends (then it returns nil), fn returns an
// error (returned), or the server refuses the client for good, such as a
// cursor it cannot serve (an *HTTPError). Messages reach fn in order, each
// once; fn runs on Run's goroutine.
func (c *Client) Run(ctx context.Context, fn func(Message) error) error {
	c.cursor.Store(c.After)
	if c.Channel != "" {
		if err := CheckChannel(c.Channel); err != nil {
			return err
		}
	}
	retry := orDur(c.Retry, 100*time.Millisecond)
	for {
		var err error
		switch c.Transport {
		case ShortPoll, LongPoll:
			err = c.runPoll(ctx, fn)
		case SSE:
			err = c.runSSE(ctx, fn, &retry)
		case WebSocket:
			err = c.runWS(ctx, fn)
		default:
			return fmt.Errorf("polling: unknown transport %v", c.Transport)
		}
		if ctx.Err() != nil {
			return nil
		}
		var fe fnError
		if errors.As(err, &fe) {
			return fe.err
		}
		if permanent(err) {
			return err
		}
		t := time.NewTimer(retry)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// channelQuery is the &channel= parameter of the client's requests.
func (c *Client) channelQuery() string {
	if c.Channel == "" {
		return ""
	}
	return "&channel=" + c.Channel // CheckChannel's rule needs no escaping
}

// fnError carries an error from the caller's fn out of a transport loop.
type fnError struct{ err error }

func (e fnError) Error() string { return e.err.Error() }

func (c *Client) deliver(fn func(Message) error, m Message) error {
	if c.Meter != nil {
		c.Meter.Messages.Add(1)
		c.Meter.PayloadBytes.Add(int64(len(m.Data)))
	}
	if err := fn(m); err != nil {
		return fnError{err}
	}
	if m.Seq > c.cursor.Load() {
		c.cursor.Store(m.Seq)
	}
	return nil
}

func (c *Client) dial(ctx context.Context) (net.Conn, error) {
	dial := c.Dial
	if dial == nil {
		var d net.Dialer
		dial = d.DialContext
	}
	nc, err := dial(ctx, "tcp", c.Addr)
	if err != nil {
		return nil, err
	}
	if c.Meter != nil {
		nc = CountConn(nc, c.Meter)
	}
	return nc, nil
}

func (c *Client) countRequest() {
	if c.Meter != nil {
		c.Meter.Requests.Add(1)
	}
}

// runPoll polls until a connection fails. Short polls wait Interval between
// requests; long polls ask again at once.
func (c *Client) runPoll(ctx context.Context, fn func(Message) error) error {
	var cc *httpcore.ClientConn
	defer func() {
		if cc != nil {
			cc.Close()
		}
	}()
	var tick *time.Ticker
	if c.Transport == ShortPoll {
		if c.Phase > 0 {
			t := time.NewTimer(c.Phase)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil
			case <-t.C:
			}
			c.Phase = 0
		}
		tick = time.NewTicker(orDur(c.Interval, time.Second))
		defer tick.Stop()
	}
	wait := orDur(c.Wait, 25*time.Second)
	for {
		if cc == nil || !cc.Reusable() {
			if cc != nil {
				cc.Close()
			}
			nc, err := c.dial(ctx)
			if err != nil {
				return err
			}
			cc = httpcore.NewClientConn(nc)
			if c.OnConnect != nil {
				c.OnConnect()
			}
		}
		target := "/poll?after=" + strconv.FormatUint(c.cursor.Load(), 10) + c.channelQuery()
		deadline := time.Now().Add(10 * time.Second)
		if c.Transport == LongPoll {
			target += "&wait=" + strconv.FormatFloat(wait.Seconds(), 'f', -1, 64)
			if c.ID != "" {
				target += "&id=" + c.ID
			}
			deadline = deadline.Add(wait)
		}
		req := &httpcore.Request{Method: "GET", Target: target, Host: c.Addr, Header: c.Header}
		c.countRequest()
		cc.Conn().SetDeadline(deadline)
		resp, err := cc.DoContext(ctx, req)
		if err != nil {
			return err
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
		if err != nil {
			return err
		}
		cc.Conn().SetDeadline(time.Time{})
		if resp.StatusCode != 200 {
			return &HTTPError{Transport: c.Transport, Status: resp.StatusCode, Body: string(body)}
		}
		var pr pollResponse
		if err := json.Unmarshal(body, &pr); err != nil {
			return fmt.Errorf("polling: %s: answer is not the JSON of a poll: %v", c.Transport, err)
		}
		for _, wm := range pr.Messages {
			if err := c.deliver(fn, wm.message()); err != nil {
				return err
			}
		}
		if tick != nil && len(pr.Messages) < DefaultMaxBatch {
			select {
			case <-ctx.Done():
				return nil
			case <-tick.C:
			}
		}
		if ctx.Err() != nil {
			return nil
		}
	}
}

// runSSE reads one event stream until it fails.
func (c *Client) runSSE(ctx context.Context, fn func(Message) error, retry *time.Duration) error {
	nc, err := c.dial(ctx)
	if err != nil {
		return err
	}
	defer nc.Close()
	stop := context.AfterFunc(ctx, func() { nc.Close() })
	defer stop()
	cc := httpcore.NewClientConn(nc)
	req := &httpcore.Request{Method: "GET", Target: "/events" + strings.Replace(c.channelQuery(), "&", "?", 1), Host: c.Addr, Header: c.Header.Clone()}
	req.Header.Set("Accept", "text/event-stream")
	// WHATWG HTML §9.2.4: a reconnecting EventSource sends the last event
	// ID it saw; we always do, so the first connection starts at After.
	req.Header.Set("Last-Event-ID", strconv.FormatUint(c.cursor.Load(), 10))
	c.countRequest()
	resp, err := cc.DoContext(ctx, req)
	if err != nil {
		return err
	}
	if resp.StatusCode != 200 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return &HTTPError{Transport: SSE, Status: resp.StatusCode, Body: string(body)}
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		return &HTTPError{Transport: SSE, Status: 200, Body: fmt.Sprintf("Content-Type is %q, not text/event-stream (WHATWG HTML §9.2.2 fails the connection)", ct)}
	}
	if c.OnConnect != nil {
		c.OnConnect()
	}
	er := NewEventReader(resp.Body)
	for {
		ev, err := er.Next()
		if err != nil {
			if err == io.EOF {
				return io.ErrUnexpectedEOF
			}
			return err
		}
		if ev.Retry > 0 {
			*retry = ev.Retry
		}
		if ev.Data == "" && ev.Type == "" {
			continue // retry-only or empty event
		}
		var wm wireMessage
		if err := json.Unmarshal([]byte(ev.Data), &wm); err != nil {
			return fmt.Errorf("polling: sse: event data is not a message: %v", err)
		}
		if err := c.deliver(fn, wm.message()); err != nil {
			return err
		}
	}
}

// runWS reads one WebSocket connection until it fails.
func (c *Client) runWS(ctx context.Context, fn func(Message) error) error {
	d := websocket.Dialer{
		Header:  c.Header,
		NetDial: func(ctx context.Context, network, addr string) (net.Conn, error) { return c.dial(ctx) },
	}
	c.countRequest()
	url := "ws://" + c.Addr + "/ws?after=" + strconv.FormatUint(c.cursor.Load(), 10) + c.channelQuery()
	ws, resp, err := d.Dial(ctx, url)
	if err != nil {
		var he *websocket.HandshakeError
		if resp != nil && errors.As(err, &he) {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			return &HTTPError{Transport: WebSocket, Status: resp.StatusCode, Body: string(body)}
		}
		return err
	}
	defer ws.CloseNow()
	if c.OnConnect != nil {
		c.OnConnect()
	}
	closed := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		// A polite close: the server answers and closes TCP (RFC 6455
		// §7.1.1); Close waits for that while ReadMessage below returns.
		defer close(closed)
		ws.Close(websocket.CloseNormal, "")
	})
	defer func() {
		if !stop() {
			<-closed // the close handshake is running: let it finish
		}
	}()
	for {
		mt, p, err := ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) && ce.Code == websocket.ClosePolicyViolation {
				return &HTTPError{Transport: WebSocket, Status: 410, Body: ce.Reason}
			}
			return err
		}
		if mt != websocket.TextMessage {
			continue
		}
		var wm wireMessage
		if err := json.Unmarshal(p, &wm); err != nil {
			return fmt.Errorf("polling: ws: frame is not a message: %v", err)
		}
		if err := c.deliver(fn, wm.message()); err != nil {
			return err
		}
	}
}

// An Event is one dispatched text/event-stream event.
type Event struct {
	ID    string        // the last event ID after this event (§9.2.6 "id")
	Type  string        // the "event" field, "" for the default "message"
	Data  string        // the "data" lines joined by "\n"
	Retry time.Duration // a "retry" field seen before this event, or 0
}

// An EventReader parses a text/event-stream (WHATWG HTML §9.2.6). It takes
// CRLF, LF or CR as line ends, ignores comment lines (starting with ':'),
// strips one space after a field's colon, joins data lines with "\n",
// ignores an id containing NUL and a retry that is not all digits, and
// dispatches an event at each blank line that follows data.
type EventReader struct {
	br     *bufio.Reader
	lastID string
	cr     bool // the previous line ended with CR: skip a following LF
}

// NewEventReader returns an EventReader over r.
func NewEventReader(r io.Reader) *EventReader {
	return &EventReader{br: bufio.NewReaderSize(r, 4096)}
}

// line returns the next line without its end.
func (er *EventReader) line() (string, error) {
	var b []byte
	for {
		c, err := er.br.ReadByte()
		if err != nil {
			if err == io.EOF && len(b) > 0 {
				// §9.2.6: an incomplete last event is discarded, so a
				// partial line at EOF is no line.
				return "", io.EOF
			}
			return "", err
		}
		if er.cr {
			er.cr = false
			if c == '\n' {
				continue
			}
		}
		switch c {
		case '\n':
			return string(b), nil
		case '\r':
			er.cr = true
			return string(b), nil
		}
		b = append(b, c)
	}
}

// Next returns the next event. Events with a "retry" field but no data are
// returned too (with Data ""), so the caller learns the new delay.
func (er *EventReader) Next() (Event, error) {
	var data strings.Builder
	var typ string
	var retry time.Duration
	hasData := false
	for {
		ln, err := er.line()
		if err != nil {
			return Event{}, err
		}
		if ln == "" {
			if !hasData {
				if retry > 0 {
					return Event{ID: er.lastID, Retry: retry}, nil
				}
				typ = ""
				continue
			}
			return Event{ID: er.lastID, Type: typ, Data: data.String(), Retry: retry}, nil
		}
		if ln[0] == ':' {
			continue // a comment, such as a heartbeat
		}
		field, value := ln, ""
		if i := strings.IndexByte(ln, ':'); i >= 0 {
			field, value = ln[:i], ln[i+1:]
			value = strings.TrimPrefix(value, " ")
		}
		switch field {
		case "data":
			if hasData {
				data.WriteByte('\n')
			}
			data.WriteString(value)
			hasData = true
		case "event":
			typ = value
		case "id":
			if !strings.ContainsRune(value, 0) {
				er.lastID = value
			}
		case "retry":
			if ms, err := strconv.ParseUint(value, 10, 32); err == nil && value != "" && strings.Trim(value, "0123456789") == "" {
				retry = time.Duration(ms) * time.Millisecond
			}
		}
	}
}
