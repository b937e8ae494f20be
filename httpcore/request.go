package httpcore

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"math/bits"
	"strconv"
	"strings"
	"sync"
	"unsafe"
)

// A Request is an HTTP request, as read by a server or written by a client.
//
// The strings of a Request read by this package (Method, Target, Proto,
// Host, Expect, and the names and values in Header and Trailer) are not
// copies: they point into the buffer that holds the request's header
// section. That buffer is the Request's own, so the strings stay valid as
// long as the Request is not filled again: for ReadRequest, as long as the
// Request is reachable; for a Reader, until its next ReadRequest into the
// same Request; on a Server, until the Handler returns, after which the
// server reuses the Request for the next request on the connection. Copy
// what you keep longer (strings.Clone, Header.Clone).
type Request struct {
	// Method is the request method token, such as "GET" (RFC 9110 §9).
	Method string
	// Target is the request-target exactly as sent: "/path?query" in origin
	// form, "http://host/path" in absolute form, "host:port" for CONNECT or
	// "*" for OPTIONS (RFC 9112 §3.2).
	Target string
	// Proto is the protocol version, "HTTP/1.1" or "HTTP/1.0".
	Proto      string
	ProtoMajor int
	ProtoMinor int

	// Header holds the header fields in arrival order.
	Header Header
	// Host is the value of the Host field ("" if absent), or the authority of
	// an absolute-form target, which takes precedence (RFC 9112 §3.2.2). When
	// writing a request, Host is sent as the Host field unless Header has one.
	Host string

	// ContentLength is the body length from Content-Length, 0 when the
	// request has no body, or -1 when the length is unknown (chunked). When
	// writing, -1 with a non-nil Body sends the body chunked.
	ContentLength int64
	// Chunked reports that the body uses the chunked transfer coding.
	Chunked bool
	// Close reports that the connection closes after this exchange:
	// "Connection: close", or HTTP/1.0 without "Connection: keep-alive"
	// (RFC 9112 §9.3).
	Close bool
	// Expect is the value of the Expect field, if any (RFC 9110 §10.1.1).
	Expect string

	// Body reads the message body. It is never nil on a request read by this
	// package. When writing a request it may be nil.
	Body io.Reader
	// Trailer holds the trailer fields of a chunked body; it is filled once
	// Body has been read to io.EOF (RFC 9112 §7.1.2).
	Trailer Header

	// RemoteAddr is the client's address, set by the server.
	RemoteAddr string
	// TLS describes the TLS connection the request arrived on, or is nil
	// for plain HTTP. Set by the server.
	TLS *tls.ConnectionState

	buf     []byte // owns the header section; the strings above point into it
	conn    *conn  // the server connection while a handler runs
	fixed   fixedBody
	chunked chunkedBody
}

// Path returns the part of Target before any '?'.
func (r *Request) Path() string {
	if i := strings.IndexByte(r.Target, '?'); i >= 0 {
		return r.Target[:i]
	}
	return r.Target
}

// RawQuery returns the part of Target after the first '?', or "".
func (r *Request) RawQuery() string {
	if i := strings.IndexByte(r.Target, '?'); i >= 0 {
		return r.Target[i+1:]
	}
	return ""
}

// ProtoAtLeast reports whether the request's version is at least major.minor.
func (r *Request) ProtoAtLeast(major, minor int) bool {
	return r.ProtoMajor > major || r.ProtoMajor == major && r.ProtoMinor >= minor
}

// Limits bounds what a Reader accepts. A zero field takes its default.
type Limits struct {
	// MaxTargetBytes bounds the request-target: longer → 414 URI Too Long
	// (RFC 9112 §3). Default 8 KiB.
	MaxTargetBytes int
	// MaxHeaderBytes bounds the field lines of the header section, and of a
	// trailer section: larger → 431 Request Header Fields Too Large
	// (RFC 6585 §5). Default 16 KiB.
	MaxHeaderBytes int
	// MaxHeaderCount bounds the number of field lines → 431. Default 128.
	MaxHeaderCount int
	// MaxBodyBytes bounds a request body → 413 Content Too Large, decided
	// from Content-Length before any of the body is read (RFC 9110 §15.5.14).
	// Default 10 MiB; negative means no limit.
	MaxBodyBytes int64
}

// DefaultLimits returns the limits used when a field of Limits is zero, and
// by ReadRequest.
func DefaultLimits() Limits { return defaultLimits }

// defaultLimits is unexported so that no package can change the limits of
// every other one.
var defaultLimits = Limits{
	MaxTargetBytes: 8 << 10,
	MaxHeaderBytes: 16 << 10,
	MaxHeaderCount: 128,
	MaxBodyBytes:   10 << 20,
}

func (l Limits) withDefaults() Limits {
	if l.MaxTargetBytes <= 0 {
		l.MaxTargetBytes = defaultLimits.MaxTargetBytes
	}
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = defaultLimits.MaxHeaderBytes
	}
	if l.MaxHeaderCount <= 0 {
		l.MaxHeaderCount = defaultLimits.MaxHeaderCount
	}
	if l.MaxBodyBytes == 0 {
		l.MaxBodyBytes = defaultLimits.MaxBodyBytes
	}
	return l
}

