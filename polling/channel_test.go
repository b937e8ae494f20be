package polling

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirelab/wirelab/httpcore"
)

func TestCheckChannel(t *testing.T) {
	tests := []struct {
		name string
		want string // "" for valid
	}{
		{"default", ""},
		{"chat-room_42", ""},
		{strings.Repeat("a", 64), ""},
		{"", "the name is empty"},
		{strings.Repeat("a", 65), "the name is 65 bytes long"},
		{"a.b", `byte 1 is '.'`},
		{"a b", `byte 1 is ' '`},
		{"news*", `byte 4 is '*'`},
		{">", `byte 0 is '>'`},
		{"caf\xc3\xa9", "byte 3 is 0xc3, not ASCII"},
	}
	for _, tt := range tests {
		err := CheckChannel(tt.name)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("CheckChannel(%q): %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "1 to 64 ASCII letters")):
			t.Errorf("CheckChannel(%q): got %v, want it to say %q and the rule", tt.name, err, tt.want)
		}
	}
}

// post sends one POST with a body on a fresh connection.
func post(t *testing.T, addr, target, body string) (int, string) {
	t.Helper()
	cc, err := httpcore.Dial(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	resp, err := cc.Do(&httpcore.Request{Method: "POST", Target: target, ContentLength: int64(len(body)), Body: bytes.NewReader([]byte(body))})
	if err != nil {
		t.Fatalf("POST %s: %v", target, err)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestChannelsOnTheWire(t *testing.T) {
	chs := &MemoryChannels{
		Retention:   Retention{Count: 3},
		PerChannel:  map[string]Retention{"tiny": {Count: 1}},
		MaxChannels: 5,
	}
	addr := startServer(t, &Server{Channels: chs, AllowPublish: true}, nil)
	// Each channel counts its own sequence from 1.
	for i, p := range []struct{ target, want string }{
		{"/publish?channel=a", `{"seq":1}`},
		{"/publish?channel=a", `{"seq":2}`},
		{"/publish?channel=b", `{"seq":1}`},
		{"/publish", `{"seq":1}`}, // the default channel
		{"/publish?channel=a", `{"seq":3}`},
		{"/publish?channel=a", `{"seq":4}`}, // a keeps 2..4
		{"/publish?channel=tiny", `{"seq":1}`},
		{"/publish?channel=tiny", `{"seq":2}`}, // tiny keeps 2
	} {
		if status, body := post(t, addr, p.target, fmt.Sprintf("message %d", i)); status != 200 || strings.TrimSpace(body) != p.want {
			t.Fatalf("POST %s: got %d %q, want 200 %s", p.target, status, body, p.want)
		}
	}
	tests := []struct {
		name, method, target string
		status               int
		body                 string
	}{
		{"a", "GET", "/poll?channel=a&after=3", 200, `{"cursor":4,"messages":[{"seq":4,`},
		{"b", "GET", "/poll?after=0&channel=b", 200, `{"cursor":1,"messages":[{"seq":1,`},
		{"no channel is default", "GET", "/poll?after=0", 200, `"data":"message 3"}]}`},
		{"default by name", "GET", "/poll?after=0&channel=default", 200, `"data":"message 3"}]}`},
		{"new channel from now", "GET", "/poll?channel=c", 200, `{"cursor":0,"messages":[]}`},
		{"cursor per channel", "GET", "/poll?channel=b&after=4", 400, "cursor 4 is ahead of the stream, whose last message is 1"},
		{"a expired", "GET", "/poll?channel=a&after=0", 410, "cursor 0 is too old: the oldest message still held is 2"},
		{"tiny expired", "GET", "/poll?channel=tiny&after=0", 410, "the oldest message still held is 2"},
		{"tiny kept", "GET", "/poll?channel=tiny&after=1", 200, `"seq":2`},
		{"sse expired", "GET", "/events?channel=a&after=0", 410, "too old"},
		{"ws expired", "GET", "/ws?channel=a&after=0", 410, "too old"},
		{"empty name", "GET", "/poll?channel=", 400, `channel "": the name is empty: a channel name is 1 to 64 ASCII letters, digits, '-' and '_'`},
		{"dot", "GET", "/events?channel=a.b", 400, `channel "a.b": byte 1 is '.'`},
		{"wildcard", "GET", "/ws?channel=a%2A", 400, `channel "a*": byte 1 is '*'`},
		{"space", "POST", "/publish?channel=a%20b", 400, `byte 1 is ' '`},
		{"twice", "GET", "/poll?channel=a&channel=b", 400, "channel= appears 2 times"},
		{"too many channels", "GET", "/poll?channel=e", 503, "maximum of 5 channels"},
	}
	for _, tt := range tests {
		status, body := get(t, addr, tt.method, tt.target)
		if status != tt.status || !strings.Contains(body, tt.body) {
			t.Errorf("%s: %s %s: got %d %q, want %d containing %q", tt.name, tt.method, tt.target, status, body, tt.status, tt.body)
		}
	}
}

func TestSingleHubServerHasOnlyTheDefaultChannel(t *testing.T) {
	hub := NewMemoryHub(4)
	publishN(t, hub, 1, 2)
	addr := startServer(t, &Server{Hub: hub}, nil)
	if status, body := get(t, addr, "GET", "/poll?after=1&channel=default"); status != 200 || !strings.Contains(body, `"seq":2`) {
		t.Errorf("channel=default: got %d %q", status, body)
	}
	if status, body := get(t, addr, "GET", "/poll?channel=news"); status != 404 || !strings.Contains(body, `this server carries one stream, channel "default"`) {
		t.Errorf("channel=news: got %d %q, want 404", status, body)
	}
}

// TestChannelsEveryTransport reads three channels with every transport at
// once while all three are published to, interleaved: each client gets its
// own channel's messages, each exactly once, in order.
func TestChannelsEveryTransport(t *testing.T) {
	chs := &MemoryChannels{Retention: Retention{Count: 1000}}
	addr := startServer(t, &Server{Channels: chs, MaxBatch: 7}, nil)
	names := []string{"default", "red", "blue"}
	hubs := make([]*MemoryHub, len(names))
	for i, n := range names {
		var err error
		if hubs[i], err = chs.Hub(n); err != nil {
			t.Fatal(err)
		}
	}
	publish := func(from, to int) {
		for i := from; i <= to; i++ {
			for _, h := range hubs {
				publishN(t, h, i, i)
			}
		}
	}
	publish(1, 20)
	var wg sync.WaitGroup
	for _, tr := range Transports() {
		for _, n := range names {
			c := &Client{Transport: tr, Addr: addr, Channel: n, Interval: 5 * time.Millisecond, Wait: 5 * time.Second}
			if n == "default" {
				c.Channel = "" // today's URLs
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				t.Run(tr.String()+"/"+n, func(t *testing.T) { runClient(t, c, 60, nil) })
			}()
		}
	}
	publish(21, 60)
	wg.Wait()
}
