package annotate

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/wirelab/wirelab/annot"
	"github.com/wirelab/wirelab/httpcore"
)

// Segment kinds (annot.Segment.Kind), in the order they can appear in a
// message.
const (
	KindRequestLine = "request-line" // method SP request-target SP HTTP-version CRLF (RFC 9112 §3)
	KindStatusLine  = "status-line"  // HTTP-version SP status-code SP [ reason-phrase ] CRLF (RFC 9112 §4)
	KindField       = "field"        // field-name ":" OWS field-value OWS CRLF (RFC 9112 §5)
	KindEmptyLine   = "empty-line"   // CRLF ending the header section (RFC 9112 §2.1)
	KindBody        = "body"         // content framed by Content-Length or by the close (RFC 9112 §6)
	KindChunkSize   = "chunk-size"   // chunk-size [ chunk-ext ] CRLF (RFC 9112 §7.1)
	KindChunkData   = "chunk-data"   // chunk-size bytes of data
	KindChunkEnd    = "chunk-end"    // the CRLF after chunk-data
	KindLastChunk   = "last-chunk"   // 1*("0") [ chunk-ext ] CRLF
	KindTrailer     = "trailer"      // a field line of the trailer section (RFC 9112 §7.1.2)
	KindFinalCRLF   = "final-crlf"   // the CRLF ending a chunked message
)

// An Annotation is a message cut into explained segments, as produced by
// Annotate.
type Annotation struct {
	// Message is "request" or "response".
	Message string `json:"message"`
	// Segments cover the message in order, from byte 0 up to Length, or up
	// to and including the segment where a malformed message fails.
	Segments []annot.Segment `json:"segments"`
	// Length is the number of bytes the engine read as this message (0 when
	// the message is malformed).
	Length int `json:"length"`
	// Trailing counts the bytes after the message, which are not parsed.
	Trailing int `json:"trailing"`
	// TrailingNote explains the trailing bytes, if any.
	TrailingNote string `json:"trailing_note,omitempty"`
	// Err is the error Annotate returned, if any.
	Err *AnnotateError `json:"error,omitempty"`

	rest []byte
}

// An AnnotateError reports why the engine rejected a message, at which byte
// and under which rule. Err is the engine's own error (a
// *httpcore.ProtocolError, or io.ErrUnexpectedEOF when the input stops
// early).
type AnnotateError struct {
	// Offset is the byte offset of the problem in the input, or -1.
	Offset int `json:"offset"`
	// Status is the status a server would answer (0 when the input ends
	// early: there is nothing to answer yet).
	Status int `json:"status,omitempty"`
	// Section names the rule, such as "RFC 9112 §5.1".
	Section string `json:"section"`
	// Msg says what is wrong, without the offset and section.
	Msg string `json:"message"`
	// Early reports that the input ends before the message does.
	Early bool `json:"early,omitempty"`
	// BareLF reports that the byte at Offset is an LF not preceded by CR:
	// the input probably has Unix line endings.
	BareLF bool `json:"bare_lf,omitempty"`
	// Err is the underlying engine error.
	Err error `json:"-"`
}

// Error reads well after a program name, for example:
//
//	malformed message at byte 20: whitespace between field name "Host" and the colon (RFC 9112 §5.1)
//	message ends early at byte 25: the header section has no empty line to end it (RFC 9112 §2.1)
func (e *AnnotateError) Error() string {
	var s string
	switch {
	case e.Early:
		s = "message ends early"
	case e.Status == 0 || e.Status == 400:
		s = "malformed message"
	default:
		s = fmt.Sprintf("message rejected with %d %s", e.Status, httpcore.StatusText(e.Status))
	}
	if e.Offset >= 0 {
		s += fmt.Sprintf(" at byte %d", e.Offset)
	}
	s += ": " + e.Msg
	if e.Section != "" {
		s += " (" + e.Section + ")"
	}
	return s
}

// Unwrap returns the engine's error.
func (e *AnnotateError) Unwrap() error { return e.Err }