// A Reader reads requests from a buffered connection into caller-owned
// Request values, reusing their storage: once warmed up it allocates nothing
// per request. The strings in a Request it fills point into that Request's
// buffer and are only valid until the Request is filled again; copy what you
// keep (strings.Clone, Header.Clone).
type Reader struct {
	br  *bufio.Reader
	lim Limits
	cls classes // byte classes of the header section being parsed
}

// NewReader returns a Reader over br with the given limits.
func NewReader(br *bufio.Reader, lim Limits) *Reader {
	return &Reader{br: br, lim: lim.withDefaults()}
}

// ReadRequest reads the next request's header section into req and sets
// req.Body to read its body. The previous body must have been consumed (a
// server drains or closes). It returns io.EOF if the peer closed the
// connection cleanly before a request began, and a *ProtocolError for
// malformed input.
func (rd *Reader) ReadRequest(req *Request) error {
	return readRequest(rd.br, req, &rd.cls, &rd.lim)
}

// ReadRequest reads and parses one request from br with DefaultLimits, like
// net/http's ReadRequest. The Request it returns owns its memory: for a
// request of up to 752 buffered bytes and 20 field lines (most requests),
// one allocation holds the Request, its header fields and the copy of the
// header section its strings point into. A Reader filling one Request again
// and again allocates nothing at all.
func ReadRequest(br *bufio.Reader) (*Request, error) {
	m := new(oneShot)
	req := &m.req
	req.Header.fields = m.fields[:0]
	req.buf = m.buf[:0]
	lim := defaultLimits
	cls := classesPool.Get().(*classes)
	err := readRequest(br, req, cls, &lim)
	cls.b = nil // do not keep the request's bytes alive from the pool
	classesPool.Put(cls)
	if err != nil {
		return nil, err
	}
	return req, nil
}

// classesPool holds the parser's byte classes for ReadRequest: they are
// needed only while parsing, and cannot live on the stack (their slices
// point into themselves).
var classesPool = sync.Pool{New: func() any { return new(classes) }}

// oneShot is the single allocation behind ReadRequest, sized to the 1792-byte
// size class of the Go allocator; buf takes what is left after the Request
// and the fields: 816 bytes, less padLen for the classifier. If the
// buffered bytes do not fit, padCopy allocates a larger buffer; a request
// with more fields makes append allocate a larger slice.
type oneShot struct {
	req    Request
	fields [oneShotFields]Field
	buf    [oneShotSize - unsafe.Sizeof(Request{}) - oneShotFields*unsafe.Sizeof(Field{})]byte
}

const (
	oneShotSize   = 1792 - 8 // less the malloc header of an object with pointers
	oneShotFields = 20
)

func readRequest(br *bufio.Reader, req *Request, cls *classes, lim *Limits) error {
	req.Method = "" // so a failed read leaves nothing from the last request
	// RFC 9112 §2.2: a server SHOULD ignore at least one empty line (CRLF)
	// received prior to the request-line. We ignore exactly one.
	skipped := 0
	n := br.Buffered()
	if n == 0 {
		if _, err := br.Peek(1); err != nil {
			return err
		}
		n = br.Buffered()
	}
	peek, _ := br.Peek(n)
	if peek[0] == '\r' {
		if len(peek) == 1 {
			peek, _ = br.Peek(2)
		}
		if len(peek) >= 2 && peek[1] == '\n' {
			br.Discard(2)
			skipped = 2
			peek = peek[2:]
		}
	}
	maxLine := lim.MaxTargetBytes + 32 // method, version and spaces
	// Fast path: nearly every request arrives whole in one read. Parse a
	// copy of what is buffered; the parser finds the end of the header
	// section itself, so the bytes are walked once.
	if len(peek) > 0 {
		req.buf = padCopy(req.buf, peek)
		end, err := req.parse(req.buf, cls, lim)
		if err != nil {
			err.Offset += skipped
			return err
		}
		if end >= 0 {
			req.buf = req.buf[:end]
			br.Discard(end)
			return req.setBody(br, lim, skipped+end)
		}
	}
	// Slow path: gather the header section across reads, enforcing the
	// limits and failing on a bare LF as soon as it arrives.
	block, err := readBlock(br, req.buf, maxLine, lim.MaxHeaderBytes, true)
	req.buf = pad(block)
	block = req.buf
	if err != nil {
		if pe, ok := err.(*ProtocolError); ok && pe.Offset >= 0 {
			pe.Offset += skipped
		}
		return err
	}
	end, perr := req.parse(block, cls, lim)
	if perr != nil {
		perr.Offset += skipped
		return perr
	}
	if end != len(block) {
		return &ProtocolError{Status: 400, Offset: skipped, Section: "RFC 9112 §2.1", Msg: "header section could not be delimited"}
	}
	return req.setBody(br, lim, skipped+len(block))
}

