package browsertest

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"go.uber.org/goleak"

	"github.com/wirelab/wirelab/internal/testbrowser"
	"github.com/wirelab/wirelab/postmessage"
)

// TestMain fails the run if a test leaves a goroutine behind: servers,
// sockets, console readers and browsers must all be gone by then.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// wait bounds every wait on the browser: a poll of page state, a console
// message, a promise. Nothing sleeps.
const wait = 15 * time.Second

// events collects the lab server's events, so a test can wait for one.
type events struct {
	mu   sync.Mutex
	all  []postmessage.Event
	more chan struct{} // closed and replaced on each event
}

func newEvents() *events { return &events{more: make(chan struct{})} }

func (e *events) observe(ev postmessage.Event) {
	e.mu.Lock()
	e.all = append(e.all, ev)
	close(e.more)
	e.more = make(chan struct{})
	e.mu.Unlock()
}

func (e *events) wait(t *testing.T, kind postmessage.EventKind, match func(postmessage.Event) bool) postmessage.Event {
	t.Helper()
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	seen := 0
	for {
		e.mu.Lock()
		for ; seen < len(e.all); seen++ {
			if ev := e.all[seen]; ev.Kind == kind && match(ev) {
				e.mu.Unlock()
				return ev
			}
		}
		more := e.more
		e.mu.Unlock()
		select {
		case <-more:
		case <-deadline.C:
			t.Fatalf("the server reported no %s event within %v", kind, wait)
		}
	}
}

// startLab serves the lab on three loopback addresses, 127.0.0.1, .2 and
// .3, so the origins differ by host; on a system with only 127.0.0.1 it
// falls back to three ports of 127.0.0.1, which are distinct origins too.
func startLab(t *testing.T) (*postmessage.Server, *events) {
	t.Helper()
	ev := newEvents()
	cfg := postmessage.Config{ParentAddr: "127.0.0.1:0", FrameAddr: "127.0.0.2:0", AttackerAddr: "127.0.0.3:0"}
	cfg.Observe = ev.observe
	s, err := postmessage.Start(cfg)
	if err != nil {
		t.Logf("%v; using three ports of 127.0.0.1", err)
		cfg.FrameAddr, cfg.AttackerAddr = "127.0.0.1:0", "127.0.0.1:0"
		if s, err = postmessage.Start(cfg); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("lab shutdown: %v", err)
		}
	})
	for _, a := range s.Addrs() {
		if ip := a.(*net.TCPAddr).IP; !ip.IsLoopback() {
			t.Fatalf("the lab listens on %v, which is not loopback", a)
		}
	}
	o := s.Origins()
	t.Logf("origins: parent %s, frame %s, attacker %s", o.Parent, o.Frame, o.Attacker)
	return s, ev
}

// startBrowser starts headless Chromium with a fresh profile; the context
// is one tab. t.Cleanup stops the browser. The window is tall enough that
// the iframes are on screen: Chromium does not paint an out-of-process
// iframe it considers hidden.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	return testbrowser.Start(t, testbrowser.Path(t), chromedp.WindowSize(1200, 1700))
}

// console records a target's console: calls of the console API, uncaught
// exceptions and browser log entries (chromedp.Console reads the Runtime
// and Log domains' events).
type console struct {
	mu   sync.Mutex
	all  []chromedp.ConsoleMessage
	more chan struct{}
	done chan struct{}
}

// captureConsole subscribes to ctx's target's console; call it before the
// actions whose messages it must see. The reader stops with ctx.
func captureConsole(ctx context.Context) *console {
	c := &console{more: make(chan struct{}), done: make(chan struct{})}
	msgs := chromedp.Console(ctx)
	go func() {
		defer close(c.done)
		for m, err := range msgs {
			if err != nil {
				return
			}
			c.mu.Lock()
			c.all = append(c.all, m)
			close(c.more)
			c.more = make(chan struct{})
			c.mu.Unlock()
		}
	}()
	return c
}

// waitFor waits until n messages match, and returns them.
func (c *console) waitFor(t *testing.T, what string, n int, match func(chromedp.ConsoleMessage) bool) []chromedp.ConsoleMessage {
	t.Helper()
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		var got []chromedp.ConsoleMessage
		for _, m := range c.all {
			if match(m) {
				got = append(got, m)
			}
		}
		more := c.more
		c.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-more:
		case <-deadline.C:
			t.Fatalf("console: %d of %d %s within %v; the console had:\n%s", len(got), n, what, wait, c.dump())
		}
	}
}

func (c *console) exceptions() []chromedp.ConsoleMessage {
	c.mu.Lock()
	defer c.mu.Unlock()
	var ex []chromedp.ConsoleMessage
	for _, m := range c.all {
		if m.IsException() {
			ex = append(ex, m)
		}
	}
	return ex
}

func (c *console) dump() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var b strings.Builder
	for _, m := range c.all {
		b.WriteString("  " + m.String() + "\n")
	}
	return b.String()
}

// poll waits, in the page, until the JavaScript expression is truthy, and
// returns its value.
func poll[T any](t *testing.T, ctx context.Context, what, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, wait+5*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Poll[T](expr, chromedp.WithPollingTimeout(wait), chromedp.WithPollingInterval(20*time.Millisecond)))
	if err != nil {
		t.Fatalf("waiting for %s (%s): %v", what, expr, err)
	}
	return v
}

// eval evaluates an expression, awaiting it if it is a promise.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

func navigate(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("navigate to %s: %v", url, err)
	}
}

// frameContext attaches to the cross-origin iframe whose URL starts with
// prefix. Its origin differs from the page's, so Chromium runs it in its own
// process, as a target of type "iframe" (site isolation); the page's
// context reaches neither its JavaScript nor its console. The caller has
// already waited for something the frame did, so the target exists.
func frameContext(t *testing.T, ctx context.Context, prefix string) context.Context {
	t.Helper()
	infos, err := chromedp.Targets(ctx)
	if err != nil {
		t.Fatalf("listing targets: %v", err)
	}
	for _, info := range infos {
		if info.Type == "iframe" && strings.HasPrefix(info.URL, prefix) {
			fctx, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(info.TargetID))
			t.Cleanup(cancel)
			if err := chromedp.Do(fctx); err != nil {
				t.Fatalf("attaching to the iframe %s: %v", info.URL, err)
			}
			return fctx
		}
	}
	var urls []string
	for _, info := range infos {
		urls = append(urls, info.Type+" "+info.URL)
	}
	t.Fatalf("no iframe target at %s; targets: %q", prefix, urls)
	return nil
}

// noExceptions fails the test if a page threw: a message listener must
// ignore what it cannot handle, never throw.
func noExceptions(t *testing.T, name string, c *console) {
	t.Helper()
	for _, m := range c.exceptions() {
		t.Errorf("%s threw: %s (%s:%d)", name, m.Text, m.URL, m.Line)
	}
}

type logEntry struct {
	Verdict string `json:"verdict"`
	Origin  string `json:"origin"`
	Source  string `json:"source"`
	Data    string `json:"data"`
	Method  string `json:"method"`
}