// Annotate explains one raw HTTP/1.1 message, byte by byte. data holds a
// request, or a response when it starts with "HTTP/" (read as the answer to a
// GET request: a HEAD answer would have no body). Annotate takes the whole
// message as a []byte rather than an io.Reader because it shows every byte;
// a message is small.
//
// The verdict is the engine's: Annotate runs httpcore.ReadRequest or
// httpcore.ReadResponse over data and reads the body to the end, so it
// accepts exactly what the engine accepts with httpcore.DefaultLimits. Its
// own light segmentation only attaches offsets and notes:
//
//	 0  request-line  GET / HTTP/1.1\r\n  method GET, target "/" (origin-form), version HTTP/1.1 (RFC 9112 §3)
//	16  field         Host: a\r\n         Host = "a" — required once in HTTP/1.1 (RFC 9112 §3.2)
//	25  empty-line    \r\n                ends the header section (RFC 9112 §2.1)
//	27  body                              none: a request without Content-Length or Transfer-Encoding has no body (RFC 9112 §6.3 rule 7)
//
// For a malformed message it returns the segments up to and including the
// one where the engine failed (its Note names the problem) and an
// *AnnotateError naming the byte offset and the RFC section; the Annotation
// is never nil. Bytes after the message, such as a pipelined request, are
// counted in Trailing but not parsed.
func Annotate(data []byte) (*Annotation, error) {
	a := &Annotation{Message: "request"}
	resp := bytes.HasPrefix(data, []byte("HTTP/"))
	if resp {
		a.Message = "response"
	}
	rd := bytes.NewReader(data)
	br := bufio.NewReader(rd)
	consumed := func() int { return len(data) - rd.Len() - br.Buffered() }

	var (
		fr   frame
		body io.Reader
		err  error
	)
	if resp {
		var r *httpcore.Response
		if r, err = httpcore.ReadResponse(br, nil); err == nil {
			fr, body = responseFrame(r), r.Body
		}
	} else {
		var r *httpcore.Request
		if r, err = httpcore.ReadRequest(br); err == nil {
			fr, body = requestFrame(r), r.Body
		}
	}
	headEnd := -1
	var decoded int64
	if err == nil {
		headEnd = consumed()
		decoded, err = io.Copy(io.Discard, body)
	}

	an := annotator{data: data, resp: resp, fr: fr}
	an.head()
	if headEnd >= 0 {
		an.body(headEnd, decoded)
	}
	a.Segments = an.segs

	if err != nil {
		ae := toAnnotateError(err, data, headEnd, fr)
		a.Err = ae
		a.Segments = cut(a.Segments, ae)
		return a, ae
	}
	a.Length = consumed()
	a.rest = data[a.Length:]
	a.Trailing = len(a.rest)
	if a.Trailing > 0 {
		a.TrailingNote = trailingNote(a.rest, resp, fr)
	}
	return a, nil
}

// toAnnotateError turns the engine's error into an AnnotateError. The
// engine's offsets already count from the first byte of the message.
func toAnnotateError(err error, data []byte, headEnd int, fr frame) *AnnotateError {
	var pe *httpcore.ProtocolError
	if errors.As(err, &pe) {
		ae := &AnnotateError{Offset: pe.Offset, Status: pe.Status, Section: pe.Section, Msg: pe.Msg, Err: err}
		if o := ae.Offset; o >= 0 && o < len(data) && data[o] == '\n' && (o == 0 || data[o-1] != '\r') {
			ae.BareLF = true
		}
		return ae
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		ae := &AnnotateError{Offset: len(data), Early: true, Err: err}
		switch {
		case len(data) == 0:
			ae.Msg, ae.Section = "the input is empty", "RFC 9112 §2.1"
		case headEnd < 0:
			ae.Msg, ae.Section = "the header section has no empty line to end it", "RFC 9112 §2.1"
		case fr.kind == frameChunked:
			ae.Msg, ae.Section = "the chunked body stops before its last chunk and final CRLF", "RFC 9112 §7.1"
		case fr.kind == frameLength:
			ae.Msg = fmt.Sprintf("the body has %d of the %d bytes Content-Length announced", len(data)-headEnd, fr.n)
			ae.Section = "RFC 9112 §8"
		default:
			ae.Msg, ae.Section = "the body is incomplete", "RFC 9112 §8"
		}
		return ae
	}
	return &AnnotateError{Offset: -1, Msg: err.Error(), Err: err}
}