// readBlock reads a header section up to and including the empty line into
// buf, which it returns. It checks every LF as it arrives: a bare LF fails at
// once rather than waiting for a CRLFCRLF that a lenient peer will never send.
func readBlock(br *bufio.Reader, buf []byte, maxLine, maxFields int, isRequest bool) ([]byte, error) {
	buf = buf[:0]
	scan, lineEnd := 0, -1
	for {
		n := br.Buffered()
		if n == 0 {
			if _, err := br.Peek(1); err != nil {
				if len(buf) > 0 && err == io.EOF {
					err = io.ErrUnexpectedEOF
				}
				return buf, err
			}
			n = br.Buffered()
		}
		chunk, _ := br.Peek(n)
		prev := len(buf)
		buf = append(buf, chunk...)
		for {
			i := indexLF(buf[scan:])
			if i < 0 {
				scan = len(buf)
				break
			}
			p := scan + i
			scan = p + 1
			if p == 0 || buf[p-1] != '\r' {
				return buf, perr(400, p, "RFC 9112 §2.2", "bare LF (a line must end in CRLF)")
			}
			if lineEnd < 0 {
				lineEnd = p + 1
				continue
			}
			if p >= 3 && buf[p-3] == '\r' && buf[p-2] == '\n' {
				br.Discard(p + 1 - prev)
				if p+1-lineEnd > maxFields+2 {
					return buf[:p+1], perr(431, lineEnd+maxFields, "RFC 6585 §5", "header section larger than %d bytes", maxFields)
				}
				return buf[:p+1], nil
			}
		}
		br.Discard(n)
		if lineEnd < 0 && len(buf) > maxLine {
			if isRequest {
				return buf, perr(414, maxLine, "RFC 9112 §3", "request-line longer than %d bytes", maxLine)
			}
			return buf, perr(400, maxLine, "RFC 9112 §4", "status-line longer than %d bytes", maxLine)
		}
		if lineEnd >= 0 && len(buf)-lineEnd > maxFields+2 {
			return buf, perr(431, lineEnd+maxFields, "RFC 6585 §5", "header section larger than %d bytes", maxFields)
		}
	}
}

// parse parses the header section at the start of b in the three phases
// RFC 9112 names: the request-line (§3), the field lines (§5), and the
// decision on the message body (§6). It returns the length of the header
// section, or -1 if b ends before the empty line that closes it.
func (req *Request) parse(b []byte, cls *classes, lim *Limits) (int, *ProtocolError) {
	cls.reset(b)
	i, err := req.parseRequestLine(b, cls, lim)
	if i < 0 || err != nil {
		return i, err
	}
	var fs framing
	end, err := req.parseFields(b, cls, i, lim, &fs)
	if end < 0 || err != nil {
		return end, err
	}
	if err := req.decide(&fs, lim, end); err != nil {
		return 0, err
	}
	return end, nil
}

// parseRequestLine parses the request-line at the start of b and sets
// Method, Target and the version fields:
//
//	request-line = method SP request-target SP HTTP-version CRLF  (RFC 9112 §3)
//
// It returns the index of the first field line, or -1 if b ends first.
func (req *Request) parseRequestLine(b []byte, cls *classes, lim *Limits) (int, *ProtocolError) {
	maxLine := lim.MaxTargetBytes + 32 // method, version and spaces
	// The first control byte is the request-line's CR, normally; if not,
	// look for the LF the slow way, for the errors below.
	lf := cls.next(cls.ctl, 0) + 1
	if lf >= len(b) || b[lf] != '\n' || b[lf-1] != '\r' {
		lf = bytes.IndexByte(b, '\n')
	}
	if lf < 0 {
		if len(b) > maxLine {
			return 0, perr(414, maxLine, "RFC 9112 §3", "request-line longer than %d bytes", maxLine)
		}
		return -1, nil
	}
	i := 0
	for tchar[b[i]] {
		i++
	}
	if i == 0 {
		if b[0] == '\r' || b[0] == '\n' {
			return 0, perr(400, 0, "RFC 9112 §2.2", "empty request-line (only one empty line may precede a request)")
		}
		return 0, perr(400, 0, "RFC 9112 §3", "request-line must start with a method token, found byte 0x%02x", b[0])
	}
	if b[i] != ' ' {
		return 0, methodEndErr(b, i)
	}
	method := b[:i]
	i++
	ts := i
	if b[i] == ' ' {
		return 0, perr(400, i, "RFC 9112 §3", "more than one SP after the method %s", quote(method))
	}
	i = scanTarget(b, i)
	if i == ts {
		return 0, perr(400, i, "RFC 9112 §3.2", "empty request-target")
	}
	target := b[ts:i]
	if b[i] != ' ' {
		if err := lineBreakErr(b, i, "request-line"); err != nil {
			return 0, err
		}
		if b[i] == '\r' {
			return 0, perr(400, i, "RFC 9112 §3", "request-line has no HTTP version (HTTP/0.9 is not supported)")
		}
		return 0, perr(400, i, "RFC 9112 §3.2", "byte 0x%02x is not allowed in the request-target", b[i])
	}
	if len(target) > lim.MaxTargetBytes {
		return 0, perr(414, ts, "RFC 9112 §3", "request-target is %d bytes, limit %d", len(target), lim.MaxTargetBytes)
	}
	if lf > maxLine {
		// A long method: the same limit readBlock applies while the line
		// is still arriving, so the outcome does not depend on how the
		// bytes were split into reads.
		return 0, perr(414, maxLine, "RFC 9112 §3", "request-line longer than %d bytes", maxLine)
	}
	if err := checkTargetForm(b2s(method), target, ts); err != nil {
		return 0, err
	}
	major, minor, err := parseVersion(b, i+1, lf)
	if err != nil {
		return 0, err
	}
	req.Method = b2s(method)
	req.Target = b2s(target)
	switch minor {
	case 1:
		req.Proto = "HTTP/1.1"
	case 0:
		req.Proto = "HTTP/1.0"
	default:
		req.Proto = b2s(b[i+1 : i+9])
	}
	req.ProtoMajor, req.ProtoMinor = major, minor
	return lf + 1, nil
}

