// Package httpcore implements HTTP/1.1 messages and a server, written by hand
// from RFC 9110 (semantics) and RFC 9112 (HTTP/1.1 message syntax).
//
// An HTTP/1.1 message is a start line, header field lines, an empty line and an
// optional body, every line ended by CRLF:
//
//	GET /hello?name=go HTTP/1.1\r\n      request-line       (RFC 9112 §3)
//	Host: 127.0.0.1:8080\r\n             field-line         (RFC 9112 §5)
//	Accept: */*\r\n
//	\r\n                                 end of the header section
//
// The parser is strict on purpose. Two programs that disagree about where a
// message ends can be played against each other ("request smuggling"), so
// every ambiguity the RFC allows a recipient to reject is rejected, with the
// precise status code and the RFC section that forbids it:
//
//   - whitespace between a field name and its colon, a bare CR, a bare LF,
//     NUL or any other control byte in a value → 400 (RFC 9112 §2.2, §5.1,
//     RFC 9110 §5.5);
//   - obs-fold (a field line starting with SP or HTAB) is rejected with 400
//     rather than unfolded (RFC 9112 §5.2 allows either; rejecting is safer);
//   - Transfer-Encoding together with Content-Length → 400 and the connection
//     closes, so bytes after the message are never answered (RFC 9112 §6.3);
//   - Transfer-Encoding whose last coding is not chunked → 400; a coding the
//     server does not implement → 501 (RFC 9112 §6.1, §6.3);
//   - Transfer-Encoding in an HTTP/1.0 message → 400 and close (RFC 9112 §6.1);
//   - an invalid Content-Length, or several that differ → 400; a list of
//     identical values ("5, 5") is accepted as one (RFC 9110 §8.6);
//   - a missing or repeated Host in HTTP/1.1 → 400 (RFC 9112 §3.2);
//   - limits: header section → 431, request-target → 414, body → 413 (decided
//     from Content-Length before reading it), HTTP major version other than 1
//     → 505.
//
// One empty line before a request line is ignored (RFC 9112 §2.2).
//
// # Reading messages
//
// ReadRequest and ReadResponse are shaped like their net/http namesakes. For
// servers that parse millions of requests, a Reader fills a caller-owned
// Request and allocates nothing per request once warmed up; the strings it
// sets point into the Request's own buffer and are valid until the next call.
//
//	rd := httpcore.NewReader(bufio.NewReader(conn), httpcore.Limits{})
//	var req httpcore.Request
//	for {
//		if err := rd.ReadRequest(&req); err != nil {
//			return err
//		}
//		fmt.Println(req.Method, req.Target, req.Header.Get("user-agent"))
//	}
//
// Header lookup is case-insensitive; Header keeps fields in arrival order with
// their original case, so a lesson can show exactly what was sent.
//
// The parser does not test bytes one at a time. It first sorts the bytes of
// the header section, 64 at a time, into two bit masks: bytes that may not
// appear in a field value (controls other than HTAB, so CR and LF too) and
// bytes that may not appear in a field name (anything but tchar, so the colon
// too). A field line is then two bit scans: the name ends at the first
// non-tchar byte, which must be ':', and the value at the first control byte,
// which must start CRLF. Anything else goes to a byte-by-byte path that names
// the exact offending byte and rule. On amd64 with AVX2 the masks come from
// assembly (classify_amd64.s, 15 vector instructions per 32 bytes); other
// platforms, or the purego build tag, use a table per byte.
//
// # Serving
//
// Server runs a Handler on a net.Listener with persistent connections (HTTP/1.1
// keeps a connection open unless "Connection: close"; HTTP/1.0 closes unless
// "Connection: keep-alive"), pipelining (responses leave in request order),
// "Expect: 100-continue", HEAD, read-header, idle and write timeouts, a cap on
// concurrent connections, graceful Shutdown and Hijack for protocol upgrades
// such as WebSocket. Detach and DetachBuffered are Hijack without
// allocations; with DetachBuffered the caller copies the bytes the client
// sent early and the server keeps its reader for the next connection.
// Connections are served on worker goroutines that wait briefly for the
// next connection, so that a new connection does not start on a fresh 2 KB
// stack that the runtime must grow (copy) before the request is parsed.
//
//	srv := &httpcore.Server{Handler: httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
//		w.Header().Set("Content-Type", "text/plain")
//		w.WriteString("hello\n")
//	})}
//	ln, _ := net.Listen("tcp", "127.0.0.1:8080")
//	srv.Serve(ln)
//
// Statuses lists every IANA-registered status code with its class and a
// one-line explanation in English and Chinese.
package httpcore