// cut keeps the segments before the problem and the one containing it,
// whose Note becomes the problem.
func cut(segs []annot.Segment, ae *AnnotateError) []annot.Segment {
	if ae.Early || ae.Offset < 0 {
		return segs
	}
	for i, s := range segs {
		if ae.Offset < s.Offset+len(s.Raw) {
			if ae.Offset < s.Offset {
				return segs[:i]
			}
			segs[i].Note = fmt.Sprintf("PROBLEM at byte %d: %s", ae.Offset, ae.Msg)
			if ae.Section != "" {
				segs[i].Note += " (" + ae.Section + ")"
			}
			return segs[:i+1]
		}
	}
	return segs
}

func trailingNote(rest []byte, resp bool, fr frame) string {
	what := "a pipelined request?"
	switch {
	case len(bytes.Trim(rest, "\r\n")) == 0:
		what = "only line endings (an editor's final newline?)"
	case resp && fr.code/100 == 1:
		what = "the final response after this interim one?"
	case resp:
		what = "a pipelined response?"
	}
	return fmt.Sprintf("%d bytes after the message: %s (not parsed)", len(rest), what)
}

// frame is the engine's framing decision (RFC 9112 §6.3).
type frame struct {
	kind      int
	n         int64  // body length for frameLength
	code      int    // status code of a response
	clZero    bool   // Content-Length: 0 made the body empty
	noContent string // why a response has no content
	teNotLast bool   // a response's Transfer-Encoding does not end in chunked
}

const (
	frameNone = iota
	frameLength
	frameChunked
	frameClose
)

func requestFrame(r *httpcore.Request) frame {
	switch {
	case r.Chunked:
		return frame{kind: frameChunked}
	case r.ContentLength > 0:
		return frame{kind: frameLength, n: r.ContentLength}
	}
	return frame{kind: frameNone, clZero: r.Header.Has("Content-Length")}
}

func responseFrame(r *httpcore.Response) frame {
	f := frame{code: r.StatusCode}
	switch code := r.StatusCode; {
	case code/100 == 1:
		f.noContent = "a 1xx response is interim and never has content"
	case code == 204:
		f.noContent = "a 204 response never has content"
	case code == 304:
		f.noContent = "a 304 response never has content"
	case r.Chunked:
		f.kind = frameChunked
	case r.ContentLength < 0:
		f.kind = frameClose
		f.teNotLast = r.Header.Has("Transfer-Encoding")
	case r.ContentLength > 0:
		f.kind, f.n = frameLength, r.ContentLength
	default:
		f.clZero = true
	}
	return f
}

// annotator segments data with a light scanner of its own. It trusts the
// engine's framing decision and never decides validity: cut trims what it
// produced at the engine's error.
type annotator struct {
	data []byte
	resp bool
	fr   frame
	segs []annot.Segment
	pos  int
}

func (an *annotator) add(kind string, end int, note string) {
	an.segs = append(an.segs, annot.Segment{Offset: an.pos, Kind: kind, Raw: an.data[an.pos:end], Note: note})
	an.pos = end
}

// line returns the end of the line at pos: after its LF, or len(data).
func (an *annotator) line() (end int, complete bool) {
	if i := bytes.IndexByte(an.data[an.pos:], '\n'); i >= 0 {
		return an.pos + i + 1, true
	}
	return len(an.data), false
}

const incomplete = "incomplete: the input ends before this line's CRLF"

// head segments the start line, the field lines and the empty line.
func (an *annotator) head() {
	d := an.data
	if !an.resp && bytes.HasPrefix(d, []byte("\r\n")) {
		an.add(KindEmptyLine, 2, "an empty line before the request-line is ignored (RFC 9112 §2.2)")
	}
	if an.pos >= len(d) {
		return
	}
	end, ok := an.line()
	kind, note := KindRequestLine, requestLineNote(d[an.pos:end])
	if an.resp {
		kind, note = KindStatusLine, statusLineNote(d[an.pos:end])
	}
	if !ok {
		note = incomplete
	}
	an.add(kind, end, note)
	for an.pos < len(d) {
		end, ok := an.line()
		l := d[an.pos:end]
		if string(l) == "\r\n" {
			an.add(KindEmptyLine, end, "ends the header section (RFC 9112 §2.1)")
			return
		}
		note := incomplete
		if ok {
			name, value := splitField(l)
			note = an.fieldNote(name, value)
		}
		an.add(KindField, end, note)
	}
}