// methodEndErr explains the byte at b[i] that ends the method but is not
// the SP that must follow it.
func methodEndErr(b []byte, i int) *ProtocolError {
	if err := lineBreakErr(b, i, "request-line"); err != nil {
		return err
	}
	switch c := b[i]; {
	case c == '\r':
		return perr(400, i, "RFC 9112 §3", "request-line ends after the method %s: no request-target and no HTTP version", quote(b[:i]))
	case c > ' ' && c < 0x7f:
		return perr(400, i, "RFC 9110 §9.1", "byte %q is not a token character, so it cannot be part of the method %s", c, quote(b[:i+1]))
	}
	return perr(400, i, "RFC 9112 §3", "method %s must be followed by a single SP, found byte 0x%02x", quote(b[:i]), b[i])
}

// parseVersion parses the HTTP-version that starts at b[i] and ends the
// request-line whose LF is b[lf]:
//
//	HTTP-version = HTTP-name "/" DIGIT "." DIGIT   (RFC 9112 §2.3)
//
// HTTP-name is case-sensitive. The version runs to the first control
// byte, which must be the CR of the line's CRLF.
func parseVersion(b []byte, i, lf int) (major, minor int, err *ProtocolError) {
	e := i
	for e < lf && b[e] != '\r' && vchar[b[e]] {
		e++
	}
	if e != lf-1 || b[e] != '\r' {
		if err := lineBreakErr(b, e, "request-line"); err != nil {
			return 0, 0, err
		}
		if b[e] != '\r' {
			return 0, 0, perr(400, e, "RFC 9112 §2.3", "control byte 0x%02x in the HTTP version", b[e])
		}
	}
	v := b[i:e]
	if len(v) != 8 || string(v[:5]) != "HTTP/" || !isDigit(v[5]) || v[6] != '.' || !isDigit(v[7]) {
		return 0, 0, perr(400, i, "RFC 9112 §2.3", "malformed HTTP version %s (want HTTP/1.1)", quote(v))
	}
	major, minor = int(v[5]-'0'), int(v[7]-'0')
	if major != 1 {
		return 0, 0, perr(505, i, "RFC 9110 §15.6.6", "HTTP major version %d is not supported (this server speaks HTTP/1.x)", major)
	}
	return major, minor, nil
}

// parseFields parses the field lines from b[i] up to and including the
// empty line that ends the header section, into req.Header, noting the
// fields that matter to the server on the way (Host, Expect, and in fs
// those that decide framing and persistence). It returns the index after
// the empty line, or -1 if b ends first.
//
//	field-line = field-name ":" OWS field-value OWS CRLF   (RFC 9112 §5)
func (req *Request) parseFields(b []byte, cls *classes, i int, lim *Limits, fs *framing) (int, *ProtocolError) {
	fields := req.Header.fields[:0] // no clear: the old strings point into buf too
	req.Trailer.Reset()
	req.Host = ""
	req.Expect = ""
	first := i
	for {
		// Field lines of the common shape, as many as follow one another.
		var err *ProtocolError
		if fields, i, err = req.commonFields(b, cls, i, first, fields, lim, fs); err != nil {
			return 0, err
		}
		// The line at i is not of that shape: the empty line, a line b
		// cuts short, or one that parseFieldLine parses and explains.
		switch {
		case i >= len(b) || b[i] == '\r' && i+1 >= len(b):
			return -1, nil
		case b[i] == '\r' && b[i+1] == '\n':
			req.Header.fields = fields
			if i-first > lim.MaxHeaderBytes {
				return 0, fieldLimitErr(i, first, len(fields), lim)
			}
			return i + 2, nil
		case b[i] == '\r':
			return 0, perr(400, i, "RFC 9112 §2.2", "bare CR where a field line or the empty line should start")
		}
		if i-first > lim.MaxHeaderBytes || len(fields) >= lim.MaxHeaderCount {
			return 0, fieldLimitErr(i, first, len(fields), lim)
		}
		n, v, next, err := parseFieldLine(b, i)
		if err != nil || next < 0 {
			return next, err
		}
		name, value := b2s(n), b2s(v)
		fields = append(fields, Field{name, value})
		if noted>>len(name)&1 != 0 {
			if err := req.noteField(fs, name, value, i); err != nil {
				return 0, err
			}
		}
		i = next
	}
}

