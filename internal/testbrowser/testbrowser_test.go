package testbrowser

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// recorder is a testing.TB that records Skipf and Fatalf instead of ending
// the test, so Path's answer to a missing browser can be checked.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper()                        {}
func (r *recorder) Skipf(format string, a ...any)  { r.skipped = fmt.Sprintf(format, a...) }
func (r *recorder) Fatalf(format string, a ...any) { r.failed = fmt.Sprintf(format, a...) }

func TestPathMissing(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-chromium")
	t.Setenv("WIRELAB_CHROMIUM", missing)

	t.Setenv("CI", "")
	r := &recorder{TB: t}
	if p := Path(r); p != "" || r.failed != "" || !strings.Contains(r.skipped, "WIRELAB_CHROMIUM="+missing) {
		t.Errorf("without CI: got %q, skipped %q, failed %q; want a skip naming WIRELAB_CHROMIUM=%s", p, r.skipped, r.failed, missing)
	}

	t.Setenv("CI", "true")
	r = &recorder{TB: t}
	if p := Path(r); p != "" || r.skipped != "" || !strings.Contains(r.failed, "CI=true") || !strings.Contains(r.failed, "apt-get install chromium") {
		t.Errorf("with CI=true: got %q, skipped %q, failed %q; want a failure naming CI=true and how to install", p, r.skipped, r.failed)
	}
}

// TestStartFlags starts the browser and reads its command line back from
// chrome://version: every flag of Flags, a profile of its own, and the
// extra window size must be there, and the tab must be headless.
func TestStartFlags(t *testing.T) {
	ctx := Start(t, Path(t), chromedp.WindowSize(640, 480))
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate("chrome://version")); err != nil {
		t.Fatal(err)
	}
	cmdline, err := chromedp.Run(ctx, chromedp.Text("#command_line"))
	if err != nil {
		t.Fatal(err)
	}
	agent, err := chromedp.Run(ctx, chromedp.Evaluate[string]("navigator.userAgent"))
	if err != nil {
		t.Fatal(err)
	}
	// t.TempDir gives numbered folders of one per-test folder; the profile
	// is the first of them.
	profiles := filepath.Dir(t.TempDir())
	for _, f := range []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + profiles, "--window-size=640,480"} {
		if !strings.Contains(cmdline, f) {
			t.Errorf("command line lacks %s:\n%s", f, cmdline)
		}
	}
	if !strings.Contains(agent, "HeadlessChrome") {
		t.Errorf("user agent %q does not say HeadlessChrome", agent)
	}

	artifacts := filepath.Join(t.TempDir(), "artifacts")
	t.Setenv("WIRELAB_ARTIFACTS", artifacts)
	Screenshot(t, ctx, "version.png")
	png, err := os.ReadFile(filepath.Join(artifacts, "version.png"))
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("WIRELAB_ARTIFACTS/version.png: %d bytes, %v; want a PNG", len(png), err)
	}
}