// body segments the body, which the engine found to start at start, and
// decoded to decoded bytes.
func (an *annotator) body(start int, decoded int64) {
	d := an.data
	an.pos = start
	fr := an.fr
	switch fr.kind {
	case frameNone:
		note := "none: a request without Content-Length or Transfer-Encoding has no body (RFC 9112 §6.3 rule 7)"
		switch {
		case fr.noContent != "":
			note = "none: " + fr.noContent + ", so the message ends at the empty line (RFC 9112 §6.3 rule 1)"
		case fr.clZero:
			note = "0 bytes, length from Content-Length (RFC 9112 §6.3 rule 6)"
		}
		an.add(KindBody, start, note)
	case frameLength:
		end := start + int(min(fr.n, int64(len(d)-start)))
		note := fmt.Sprintf("%d bytes, length from Content-Length (RFC 9112 §6.3 rule 6)", fr.n)
		if int64(end-start) < fr.n {
			note = fmt.Sprintf("%d of %d bytes, length from Content-Length: the message ends early (RFC 9112 §8)", end-start, fr.n)
		}
		an.add(KindBody, end, note)
	case frameClose:
		why := "no Content-Length or Transfer-Encoding (RFC 9112 §6.3 rule 8)"
		if fr.teNotLast {
			why = "Transfer-Encoding does not end in chunked (RFC 9112 §6.3 rule 4)"
		}
		an.add(KindBody, len(d), fmt.Sprintf("%d bytes, read until the server closes the connection: %s", len(d)-start, why))
	case frameChunked:
		an.chunks(decoded)
	}
}

// chunks segments a chunked body (RFC 9112 §7.1):
//
//	1a;ext=1\r\n       chunk-size
//	...26 bytes...     chunk-data
//	\r\n               chunk-end
//	0\r\n              last-chunk
//	X-Sum: 9\r\n       trailer
//	\r\n               final-crlf
func (an *annotator) chunks(decoded int64) {
	d := an.data
	nchunks := 0
	for an.pos < len(d) {
		end, ok := an.line()
		l := d[an.pos:end]
		digits, size, ext := splitChunkSize(l)
		if !ok || digits == "" {
			an.add(KindChunkSize, end, incomplete)
			return
		}
		// "0x5" is not a last chunk: the engine stops at its 'x'.
		if size == 0 && (ext == "" || ext[0] == ';') {
			note := "size 0: the last chunk; a trailer section may follow (RFC 9112 §7.1)"
			if ext != "" {
				note += fmt.Sprintf("; extension %q is ignored (RFC 9112 §7.1.1)", ext)
			}
			an.add(KindLastChunk, end, note)
			an.trailer(decoded, nchunks)
			return
		}
		note := fmt.Sprintf("0x%s = %d bytes (RFC 9112 §7.1)", digits, size)
		if ext != "" {
			note += fmt.Sprintf("; extension %q is ignored (RFC 9112 §7.1.1)", ext)
		}
		an.add(KindChunkSize, end, note)
		nchunks++
		dend := an.pos + int(min(size, int64(len(d)-an.pos)))
		note = fmt.Sprintf("%d bytes of chunk data (RFC 9112 §7.1)", size)
		if int64(dend-an.pos) < size {
			note = fmt.Sprintf("%d of %d bytes of chunk data: the message ends early (RFC 9112 §8)", dend-an.pos, size)
		}
		an.add(KindChunkData, dend, note)
		if an.pos >= len(d) {
			return
		}
		an.add(KindChunkEnd, min(an.pos+2, len(d)), "CRLF after the chunk data (RFC 9112 §7.1)")
	}
}

// trailer segments the trailer section and the final CRLF.
func (an *annotator) trailer(decoded int64, nchunks int) {
	d := an.data
	for an.pos < len(d) {
		end, ok := an.line()
		l := d[an.pos:end]
		if string(l) == "\r\n" {
			an.add(KindFinalCRLF, end, fmt.Sprintf("ends the trailer section and the message: %d bytes of content in %d %s (RFC 9112 §7.1)",
				decoded, nchunks, plural(nchunks, "chunk", "chunks")))
			return
		}
		note := incomplete
		if ok {
			name, value := splitField(l)
			note = fmt.Sprintf("%s = %q — a trailer field, kept apart from the header section (RFC 9112 §7.1.2)", name, value)
		}
		an.add(KindTrailer, end, note)
	}
}

