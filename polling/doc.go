// Package polling serves one message stream four ways — short polling, long
// polling, Server-Sent Events and WebSocket — on the httpcore server, with Go
// clients for each and a harness that measures what each one costs on the
// wire.
//
// # One stream, read by cursor
//
// A Hub holds an ordered stream of messages. Publish appends a message and
// gives it the next sequence number (1, 2, 3, ...). Readers never register
// with the hub: each one remembers the last sequence number it has seen, its
// cursor, and asks for what came after it. That single idea is what makes
// every transport here lossless across reconnects: a client that loses its
// connection comes back with its cursor and gets exactly the messages it
// missed, no more, no fewer. MemoryHub keeps the last messages in a ring; a
// multi-node deployment plugs a shared backplane in behind the same
// interface.
//
// # Four ways to read it
//
// Short polling asks on a timer and is answered at once, often with nothing:
//
//	GET /poll?after=41 HTTP/1.1                    every second
//	Host: 127.0.0.1:8090
//
//	HTTP/1.1 200 OK
//	Content-Type: application/json
//	Cache-Control: no-store
//	Content-Length: 75
//	Date: Mon, 10 Jun 2024 06:13:20 GMT
//
//	{"cursor":42,"messages":[{"seq":42,"ts":1718000000123456,"data":"hello"}]}
//
// "cursor" is what to send as after= next time.
//
// Long polling adds wait=SECONDS: the server holds the request until a
// message after the cursor exists or the wait ends (then "messages" is
// empty), and the client asks again at once. A client (named by id=) may hold
// only a few requests at a time; a newer one releases the oldest.
//
//	GET /poll?after=42&wait=25&id=c7 HTTP/1.1       answered when seq 43 exists
//
// Server-Sent Events keep one response open and stream events in the
// text/event-stream format of the WHATWG HTML standard (§9.2). Each event
// carries its sequence number as its id; a browser's EventSource sends it
// back as Last-Event-ID when it reconnects, which is the cursor again:
//
//	GET /events HTTP/1.1
//	Last-Event-ID: 42
//
//	HTTP/1.1 200 OK
//	Content-Type: text/event-stream
//	Transfer-Encoding: chunked
//
//	retry: 1000
//
//	id: 43
//	data: {"seq":43,"ts":1718000001123456,"data":"world"}
//
//	: heartbeat
//
// WebSocket upgrades GET /ws?after=42 (RFC 6455) and sends each message as
// one text frame holding the same JSON object: two bytes of frame header for
// a short message, against a few hundred bytes of HTTP header per poll.
//
// # Measuring
//
// The engine counts what each transport costs: a Meter, set on a Server
// (Server.Meters, one per transport) or a Client (Client.Meter), counts
// requests, connections and messages, and bytes at the socket through a
// counting net.Conn (CountConn, TransportListener). What compares the
// transports with those counts lives in package
// github.com/wirelab/wirelab/polling/compare: the measurement behind
// "wirelab compare" and its HTML report with charts, the live lab page of
// "wirelab poll serve", and the HTTP/1.0 against HTTP/1.1 keep-alive
// demonstration. A program that only serves or reads a stream links none of
// it.
//
// # Serving
//
//	hub := polling.NewMemoryHub(4096)
//	srv := &polling.Server{Hub: hub}
//	defer srv.Close()
//	hs := &httpcore.Server{Handler: srv}
//	ln, _ := net.Listen("tcp", "127.0.0.1:8080")
//	go hs.Serve(ln)
//	hub.Publish(ctx, []byte("hello"))
//
// and reading, with any transport:
//
//	c := &polling.Client{Transport: polling.SSE, Addr: "127.0.0.1:8080"}
//	err := c.Run(ctx, func(m polling.Message) error {
//		fmt.Println(m.Seq, string(m.Data))
//		return nil
//	})
//
// A subscriber that stops reading is never waited for: the hub does not
// buffer per subscriber (each reads the shared ring at its own pace), and a
// write that cannot proceed within the write timeout cuts that one
// connection off. It can come back with its cursor.
package polling
