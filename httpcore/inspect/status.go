package inspect

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/internal/httptext"
)

// RangeResource is the representation that /status/206 serves byte ranges
// of: 26 bytes, so "bytes=0-4" is "abcde" and "bytes=-3" is "xyz".
const RangeResource = "abcdefghijklmnopqrstuvwxyz"

// demoETag is the entity tag of the inspector's demonstration resource,
// sent with 304 as a 200 would have sent it (RFC 9110 §15.4.5).
const demoETag = `"wirelab"`

// serveStatus answers /status/{code} with that status and the fields that
// give it meaning. code is the path after "/status/".
func serveStatus(w *httpcore.ResponseWriter, r *httpcore.Request, code string) {
	n, ok := parseCode(code)
	if !ok {
		plain(w, 400, fmt.Sprintf("inspect: /status/%s: %q is not a status code; use three digits from 100 to 599, such as /status/418\n", code, code))
		return
	}
	st, ok := httpcore.LookupStatus(n)
	if !ok {
		plain(w, 400, fmt.Sprintf("inspect: /status/%d: %d is not in the IANA HTTP Status Code Registry (RFC 9110 §16.2.1), so it has no meaning to demonstrate\n", n, n))
		return
	}
	h := w.Header()
	switch n {
	case 101:
		// RFC 9110 §15.2.2: 101 switches to the protocol named in the
		// request's Upgrade field; the inspector speaks no other protocol.
		plain(w, 400, "inspect: /status/101: 101 Switching Protocols hands the connection to the protocol the request asked for in Upgrade (RFC 9110 §7.8); the inspector speaks none, so it cannot send 101\n")
		return
	case 204, 205:
		// RFC 9110 §15.3.5, §15.3.6: no content. 205 is sent with
		// Content-Length: 0 so the client knows there is none.
		w.WriteHeader(n)
		return
	case 206:
		serveRange(w, r)
		return
	case 304:
		// RFC 9110 §15.4.5: no content, but the validator fields a 200
		// would have carried. This is the bare status, sent whatever the
		// request's validators say; serveResource evaluates them.
		h.Set("ETag", demoETag)
		h.Set("Cache-Control", "max-age=60")
		w.WriteHeader(n)
		return
	case 301, 302, 303, 307, 308:
		h.Set("Location", "/") // RFC 9110 §10.2.2
	case 401:
		h.Set("WWW-Authenticate", `Basic realm="wirelab"`) // RFC 9110 §11.6.1
	case 407:
		h.Set("Proxy-Authenticate", `Basic realm="wirelab"`) // RFC 9110 §11.7.1
	case 405:
		// RFC 9110 §15.5.6: Allow lists the methods the target supports,
		// which here are never the one just used.
		if r.Method == "GET" || r.Method == "HEAD" {
			h.Set("Allow", "POST")
		} else {
			h.Set("Allow", "GET, HEAD")
		}
	case 408:
		h.Set("Connection", "close") // RFC 9110 §15.5.9
	case 416:
		h.Set("Content-Range", "bytes */"+strconv.Itoa(len(RangeResource))) // RFC 9110 §14.4
	case 426:
		h.Set("Upgrade", "websocket") // RFC 9110 §15.5.22: MUST send Upgrade
	case 429, 503:
		h.Set("Retry-After", "1") // RFC 6585 §4, RFC 9110 §10.2.3
	}
	if n/100 == 1 {
		serveInterim(w, r, st)
		return
	}
	plain(w, n, explain(st))
}

// parseCode parses three decimal digits from 100 to 599.
func parseCode(s string) (int, bool) {
	if len(s) != 3 {
		return 0, false
	}
	n := 0
	for i := 0; i < 3; i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, n >= 100 && n <= 599
}

func explain(st httpcore.Status) string {
	en, _ := httptext.StatusExplanation(st.Code, "en")
	return fmt.Sprintf("%d %s (%s)\n%s\n", st.Code, st.Reason, st.Spec, en)
}

// serveInterim sends an informational status as what it is, an interim
// response, and then the final 200 that every request still needs
// (RFC 9110 §15.2):
//
//	HTTP/1.1 103 Early Hints
//	Link: </style.css>; rel=preload; as=style
//
//	HTTP/1.1 200 OK
//	...
//
// RFC 9110 §15.2: a server must not send a 1xx response to an HTTP/1.0
// client, which could not tell it from the final one; such a client gets
// only the 200.
func serveInterim(w *httpcore.ResponseWriter, r *httpcore.Request, st httpcore.Status) {
	if st.Code == 103 {
		w.Header().Set("Link", "</style.css>; rel=preload; as=style") // RFC 8297 §2
	}
	sent := "was sent as an interim response before this final 200 OK"
	if r.ProtoAtLeast(1, 1) {
		w.WriteHeader(st.Code)
	} else {
		sent = "was not sent: an HTTP/1.0 client cannot tell an interim response from the final one (RFC 9110 §15.2)"
	}
	plain(w, 200, fmt.Sprintf("%d %s %s.\n%s", st.Code, st.Reason, sent, explain(st)))
}

