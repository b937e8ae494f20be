// Package browsertest checks the postmessage lab in headless Chromium
// (Debian package chromium), driven by chromedp. It is a module of its own
// so that chromedp stays out of wirelab's go.mod; run it with
// scripts/browser-postmessage, or
//
//	cd postmessage/browsertest && go test -count=1 ./...
//
// Without Chromium the tests skip, unless CI=true, when they fail.
// WIRELAB_CHROMIUM names another browser binary.
package browsertest
