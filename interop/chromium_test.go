package interop

import (
	"context"
	_ "embed"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/internal/testbrowser"
)

//go:embed testdata/browser.html
var browserPage []byte

// servePage serves browser.html at / and 404 elsewhere.
func servePage(w *httpcore.ResponseWriter, r *httpcore.Request) {
	if r.Path() != "/" {
		w.WriteHeader(404)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(browserPage)
}

// TestChromiumClient opens testdata/browser.html in headless Chromium. Its
// script is a client of our Upgrader (default origin policy: same origin
// only): text, ArrayBuffer, 70000-byte and 1 MiB messages, a fragmented
// message from us, a ping from us, readyState through the close handshake it
// starts with 4000, and the CloseEvent of one we start with 4001. A second
// server on another port serves the same page, whose cross-origin handshake
// must be refused with 403, which the page sees as close code 1006.
func TestChromiumClient(t *testing.T) {
	chromium := testbrowser.Path(t)
	s := startEchoServer(t, ourUpgrader(), servePage)
	other := startEchoServer(t, ourUpgrader(), servePage)
	ctx := testbrowser.Start(t, chromium, chromedp.WindowSize(1000, 700))

	t.Run("same-origin", func(t *testing.T) {
		origin := "http://" + s.Addr
		for _, r := range runPage(t, ctx, origin+"/") {
			t.Run(r.Check, func(t *testing.T) {
				if !r.OK {
					t.Errorf("chromium %s: %s", r.Check, r.Detail)
				} else if r.Detail != "" {
					t.Log(r.Detail)
				}
			})
		}
		testbrowser.Screenshot(t, ctx, "chromium.png")
		reps := s.reportsByCode(t, 2)
		t.Run("server-saw-page-close", func(t *testing.T) {
			r, ok := reps[4000]
			if !ok {
				t.Fatalf("no connection ended with the page's close 4000; got %v", summary(reps))
			}
			if _, reason, _ := r.closeCode(); reason != "page bye" {
				t.Errorf("close reason %q, want %q", reason, "page bye")
			}
			if r.Origin != origin {
				t.Errorf("Origin %q, want the page's own origin %q", r.Origin, origin)
			}
			if r.OutContinuations == 0 {
				t.Errorf("our server sent no continuation frames; NextWriter should fragment large echoes")
			}
			if len(r.Pongs) != 1 || r.Pongs[0] != "hello" {
				t.Errorf("pongs %q, want [hello]", r.Pongs)
			}
		})
		t.Run("server-saw-echo-of-its-close", func(t *testing.T) {
			r, ok := reps[4001]
			if !ok {
				t.Fatalf("no connection ended with the echo of our close 4001; got %v", summary(reps))
			}
			if r.CloseErr != nil {
				t.Errorf("Close(4001) returned %v", r.CloseErr)
			}
		})
	})

	t.Run("cross-origin-refused", func(t *testing.T) {
		page := "http://" + other.Addr + "/?mode=refused&ws=" + url.QueryEscape(s.URL)
		for _, r := range runPage(t, ctx, page) {
			t.Run(r.Check, func(t *testing.T) {
				if !r.OK {
					t.Errorf("chromium %s: %s", r.Check, r.Detail)
				} else {
					t.Log(r.Detail)
				}
			})
		}
		select {
		case he := <-s.refused:
			if he.Status != 403 || he.Header != "Origin" || he.Value != "http://"+other.Addr {
				t.Errorf("refused with %d %s %q, want 403 Origin %q", he.Status, he.Header, he.Value, "http://"+other.Addr)
			}
		case <-time.After(peerTimeout):
			t.Errorf("our server refused no handshake")
		}
	})
}

// runPage loads a page and returns the results its window.interop promise
// resolves to.
func runPage(t *testing.T, ctx context.Context, page string) []peerEvent {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, peerTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(page)); err != nil {
		t.Fatalf("navigate to %s: %v", page, err)
	}
	res, err := chromedp.Run(ctx, chromedp.Evaluate[[]peerEvent]("window.interop", chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: reading window.interop: %v", page, err)
	}
	if len(res) == 0 {
		t.Fatalf("%s reported no checks", page)
	}
	return res
}
