// Package browsertest runs the live page of "wirelab poll serve" in headless
// Chromium. It is a module of its own so that chromedp stays out of
// wirelab's go.mod. Run it with
//
//	cd polling/browsertest && go test ./...
//
// It skips when Chromium is missing, unless CI=true, where it fails.
// WIRELAB_CHROMIUM names the browser binary when it is not on PATH.
package browsertest
