// Package bench compares wirelab's hand-written HTTP/1.1 engine, httpcore,
// with its peers: net/http from the standard library and
// github.com/valyala/fasthttp. It is a separate module so that the peers never
// enter the main module's go.mod.
//
// The package has no API: its content is the benchmarks and agreement tests in
// readrequest_test.go, and two peer servers under cmd/ that scripts/peers
// loads with wrk:
//
//	cd bench && go test -run '^$' -bench . -benchmem
//	go run ./cmd/httpcore-serve -addr 127.0.0.1:9001
//	go run ./cmd/nethttp-serve -addr 127.0.0.1:9002
package bench
