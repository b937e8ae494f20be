package httpcore

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// readAll reads one request and its whole body.
func readAll(raw string, lim Limits, wrap func(io.Reader) io.Reader) (*Request, string, error) {
	var r io.Reader = strings.NewReader(raw)
	if wrap != nil {
		r = wrap(r)
	}
	br := bufio.NewReader(r)
	req := new(Request)
	rd := NewReader(br, lim)
	if err := rd.ReadRequest(req); err != nil {
		return req, "", err
	}
	body, err := io.ReadAll(req.Body)
	return req, string(body), err
}

type reqTest struct {
	name    string
	raw     string
	status  int    // 0: must parse; else the ProtocolError status
	section string // expected RFC section for errors (substring), optional
	cause   string // for errors: the words of the message that name the cause
	check   func(t *testing.T, r *Request, body string)
}

var goodRequests = []reqTest{
	{name: "simple GET", raw: "GET /x?y=1 HTTP/1.1\r\nHost: a\r\n\r\n", check: func(t *testing.T, r *Request, body string) {
		eq(t, "method", r.Method, "GET")
		eq(t, "target", r.Target, "/x?y=1")
		eq(t, "path", r.Path(), "/x")
		eq(t, "query", r.RawQuery(), "y=1")
		eq(t, "proto", r.Proto, "HTTP/1.1")
		eq(t, "host", r.Host, "a")
		eq(t, "body", body, "")
		if r.Close || r.ContentLength != 0 {
			t.Errorf("close=%v cl=%d, want false 0", r.Close, r.ContentLength)
		}
	}},
	{name: "leading empty line is ignored", raw: "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", check: func(t *testing.T, r *Request, _ string) {
		eq(t, "method", r.Method, "GET")
	}},
	{name: "header case and order kept, lookup folds case", raw: "GET / HTTP/1.1\r\nhOsT: a\r\nX-B: 2\r\nx-a: 1\r\nX-B: 3\r\n\r\n", check: func(t *testing.T, r *Request, _ string) {
		f := r.Header.Fields()
		got := []string{}
		for _, x := range f {
			got = append(got, x.Name+"="+x.Value)
		}
		eq(t, "fields", strings.Join(got, ","), "hOsT=a,X-B=2,x-a=1,X-B=3")
		eq(t, "get", r.Header.Get("x-b"), "2")
		eq(t, "values", strings.Join(r.Header.Values("X-b"), ","), "2,3")
	}},
	{name: "OWS around value trimmed, inner kept, HTAB and obs-text allowed", raw: "GET / HTTP/1.1\r\nHost: a\r\nX:  \t a \t b\xe9 \t\r\n\r\n", check: func(t *testing.T, r *Request, _ string) {
		eq(t, "value", r.Header.Get("x"), "a \t b\xe9")
	}},
	{name: "empty value", raw: "GET / HTTP/1.1\r\nHost: a\r\nX-Empty:\r\n\r\n", check: func(t *testing.T, r *Request, _ string) {
		v, ok := r.Header.Lookup("x-empty")
		if !ok || v != "" {
			t.Errorf("x-empty = %q, %v", v, ok)
		}
	}},
	{name: "content-length body", raw: "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello", check: func(t *testing.T, r *Request, body string) {
		eq(t, "body", body, "hello")
		if r.ContentLength != 5 {
			t.Errorf("ContentLength = %d", r.ContentLength)
		}
	}},
	{name: "identical content-length list", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\nabc", check: func(t *testing.T, r *Request, body string) {
		eq(t, "body", body, "abc")
	}},
	{name: "identical content-length lines", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", check: func(t *testing.T, r *Request, body string) {
		eq(t, "body", body, "abc")
	}},
	{name: "chunked with extensions and trailers", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;name=val\r\nhello\r\n6 ; x=\"q\"\r\n world\r\n0\r\nX-Sum: 11\r\nX-Other: y\r\n\r\n", check: func(t *testing.T, r *Request, body string) {
		eq(t, "body", body, "hello world")
		eq(t, "trailer", r.Trailer.Get("x-sum"), "11")
		eq(t, "trailer2", r.Trailer.Get("X-Other"), "y")
		if r.Header.Has("X-Sum") {
			t.Error("trailer merged into header")
		}
		if !r.Chunked || r.ContentLength != -1 {
			t.Errorf("chunked=%v cl=%d", r.Chunked, r.ContentLength)
		}
	}},
	{name: "chunked token is case-insensitive, upper-case hex", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: CHUNKED\r\n\r\nA\r\n0123456789\r\n000\r\n\r\n", check: func(t *testing.T, r *Request, body string) {
		eq(t, "body", body, "0123456789")
	}},
	{name: "HTTP/1.0 without Host, closes by default", raw: "GET / HTTP/1.0\r\n\r\n", check: func(t *testing.T, r *Request, _ string) {
		if !r.Close {
			t.Error("HTTP/1.0 must default to close")
		}
	}},
	{name: "HTTP/1.0 keep-alive", raw: "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", check: func(t *testing.T, r *Request, _ string) {
		if r.Close {
			t.Error("Connection: keep-alive must persist a 1.0 connection")
		}
	}},
	{name: "HTTP/1.1 Connection close token in a list", raw: "GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, CLOSE\r\n\r\n", check: func(t *testing.T, r *Request, _ string) {
		if !r.Close {
			t.Error("want Close")
		}
	}},
	{name: "HTTP/1.9 is served as 1.x", raw: "GET / HTTP/1.9\r\nHost: a\r\n\r\n", check: func(t *testing.T, r *Request, _ string) {
		eq(t, "proto", r.Proto, "HTTP/1.9")
	}},
	{name: "absolute-form, asterisk, authority targets", raw: "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", check: func(t *testing.T, r *Request, _ string) {
		eq(t, "target", r.Target, "*")
	}},
	{name: "host with port and IPv6", raw: "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", check: func(t *testing.T, r *Request, _ string) {
		eq(t, "host", r.Host, "[::1]:8080")
	}},
	{name: "empty list elements in Transfer-Encoding", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: , chunked\r\n\r\n0\r\n\r\n"},
	// Chunk extensions that follow RFC 9112 §7.1.1 to the letter.
	{name: "chunk-ext with BWS, quoted-pair and a bare name", raw: chunked("5 ;\ta = \"q\\\"x\" ; b\r\nhello\r\n0 ;z\r\n\r\n"), check: func(t *testing.T, _ *Request, body string) {
		eq(t, "body", body, "hello")
	}},
	{name: "chunk-ext names and values use every tchar", raw: chunked("1;!#$%&'*+-.^_`|~09azAZ=!#$%&'*+-.^_`|~09azAZ\r\nx\r\n0\r\n\r\n"), check: func(t *testing.T, _ *Request, body string) {
		eq(t, "body", body, "x")
	}},
	{name: "chunk-ext quoted-string with obs-text, HTAB and an escaped backslash", raw: chunked("1;a=\"\\\\\xe9\t;=\"\r\nx\r\n0\r\n\r\n"), check: func(t *testing.T, _ *Request, body string) {
		eq(t, "body", body, "x")
	}},
	// Target forms (RFC 9112 §3.2) and CONNECT (RFC 9110 §9.3.6).
	{name: "CONNECT with Content-Length: 0 has no content", raw: "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nContent-Length: 0\r\n\r\n", check: func(t *testing.T, r *Request, body string) {
		eq(t, "target", r.Target, "example.com:443")
		eq(t, "body", body, "")
	}},
	{name: "CONNECT to an IPv6 literal", raw: "CONNECT [::1]:8443 HTTP/1.1\r\nHost: [::1]:8443\r\n\r\n", check: func(t *testing.T, r *Request, _ string) {
		eq(t, "target", r.Target, "[::1]:8443")
	}},
	{name: "absolute-form authority wins over Host, userinfo dropped", raw: "GET http://u@example.com:8080/x?y HTTP/1.1\r\nHost: other\r\n\r\n", check: func(t *testing.T, r *Request, _ string) {
		eq(t, "host", r.Host, "example.com:8080")
		eq(t, "path", r.Path(), "http://u@example.com:8080/x")
	}},
	{name: "OPTIONS in absolute-form without a path", raw: "OPTIONS http://a.example HTTP/1.1\r\nHost: a.example\r\n\r\n", check: func(t *testing.T, r *Request, _ string) {
		eq(t, "host", r.Host, "a.example")
	}},
	{name: "expect 100-continue recorded", raw: "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx", check: func(t *testing.T, r *Request, _ string) {
		eq(t, "expect", r.Expect, "100-continue")
	}},
}

