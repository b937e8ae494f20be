package polling

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// A Transport is one way of reading the stream.
type Transport int

// The four transports, in the order the articles introduce them.
const (
	// ShortPoll asks GET /poll?after=SEQ on a timer; the answer is
	// immediate, often empty.
	ShortPoll Transport = iota
	// LongPoll asks GET /poll?after=SEQ&wait=SECONDS; the server holds the
	// request until there is a message or the wait ends.
	LongPoll
	// SSE reads GET /events as a text/event-stream (WHATWG HTML §9.2).
	SSE
	// WebSocket reads GET /ws?after=SEQ after an RFC 6455 upgrade, one text
	// frame per message.
	WebSocket

	numTransports = 4
)

// Transports returns every transport, in order, in a new slice the caller
// may keep or change.
func Transports() []Transport { return []Transport{ShortPoll, LongPoll, SSE, WebSocket} }

var transportNames = [numTransports]string{"short", "long", "sse", "ws"}

// String returns the transport's short name: short, long, sse or ws.
func (t Transport) String() string {
	if t >= 0 && int(t) < numTransports {
		return transportNames[t]
	}
	return "Transport(" + strconv.Itoa(int(t)) + ")"
}

// ParseTransport parses a name as String prints it. "long-poll", "websocket"
// and "short-poll" are accepted too.
func ParseTransport(s string) (Transport, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "short", "short-poll", "shortpoll", "poll":
		return ShortPoll, nil
	case "long", "long-poll", "longpoll":
		return LongPoll, nil
	case "sse", "eventsource", "event-stream":
		return SSE, nil
	case "ws", "websocket":
		return WebSocket, nil
	}
	return 0, fmt.Errorf("polling: unknown transport %q: want short, long, sse or ws", s)
}

// ParseTransports parses a comma-separated list such as "short,long,sse,ws".
func ParseTransports(s string) ([]Transport, error) {
	var ts []Transport
	seen := map[Transport]bool{}
	for _, f := range strings.Split(s, ",") {
		if strings.TrimSpace(f) == "" {
			continue
		}
		t, err := ParseTransport(f)
		if err != nil {
			return nil, err
		}
		if !seen[t] {
			seen[t] = true
			ts = append(ts, t)
		}
	}
	if len(ts) == 0 {
		return nil, fmt.Errorf("polling: no transports in %q: want a list such as short,long,sse,ws", s)
	}
	return ts, nil
}

// A message travels as the same JSON object on every transport:
//
//	{"seq":42,"ts":1718000000123456,"data":"hello"}
//
// seq is the sequence number, ts the publish time in microseconds since the
// Unix epoch, data the payload as a JSON string. Everything around the
// payload's own bytes is counted as overhead.
type wireMessage struct {
	Seq  uint64 `json:"seq"`
	TS   int64  `json:"ts"`
	Data string `json:"data"`
}

// A poll answer lists the messages after the cursor and the cursor to send
// next:
//
//	{"cursor":42,"messages":[{"seq":42,"ts":1718000000123456,"data":"hello"}]}
type pollResponse struct {
	Cursor   uint64        `json:"cursor"`
	Messages []wireMessage `json:"messages"`
}

func (w wireMessage) message() Message {
	return Message{Seq: w.Seq, Time: time.UnixMicro(w.TS), Data: []byte(w.Data)}
}

// appendMessage appends m's JSON object to b.
func appendMessage(b []byte, m Message) []byte {
	b = append(b, `{"seq":`...)
	b = strconv.AppendUint(b, m.Seq, 10)
	b = append(b, `,"ts":`...)
	b = strconv.AppendInt(b, m.Time.UnixMicro(), 10)
	b = append(b, `,"data":`...)
	b = appendJSONString(b, m.Data)
	return append(b, '}')
}

// appendPoll appends a poll answer to b.
func appendPoll(b []byte, cursor uint64, msgs []Message) []byte {
	b = append(b, `{"cursor":`...)
	b = strconv.AppendUint(b, cursor, 10)
	b = append(b, `,"messages":[`...)
	for i, m := range msgs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendMessage(b, m)
	}
	return append(b, "]}\n"...)
}

// appendJSONString appends s as a JSON string (RFC 8259 §7). Printable ASCII
// goes through as is; anything else takes encoding/json's escaping.
func appendJSONString(b, s []byte) []byte {
	for _, c := range s {
		if c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(string(s))
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendEvent appends m as one text/event-stream event (WHATWG HTML
// §9.2.6): an id line with the sequence number, which EventSource sends back
// as Last-Event-ID, a data line, and the blank line that dispatches it.
//
//	id: 42
//	data: {"seq":42,"ts":1718000000123456,"data":"hello"}
//
// The JSON object never contains a raw line break (JSON escapes them), so
// one data line always holds the whole message.
func appendEvent(b []byte, m Message) []byte {
	b = append(b, "id: "...)
	b = strconv.AppendUint(b, m.Seq, 10)
	b = append(b, "\ndata: "...)
	b = appendMessage(b, m)
	return append(b, "\n\n"...)
}

// parseCursor parses a cursor from a query parameter or Last-Event-ID.
func parseCursor(name, v string) (uint64, error) {
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("polling: %s %q is not a cursor: want the decimal sequence number of the last message seen, such as 42 (0 for the start of the stream)", name, v)
	}
	return n, nil
}