// serveRange demonstrates 206 Partial Content over RangeResource
// (RFC 9110 §14). With one satisfiable range of bytes it answers
//
//	HTTP/1.1 206 Partial Content
//	Content-Range: bytes 0-4/26
//	Content-Length: 5
//
//	abcde
//
// With a range that starts past the end (or "bytes=-0") it answers 416 Range
// Not Satisfiable with "Content-Range: bytes */26". Without a Range field, or
// with one it ignores — malformed, several ranges, a unit other than bytes,
// or a method other than GET and HEAD — it answers what a server that
// ignores Range must: 200 with the whole representation (RFC 9110 §14.2).
// Accept-Ranges: bytes tells the client ranges are supported.
func serveRange(w *httpcore.ResponseWriter, r *httpcore.Request) {
	spec, has := r.Header.Lookup("Range")
	serveBytes(w, RangeResource, spec, has && (r.Method == "GET" || r.Method == "HEAD"))
}

// serveBytes sends body, or the byte range of it that spec asks for when
// useRange is set: 206 with Content-Range, 416 for a range past the end,
// 200 and the whole body for a Range it ignores (RFC 9110 §14.2; GET is the
// only method Range is defined for, and HEAD answers as GET would).
func serveBytes(w *httpcore.ResponseWriter, body, spec string, useRange bool) {
	h := w.Header()
	h.Set("Accept-Ranges", "bytes")
	h.Set("Content-Type", "text/plain; charset=utf-8")
	size := int64(len(body))
	if !useRange {
		w.WriteString(body)
		return
	}
	first, last, res := parseRange(spec, size)
	switch res {
	case rangeIgnored:
		w.WriteString(body)
	case rangeUnsatisfiable:
		h.Set("Content-Range", "bytes */"+strconv.FormatInt(size, 10))
		w.WriteHeader(416)
		fmt.Fprintf(w, "inspect: Range %q does not overlap the %d bytes of the resource (RFC 9110 §15.5.17)\n", spec, size)
	default:
		h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", first, last, size))
		w.WriteHeader(206)
		w.WriteString(body[first : last+1])
	}
}

type rangeResult int

const (
	rangeOK rangeResult = iota
	rangeIgnored
	rangeUnsatisfiable
)

// parseRange parses a Range field holding a single byte range over a
// representation of size bytes (RFC 9110 §14.1.2):
//
//	Range: bytes=0-4     first-pos "-" last-pos    → bytes 0..4
//	Range: bytes=20-     first-pos "-"             → bytes 20..end
//	Range: bytes=-3      "-" suffix-length          → the last 3 bytes
//
// It returns the first and last byte positions, inclusive, and whether the
// range is satisfiable or to be ignored.
func parseRange(v string, size int64) (first, last int64, res rangeResult) {
	unit, set, ok := strings.Cut(v, "=")
	if !ok || !strings.EqualFold(strings.TrimSpace(unit), "bytes") {
		return 0, 0, rangeIgnored // RFC 9110 §14.2: an unknown unit is ignored
	}
	set = strings.Trim(set, " \t")
	if strings.Contains(set, ",") {
		return 0, 0, rangeIgnored // several ranges: a server may ignore them
	}
	a, b, ok := strings.Cut(set, "-")
	if !ok {
		return 0, 0, rangeIgnored
	}
	if a == "" { // suffix-range
		n, ok := digits(b)
		switch {
		case !ok:
			return 0, 0, rangeIgnored
		case n == 0:
			return 0, 0, rangeUnsatisfiable
		}
		return max(size-n, 0), size - 1, rangeOK
	}
	first, ok = digits(a)
	if !ok {
		return 0, 0, rangeIgnored
	}
	last = size - 1
	if b != "" {
		if last, ok = digits(b); !ok || last < first {
			return 0, 0, rangeIgnored // RFC 9110 §14.1.1: invalid, so ignored
		}
		last = min(last, size-1)
	}
	if first >= size {
		return 0, 0, rangeUnsatisfiable
	}
	return first, last, rangeOK
}

// digits parses 1*DIGIT, refusing values too large to be a position.
func digits(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int64(s[i]-'0')
	}
	return n, true
}
