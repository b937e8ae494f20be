package polling

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func seqs(msgs []Message) []uint64 {
	var s []uint64
	for _, m := range msgs {
		s = append(s, m.Seq)
	}
	return s
}

func TestMemoryHubRead(t *testing.T) {
	h := NewMemoryHub(4)
	msgs, wake, err := h.Read(0, 0)
	if err != nil || len(msgs) != 0 || wake == nil {
		t.Fatalf("empty hub: got %v, %v, %v", msgs, wake, err)
	}
	publishN(t, h, 1, 6) // the ring keeps 3..6
	select {
	case <-wake:
	default:
		t.Fatal("wake channel not closed by Publish")
	}
	tests := []struct {
		after, max int
		want       string
		status     int
	}{
		{2, 0, "[3 4 5 6]", 0},
		{4, 0, "[5 6]", 0},
		{3, 2, "[4 5]", 0},
		{6, 0, "[]", 0},
		{1, 0, "", 410},
		{0, 0, "", 410},
		{7, 0, "", 400},
	}
	for _, tt := range tests {
		msgs, _, err := h.Read(uint64(tt.after), tt.max)
		if tt.status != 0 {
			var ce *CursorError
			if !errors.As(err, &ce) || ce.Status != tt.status {
				t.Errorf("Read(%d): got %v, want a CursorError with status %d", tt.after, err, tt.status)
			}
			continue
		}
		if err != nil {
			t.Errorf("Read(%d): %v", tt.after, err)
			continue
		}
		if got := fmt.Sprint(seqs(msgs)); got != tt.want {
			t.Errorf("Read(%d, %d): got %s, want %s", tt.after, tt.max, got, tt.want)
		}
	}
	msgs, _, _ = h.Read(5, 0)
	if string(msgs[0].Data) != "message 6" {
		t.Errorf("data %q, want %q", msgs[0].Data, "message 6")
	}
}

func TestCursorErrorsTeach(t *testing.T) {
	h := NewMemoryHub(2)
	publishN(t, h, 1, 5)
	_, _, err := h.Read(1, 0)
	if want := "cursor 1 is too old: the oldest message still held is 4"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want it to say %q", err, want)
	}
	_, _, err = h.Read(9, 0)
	if want := "cursor 9 is ahead of the stream, whose last message is 5"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want it to say %q", err, want)
	}
}

func TestWait(t *testing.T) {
	h := NewMemoryHub(16)
	// Nothing arrives: the wait ends empty.
	msgs, err := Wait(context.Background(), h, 0, 0, time.Millisecond)
	if err != nil || len(msgs) != 0 {
		t.Fatalf("timeout: got %v, %v", msgs, err)
	}
	// Cancelled.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Wait(ctx, h, 0, 0, 0); err != context.Canceled {
		t.Fatalf("cancelled: got %v", err)
	}
	// A message published while waiting wakes the waiter.
	done := make(chan []Message)
	go func() {
		msgs, _ := Wait(context.Background(), h, 0, 0, 0)
		done <- msgs
	}()
	publishN(t, h, 1, 1)
	if got := <-done; len(got) != 1 || got[0].Seq != 1 {
		t.Fatalf("got %v, want message 1", got)
	}
}

