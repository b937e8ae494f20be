// Package compare measures the four transports of package polling against
// each other, as a learner runs it with "wirelab compare" and sees it in
// "wirelab poll serve".
//
// Compare starts a fresh server for each transport (in process by default,
// or in a child process through CompareConfig.StartServer, so that the
// server's CPU time is its own), connects Clients readers, publishes a
// stream of Rate messages per second for Duration, and reports per
// transport: messages delivered, lost and duplicated, delivery latency
// percentiles, bytes on the wire in each direction counted at the socket
// (polling.Meter) and split into overhead and payload, HTTP requests, TCP
// connections and server CPU time.
//
//	res, err := compare.Compare(ctx, compare.CompareConfig{
//		Clients:  100,
//		Rate:     1,
//		Duration: 20 * time.Second,
//		Payload:  64,
//	})
//	if err != nil {
//		return err
//	}
//	for _, t := range res.Transports {
//		fmt.Printf("%-5s %6.0f bytes/message, p99 %.1f ms\n", t.Name, t.BytesPerMessage, t.Latency.P99)
//	}
//
// WriteHTMLReport turns a result into one self-contained HTML page with SVG
// charts drawn by go-chart. That is why this package is apart from polling:
// the engine links no charting or font library.
//
// Two comparisons run live, for "wirelab poll serve": a Lab serves a page
// that reads one stream with all four transports side by side, with the
// counts taken at the server's sockets (GET /stats), and KeepAlive sends N
// requests over HTTP/1.0 connections that close after each response against
// one persistent HTTP/1.1 connection, the older lesson underneath polling.
package compare