// commonFields parses field lines of the common shape "Name: value\r\n"
// from b[i] with two bit scans each (see classify.go), appending them to
// fields: the name runs to the first byte that is not a tchar, which must
// be the colon, and the value to the first control byte other than HTAB,
// which must be the CR of the line's CRLF. It stops at the first line not
// of that shape and returns its index. The scans' common case, a set bit
// in the window of i or in the next one, is written out; next does the
// rest.
func (req *Request) commonFields(b []byte, cls *classes, i, first int, fields []Field, lim *Limits, fs *framing) ([]Field, int, *ProtocolError) {
	bs := b2s(b) // the strings of the request are slices of this one
	for {
		start := i
		if w := i >> 6; w < cls.done && cls.nt[w]>>(uint(i)&63) != 0 {
			i += bits.TrailingZeros64(cls.nt[w] >> (uint(i) & 63))
		} else if w+1 < cls.done && cls.nt[w+1] != 0 {
			i = (w+1)<<6 + bits.TrailingZeros64(cls.nt[w+1])
		} else {
			i = cls.next(cls.nt, i)
		}
		if i+1 >= len(b) || i == start || b[i] != ':' {
			return fields, start, nil
		}
		name := bs[start:i]
		i++
		for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
			i++
		}
		vs := i
		if w := i >> 6; w < cls.done && cls.ctl[w]>>(uint(i)&63) != 0 {
			i += bits.TrailingZeros64(cls.ctl[w] >> (uint(i) & 63))
		} else if w+1 < cls.done && cls.ctl[w+1] != 0 {
			i = (w+1)<<6 + bits.TrailingZeros64(cls.ctl[w+1])
		} else {
			i = cls.next(cls.ctl, i)
		}
		if i+1 >= len(b) || b[i] != '\r' || b[i+1] != '\n' {
			return fields, start, nil
		}
		if start-first > lim.MaxHeaderBytes || len(fields) >= lim.MaxHeaderCount {
			return fields, start, fieldLimitErr(start, first, len(fields), lim)
		}
		ve := i
		for ve > vs && (b[ve-1] == ' ' || b[ve-1] == '\t') {
			ve--
		}
		value := bs[vs:ve]
		fields = append(fields, Field{name, value})
		if noted>>len(name)&1 != 0 {
			if err := req.noteField(fs, name, value, start); err != nil {
				return fields, start, err
			}
		}
		i += 2
	}
}

// fieldLimitErr reports the limit that a field line starting at b[start]
// breaks, with n fields read since the header section began at b[first].
func fieldLimitErr(start, first, n int, lim *Limits) *ProtocolError {
	if start-first > lim.MaxHeaderBytes {
		return perr(431, first+lim.MaxHeaderBytes, "RFC 6585 §5", "header section larger than %d bytes", lim.MaxHeaderBytes)
	}
	return perr(431, start, "RFC 6585 §5", "more than %d header fields", lim.MaxHeaderCount)
}

// noted has bit n set when noteField looks at names of n bytes.
const noted = 1<<4 | 1<<6 | 1<<10 | 1<<14 | 1<<17

// noteField records a field that matters to the server, told apart by
// length and first letter before a full comparison.
func (req *Request) noteField(fs *framing, n, val string, off int) *ProtocolError {
	switch len(n) {
	case 4:
		if n[0]|0x20 == 'h' && equalFoldLower(n, "host") {
			fs.hosts++
			if fs.hosts > 1 {
				return perr(400, off, "RFC 9112 §3.2", "more than one Host field")
			}
			if !validHost(val) {
				return perr(400, off, "RFC 9112 §3.2", "invalid Host %s", quote([]byte(val)))
			}
			req.Host = val
		}
	case 6:
		if n[0]|0x20 == 'e' && equalFoldLower(n, "expect") {
			req.Expect = val
		}
	case 10, 14:
		if n[0]|0x20 == 'c' {
			return fs.field(n, val, off)
		}
	case 17:
		return fs.field(n, val, off)
	}
	return nil
}