// hasToken reports whether the comma-separated list v holds token, compared
// case-insensitively (RFC 9110 §5.6.1).
func hasToken(v, token string) bool {
	for elem := range strings.SplitSeq(v, ",") {
		if strings.EqualFold(strings.Trim(elem, " \t"), token) {
			return true
		}
	}
	return false
}

// trimOWS trims optional whitespace: SP and HTAB (RFC 9110 §5.6.3).
func trimOWS(s string) string { return strings.Trim(s, " \t") }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// splitField splits a field line at its first colon and trims OWS and the
// line ending, as the engine does for a valid line.
func splitField(l []byte) (name, value string) {
	s := strings.TrimRight(string(l), "\r\n")
	i := strings.IndexByte(s, ':')
	if i < 0 {
		return s, ""
	}
	return s[:i], trimOWS(s[i+1:])
}

// splitChunkSize splits a chunk-size line into its hex digits, their value
// (math.MaxInt64 when they overflow it) and the chunk extension.
func splitChunkSize(l []byte) (digits string, size int64, ext string) {
	s := strings.TrimRight(string(l), "\r\n")
	i := 0
	for i < len(s) && strings.IndexByte("0123456789abcdefABCDEF", s[i]) >= 0 {
		i++
	}
	if i > 0 {
		size, _ = strconv.ParseInt(s[:i], 16, 64) // on overflow: math.MaxInt64
	}
	return s[:i], size, strings.TrimLeft(s[i:], " \t")
}

// requestLineNote explains a request-line.
func requestLineNote(l []byte) string {
	parts := strings.Split(strings.TrimRight(string(l), "\r\n"), " ")
	if len(parts) != 3 {
		return "request-line = method SP request-target SP HTTP-version CRLF (RFC 9112 §3)"
	}
	method, target, version := parts[0], parts[1], parts[2]
	var form string
	switch {
	case target == "*":
		form = "asterisk-form"
	case method == "CONNECT":
		form = "authority-form"
	case strings.HasPrefix(target, "/"):
		form = "origin-form"
	default:
		form = "absolute-form"
	}
	return fmt.Sprintf("method %s, target %q (%s), version %s (RFC 9112 §3)", method, target, form, version)
}

// statusLineNote explains a status-line.
func statusLineNote(l []byte) string {
	s := strings.TrimRight(string(l), "\r\n")
	if len(s) < 12 {
		return "status-line = HTTP-version SP status-code SP [ reason-phrase ] CRLF (RFC 9112 §4)"
	}
	code, err := strconv.Atoi(s[9:12])
	if err != nil {
		return "status-line = HTTP-version SP status-code SP [ reason-phrase ] CRLF (RFC 9112 §4)"
	}
	st, ok := httpcore.LookupStatus(code)
	if !ok {
		return fmt.Sprintf("version %s, status %d — unregistered, treated as %dxx (RFC 9110 §15); the reason-phrase is for humans only (RFC 9112 §4)",
			s[:8], code, code/100)
	}
	return fmt.Sprintf("version %s, status %d %s — %s (%s); the reason-phrase is for humans only (RFC 9112 §4)",
		s[:8], code, st.Reason, st.Class(), st.Spec)
}

