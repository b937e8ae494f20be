package httpcore

import (
	"bufio"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// A ResponseWriter builds the response to one request. Set fields with
// Header, choose the status with WriteHeader (200 if not called), then Write
// the content.
//
// Framing is chosen for the handler: a response whose content was all
// written before the handler returned (up to 4 KiB) gets a Content-Length; a
// longer or flushed one is sent chunked to HTTP/1.1 clients and delimited by
// closing the connection for HTTP/1.0 clients (RFC 9112 §6). A handler that
// sets Content-Length itself must write exactly that many bytes.
type ResponseWriter struct {
	c           *conn
	req         *Request
	header      Header
	status      int
	wroteHeader bool  // status decided
	committed   bool  // header section written to the connection
	chunking    bool  // content is being sent chunked
	declared    int64 // Content-Length set by the handler, or -1
	written     int64
	buf         []byte // content held back until commit
	closeAfter  bool
	cont        continueReader
	bodyErr     error // first error the handler saw reading the body
}

func (w *ResponseWriter) reset(c *conn, req *Request) {
	w.c, w.req = c, req
	w.header.Reset()
	w.status = 0
	w.wroteHeader, w.committed, w.chunking = false, false, false
	w.declared, w.written = -1, 0
	w.buf = w.buf[:0]
	w.closeAfter = req.Close
	w.cont = continueReader{}
	w.bodyErr = nil
}

// Header returns the response header fields to send. Changes after the
// first Write or Flush have no effect.
func (w *ResponseWriter) Header() *Header { return &w.header }

// Status returns the status code chosen so far (0 before WriteHeader/Write).
func (w *ResponseWriter) Status() int { return w.status }

// WriteHeader sends the status code. A 1xx code other than 101 is sent at
// once as an interim response (such as 103 Early Hints, RFC 8297) and the
// handler goes on to send a final one. Later calls are ignored.
func (w *ResponseWriter) WriteHeader(code int) {
	if w.wroteHeader || w.c.hijacked {
		return
	}
	if code < 100 || code > 999 {
		panic("httpcore: invalid status code " + strconv.Itoa(code))
	}
	if code/100 == 1 && code != 101 {
		// RFC 9110 §15.2: no 1xx to an HTTP/1.0 client.
		if !w.req.ProtoAtLeast(1, 1) {
			return
		}
		bw := w.c.bw
		bw.WriteString(statusLine(code))
		for _, f := range w.header.Fields() {
			if checkField(f) == nil {
				bw.WriteString(f.Name + ": " + f.Value + "\r\n")
			}
		}
		bw.WriteString("\r\n")
		bw.Flush()
		return
	}
	w.status = code
	w.wroteHeader = true
	if v, ok := w.header.Lookup("Content-Length"); ok {
		if n, ok := parseDecimal(v); ok {
			w.declared = n
		} else {
			w.header.Del("Content-Length")
		}
	}
	if w.header.HasToken("Connection", "close") {
		w.closeAfter = true
	}
}

// bodyAllowed reports whether this response may carry content.
func (w *ResponseWriter) bodyAllowed() bool {
	return w.status != 204 && w.status != 304 && w.status/100 != 1
}

// Write writes content. For a HEAD request the bytes are counted (for
// Content-Length) but not sent. For a status that has no content (1xx, 204,
// 304) it returns ErrBodyNotAllowed.
func (w *ResponseWriter) Write(p []byte) (int, error) {
	if w.c.hijacked {
		return 0, ErrHijacked
	}
	if !w.wroteHeader {
		w.WriteHeader(200)
	}
	if !w.bodyAllowed() {
		return 0, ErrBodyNotAllowed
	}
	if w.declared >= 0 && w.written+int64(len(p)) > w.declared {
		return 0, ErrContentLength
	}
	w.written += int64(len(p))
	if w.req.Method == "HEAD" {
		return len(p), nil
	}
	if !w.committed {
		if len(w.buf)+len(p) <= bufSize {
			w.buf = append(w.buf, p...)
			return len(p), nil
		}
		if err := w.commit(-1); err != nil {
			return 0, err
		}
	}
	return w.writeContent(p)
}

// WriteString is Write for a string.
func (w *ResponseWriter) WriteString(s string) (int, error) {
	if !w.committed && w.wroteHeader && len(w.buf)+len(s) <= bufSize && w.bodyAllowed() && w.req.Method != "HEAD" &&
		(w.declared < 0 || w.written+int64(len(s)) <= w.declared) && !w.c.hijacked {
		w.buf = append(w.buf, s...)
		w.written += int64(len(s))
		return len(s), nil
	}
	return w.Write([]byte(s))
}

func (w *ResponseWriter) writeContent(p []byte) (int, error) {
	bw := w.c.bw
	if w.chunking {
		if len(p) == 0 {
			return 0, nil
		}
		var hdr [18]byte
		h := strconv.AppendInt(hdr[:0], int64(len(p)), 16)
		h = append(h, '\r', '\n')
		bw.Write(h)
		n, err := bw.Write(p)
		if err == nil {
			_, err = bw.WriteString("\r\n")
		}
		return n, err
	}
	return bw.Write(p)
}

// Flush sends the header section and any content written so far. After a
// Flush the content is chunked (HTTP/1.1) unless Content-Length was set.
func (w *ResponseWriter) Flush() error {
	if w.c.hijacked {
		return ErrHijacked
	}
	if !w.wroteHeader {
		w.WriteHeader(200)
	}
	if !w.committed {
		if err := w.commit(-1); err != nil {
			return err
		}
	}
	return w.c.bw.Flush()
}

// commit writes the status-line and header section. n is the content
// length if known, else -1.
func (w *ResponseWriter) commit(n int64) error {
	w.committed = true
	bw := w.c.bw
	req := w.req
	bw.WriteString(statusLine(w.status))
	hasDate := false
	var connOpts []string // options the handler put in Connection, such as "upgrade"
	for _, f := range w.header.Fields() {
		if checkField(f) != nil {
			continue // never let a handler break the framing
		}
		switch len(f.Name) {
		case 4:
			hasDate = hasDate || asciiEqualFold(f.Name, "date")
		case 10:
			if asciiEqualFold(f.Name, "connection") {
				// Merged into the one Connection field written below.
				for v := f.Value; v != ""; {
					var t string
					t, v, _ = strings.Cut(v, ",")
					if t = trimOWS(t); t != "" && !asciiEqualFold(t, "close") && !asciiEqualFold(t, "keep-alive") {
						connOpts = append(connOpts, t)
					}
				}
				continue
			}
		case 17:
			if asciiEqualFold(f.Name, "transfer-encoding") {
				continue
			}
		}
		bw.WriteString(f.Name)
		bw.WriteString(": ")
		bw.WriteString(f.Value)
		bw.WriteString("\r\n")
	}
	if !hasDate {
		bw.WriteString("Date: ")
		bw.WriteString(w.c.srv.dateValue())
		bw.WriteString("\r\n")
	}
	switch {
	case w.status == 101:
		// The connection becomes another protocol: no framing fields.
	case !w.bodyAllowed():
	case w.declared >= 0:
	case n >= 0 && !(req.Method == "HEAD" && n == 0):
		bw.WriteString("Content-Length: ")
		bw.Write(strconv.AppendInt(nil, n, 10))
		bw.WriteString("\r\n")
	case req.Method == "HEAD":
	case req.ProtoAtLeast(1, 1):
		w.chunking = true
		bw.WriteString("Transfer-Encoding: chunked\r\n")
	default:
		w.closeAfter = true // HTTP/1.0: the close delimits the content
	}
	if w.c.srv.shutdown.Load() {
		w.closeAfter = true
	}
	if w.cont.w != nil && !w.cont.sent {
		// The client is waiting for 100 Continue that will not come; it
		// may or may not send the body, so this connection cannot be
		// reused, and the response says so (RFC 9112 §9.6).
		w.closeAfter = true
	}
	switch {
	case w.status == 101:
		bw.WriteString("Connection: Upgrade\r\n")
	case w.closeAfter:
		connOpts = append(connOpts, "close")
	case req.ProtoMinor == 0:
		connOpts = append(connOpts, "keep-alive")
	}
	if len(connOpts) > 0 && w.status != 101 {
		// RFC 9110 §7.6.1: one list; RFC 9110 §7.8: a server sending
		// Upgrade (as in a 426) also sends the "upgrade" option.
		bw.WriteString("Connection: ")
		bw.WriteString(strings.Join(connOpts, ", "))
		bw.WriteString("\r\n")
	}
	_, err := bw.WriteString("\r\n")
	if err == nil && len(w.buf) > 0 {
		_, err = w.writeContent(w.buf)
		w.buf = w.buf[:0]
	}
	return err
}

// finish completes the response after the handler returns.
func (w *ResponseWriter) finish() error {
	if !w.wroteHeader {
		w.WriteHeader(200)
	}
	if !w.committed {
		n := int64(len(w.buf))
		if w.req.Method == "HEAD" {
			n = w.written
		}
		if err := w.commit(n); err != nil {
			return err
		}
	} else if w.chunking {
		if _, err := w.c.bw.WriteString("0\r\n\r\n"); err != nil {
			return err
		}
	}
	if w.declared >= 0 && w.written < w.declared && w.req.Method != "HEAD" && w.bodyAllowed() {
		// The content is shorter than promised: the client would wait for
		// the rest, so the only honest end is to close (RFC 9112 §6.3).
		w.closeAfter = true
	}
	if w.status == 101 {
		w.closeAfter = true
	}
	return nil
}

// Hijack takes over the connection, for protocols such as WebSocket that
// replace HTTP after a 101 response. Anything the handler already wrote is
// flushed first. The returned reader holds bytes the client sent after the
// request. The server forgets the connection: closing it is the caller's
// job, and deadlines are cleared.
func (w *ResponseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c := w.c
	if c.hijacked {
		return nil, nil, ErrHijacked
	}
	c.stopBackgroundRead()
	if w.wroteHeader && !w.committed {
		if err := w.commit(int64(len(w.buf))); err != nil {
			return nil, nil, err
		}
	}
	if err := c.bw.Flush(); err != nil {
		return nil, nil, err
	}
	c.hijacked = true
	c.rwc.SetDeadline(time.Time{})
	c.srv.event(ConnEvent{Conn: c.rwc, State: StateHijacked, Requests: c.requests})
	// The reader goes with the connection: it may already hold bytes the
	// client sent after the request. The writer is a fresh one without the
	// server's per-write deadlines.
	return c.rwc, bufio.NewReadWriter(c.br, bufio.NewWriterSize(c.rwc, bufSize)), nil
}

// Detach is Hijack without allocations, for protocol upgrades on a hot path:
// it flushes what the server has buffered, then returns the connection and
// the server's own buffered reader (which may hold bytes the client sent
// after the request). Anything the handler wrote to w is discarded; the
// caller writes the response itself. As with Hijack, the connection is
// then the caller's to close.
func (w *ResponseWriter) Detach() (net.Conn, *bufio.Reader, error) {
	c := w.c
	if c.hijacked {
		return nil, nil, ErrHijacked
	}
	c.stopBackgroundRead()
	if c.cr.hasByte && c.br.Buffered() == 0 {
		// A byte the background read took is moved into br, so that a
		// caller that takes br.Buffered() bytes and then reads the
		// connection directly (as the websocket package does) sees it.
		c.br.Peek(1)
	}
	if err := c.bw.Flush(); err != nil {
		return nil, nil, err
	}
	c.hijacked = true
	c.rwc.SetDeadline(time.Time{})
	c.srv.event(ConnEvent{Conn: c.rwc, State: StateHijacked, Requests: c.requests})
	return c.rwc, c.br, nil
}

// DetachBuffered is Detach for a caller that keeps no reader, such as a
// protocol upgrade that copies what the client sent early and then reads
// the connection itself. It returns the connection and the bytes the server
// had already read past the request; the server keeps its reader and reuses
// it for another connection. The bytes are in the server's buffer and stay
// valid only until the handler returns: copy them before that. As with
// Detach, the connection is then the caller's to close, and the request's
// Body must not be read after the handler returns.
func (w *ResponseWriter) DetachBuffered() (net.Conn, []byte, error) {
	nc, br, err := w.Detach()
	if err != nil {
		return nil, nil, err
	}
	b, _ := br.Peek(br.Buffered()) // cannot fail: the bytes are buffered
	w.c.readerBack = true
	return nc, b, nil
}

// continueReader sends "100 Continue" before the first read of a body whose
// client sent "Expect: 100-continue" (RFC 9110 §10.1.1), and remembers
// errors for the server.
type continueReader struct {
	w    *ResponseWriter
	r    io.Reader
	sent bool
}

func (cr *continueReader) Read(p []byte) (int, error) {
	if !cr.sent {
		cr.sent = true
		if !cr.w.committed {
			bw := cr.w.c.bw
			bw.WriteString("HTTP/1.1 100 Continue\r\n\r\n")
			if err := bw.Flush(); err != nil {
				return 0, err
			}
		}
	}
	n, err := cr.r.Read(p)
	if err != nil && err != io.EOF && cr.w.bodyErr == nil {
		cr.w.bodyErr = err
	}
	return n, err
}
