// Package check tests a server that a learner wrote, in any language, stage
// by stage, in the manner of the CodeCrafters testers: each stage sends
// exact bytes over loopback, judges the answer with wirelab's own engines
// (httpcore.ReadResponse for HTTP, websocket.ReadFrameHeader and
// websocket.DecodeFrames for frames), and on failure shows what was sent and
// received as quoted bytes, a caret under the byte at fault, the RFC section
// and a hint in English or Chinese.
//
//	rep, err := check.Run(ctx, check.Options{Kind: "ws", Addr: "127.0.0.1:9001"})
//	if err != nil {
//		return err // bad options: unknown kind or stage, malformed address
//	}
//	rep.WriteText(os.Stdout)
//	if !rep.Passed {
//		f := rep.Failed() // f.ID, f.Message, f.Failure.Offset, .Section, .Hint
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
// The server answers GET / with 200 and a non-empty body framed by
// Content-Length, keeps connections open, and answers POST / with a chunked
// body by echoing the decoded body (framed by Content-Length or chunked).
//
//	stage           sends                                          expects
//	tcp             a TCP connect                                  accepted
//	status-line     GET / HTTP/1.1                                 "HTTP/1.1 200 <reason>\r\n" (RFC 9112 §4)
//	headers         GET /                                          well-formed field lines and the empty line (§5)
//	content-length  GET /                                          Content-Length > 0 and exactly that many bytes (§6.2)
//	keep-alive      3 GET / on one connection                      3 answers, no close (§9.3)
//	chunked         POST / with chunks 0x1a and 0x7 bytes,         200 with "abcdefghijklmnopqrstuvwxyzwirelab",
//	                then GET / on the same connection              then the GET answered (§7.1)
//
// Messages and hints are in English or Chinese (Options.Lang, by default
// from LC_ALL, LC_MESSAGES or LANG); the ids, the bytes and the RFC sections
// are the same in both.
package check
