package httpcore

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
)

// Write writes r to w in wire format: the request-line, a Host field (from
// r.Host unless r.Header has one), r.Header in order, and the body. A body
// with ContentLength > 0 is sent with Content-Length (exactly that many
// bytes); a non-nil Body with ContentLength -1 is sent chunked, with
// r.Trailer as its trailer section.
func (r *Request) Write(w io.Writer) error {
	bw, ok := w.(*bufio.Writer)
	if !ok {
		bw = bufio.NewWriter(w)
	}
	method, target, proto := r.Method, r.Target, r.Proto
	if method == "" {
		method = "GET"
	}
	if target == "" {
		target = "/"
	}
	if proto == "" {
		proto = "HTTP/1.1"
	}
	if !isToken(method) {
		return fmt.Errorf("httpcore: invalid method %q (RFC 9110 §9.1)", method)
	}
	bw.WriteString(method + " " + target + " " + proto + "\r\n")
	if r.Host != "" && !r.Header.Has("Host") {
		bw.WriteString("Host: " + r.Host + "\r\n")
	}
	chunked := r.Body != nil && r.Body != NoBody && r.ContentLength < 0
	if err := writeHeader(bw, &r.Header, r.ContentLength, chunked, r.Body != nil && r.Body != NoBody); err != nil {
		return err
	}
	if err := writeBody(bw, r.Body, r.ContentLength, chunked, &r.Trailer); err != nil {
		return err
	}
	return bw.Flush()
}

// Write writes resp to w: the status-line, header fields and body, framed
// like Request.Write.
func (resp *Response) Write(w io.Writer) error {
	bw, ok := w.(*bufio.Writer)
	if !ok {
		bw = bufio.NewWriter(w)
	}
	code := resp.StatusCode
	if code < 100 || code > 999 {
		return fmt.Errorf("httpcore: invalid status code %d (RFC 9110 §15)", code)
	}
	reason := resp.Reason
	if reason == "" {
		reason = StatusText(code)
	}
	bw.WriteString("HTTP/1.1 " + strconv.Itoa(code) + " " + reason + "\r\n")
	hasBody := resp.Body != nil && resp.Body != NoBody && code/100 != 1 && code != 204 && code != 304
	chunked := hasBody && resp.ContentLength < 0
	if err := writeHeader(bw, &resp.Header, resp.ContentLength, chunked, hasBody); err != nil {
		return err
	}
	if hasBody {
		if err := writeBody(bw, resp.Body, resp.ContentLength, chunked, &resp.Trailer); err != nil {
			return err
		}
	}
	return bw.Flush()
}

func writeHeader(bw *bufio.Writer, h *Header, n int64, chunked, hasBody bool) error {
	for _, f := range h.Fields() {
		if err := checkField(f); err != nil {
			return err
		}
		if chunked && asciiEqualFold(f.Name, "content-length") {
			continue
		}
		bw.WriteString(f.Name)
		bw.WriteString(": ")
		bw.WriteString(f.Value)
		bw.WriteString("\r\n")
	}
	switch {
	case chunked:
		if !h.HasToken("Transfer-Encoding", "chunked") {
			bw.WriteString("Transfer-Encoding: chunked\r\n")
		}
	case hasBody && n >= 0 && !h.Has("Content-Length"):
		bw.WriteString("Content-Length: " + strconv.FormatInt(n, 10) + "\r\n")
	}
	_, err := bw.WriteString("\r\n")
	return err
}

// checkField refuses to write a field that would break the framing of the
// message: a bad name, or CR, LF or NUL in a value (RFC 9110 §5.5).
func checkField(f Field) error {
	if !isToken(f.Name) {
		return fmt.Errorf("httpcore: invalid field name %q (RFC 9110 §5.1)", f.Name)
	}
	for i := 0; i < len(f.Value); i++ {
		if c := f.Value[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return fmt.Errorf("httpcore: control byte 0x%02x in the value of %q (RFC 9110 §5.5)", c, f.Name)
		}
	}
	return nil
}

func writeBody(bw *bufio.Writer, body io.Reader, n int64, chunked bool, trailer *Header) error {
	if body == nil || body == NoBody {
		return nil
	}
	if chunked {
		cw := &ChunkedWriter{w: bw, Trailer: *trailer}
		if _, err := io.Copy(cw, body); err != nil {
			return err
		}
		return cw.Close()
	}
	if n <= 0 {
		return nil
	}
	m, err := io.Copy(bw, io.LimitReader(body, n))
	if err == nil && m < n {
		err = fmt.Errorf("httpcore: body ended after %d of %d bytes (Content-Length)", m, n)
	}
	return err
}

// A ChunkedWriter writes the chunked transfer coding (RFC 9112 §7.1): each
// Write becomes one chunk, and Close writes the last chunk and Trailer.
type ChunkedWriter struct {
	w       io.Writer
	Trailer Header
}

// NewChunkedWriter returns a ChunkedWriter writing to w.
func NewChunkedWriter(w io.Writer) *ChunkedWriter { return &ChunkedWriter{w: w} }

// Write writes p as one chunk. An empty p writes nothing: a zero-size chunk
// would end the body.
func (cw *ChunkedWriter) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	var hdr [18]byte
	b := strconv.AppendInt(hdr[:0], int64(len(p)), 16)
	b = append(b, '\r', '\n')
	if _, err := cw.w.Write(b); err != nil {
		return 0, err
	}
	n, err := cw.w.Write(p)
	if err != nil {
		return n, err
	}
	_, err = io.WriteString(cw.w, "\r\n")
	return n, err
}

// Close writes the last chunk, the trailer fields and the final CRLF. It
// does not close the underlying writer.
func (cw *ChunkedWriter) Close() error {
	s := "0\r\n"
	for _, f := range cw.Trailer.Fields() {
		if err := checkField(f); err != nil {
			return err
		}
		s += f.Name + ": " + f.Value + "\r\n"
	}
	_, err := io.WriteString(cw.w, s+"\r\n")
	return err
}