var badRequests = []reqTest{
	// Request-line and version (RFC 9112 §2.3, §3).
	{name: "empty request line after the one allowed", raw: "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", status: 400, cause: "empty request-line"},
	{name: "lower-case version name", raw: "GET / http/1.1\r\nHost: a\r\n\r\n", status: 400, section: "§2.3", cause: "malformed HTTP version"},
	{name: "version without minor", raw: "GET / HTTP/1\r\nHost: a\r\n\r\n", status: 400, cause: "malformed HTTP version"},
	{name: "two-digit minor", raw: "GET / HTTP/1.10\r\nHost: a\r\n\r\n", status: 400, cause: "malformed HTTP version"},
	{name: "space after version", raw: "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", status: 400, cause: "malformed HTTP version"},
	{name: "HTTP/0.9 request line", raw: "GET /\r\n\r\n", status: 400, cause: "no HTTP version"},
	{name: "HTTP/2.0 → 505", raw: "GET / HTTP/2.0\r\nHost: a\r\n\r\n", status: 505, cause: "major version 2 is not supported"},
	{name: "HTTP/0.9 version → 505", raw: "GET / HTTP/0.9\r\nHost: a\r\n\r\n", status: 505, cause: "major version 0 is not supported"},
	{name: "two spaces after method", raw: "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", status: 400, cause: "more than one SP"},
	{name: "tab instead of space", raw: "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", status: 400, cause: "followed by a single SP"},
	{name: "non-token method", raw: "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", status: 400, cause: "not a token character"},
	{name: "NUL in target", raw: "GET /\x00 HTTP/1.1\r\nHost: a\r\n\r\n", status: 400, cause: "not allowed in the request-target"},
	{name: "non-ASCII in target", raw: "GET /\xe9 HTTP/1.1\r\nHost: a\r\n\r\n", status: 400, cause: "not allowed in the request-target"},
	{name: "bare CR in request line", raw: "GET /\r HTTP/1.1\r\nHost: a\r\n\r\n", status: 400, cause: "bare CR"},
	{name: "bare CR after the version", raw: "GET / HTTP/1.1\rLine: 1\r\nHost: a\r\n\r\n", status: 400, section: "§2.2", cause: "bare CR"},
	{name: "bare CR after the method", raw: "GET\r/ HTTP/1.1\r\nHost: a\r\n\r\n", status: 400, section: "§2.2", cause: "bare CR"},
	{name: "not HTTP: ICE/1.0 is a malformed version, not a bare LF", raw: "SOURCE / ICE/1.0\r\nHost: a\r\n\r\n", status: 400, section: "§2.3", cause: "malformed HTTP version \"ICE/1.0\""},
	{name: "version of nine bytes ending in LF", raw: "GET / HTTP/1.1\nHost: a\r\n\r\n", status: 400, section: "§2.2", cause: "bare LF"},
	{name: "NUL after the version", raw: "GET / HTTP/1.1\x00\r\nHost: a\r\n\r\n", status: 400, section: "§2.3", cause: "control byte 0x00 in the HTTP version"},
	{name: "method followed by CRLF", raw: "GET\r\nHost: a\r\n\r\n", status: 400, cause: "no request-target"},
	// Target forms (RFC 9112 §3.2) and CONNECT (RFC 9110 §9.3.6).
	{name: "CONNECT with Content-Length: 10", raw: "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nContent-Length: 10\r\n\r\n0123456789", status: 400, section: "§9.3.6", cause: "CONNECT request has no content"},
	{name: "CONNECT with a chunked body", raw: "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", status: 400, section: "§9.3.6", cause: "CONNECT request has no content"},
	{name: "CONNECT to an origin-form target", raw: "CONNECT / HTTP/1.1\r\nHost: a\r\n\r\n", status: 400, section: "§3.2.3", cause: "authority-form"},
	{name: "CONNECT without a port", raw: "CONNECT example.com HTTP/1.1\r\nHost: example.com\r\n\r\n", status: 400, section: "§3.2.3", cause: "authority-form"},
	{name: "CONNECT with userinfo", raw: "CONNECT u@example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", status: 400, section: "§3.2.3", cause: "authority-form"},
	{name: "asterisk-form with GET", raw: "GET * HTTP/1.1\r\nHost: a\r\n\r\n", status: 400, section: "§3.2.4", cause: "asterisk-form"},
	{name: "OPTIONS with a target that starts with *", raw: "OPTIONS *x HTTP/1.1\r\nHost: a\r\n\r\n", status: 400, section: "§3.2.4", cause: "asterisk-form"},
	// Field lines (RFC 9110 §5, RFC 9112 §5).
	{name: "whitespace before colon", raw: "GET / HTTP/1.1\r\nHost : a\r\n\r\n", status: 400, section: "§5.1", cause: "whitespace between field name"},
	{name: "tab before colon", raw: "GET / HTTP/1.1\r\nHost: a\r\nX\t: b\r\n\r\n", status: 400, section: "§5.1", cause: "whitespace between field name"},
	{name: "empty field name", raw: "GET / HTTP/1.1\r\nHost: a\r\n: b\r\n\r\n", status: 400, cause: "empty field name"},
	{name: "non-token field name", raw: "GET / HTTP/1.1\r\nHost: a\r\nX[y]: b\r\n\r\n", status: 400, cause: "not allowed in a field name"},
	{name: "no colon", raw: "GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", status: 400, cause: "has no colon"},
	{name: "obs-fold rejected", raw: "GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n", status: 400, section: "§5.2", cause: "obsolete line folding"},
	{name: "bare CR in value", raw: "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", status: 400, section: "§2.2", cause: "bare CR"},
	{name: "bare LF ends a line", raw: "GET / HTTP/1.1\nHost: a\n\n", status: 400, section: "§2.2", cause: "bare LF"},
	{name: "bare LF hiding a header", raw: "GET / HTTP/1.1\r\nHost: a\r\nX: y\nTransfer-Encoding: chunked\r\n\r\n", status: 400, section: "§2.2", cause: "bare LF"},
	{name: "NUL in value", raw: "GET / HTTP/1.1\r\nHost: a\r\nX: a\x00b\r\n\r\n", status: 400, section: "§5.5", cause: "control byte 0x00"},
	{name: "DEL in value", raw: "GET / HTTP/1.1\r\nHost: a\r\nX: a\x7fb\r\n\r\n", status: 400, cause: "control byte 0x7f"},
	{name: "control byte in value", raw: "GET / HTTP/1.1\r\nHost: a\r\nX: a\x01b\r\n\r\n", status: 400, cause: "control byte 0x01"},
	// Host (RFC 9112 §3.2).
	{name: "missing Host in HTTP/1.1", raw: "GET / HTTP/1.1\r\n\r\n", status: 400, section: "§3.2", cause: "must have a Host"},
	{name: "duplicate Host", raw: "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", status: 400, section: "§3.2", cause: "more than one Host"},
	{name: "duplicate Host, same value", raw: "GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n", status: 400, cause: "more than one Host"},
	{name: "invalid Host", raw: "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", status: 400, cause: "invalid Host"},
	{name: "Host with space", raw: "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", status: 400, cause: "invalid Host"},
	// Content-Length (RFC 9110 §8.6).
	{name: "CL with plus sign", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nhello", status: 400, section: "§8.6", cause: "invalid Content-Length"},
	{name: "CL negative", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", status: 400, cause: "invalid Content-Length"},
	{name: "CL hex", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x5\r\n\r\nhello", status: 400, cause: "invalid Content-Length"},
	{name: "CL empty", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", status: 400, cause: "invalid Content-Length"},
	{name: "CL overflow", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n", status: 400, cause: "invalid Content-Length"},
	{name: "CL list of different values", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 5\r\n\r\nabcde", status: 400, cause: "invalid Content-Length"},
	{name: "CL duplicate lines differ", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde", status: 400, section: "§8.6", cause: "conflicting Content-Length"},
	{name: "CL with inner space", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 2\r\n\r\n", status: 400, cause: "invalid Content-Length"},
	{name: "CL empty list element", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3,\r\n\r\nabc", status: 400, cause: "invalid Content-Length"},
	// Smuggling: Transfer-Encoding vs Content-Length (RFC 9112 §6.1, §6.3).
	{name: "CL.TE: both present", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nX", status: 400, section: "§6.3", cause: "both Transfer-Encoding and Content-Length"},
	{name: "TE.CL: both present, TE first", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n5c\r\nGPOST / HTTP/1.1\r\n\r\n0\r\n\r\n", status: 400, section: "§6.3", cause: "both Transfer-Encoding and Content-Length"},
	{name: "TE.TE: xchunked", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", status: 400, section: "§6.3", cause: "does not end in chunked"},
	{name: "TE.TE: chunked, identity", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", status: 400, section: "§6.3", cause: "does not end in chunked"},
	{name: "TE.TE: chunked then identity on two lines", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n", status: 400, cause: "does not end in chunked"},
	{name: "TE.TE: non-ASCII space after chunked", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\xa0\r\n\r\n0\r\n\r\n", status: 400, cause: "does not end in chunked"},
	{name: "TE.TE: vertical tab", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\x0bchunked\r\n\r\n0\r\n\r\n", status: 400, cause: "control byte 0x0b"},
	{name: "TE.TE: space before colon", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n", status: 400, cause: "whitespace between field name"},
	{name: "TE.TE: obs-fold continuation", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n", status: 400, cause: "obsolete line folding"},
	{name: "TE.TE: quoted chunked", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \"chunked\"\r\n\r\n0\r\n\r\n", status: 400, cause: "does not end in chunked"},
	{name: "TE not ending in chunked", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", status: 400, section: "§6.3", cause: "does not end in chunked"},
	{name: "TE empty", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n\r\n", status: 400, cause: "empty Transfer-Encoding"},
	{name: "chunked twice", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", status: 400, section: "§7", cause: "more than once"},
	{name: "unknown coding before chunked → 501", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xzip, chunked\r\n\r\n0\r\n\r\n", status: 501, section: "§6.1", cause: "not implemented"},
	{name: "gzip, chunked → 501 (not implemented)", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", status: 501, cause: "not implemented"},
	{name: "HTTP/1.0 with Transfer-Encoding", raw: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", status: 400, section: "§6.1", cause: "HTTP/1.0"},
	// Chunked framing (RFC 9112 §7.1).
	{name: "chunk size 0x", raw: chunked("0x5\r\nhello\r\n0\r\n\r\n"), status: 400, section: "§7.1", cause: "not a chunk extension"},
	{name: "chunk size +", raw: chunked("+5\r\nhello\r\n0\r\n\r\n"), status: 400, cause: "not hexadecimal"},
	{name: "chunk size -", raw: chunked("-5\r\nhello\r\n0\r\n\r\n"), status: 400, cause: "not hexadecimal"},
	{name: "chunk size empty", raw: chunked("\r\nhello\r\n0\r\n\r\n"), status: 400, cause: "not hexadecimal"},
	{name: "chunk size overflow", raw: chunked("10000000000000000\r\nhello\r\n0\r\n\r\n"), status: 400, section: "§7.1", cause: "overflows"},
	{name: "chunk size non-hex", raw: chunked("g\r\nhello\r\n0\r\n\r\n"), status: 400, cause: "not hexadecimal"},
	{name: "chunk size with space only", raw: chunked("5 \r\nhello\r\n0\r\n\r\n"), status: 400, cause: "whitespace at the end"},
	{name: "chunk size bare LF", raw: chunked("5\nhello\r\n0\r\n\r\n"), status: 400, section: "§2.2", cause: "bare LF"},
	{name: "chunk data too long", raw: chunked("3\r\nhello\r\n0\r\n\r\n"), status: 400, section: "§7.1", cause: "not followed by CRLF"},
	{name: "chunk data without CRLF", raw: chunked("5\r\nhelloXX0\r\n\r\n"), status: 400, cause: "not followed by CRLF"},
	{name: "control byte in chunk extension", raw: chunked("5;a\x00b\r\nhello\r\n0\r\n\r\n"), status: 400, cause: "control byte 0x00"},
	// Chunk extensions (RFC 9112 §7.1.1).
	{name: "chunk-ext: ; without a name", raw: chunked("2;\r\nab\r\n0\r\n\r\n"), status: 400, section: "§7.1.1", cause: "no chunk-ext-name"},
	{name: "chunk-ext: unbalanced quotes", raw: chunked("5;a=\"def; ghi\r\nhello\r\n0\r\n\r\n"), status: 400, section: "§5.6.4", cause: "no closing quote"},
	{name: "chunk-ext: BWS then ; without a name", raw: chunked("5 ; \r\nhello\r\n0\r\n\r\n"), status: 400, section: "§7.1.1", cause: "no chunk-ext-name"},
	{name: "chunk-ext: = without a name", raw: chunked("5;=v\r\nhello\r\n0\r\n\r\n"), status: 400, section: "§7.1.1", cause: "where a chunk-ext-name"},
	{name: "chunk-ext: trailing ;", raw: chunked("5;a=b;\r\nhello\r\n0\r\n\r\n"), status: 400, section: "§7.1.1", cause: "no chunk-ext-name"},
	{name: "chunk-ext: = without a value", raw: chunked("5;a=\r\nhello\r\n0\r\n\r\n"), status: 400, section: "§7.1.1", cause: "no chunk-ext-val"},
	{name: "chunk-ext: value not a token", raw: chunked("5;a=@\r\nhello\r\n0\r\n\r\n"), status: 400, section: "§7.1.1", cause: "where a chunk-ext-val"},
	{name: "chunk-ext: two names without ;", raw: chunked("5;a b\r\nhello\r\n0\r\n\r\n"), status: 400, section: "§7.1.1", cause: "should start with \";\""},
	{name: "chunk-ext: text after a quoted value", raw: chunked("5;a=\"x\"y\r\nhello\r\n0\r\n\r\n"), status: 400, section: "§7.1.1", cause: "should start with \";\""},
	{name: "chunk-ext: quoted value ends in a lone backslash", raw: chunked("5;a=\"x\\\r\nhello\r\n0\r\n\r\n"), status: 400, section: "§5.6.4", cause: "lone backslash"},
	{name: "chunk-ext: control byte in a quoted value", raw: chunked("5;a=\"x\x01\"\r\nhello\r\n0\r\n\r\n"), status: 400, section: "§7.1.1", cause: "control byte 0x01"},
	{name: "chunk-ext: control byte after a quoted-pair backslash", raw: chunked("5;a=\"\\\x7f\"\r\nhello\r\n0\r\n\r\n"), status: 400, section: "§7.1.1", cause: "control byte 0x7f"},
	{name: "chunk-ext: whitespace at the end", raw: chunked("5;a=1 \r\nhello\r\n0\r\n\r\n"), status: 400, section: "§7.1", cause: "whitespace at the end"},
	{name: "bad trailer field", raw: chunked("0\r\nBad Trailer: x\r\n\r\n"), status: 400, cause: "whitespace inside field name"},
	{name: "trailer with bare LF", raw: chunked("0\r\nX: y\n\r\n"), status: 400, cause: "bare LF"},
}

func chunked(body string) string {
	return "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + body
}

func eq(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s: got %q, want %q", what, got, want)
	}
}

func TestReadRequestGood(t *testing.T) {
	readers := map[string]func(io.Reader) io.Reader{
		"whole":   nil,
		"onebyte": iotest.OneByteReader,
		"half":    iotest.HalfReader,
	}
	for _, tt := range goodRequests {
		for rname, wrap := range readers {
			t.Run(tt.name+"/"+rname, func(t *testing.T) {
				req, body, err := readAll(tt.raw, Limits{}, wrap)
				if err != nil {
					t.Fatalf("%s: unexpected error %v", tt.name, err)
				}
				if tt.check != nil {
					tt.check(t, req, body)
				}
			})
		}
	}
}

func TestReadRequestBad(t *testing.T) {
	for _, tt := range badRequests {
		for rname, wrap := range map[string]func(io.Reader) io.Reader{"whole": nil, "onebyte": iotest.OneByteReader} {
			t.Run(tt.name+"/"+rname, func(t *testing.T) {
				_, _, err := readAll(tt.raw, Limits{}, wrap)
				var pe *ProtocolError
				if !errors.As(err, &pe) {
					t.Fatalf("%s: got error %v, want a ProtocolError with status %d", tt.name, err, tt.status)
				}
				if pe.Status != tt.status {
					t.Errorf("%s: got status %d (%v), want %d", tt.name, pe.Status, pe, tt.status)
				}
				if tt.section != "" && !strings.Contains(pe.Section, tt.section) {
					t.Errorf("%s: got section %q, want it to contain %q", tt.name, pe.Section, tt.section)
				}
				// The message names the true cause, not a symptom further on.
				if tt.cause == "" || !strings.Contains(pe.Msg, tt.cause) {
					t.Errorf("%s: got %q, want the cause %q named", tt.name, pe.Msg, tt.cause)
				}
				if !strings.HasPrefix(pe.Error(), "httpcore: ") {
					t.Errorf("error %q lacks the package prefix", pe.Error())
				}
			})
		}
	}
}

func TestLimits(t *testing.T) {
	lim := Limits{MaxTargetBytes: 64, MaxHeaderBytes: 256, MaxHeaderCount: 5, MaxBodyBytes: 10}
	long := strings.Repeat("a", 65)
	tests := []struct {
		name   string
		raw    string
		status int
		cause  string // words of the error that name the limit
	}{
		{"target at limit", "GET /" + strings.Repeat("a", 63) + " HTTP/1.1\r\nHost: a\r\n\r\n", 0, ""},
		{"target over limit", "GET /" + long + " HTTP/1.1\r\nHost: a\r\n\r\n", 414, "request-target is 66 bytes"},
		{"request line never ends", "GET /" + strings.Repeat("a", 500), 414, "request-line longer"},
		{"method makes the request line too long", strings.Repeat("M", 90) + " / HTTP/1.1\r\nHost: a\r\n\r\n", 414, "request-line longer"},
		{"request line at its limit", strings.Repeat("M", 84) + " / HTTP/1.1\r\nHost: a\r\n\r\n", 0, ""},
		{"header section over limit", "GET / HTTP/1.1\r\nHost: a\r\nX: " + strings.Repeat("b", 300) + "\r\n\r\n", 431, "header section larger"},
		{"header section never ends", "GET / HTTP/1.1\r\nHost: a\r\n" + strings.Repeat("X: "+strings.Repeat("b", 100)+"\r\n", 3), 431, "header section larger"},
		{"too many fields", "GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 1\r\nC: 1\r\nD: 1\r\nE: 1\r\n\r\n", 431, "more than 5 header fields"},
		{"body at limit", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789", 0, ""},
		{"content-length over limit, decided before reading", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n", 413, "exceeds the limit"},
		{"chunked body over limit", chunked("6\r\n012345\r\n6\r\n012345\r\n0\r\n\r\n"), 413, "exceeds the limit"},
		{"trailer over limit", chunked("0\r\nX: " + strings.Repeat("t", 300) + "\r\n\r\n"), 431, "trailer section larger"},
	}
	// Each row is read whole and one byte at a time: a limit must not
	// depend on how the bytes were split into reads.
	readers := map[string]func(io.Reader) io.Reader{"whole": nil, "one byte": iotest.OneByteReader}
	for _, tt := range tests {
		for rname, wrap := range readers {
			t.Run(tt.name+"/"+rname, func(t *testing.T) {
				_, _, err := readAll(tt.raw, lim, wrap)
				if tt.status == 0 {
					if err != nil {
						t.Fatalf("%s: unexpected error %v", tt.name, err)
					}
					return
				}
				if got := StatusOf(err); err == nil || got != tt.status {
					t.Fatalf("%s: got %v (status %d), want status %d", tt.name, err, got, tt.status)
				}
				if tt.cause == "" || !strings.Contains(err.Error(), tt.cause) {
					t.Errorf("%s: got %q, want the cause %q named", tt.name, err, tt.cause)
				}
			})
		}
	}
}

func TestDefaultLimitsApply(t *testing.T) {
	_, _, err := readAll("GET /"+strings.Repeat("a", DefaultLimits().MaxTargetBytes+1)+" HTTP/1.1\r\nHost: a\r\n\r\n", Limits{}, nil)
	if StatusOf(err) != 414 {
		t.Fatalf("got %v, want 414", err)
	}
}

func TestReadRequestEOF(t *testing.T) {
	if _, _, err := readAll("", Limits{}, nil); err != io.EOF {
		t.Errorf("empty input: got %v, want io.EOF", err)
	}
	if _, _, err := readAll("GET / HTTP/1.1\r\nHost: a\r\n", Limits{}, nil); err != io.ErrUnexpectedEOF {
		t.Errorf("truncated header: got %v, want io.ErrUnexpectedEOF", err)
	}
	if _, _, err := readAll("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nabc", Limits{}, nil); err != io.ErrUnexpectedEOF {
		t.Errorf("truncated body: got %v, want io.ErrUnexpectedEOF", err)
	}
	if _, _, err := readAll(chunked("5\r\nab"), Limits{}, nil); err != io.ErrUnexpectedEOF {
		t.Errorf("truncated chunk: got %v, want io.ErrUnexpectedEOF", err)
	}
}

// TestPipelinedAfterAmbiguous checks that a Reader never yields the request
// hidden behind an ambiguous one: the error comes first and the caller must
// close.
func TestPipelinedAfterAmbiguous(t *testing.T) {
	raw := "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /admin HTTP/1.1\r\nHost: a\r\n\r\n"
	req, _, err := readAll(raw, Limits{}, nil)
	if StatusOf(err) != 400 || err == nil {
		t.Fatalf("got %v, want 400", err)
	}
	if !req.Close {
		t.Error("Request.Close must be set after a framing error")
	}
}

func TestReaderReuse(t *testing.T) {
	raw := "GET /a HTTP/1.1\r\nHost: a\r\nX: 1\r\n\r\n" +
		"POST /b HTTP/1.1\r\nHost: b\r\nContent-Length: 2\r\n\r\nhi" +
		"PUT /c HTTP/1.1\r\nHost: c\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\nT: 9\r\n\r\n" +
		"GET /d HTTP/1.0\r\n\r\n"
	rd := NewReader(bufio.NewReader(iotest.HalfReader(strings.NewReader(raw))), Limits{})
	var req Request
	want := []string{"GET /a  1", "POST /b hi ", "PUT /c z 9", "GET /d  "}
	for i, w := range want {
		if err := rd.ReadRequest(&req); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		body, err := io.ReadAll(req.Body)
		if err != nil {
			t.Fatalf("request %d body: %v", i, err)
		}
		got := req.Method + " " + req.Target + " " + string(body) + " " + req.Header.Get("X") + req.Trailer.Get("T")
		eq(t, "request", got, w)
	}
	if err := rd.ReadRequest(&req); err != io.EOF {
		t.Fatalf("after last request: got %v, want io.EOF", err)
	}
}

func TestReaderAllocs(t *testing.T) {
	raw := "GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: test\r\nAccept: */*\r\nConnection: keep-alive\r\n\r\n"
	sr := strings.NewReader(raw)
	br := bufio.NewReader(sr)
	rd := NewReader(br, Limits{})
	var req Request
	read := func() {
		sr.Reset(raw)
		br.Reset(sr)
		if err := rd.ReadRequest(&req); err != nil {
			t.Fatal(err)
		}
	}
	read() // warm up: grow the buffers once
	if n := testing.AllocsPerRun(100, read); n != 0 {
		t.Errorf("Reader.ReadRequest allocates %.1f times per request, want 0", n)
	}
}

// TestReadRequestOneAlloc checks the one-shot ReadRequest on a typical
// request: one allocation for the Request, its fields and its bytes.
func TestReadRequestOneAlloc(t *testing.T) {
	raw := "GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: test\r\nAccept: */*\r\nConnection: keep-alive\r\n\r\n"
	sr := strings.NewReader(raw)
	br := bufio.NewReader(sr)
	var req *Request
	read := func() {
		sr.Reset(raw)
		br.Reset(sr)
		var err error
		if req, err = ReadRequest(br); err != nil {
			t.Fatal(err)
		}
	}
	if n := testing.AllocsPerRun(100, read); n > 1 {
		t.Errorf("ReadRequest allocates %.1f times per request, want at most 1", n)
	}
	// The request owns its bytes: reading the next one over the same
	// bufio.Reader leaves it intact.
	first := req
	sr.Reset("PUT /other HTTP/1.1\r\nHost: other.example\r\n\r\n")
	br.Reset(sr)
	if _, err := ReadRequest(br); err != nil {
		t.Fatal(err)
	}
	eq(t, "target", first.Target, "/index.html?q=1")
	eq(t, "host", first.Host, "example.com")
	eq(t, "user-agent", first.Header.Get("User-Agent"), "test")
}
