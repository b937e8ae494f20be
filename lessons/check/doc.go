// Package check tests a server that a learner wrote, in any language, stage
// by stage, in the manner of the CodeCrafters testers: each stage sends
// exact bytes over loopback, judges the answer with wirelab's own engines
// (httpcore.ReadResponse for HTTP, websocket.ReadFrameHeader and
// wsdecode.DecodeFrames for frames), and on failure shows what was sent and
// received as quoted bytes, a caret under the byte at fault, the RFC section
// and a hint in English or Chinese.
//
//	rep, err := check.Run(ctx, check.Options{Kind: "ws", Addr: "127.0.0.1:9001"})
//	if err != nil {
//		return err // bad options: unknown kind or stage, malformed address
//	}
//	rep.WriteText(os.Stdout)
//	if !rep.Passed {
//		f := rep.Failed() // f.ID, f.Message, f.Failure.Offset, .Section, .Hint, .Hints
//	}
//
// Stages run in order and stop at the first failure; the rest are reported
// Skipped ("not run"). Options.Stage runs the stages up to and including the
// one named, as CodeCrafters does: a learner builds the server one stage at
// a time and checks everything so far. Each stage opens its own TCP
// connection and is bounded by Options.Timeout (5s by default), so a server
// that never answers fails the stage with a clear message instead of
// hanging the checker.
//
// # The WebSocket contract
//
// The server accepts the opening handshake at "/" and echoes every data
// message (same type, same bytes); it answers a ping with a pong and a close
// with a close. Every stage after tcp starts with a fresh handshake.
//
//	stage             sends                                              expects
//	tcp               a TCP connect                                      accepted
//	handshake         GET / Upgrade: websocket, Connection: Upgrade,     101, Upgrade: websocket, Connection: Upgrade
//	                  Sec-WebSocket-Key, Sec-WebSocket-Version: 13       (RFC 6455 §4.2.2)
//	accept-key        the same with a fresh random key                   Sec-WebSocket-Accept =
//	                                                                     base64(SHA-1(key + GUID)) (§4.2.2)
//	echo-text         masked text "hello, wirelab"                       the same text back (§5.6)
//	server-unmasked   masked text                                        the echo with MASK = 0 (§5.1)
//	length-16         text of 126 and of 1000 bytes                      echoes with 126 + 16-bit length (§5.2)
//	length-64         text of 65536 bytes                                echo with 127 + 64-bit length (§5.2)
//	coalesced-frames  "first" and "second" in one TCP write              both echoed in order
//	split-frame       one 300-byte frame in 4 writes 50ms apart, cut     the echo
//	                  inside the length and inside the masking key
//	fragmented        text FIN=0 "fragm", continuation FIN=0 "ented      "fragmented message" echoed, in one
//	                  mes", continuation FIN=1 "sage"                    frame or several (§5.4)
//	ping-pong         ping "wirelab ping"                                pong "wirelab ping" (§5.5.2, §5.5.3)
//	close             close 1000 "bye"                                   a close frame; the server then closes
//	                                                                     TCP (only noted if not, §7.1.1)
//
// Before the server-unmasked stage a masked frame from the server is
// unmasked and tolerated, so that echo-text tests only the echo; from that
// stage on, the engine rejects it (RFC 6455 §5.1).
//
// # The HTTP contract
//
// The track of the build-your-own HTTP/1.1 server. Every request the
// checker sends carries "Host: HOST:PORT" and ends its header section with
// an empty line. A response may frame its body by Content-Length (what the
// contract asks for), or by chunked; where a connection carries one request
// only (tcp, route, headers, errors) a body that ends when the server
// closes the connection is also accepted. Bytes that arrive after the last
// response a stage asks for fail it (a Content-Length counted in
// characters, a body after HEAD). Names of header fields are compared
// without regard to case, as RFC 9110 §5.1 says.
//
// The server must answer:
//
//	GET /               200 with a non-empty body
//	GET <other path>    404 (any body); the checker uses /nope
//	GET /headers        200; the response has the field X-Wirelab-Echo with the
//	                    value of the request's X-Wirelab-Echo (sent as
//	                    "x-WireLab-Echo: <random hex>", any case of name must work)
//	POST /echo          200 with the request body as the response body, framed by
//	                    Content-Length; the request body is framed by
//	                    Content-Length or by Transfer-Encoding: chunked
//	HEAD /              200 with the header fields GET / would have (its
//	                    Content-Length included) and no body
//	a malformed request line (not METHOD SP TARGET SP HTTP/x.y)   400
//	a version other than HTTP/1.0 or HTTP/1.1 (HTTP/3.0)           505
//
// HTTP/1.1 connections are persistent: after a response the server reads
// the next request from the same connection, until the client closes it
// or sends "Connection: close". After a 400 the server may close.
//
//	stage       sends                                              expects
//	tcp         GET / HTTP/1.1                                     "HTTP/1.1 200 ..." and a body (RFC 9112 §4)
//	route       GET /nope                                          404 (RFC 9110 §15.5.5, RFC 9112 §3)
//	headers     GET /headers with "x-WireLab-Echo: <random>"       200 with "X-Wirelab-Echo: <random>" (RFC 9110 §5.1)
//	body        POST /echo, Content-Length: 28, "wirelab body: héllo, 世界"   200, the same 28 bytes, Content-Length: 28 (RFC 9112 §6.2)
//	            (28 bytes in UTF-8, 23 characters: lengths count bytes)
//	keep-alive  GET /, POST /echo, GET /nope one after the other on one
//	            connection; then "GET /nope" and "GET /" in ONE TCP write   200, 200 echo, 404; then 404 and 200, in that order (RFC 9112 §9.3, §9.3.2)
//	split       POST /echo cut into 5 writes 50ms apart: inside the
//	            request line, inside a field line, before the empty line,
//	            and inside the body                                the body echoed (RFC 9112 §2.2, §6.2)
//	chunked     POST /echo, Transfer-Encoding: chunked, chunks of 0x1a and
//	            0x7 bytes and the last chunk "0\r\n\r\n"; then GET / on the same connection
//	                                                               200 with "abcdefghijklmnopqrstuvwxyzwirelab"; then 200 (RFC 9112 §7.1)
//	head        GET /, HEAD /, then GET / on one connection        200, no body (the next bytes are the GET's status
//	                                                               line), same Content-Length as GET / (RFC 9110 §9.3.2)
//	errors      "hello\r\n\r\n" on one connection;                 400 (RFC 9112 §3, RFC 9110 §15.5.1)
//	            "GET / HTTP/3.0" on another                        505 (RFC 9110 §15.6.6)
//	concurrent  one connection opened and left idle; then 4 clients
//	            at once, each GET /; then GET / on the idle one    all answered: one slow client must not block
//	                                                               the others (RFC 9112 §9)
//
// Each stage is a value (see httpTrack in http.go): what is sent, what is
// expected, the RFC section and two hints per language, a nudge and the
// exact rule; one interpreter (runner.runHTTP) runs them. Stages returns
// them, hints included, and a failure carries them in Failure.Hints. The
// server of "wirelab http serve" (httpcore/inspect) passes every stage.
//
// The text report (WriteText) wraps its prose to TextWidth (80) cells,
// Chinese included; the quoted bytes keep one line per line received.
//
// Messages and hints are in English or Chinese (Options.Lang, by default
// from LC_ALL, LC_MESSAGES or LANG); the ids, the bytes and the RFC sections
// are the same in both.
package check