// TestBackplaneAppend feeds two hubs, as two nodes behind a backplane, the
// same sequenced messages: both serve the same stream.
func TestBackplaneAppend(t *testing.T) {
	origin := NewMemoryHub(16)
	nodes := []*MemoryHub{NewMemoryHub(16), NewMemoryHub(16)}
	for i := 1; i <= 3; i++ {
		m, err := origin.Publish(context.Background(), []byte(fmt.Sprint(i)))
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range nodes {
			if err := n.Append(m); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i, n := range nodes {
		msgs, _, _ := n.Read(0, 0)
		if got := fmt.Sprint(seqs(msgs)); got != "[1 2 3]" {
			t.Errorf("node %d: %s", i, got)
		}
	}
	err := nodes[0].Append(Message{Seq: 3})
	if err == nil || !strings.Contains(err.Error(), "already holds up to 3") {
		t.Errorf("repeated Append: got %v", err)
	}
	origin.Close()
	if _, err := origin.Publish(context.Background(), nil); err != ErrHubClosed {
		t.Errorf("Publish after Close: got %v, want ErrHubClosed", err)
	}
}

func TestEventReader(t *testing.T) {
	tests := []struct {
		name, raw string
		want      []Event
	}{
		{"simple", "id: 1\ndata: a\n\n", []Event{{ID: "1", Data: "a"}}},
		{"crlf and cr", "id: 1\r\ndata: a\r\n\r\nid: 2\rdata: b\r\r", []Event{{ID: "1", Data: "a"}, {ID: "2", Data: "b"}}},
		{"multi-line data", "data: a\ndata:b\ndata:  c\n\n", []Event{{Data: "a\nb\n c"}}},
		{"comment heartbeat", ": heartbeat\n\ndata: x\n\n", []Event{{Data: "x"}}},
		{"event type", "event: tick\ndata: x\n\n", []Event{{Type: "tick", Data: "x"}}},
		{"retry alone", "retry: 250\n\ndata: x\n\n", []Event{{Retry: 250 * time.Millisecond}, {Data: "x"}}},
		{"bad retry ignored", "retry: 2s\ndata: x\n\n", []Event{{Data: "x"}}},
		{"id kept across events", "id: 7\ndata: a\n\ndata: b\n\n", []Event{{ID: "7", Data: "a"}, {ID: "7", Data: "b"}}},
		{"id with NUL ignored", "id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n", []Event{{ID: "1", Data: "a"}, {ID: "1", Data: "b"}}},
		{"field without colon", "data\n\n", []Event{{Data: ""}}},
		{"unknown field", "foo: bar\ndata: x\n\n", []Event{{Data: "x"}}},
		{"incomplete last event dropped", "data: a\n\ndata: b\n", []Event{{Data: "a"}}},
		{"blank lines only", "\n\n\n", nil},
	}
	for _, tt := range tests {
		er := NewEventReader(strings.NewReader(tt.raw))
		var got []Event
		for {
			ev, err := er.Next()
			if err != nil {
				break
			}
			got = append(got, ev)
		}
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s: got %q, want %q", tt.name, fmt.Sprint(got), fmt.Sprint(tt.want))
		}
	}
}

func TestParseTransports(t *testing.T) {
	ts, err := ParseTransports("ws, short,websocket,long-poll,sse")
	if err != nil || fmt.Sprint(ts) != "[ws short long sse]" {
		t.Errorf("got %v, %v", ts, err)
	}
	for _, bad := range []string{"", "udp", "short,,carrier-pigeon"} {
		if _, err := ParseTransports(bad); err == nil {
			t.Errorf("ParseTransports(%q): no error", bad)
		}
	}
}

func TestTransportOf(t *testing.T) {
	tests := []struct {
		line string
		want string
	}{
		{"GET /poll?after=1 HTTP/1.1\r\n", "short"},
		{"GET /poll?after=1&wait=25 HTTP/1.1\r\n", "long"},
		{"GET /poll?waiting=1 HTTP/1.1\r\n", "short"},
		{"GET /events HTTP/1.1\r\n", "sse"},
		{"GET /ws?after=0 HTTP/1.1\r\n", "ws"},
		{"GET /stats HTTP/1.1\r\n", "none"},
		{"POST /publish HTTP/1.1\r\n", "none"},
		{"\x81\x85abcd", "none"},
	}
	for _, tt := range tests {
		got := "none"
		if tr, ok := transportOf([]byte(tt.line)); ok {
			got = tr.String()
		}
		if got != tt.want {
			t.Errorf("%q: got %s, want %s", tt.line, got, tt.want)
		}
	}
}

// A backplane that sequences several channels in one log appends with gaps;
// a cursor may fall between two messages.
func TestMemoryHubGaps(t *testing.T) {
	h := NewMemoryHub(3)
	for _, seq := range []uint64{2, 5, 9, 10} { // the ring keeps 5, 9, 10; 2 dropped
		if err := h.Append(Message{Seq: seq}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		after  uint64
		want   string
		status int
	}{
		{2, "[5 9 10]", 0},
		{4, "[5 9 10]", 0},
		{5, "[9 10]", 0},
		{7, "[9 10]", 0},
		{10, "[]", 0},
		{1, "", 410},
		{0, "", 410},
		{11, "", 400},
	}
	for _, tt := range tests {
		msgs, _, err := h.Read(tt.after, 0)
		var ce *CursorError
		switch {
		case tt.status != 0 && (!errors.As(err, &ce) || ce.Status != tt.status):
			t.Errorf("Read(%d): got %v, want status %d", tt.after, err, tt.status)
		case tt.status == 0 && err != nil:
			t.Errorf("Read(%d): %v", tt.after, err)
		case tt.status == 0 && fmt.Sprint(seqs(msgs)) != tt.want:
			t.Errorf("Read(%d): got %v, want %s", tt.after, seqs(msgs), tt.want)
		}
	}
}

// Retention by age: messages older than Age are dropped, and a cursor before
// them gets 410 like one that fell out of the ring.
func TestMemoryHubAge(t *testing.T) {
	h := NewMemoryHubRetention(Retention{Count: 100, Age: time.Minute})
	now := time.Date(2024, 6, 10, 6, 0, 0, 0, time.UTC)
	h.now = func() time.Time { return now }
	publishN(t, h, 1, 3) // at 06:00
	now = now.Add(45 * time.Second)
	publishN(t, h, 4, 5)            // at 06:00:45
	now = now.Add(30 * time.Second) // 1..3 are 75s old, 4..5 are 30s old
	msgs, _, err := h.Read(3, 0)
	if err != nil || fmt.Sprint(seqs(msgs)) != "[4 5]" {
		t.Errorf("Read(3): got %v, %v, want [4 5]", seqs(msgs), err)
	}
	var ce *CursorError
	if _, _, err := h.Read(2, 0); !errors.As(err, &ce) || ce.Status != 410 || ce.First != 4 {
		t.Errorf("Read(2) after 1..3 expired: got %v, want 410 with oldest 4", err)
	}
	now = now.Add(time.Hour)
	if msgs, _, err := h.Read(5, 0); err != nil || len(msgs) != 0 {
		t.Errorf("Read(5) with everything expired: got %v, %v, want nothing and no error", seqs(msgs), err)
	}
	if _, _, err := h.Read(4, 0); !errors.As(err, &ce) || ce.Status != 410 {
		t.Errorf("Read(4) with everything expired: got %v, want 410", err)
	}
}
