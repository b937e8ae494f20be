module github.com/wirelab/wirelab/postmessage/browsertest

go 1.26.0

replace github.com/wirelab/wirelab => ../..

replace github.com/wirelab/wirelab/internal/testbrowser => ../../internal/testbrowser

require (
	github.com/chromedp/chromedp v0.22.1
	github.com/wirelab/wirelab v0.0.0-00010101000000-000000000000
	github.com/wirelab/wirelab/internal/testbrowser v0.0.0-00010101000000-000000000000
	go.uber.org/goleak v1.3.0
)

require (
	github.com/chromedp/cdproto v0.159.0 // indirect
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
	github.com/klauspost/compress v1.20.4 // indirect
	golang.org/x/net v0.60.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)