// decide completes the request once its header section is parsed: the
// authority of an absolute-form target, the Host rule, persistence, and
// the length of the body (RFC 9112 §6.3). The header section ends at
// b[end], after the empty line.
func (req *Request) decide(fs *framing, lim *Limits, end int) *ProtocolError {
	// RFC 9112 §3.2.2: for an absolute-form target the authority in the
	// target wins over the Host field.
	if t := req.Target; t[0] != '/' && t[0] != '*' {
		if j := strings.Index(t, "://"); j > 0 && isToken(t[:j]) {
			auth := t[j+3:]
			if k := strings.IndexAny(auth, "/?#"); k >= 0 {
				auth = auth[:k]
			}
			if k := strings.LastIndexByte(auth, '@'); k >= 0 {
				auth = auth[k+1:]
			}
			req.Host = auth
		}
	}
	minor := req.ProtoMinor
	if minor >= 1 && fs.hosts == 0 {
		return perr(400, end-2, "RFC 9112 §3.2", "an HTTP/1.1 request must have a Host field")
	}
	if minor == 0 {
		req.Close = !fs.keepAlive
	} else {
		req.Close = fs.close
	}
	if err := fs.decide(req, minor, lim); err != nil {
		return err
	}
	// RFC 9110 §9.3.6: a CONNECT request has no content; what follows its
	// header section is the tunnel. A length or a chunked body announced
	// for it is refused rather than read.
	if req.Method == "CONNECT" && (req.Chunked || req.ContentLength > 0) {
		req.Close = true
		return perr(400, fs.framingOff(), "RFC 9110 §9.3.6", "a CONNECT request has no content, but this one announces a body (%s)", fs.framingField())
	}
	return nil
}

// lineBreakErr explains a CR or LF at b[i] that does not end a line the way
// RFC 9112 §2.2 asks (CRLF), or returns nil: for a CRLF, or any other byte.
func lineBreakErr(b []byte, i int, what string) *ProtocolError {
	switch {
	case b[i] == '\n':
		return perr(400, i, "RFC 9112 §2.2", "bare LF ends the %s (a line must end in CRLF)", what)
	case b[i] == '\r' && (i+1 >= len(b) || b[i+1] != '\n'):
		return perr(400, i, "RFC 9112 §2.2", "bare CR in the %s (CR may appear only in the CRLF that ends a line)", what)
	}
	return nil
}

// checkTargetForm checks the two request-target forms that belong to one
// method each (RFC 9112 §3.2): the asterisk-form "*" only for a server-wide
// OPTIONS, and CONNECT only with the authority-form host:port.
func checkTargetForm(method string, target []byte, off int) *ProtocolError {
	switch {
	case target[0] == '*' && (len(target) != 1 || method != "OPTIONS"):
		return perr(400, off, "RFC 9112 §3.2.4", "asterisk-form target %s is only for OPTIONS * (method %s)", quote(target), method)
	case method == "CONNECT" && !authorityForm(target):
		return perr(400, off, "RFC 9112 §3.2.3", "CONNECT needs an authority-form target host:port, not %s", quote(target))
	}
	return nil
}