// fieldNote explains a header field line.
func (an *annotator) fieldNote(name, value string) string {
	base := fmt.Sprintf("%s = %q", name, value)
	var what string
	switch strings.ToLower(name) {
	case "host":
		what = "required once in HTTP/1.1 (RFC 9112 §3.2)"
		if an.resp {
			what = "meaningless in a response (RFC 9110 §7.2)"
		}
	case "content-length":
		switch {
		case an.fr.noContent != "":
			what = "no body follows: " + an.fr.noContent + " (RFC 9110 §8.6)"
		default:
			what = "the body length in bytes (RFC 9110 §8.6)"
		}
	case "transfer-encoding":
		what = "transfer codings applied to the body (RFC 9112 §6.1)"
		if an.fr.kind == frameChunked {
			what = "chunked is the last coding, so the body arrives in chunks (RFC 9112 §6.1, §6.3 rule 4)"
		}
	case "connection":
		switch {
		case hasToken(value, "close"):
			what = "the connection closes after this exchange (RFC 9112 §9.6)"
		case hasToken(value, "keep-alive"):
			what = "keep the connection open (HTTP/1.0 style; HTTP/1.1 does by default) (RFC 9112 §9.3)"
		default:
			what = "hop-by-hop connection options (RFC 9110 §7.6.1)"
		}
	case "content-type":
		what = "the media type of the body (RFC 9110 §8.3)"
	case "content-encoding":
		what = "content codings applied to the representation (RFC 9110 §8.4)"
	case "user-agent":
		what = "the client software (RFC 9110 §10.1.5)"
	case "server":
		what = "the server software (RFC 9110 §10.2.4)"
	case "accept":
		what = "media types the client prefers (RFC 9110 §12.5.1)"
	case "accept-encoding":
		what = "content codings the client accepts (RFC 9110 §12.5.3)"
	case "expect":
		what = "the client waits for 100 Continue before sending the body (RFC 9110 §10.1.1)"
	case "date":
		what = "when the message was generated (RFC 9110 §6.6.1)"
	case "trailer":
		what = "names the fields the trailer section will carry (RFC 9110 §6.6.2)"
	case "upgrade":
		what = "asks to switch protocols on this connection (RFC 9110 §7.8)"
	case "location":
		what = "where to go next (RFC 9110 §10.2.2)"
	case "cache-control":
		what = "caching directives (RFC 9111 §5.2)"
	case "authorization":
		what = "credentials for the target (RFC 9110 §11.6.2)"
	default:
		what = "a header field; names are case-insensitive (RFC 9112 §5, RFC 9110 §5.1)"
	}
	return base + " — " + what
}

// WriteText writes an aligned text view, one segment per line: offset,
// kind, raw bytes with CR, LF, tabs and non-printing bytes escaped, and the
// note. Long bodies are shortened. Trailing bytes get a last line.
//
//	0  request-line  GET / HTTP/1.1\r\n  method GET, target "/" (origin-form), version HTTP/1.1 (RFC 9112 §3)
func (a *Annotation) WriteText(w io.Writer) error {
	const maxRaw = 56
	type row struct{ off, kind, raw, note string }
	rows := make([]row, 0, len(a.Segments)+1)
	for _, s := range a.Segments {
		rows = append(rows, row{strconv.Itoa(s.Offset), s.Kind, display(s.Raw, s.Kind), s.Note})
	}
	if a.Trailing > 0 {
		rows = append(rows, row{strconv.Itoa(a.Length), "(after)", display(a.rest, KindBody), a.TrailingNote})
	}
	offW, kindW, rawW := 0, 0, 0
	for _, r := range rows {
		offW = max(offW, len(r.off))
		kindW = max(kindW, len(r.kind))
		if len(r.raw) <= maxRaw {
			rawW = max(rawW, len(r.raw))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%*s  %-*s  %-*s  %s\n", offW, r.off, kindW, r.kind, rawW, r.raw, r.note)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// display escapes raw for the text view, shortening body data.
func display(raw []byte, kind string) string {
	const keep = 32
	if (kind == KindBody || kind == KindChunkData) && len(raw) > keep+8 {
		return escape(raw[:keep]) + fmt.Sprintf("...(+%d bytes)", len(raw)-keep)
	}
	return escape(raw)
}

// escape shows raw bytes on one line: printable ASCII as is, \r \n \t and
// \\ escaped, every other byte as \xNN.
func escape(b []byte) string {
	var s strings.Builder
	for _, c := range b {
		switch {
		case c == '\r':
			s.WriteString(`\r`)
		case c == '\n':
			s.WriteString(`\n`)
		case c == '\t':
			s.WriteString(`\t`)
		case c == '\\':
			s.WriteString(`\\`)
		case c >= 0x20 && c < 0x7f:
			s.WriteByte(c)
		default:
			fmt.Fprintf(&s, `\x%02x`, c)
		}
	}
	return s.String()
}
