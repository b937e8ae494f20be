package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/internal/testbrowser"
	"github.com/wirelab/wirelab/polling"
	"github.com/wirelab/wirelab/polling/compare"
)

// TestChromiumPollingPage opens the live page of "wirelab poll serve" in
// headless Chromium. The page reads one stream with fetch() short polls,
// fetch() long polls, an EventSource and a WebSocket side by side. Messages
// published before the page loads and while it runs must reach all four,
// each once and in order; the server's per-transport counts must show each
// transport's own connections.
// testTimeout bounds the whole page test.
const testTimeout = 60 * time.Second

func TestChromiumPollingPage(t *testing.T) {
	path := testbrowser.Path(t)
	hub := polling.NewMemoryHub(1024)
	lab := compare.NewLab(hub)
	ln, err := lab.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &httpcore.Server{Handler: lab}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	t.Cleanup(func() {
		lab.Close()
		hs.Close()
		<-served
	})
	publish := func(from, to int) {
		for i := from; i <= to; i++ {
			if _, err := hub.Publish(context.Background(), []byte(fmt.Sprintf("message %d", i))); err != nil {
				t.Fatal(err)
			}
		}
	}

	ctx := testbrowser.Start(t, path, chromedp.WindowSize(1400, 900))
	ctx, cancel := context.WithTimeout(ctx, testTimeout)
	defer cancel()
	publish(1, 10) // before the page exists: it must catch up from after=0
	page := "http://" + lab.Addr + "/?after=0&interval=50"
	if err := chromedp.Do(ctx, chromedp.Navigate(page)); err != nil {
		t.Fatalf("navigate to %s: %v", page, err)
	}
	waitAll := func(n int) {
		t.Helper()
		expr := fmt.Sprintf(`window.lab && Object.values(window.lab.received).every(a => a.length >= %d)`, n)
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
			got, _ := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`({received: window.lab.received, errors: window.lab.errors})`))
			t.Fatalf("waiting for %d messages on every transport: %v; page state %v", n, err, got)
		}
	}
	waitAll(10)
	publish(11, 30) // while all four are connected and waiting
	waitAll(30)

	type state struct {
		Received map[string][]uint64 `json:"received"`
		Errors   []string            `json:"errors"`
	}
	st, err := chromedp.Run(ctx, chromedp.Evaluate[state](`({received: window.lab.received, errors: window.lab.errors})`))
	if err != nil {
		t.Fatal(err)
	}
	var want []uint64
	for i := uint64(1); i <= 30; i++ {
		want = append(want, i)
	}
	for _, name := range []string{"short", "long", "sse", "ws"} {
		if got := st.Received[name]; !slices.Equal(got, want) {
			t.Errorf("%s received %v, want 1..30 once each, in order", name, got)
		}
	}
	if len(st.Errors) > 0 {
		t.Errorf("page errors: %q", st.Errors)
	}

	// The server saw each transport on its own connections, with bytes.
	cc, err := httpcore.Dial(ctx, lab.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	resp, err := cc.Do(&httpcore.Request{Target: "/stats"})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	var stats compare.Stats
	if err := json.Unmarshal(body, &stats); err != nil {
		t.Fatalf("/stats: %v: %s", err, body)
	}
	for name, m := range stats.Transports {
		if m.Conns < 1 || m.BytesIn == 0 || m.BytesOut == 0 || m.Messages < 30 {
			t.Errorf("server counts for %s: %+v", name, m)
		}
		t.Logf("%-5s requests %4d  connections %d  bytes down %6d  up %6d  messages %d", name, m.Requests, m.Conns, m.BytesOut, m.BytesIn, m.Messages)
	}
	// The keep-alive demonstration, run from the page's button.
	if err := chromedp.Do(ctx, chromedp.SetValue("#ka-n", "50"), chromedp.Click("#ka-run")); err != nil {
		t.Fatal(err)
	}
	ka, err := chromedp.Run(ctx, chromedp.Poll[string](`(t => t && t.innerText)(document.querySelector("#ka-out table"))`, chromedp.WithPollingInterval(20*time.Millisecond)))
	if err != nil {
		t.Fatalf("keep-alive table: %v", err)
	}
	t.Logf("keep-alive table on the page:\n%s", ka)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any]("window.lab.refresh()", chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
	if png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
		dirs := []string{t.TempDir()}
		if d := os.Getenv("WIRELAB_ARTIFACTS"); d != "" {
			dirs = append(dirs, d)
		}
		for _, d := range dirs {
			p := filepath.Join(d, "polling-page.png")
			if os.MkdirAll(d, 0o755) == nil && os.WriteFile(p, png, 0o644) == nil {
				t.Logf("screenshot: %s", p)
			}
		}
	}
}
