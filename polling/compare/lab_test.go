package compare

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/polling"
)

func startLab(t *testing.T) (*Lab, *polling.MemoryHub) {
	t.Helper()
	hub := polling.NewMemoryHub(64)
	lab := NewLab(hub)
	ln, err := lab.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &httpcore.Server{Handler: lab}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	t.Cleanup(func() {
		lab.Close()
		hs.Close()
		<-done
	})
	return lab, hub
}

// get asks the lab for target and returns the status and the body.
func get(t *testing.T, addr, target string) (int, string) {
	t.Helper()
	cc, err := httpcore.Dial(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	resp, err := cc.Do(&httpcore.Request{Method: "GET", Target: target})
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading the body: %v", target, err)
	}
	return resp.StatusCode, string(body)
}

func TestKeepAlive(t *testing.T) {
	lab, _ := startLab(t)
	res, err := KeepAlive(context.Background(), lab.Addr, "/hello", 20)
	if err != nil {
		t.Fatal(err)
	}
	if res.Short.Requests != 20 || res.Short.Connections != 20 {
		t.Errorf("HTTP/1.0: %d requests on %d connections, want 20 on 20", res.Short.Requests, res.Short.Connections)
	}
	if res.Persistent.Requests != 20 || res.Persistent.Connections != 1 {
		t.Errorf("HTTP/1.1: %d requests on %d connections, want 20 on 1", res.Persistent.Requests, res.Persistent.Connections)
	}
	if _, err := KeepAlive(context.Background(), lab.Addr, "/hello", 0); err == nil {
		t.Error("KeepAlive with n=0: no error")
	}
}

// TestLabCountsPerTransport reads the stream once with each transport and
// checks that the lab's /stats attributes requests, connections and bytes
// to the right one.
func TestLabCountsPerTransport(t *testing.T) {
	lab, hub := startLab(t)
	for i := 1; i <= 3; i++ {
		if _, err := hub.Publish(context.Background(), []byte(fmt.Sprintf("message %d", i))); err != nil {
			t.Fatal(err)
		}
	}
	for _, tr := range polling.Transports() {
		// Read up to message 3, then stop the client.
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		c := &polling.Client{Transport: tr, Addr: lab.Addr, Interval: 5 * time.Millisecond, Wait: 5 * time.Second}
		var last uint64
		err := c.Run(ctx, func(m polling.Message) error {
			if last = m.Seq; last == 3 {
				cancel()
			}
			return nil
		})
		cancel()
		if err != nil || last != 3 {
			t.Fatalf("%s: read up to message %d, want 3 (%v)", tr, last, err)
		}
	}
	status, body := get(t, lab.Addr, "/stats")
	if status != 200 {
		t.Fatalf("/stats: %d %s", status, body)
	}
	var st Stats
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		t.Fatal(err)
	}
	if st.Last != 3 {
		t.Errorf("last %d, want 3", st.Last)
	}
	for _, tr := range polling.Transports() {
		m := st.Transports[tr.String()]
		if m.Requests < 1 || m.Conns != 1 || m.Messages != 3 || m.BytesIn < 30 || m.BytesOut < m.PayloadBytes || m.PayloadBytes != 27 {
			t.Errorf("%s: %+v", tr, m)
		}
	}
	status, body = get(t, lab.Addr, "/")
	if status != 200 || !strings.Contains(body, "new EventSource(") || !strings.Contains(body, "new WebSocket(") {
		t.Errorf("page: %d, %d bytes", status, len(body))
	}
	for _, bad := range []string{"<script src", "<link", "https://", "//cdn"} {
		if strings.Contains(body, bad) {
			t.Errorf("the page contains %q: it must work offline", bad)
		}
	}
	status, body = get(t, lab.Addr, "/keepalive?n=5")
	if status != 200 || !strings.Contains(body, `"connections":5`) || !strings.Contains(body, `"connections":1`) {
		t.Errorf("/keepalive: %d %s", status, body)
	}
	if status, body = get(t, lab.Addr, "/keepalive?n=lots"); status != 400 {
		t.Errorf("/keepalive?n=lots: %d %s", status, body)
	}
}
