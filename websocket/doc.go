// Package websocket implements the WebSocket protocol of RFC 6455, written
// by hand on top of the httpcore HTTP/1.1 engine.
//
// # The opening handshake
//
// A WebSocket starts life as an HTTP/1.1 GET that asks to switch protocols
// (RFC 6455 §4):
//
//	GET /chat HTTP/1.1
//	Host: server.example.com
//	Upgrade: websocket
//	Connection: Upgrade
//	Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==
//	Sec-WebSocket-Version: 13
//	Origin: http://example.com
//
//	HTTP/1.1 101 Switching Protocols
//	Upgrade: websocket
//	Connection: Upgrade
//	Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
//
// The server proves it understood by hashing the key with a fixed GUID:
// Sec-WebSocket-Accept = base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
// (see AcceptKey). An Upgrader answers the server side over httpcore (or
// net/http); a Dialer runs the client side for ws:// and wss:// URLs. A bad
// request gets the precise status: 405 for a method other than GET, 426 with
// "Sec-WebSocket-Version: 13" for another version, 403 for an Origin the
// OriginPolicy refuses, 400 for the rest; the error names the header, quotes
// its value and cites the section.
//
// # Frames
//
// After the 101, both sides exchange frames (RFC 6455 §5.2): a FIN bit, three
// reserved bits, an opcode (text, binary, continuation, close, ping, pong), a
// MASK bit and a 7-, 16- or 64-bit payload length, then a 4-byte masking key
// when masked. Clients must mask every frame and servers must not (§5.1); a
// Conn fails the connection with close code 1002 when a peer breaks such a
// rule, 1007 for invalid UTF-8 in a text message — checked as the bytes arrive,
// across fragments, so it fails fast — and 1009 for a message over the read
// limit.
//
// The checks a Conn runs are exported for tools that read frames without a
// connection: ParseFrameHeader, ParseClose and UTF8Validator. Package
// websocket/wsdecode builds on them to explain frames field by field.
//
// # Connections
//
// A Conn offers whole messages (ReadMessage, WriteMessage) and streams
// (NextReader, NextWriter, which fragments long messages). It answers pings,
// handles control frames that arrive between fragments, and runs the closing
// handshake: Close sends a close frame, waits for the peer's, and closes TCP
// (the server first, RFC 6455 §7.1.1).
//
//	u := &websocket.Upgrader{}
//	srv := &httpcore.Server{Handler: httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
//		c, err := u.Upgrade(w, r)
//		if err != nil {
//			return // the client already got its 4xx
//		}
//		go func() {
//			defer c.CloseNow()
//			for {
//				mt, msg, err := c.ReadMessage()
//				if err != nil {
//					return
//				}
//				c.WriteMessage(mt, msg)
//			}
//		}()
//	})}
//
// One goroutine may read and one may write at a time; Close, Ping and
// WriteControl are safe alongside them.
//
// # Memory and throughput
//
// A Conn waiting for its peer holds no buffer: on a TCP or Unix socket it
// waits through syscall.RawConn and takes a pooled read buffer only when
// bytes arrive, so an idle connection costs its small Conn and a 2 KiB
// goroutine stack (about 3.5–3.8 KB in all; see docs/benchmarks-websocket.md).
// Frames are written from pooled buffers, header and payload in one write.
// For a busy server, ReadMessageTo appends each message to a buffer the
// caller reuses instead of allocating one per message. A read-then-answer
// loop sends the answers to all the messages that arrived together in one
// write, as uWebSockets does, with no setting: while the reader holds
// received bytes it has not returned yet, a frame written is gathered in a
// pooled 64 KiB buffer, and it goes out with the next frame written once
// the reader has handled them, or when the reader goes back to the peer,
// or after a millisecond at most (automatic corking). A frame written
// while the reader holds nothing goes out at once, so a lone answer never
// waits. SetWriteCork gathers every frame until the reader needs more
// input, a Flush, a control frame or Close, or the buffer is full: for a
// writer that knows more frames follow.
//
// Upgrade on the httpcore server allocates one object, the Conn. The
// Sec-WebSocket-Accept value comes from crypto/sha1 on a CPU with the SHA
// extensions, and elsewhere from a SHA-1 specialised to the 60 bytes it
// hashes (assembly on amd64 with BMI2, about 1.7 times as fast as the same
// rounds in Go and twice as fast as crypto/sha1 there), and httpcore's DetachBuffered hands over the bytes that came
// after the request without handing over its reader.
//
// # The browser's API
//
// Socket mirrors JavaScript's WebSocket object — readyState CONNECTING, OPEN,
// CLOSING, CLOSED; bufferedAmount; onopen, onmessage, onerror, onclose; send
// and close — so a lesson can run the same state machine in Go and in the
// browser.
//
// # Origins
//
// Origin and OriginPolicy implement RFC 6454 origins: one parser, one
// serialisation and one allow-list, shared with the postmessage package. By
// default an Upgrader accepts requests without an Origin (non-browser
// clients) and same-origin pages only.
//
// # Compression
//
// permessage-deflate (RFC 7692) compresses each message with DEFLATE. The
// client offers it with parameters and the server accepts at most one offer
// (Compression.Accept, Compression.Verify; ParseExtensions and ParseDeflate
// parse the header and name the parameter and section of any fault). A
// compressed message carries RSV1 on its first frame; its payload is the
// DEFLATE stream after a sync flush, less the flush's last four bytes
// 00 00 ff ff, which the receiver puts back (§7.2). Inflation stops once a
// message passes the read limit (ErrInflateLimit, close 1009), so a small
// frame cannot inflate to gigabytes. By default neither side keeps its LZ77
// window between messages (no context takeover), so the flate state lives in
// a pool and an idle connection holds none of it. It is opt-in: set
// Upgrader.Compression or Dialer.Compression. WriteMessage compresses
// messages from Compression.Threshold bytes up, NextWriter's messages
// always, and EnableWriteCompression(false) sends the next ones plain.
//
// The codec uses github.com/klauspost/compress/flate rather than
// compress/flate, as gws and coder/websocket do. On the corpus in
// testdata/deflate (real-looking JSON, one Reset per message, MB/s of
// uncompressed data per second of CPU on one core, median of 5;
// go test -bench Flate ./websocket):
//
//	                        compress level 1    decompress    ratio (level 1)
//	16 KiB  klauspost        393 MB/s            376 MB/s      0.270
//	        compress/flate   170 MB/s            222 MB/s      0.272
//	 1 KiB  klauspost        129 MB/s            145 MB/s      0.455
//	        compress/flate    96 MB/s            160 MB/s      0.447
//
// klauspost compresses 1.3 to 2.3 times as fast at the same ratio and
// inflates 16 KiB messages 1.7 times as fast (compress/flate inflates 1 KiB
// ones about 10 % faster, a gap the codec closes by pooling the reader's
// buffer with it: 220 MB/s at 1 KiB, 490 at 16 KiB), and it alone can compress with a window under
// 32 KiB (NewWriterWindow), which server_max_window_bits and
// client_max_window_bits below 15 require; with compress/flate a server
// would have to decline such offers.
package websocket
