// Package testbrowser starts the headless Chromium that wirelab's browser
// tests drive with chromedp: interop/ (our WebSocket server against
// Chromium's client), postmessage/browsertest/ (the postMessage lab) and
// polling/browsertest/ (the live polling page).
//
// It is a module of its own, like those three, so chromedp stays out of
// wirelab's go.mod; each of them requires it and points at this folder
// with a replace directive:
//
//	require github.com/wirelab/wirelab/internal/testbrowser v0.0.0-00010101000000-000000000000
//	replace github.com/wirelab/wirelab/internal/testbrowser => ../internal/testbrowser
//
// A test asks for a tab and drives it:
//
//	ctx := testbrowser.Start(t, testbrowser.Path(t), chromedp.WindowSize(1200, 900))
//	err := chromedp.Run(ctx, chromedp.Navigate(url))
package testbrowser

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Names are the programs Path looks for on PATH, in order, when
// WIRELAB_CHROMIUM is unset.
var Names = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// Hint tells a learner how to get a browser; Path prints it when none is found.
const Hint = "install it with: sudo apt-get install chromium, or run scripts/interop or scripts/browser-postmessage, which install it"

// Path returns the browser to drive: the program $WIRELAB_CHROMIUM names
// (the scripts set it), else the first of Names on PATH. Without one the
// test is skipped, or fails when CI=true, as scripts/lib.sh's missing does.
func Path(t testing.TB) string {
	t.Helper()
	candidates := Names
	env := os.Getenv("WIRELAB_CHROMIUM")
	if env != "" {
		candidates = []string{env}
	}
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	what := "WIRELAB_CHROMIUM is unset and none of " + strings.Join(Names, ", ") + " is on PATH"
	if env != "" {
		what = "WIRELAB_CHROMIUM=" + env + " is not a program that exists"
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s and CI=true: %s", what, Hint)
		return ""
	}
	t.Skipf("SKIP: %s: %s", what, Hint)
	return ""
}

// Flags are the command-line flags every test browser gets, besides a
// fresh profile (--user-data-dir in t.TempDir()).
func Flags() []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.Flag("headless", true),
		// The tests run as root in containers, where the sandbox cannot start.
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		// Loopback HTTP only: no QUIC attempts to race the TCP connection.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		// Without these Chromium keeps calling home, on a machine that has
		// only loopback.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// /dev/shm is small in containers; Chromium crashes tabs when it fills.
		chromedp.Flag("disable-dev-shm-usage", true),
	}
}

// Start starts the browser at path, headless with Flags and a fresh profile,
// and returns a chromedp context for one tab. extra options come after the
// defaults, so they add to them or override them (a window size, say: an
// iframe that is off screen is not painted). t.Cleanup stops the browser and
// waits for its process to exit.
func Start(t testing.TB, path string, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	opts := append([]chromedp.ExecAllocatorOption{chromedp.ExecPath(path)}, Flags()...)
	opts = append(opts, chromedp.UserDataDir(t.TempDir()))
	opts = append(opts, extra...)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		cancel()
		cancelAlloc() // waits for the browser process to exit
	})
	// The first action starts the browser, under the long-lived context: a
	// timeout there would stop the browser with it.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	return ctx
}

// Screenshot saves ctx's tab as the PNG file name in t.TempDir(), and in
// $WIRELAB_ARTIFACTS when it is set, since t.TempDir() is removed after the
// test (scripts and CI set it to keep the pictures). A failure to capture or
// write marks the test failed but lets it go on.
func Screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	dirs := []string{t.TempDir()}
	if d := os.Getenv("WIRELAB_ARTIFACTS"); d != "" {
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Errorf("screenshot: %v", err)
			continue
		}
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Errorf("screenshot: %v", err)
			continue
		}
		t.Logf("screenshot: %s (%d bytes)", p, len(png))
	}
}