// authorityForm reports whether t is uri-host ":" port with a non-empty
// host and port (RFC 9112 §3.2.3), such as "example.com:443" or "[::1]:80".
func authorityForm(t []byte) bool {
	k := bytes.LastIndexByte(t, ':')
	if k <= 0 || k == len(t)-1 || !validHost(b2s(t[:k])) || bytes.IndexByte(t[:k], '@') >= 0 {
		return false
	}
	for _, c := range t[k+1:] {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

// framing collects the fields that decide message length and persistence,
// and counts the Host fields.
type framing struct {
	clSeen       bool
	cl           int64
	teSeen       bool
	teLastChunk  bool
	teChunks     int
	teUnknown    string
	teEmpty      bool
	close        bool
	keepAlive    bool
	clOff, teOff int
	hosts        int // Host field lines seen
}

func (fs *framing) field(name, value string, off int) *ProtocolError {
	switch len(name) {
	case 10:
		if equalFoldLower(name, "connection") {
			fs.connection(value)
		}
	case 14:
		if equalFoldLower(name, "content-length") {
			n, ok := parseContentLength(value)
			if !ok {
				return perr(400, off, "RFC 9110 §8.6", "invalid Content-Length %q (want one decimal number)", value)
			}
			if fs.clSeen && n != fs.cl {
				return perr(400, off, "RFC 9110 §8.6", "conflicting Content-Length values %d and %d", fs.cl, n)
			}
			fs.clSeen, fs.cl, fs.clOff = true, n, off
		}
	case 17:
		if equalFoldLower(name, "transfer-encoding") {
			if !fs.teSeen {
				fs.teOff = off
			}
			fs.teSeen = true
			fs.codings(value)
		}
	}
	return nil
}

// framingOff is the offset of the field that announced a body.
func (fs *framing) framingOff() int {
	if fs.teSeen {
		return fs.teOff
	}
	return fs.clOff
}

// framingField names the field that announced a body, for errors.
func (fs *framing) framingField() string {
	if fs.teSeen {
		return "Transfer-Encoding: chunked"
	}
	return "Content-Length: " + strconv.FormatInt(fs.cl, 10)
}

// connection records the close and keep-alive options of a Connection
// list (RFC 9110 §7.6.1) in one pass.
func (fs *framing) connection(v string) {
	switch v { // what browsers and curl send, as they send it
	case "keep-alive":
		fs.keepAlive = true
		return
	case "close":
		fs.close = true
		return
	}
	for v != "" {
		var elem string
		if i := strings.IndexByte(v, ','); i >= 0 {
			elem, v = v[:i], v[i+1:]
		} else {
			elem, v = v, ""
		}
		switch elem = trimOWS(elem); len(elem) {
		case 5:
			fs.close = fs.close || equalFoldLower(elem, "close")
		case 10:
			fs.keepAlive = fs.keepAlive || equalFoldLower(elem, "keep-alive")
		}
	}
}

// codings records a Transfer-Encoding list: transfer-coding = token
// *( OWS ";" OWS transfer-parameter ) (RFC 9112 §7).
func (fs *framing) codings(v string) {
	any := false
	for v != "" {
		var elem string
		if i := strings.IndexByte(v, ','); i >= 0 {
			elem, v = v[:i], v[i+1:]
		} else {
			elem, v = v, ""
		}
		name := elem
		if i := strings.IndexByte(name, ';'); i >= 0 {
			name = name[:i]
		}
		name = trimOWS(name)
		if name == "" && trimOWS(elem) == "" {
			continue // empty list elements are allowed (RFC 9110 §5.6.1)
		}
		any = true
		if equalFoldLower(name, "chunked") {
			fs.teChunks++
			fs.teLastChunk = true
			continue
		}
		fs.teLastChunk = false
		if fs.teUnknown == "" {
			fs.teUnknown = elem
		}
	}
	if !any {
		fs.teEmpty = true
	}
}

// decide applies RFC 9112 §6.3 to a request.
func (fs *framing) decide(req *Request, minor int, lim *Limits) *ProtocolError {
	req.Chunked = false
	req.ContentLength = 0
	if fs.teSeen {
		req.Close = true // whatever happens next, do not reuse this connection
		switch {
		case minor == 0:
			return perr(400, fs.teOff, "RFC 9112 §6.1", "Transfer-Encoding in an HTTP/1.0 message: framing is faulty")
		case fs.clSeen:
			return perr(400, fs.clOff, "RFC 9112 §6.3", "both Transfer-Encoding and Content-Length: the message length is ambiguous")
		case fs.teEmpty:
			return perr(400, fs.teOff, "RFC 9112 §6.1", "empty Transfer-Encoding")
		case !fs.teLastChunk:
			return perr(400, fs.teOff, "RFC 9112 §6.3", "Transfer-Encoding does not end in chunked, so the request length cannot be determined")
		case fs.teChunks > 1:
			return perr(400, fs.teOff, "RFC 9112 §7", "chunked is applied more than once")
		case fs.teUnknown != "":
			return perr(501, fs.teOff, "RFC 9112 §6.1", "transfer coding %q is not implemented (only chunked is)", trimOWS(fs.teUnknown))
		}
		req.Close = fs.close
		req.Chunked = true
		req.ContentLength = -1
		return nil
	}
	if fs.clSeen {
		if lim.MaxBodyBytes >= 0 && fs.cl > lim.MaxBodyBytes {
			req.Close = true
			return perr(413, fs.clOff, "RFC 9110 §15.5.14", "Content-Length %d exceeds the limit of %d bytes", fs.cl, lim.MaxBodyBytes)
		}
		req.ContentLength = fs.cl
	}
	return nil
}

// setBody points req.Body at a reader for the framing parse decided.
func (req *Request) setBody(br *bufio.Reader, lim *Limits, base int) error {
	switch {
	case req.Chunked:
		req.chunked.reset(br, lim.MaxBodyBytes, lim.MaxHeaderBytes, &req.Trailer, base)
		req.Body = &req.chunked
	case req.ContentLength > 0:
		req.fixed.reset(br, req.ContentLength)
		req.Body = &req.fixed
	default:
		req.Body = NoBody
	}
	return nil
}

// parseContentLength parses Content-Length = 1*DIGIT, also accepting a list
// of identical values such as "42, 42" (RFC 9110 §8.6).
func parseContentLength(v string) (int64, bool) {
	if n, ok := parseDecimal(v); ok { // the usual shape: one number
		return n, true
	}
	n := int64(-1)
	for {
		var elem string
		i := strings.IndexByte(v, ',')
		if i >= 0 {
			elem, v = v[:i], v[i+1:]
		} else {
			elem = v
		}
		m, ok := parseDecimal(trimOWS(elem))
		if !ok || (n >= 0 && m != n) {
			return 0, false
		}
		n = m
		if i < 0 {
			return n, true
		}
	}
}

// parseDecimal parses 1*DIGIT without sign, rejecting overflow.
func parseDecimal(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		n = n*10 + int64(s[i]-'0')
	}
	return n, true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// parseFieldLine parses one field line starting at b[i]:
//
//	field-line = field-name ":" OWS field-value OWS CRLF   (RFC 9112 §5)
//
// It returns the name, the value without surrounding whitespace, and the
// index after the CRLF, or next = -1 if b ends before the line does.
func parseFieldLine(b []byte, i int) (name, value []byte, next int, err *ProtocolError) {
	start := i
	if b[i] == ' ' || b[i] == '\t' {
		return nil, nil, 0, perr(400, i, "RFC 9112 §5.2", "obsolete line folding (a field line starting with whitespace) is rejected")
	}
	for i < len(b) && tchar[b[i]] {
		i++
	}
	if i == len(b) {
		return nil, nil, -1, nil
	}
	switch c := b[i]; {
	case c == ':' && i > start:
	case c == ':':
		return nil, nil, 0, perr(400, i, "RFC 9110 §5.1", "empty field name")
	case c == ' ' || c == '\t':
		j := i
		for j < len(b) && (b[j] == ' ' || b[j] == '\t') {
			j++
		}
		if j == len(b) {
			return nil, nil, -1, nil
		}
		if b[j] != ':' {
			return nil, nil, 0, perr(400, i, "RFC 9110 §5.1", "whitespace inside field name %s (token characters only)", quote(b[start:j]))
		}
		return nil, nil, 0, perr(400, i, "RFC 9112 §5.1", "whitespace between field name %s and the colon", quote(b[start:i]))
	case c == '\n':
		return nil, nil, 0, perr(400, i, "RFC 9112 §2.2", "bare LF ends field line %s", quote(b[start:i]))
	case c == '\r':
		return nil, nil, 0, perr(400, i, "RFC 9112 §5", "field line %s has no colon", quote(b[start:i]))
	default:
		return nil, nil, 0, perr(400, i, "RFC 9110 §5.1", "byte 0x%02x is not allowed in a field name (token characters only)", c)
	}
	name = b[start:i]
	i++
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	vs := i
	i = scanValue(b, i)
	if i+1 >= len(b) {
		if i < len(b) && b[i] != '\r' {
			return nil, nil, 0, valueErr(b, i, name)
		}
		return nil, nil, -1, nil
	}
	if b[i] != '\r' || b[i+1] != '\n' {
		return nil, nil, 0, valueErr(b, i, name)
	}
	ve := i
	for ve > vs && (b[ve-1] == ' ' || b[ve-1] == '\t') {
		ve--
	}
	return name, b[vs:ve], i + 2, nil
}

// valueErr explains the control byte at b[i] inside the value of name.
func valueErr(b []byte, i int, name []byte) *ProtocolError {
	switch b[i] {
	case '\r':
		return perr(400, i, "RFC 9112 §2.2", "bare CR in the value of %s", quote(name))
	case '\n':
		return perr(400, i, "RFC 9112 §2.2", "bare LF in the value of %s", quote(name))
	}
	return perr(400, i, "RFC 9110 §5.5", "control byte 0x%02x in the value of %s", b[i], quote(name))
}

// scanValue returns the index of the first byte at or after i that cannot
// appear in a field value (field-vchar, SP, HTAB, obs-text), or len(b).
func scanValue(b []byte, i int) int {
	for {
		i = nextCtl(b, i)
		if i == len(b) || b[i] != '\t' {
			return i
		}
		i++ // HTAB is allowed inside a value
	}
}

// nextCtl returns the index of the first control byte (HTAB included) at
// or after i, or len(b). It checks eight bytes at a time and jumps straight
// to the first control byte.
func nextCtl(b []byte, i int) int {
	for ; i+8 <= len(b); i += 8 {
		if m := ctlMask(le64(b[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for i < len(b) && vchar[b[i]] {
		i++
	}
	return i
}

// scanTarget returns the index of the first byte at or after i that is not
// a visible ASCII character (the request-target alphabet, RFC 3986).
func scanTarget(b []byte, i int) int {
	const low7 = 0x7f7f7f7f7f7f7f7f
	for i+8 <= len(b) {
		x := le64(b[i:])
		// Per byte, exactly: the high bit of ok is set when the byte is
		// below 0x80, at least 0x21, and not 0x7F. No carry crosses bytes.
		v := x & low7
		ok := (v + 0x5f5f5f5f5f5f5f5f) &^ (v + lsb) &^ x & msb
		if bad := ok ^ msb; bad != 0 {
			return i + bits.TrailingZeros64(bad)>>3
		}
		i += 8
	}
	for i < len(b) && b[i] > ' ' && b[i] < 0x7f {
		i++
	}
	return i
}

// validHost checks Host = uri-host [ ":" port ] loosely: the characters of a
// reg-name, an IPv4 address or a bracketed IPv6 literal (RFC 3986 §3.2.2).
func validHost(h string) bool {
	for i := 0; i < len(h); i++ {
		if !hostChar[h[i]] {
			return false
		}
	}
	return true
}

// hostChar marks the bytes of uri-host and port: unreserved, sub-delims,
// pct-encoded's '%', ':' and the IPv6 brackets (RFC 3986 §3.2.2).
var hostChar = func() (t [256]bool) {
	for c := 0x21; c < 0x7f; c++ {
		t[c] = true
	}
	for _, c := range "/?#@\\\"<>{}|^`" {
		t[c] = false
	}
	return t
}()

// Context returns the request's context. On a server it is cancelled when
// the client closes the connection (detected once the body has been read),
// when the handler returns, or when the server is closed. Call it from the
// handler's goroutine. Never nil.
func (r *Request) Context() context.Context {
	if r.conn != nil {
		return r.conn.requestContext()
	}
	return context.Background()
}
