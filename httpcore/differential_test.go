package httpcore

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"slices"
	"strings"
	"testing"
)

// validCorpus returns well-formed requests in many shapes: every method,
// target form, header spelling and body framing a client commonly sends.
func validCorpus() []string {
	var out []string
	methods := []string{"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "X-CUSTOM"}
	targets := []string{"/", "/a/b/c", "/search?q=go+lang&x=%20y", "/p;param?x#", "http://example.com/abs?x=1", "/" + strings.Repeat("seg/", 50)}
	headerSets := [][]string{
		{"Host: example.com"},
		{"Host: example.com:8080", "User-Agent: curl/8.5.0", "Accept: */*"},
		{"host: lower.example", "x-lower: v", "X-UPPER: V", "x-Mixed-Case: MiXeD"},
		{"Host: a", "Accept: text/html", "Accept: application/json", "Cookie: a=1; b=2", "Cookie: c=3"},
		{"Host: a", "X-Spaces:   padded value   ", "X-Tabs:\tt\t", "X-Empty:", "X-Quote: \"a, b\""},
		{"Host: [::1]:9000", "Connection: keep-alive", "Cache-Control: no-cache, no-store", "X-Utf8: caf\xc3\xa9"},
	}
	bodies := []struct{ hdr, body string }{
		{"", ""},
		{"Content-Length: 0\r\n", ""},
		{"Content-Length: 11\r\n", "hello world"},
		{"Content-Length: 3, 3\r\n", "abc"},
		{"Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n1;ext=1\r\n!\r\n0\r\n\r\n"},
		{"Transfer-Encoding: chunked\r\n", "0\r\n\r\n"},
	}
	i := 0
	for _, m := range methods {
		for _, tg := range targets {
			for _, hs := range headerSets {
				b := bodies[i%len(bodies)]
				i++
				if m == "HEAD" || m == "GET" {
					b = bodies[0]
				}
				out = append(out, m+" "+tg+" HTTP/1.1\r\n"+strings.Join(hs, "\r\n")+"\r\n"+b.hdr+"\r\n"+b.body)
			}
		}
	}
	out = append(out,
		"GET / HTTP/1.0\r\n\r\n",
		"GET / HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nhi",
		"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
		"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
	)
	return out
}

// TestDifferentialNetHTTP checks that httpcore and net/http agree on the
// method, target, header fields and body of every valid request.
func TestDifferentialNetHTTP(t *testing.T) {
	for i, raw := range validCorpus() {
		ours, err := ReadRequest(bufio.NewReader(strings.NewReader(raw)))
		if err != nil {
			t.Errorf("#%d httpcore rejected a valid request: %v\n%q", i, err, raw)
			continue
		}
		ourBody, err := io.ReadAll(ours.Body)
		if err != nil {
			t.Errorf("#%d httpcore body: %v", i, err)
			continue
		}
		theirs, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
		if err != nil && strings.Contains(raw, "Content-Length: 3, 3") {
			// Known divergence: RFC 9110 §8.6 lets a recipient accept a list
			// of identical values; net/http refuses it. Check ours alone.
			if string(ourBody) != "abc" {
				t.Errorf("#%d identical Content-Length list: body %q", i, ourBody)
			}
			continue
		}
		if err != nil {
			t.Errorf("#%d net/http rejected: %v", i, err)
			continue
		}
		theirBody, err := io.ReadAll(theirs.Body)
		if err != nil {
			t.Errorf("#%d net/http body: %v", i, err)
			continue
		}
		if ours.Method != theirs.Method || ours.Target != theirs.RequestURI || ours.Proto != theirs.Proto {
			t.Errorf("#%d request line: got %s %s %s, net/http %s %s %s", i, ours.Method, ours.Target, ours.Proto, theirs.Method, theirs.RequestURI, theirs.Proto)
		}
		if ours.Host != theirs.Host && theirs.Host != "" {
			t.Errorf("#%d host: got %q, net/http %q", i, ours.Host, theirs.Host)
		}
		if string(ourBody) != string(theirBody) {
			t.Errorf("#%d body: got %q, net/http %q", i, ourBody, theirBody)
		}
		if got, want := canonical(&ours.Header), flatten(theirs.Header); got != want {
			t.Errorf("#%d headers:\n got %s\nwant %s", i, got, want)
		}
		if ours.Chunked != slices.Equal(theirs.TransferEncoding, []string{"chunked"}) {
			t.Errorf("#%d chunked: got %v, net/http %q", i, ours.Chunked, theirs.TransferEncoding)
		}
		if ours.Close != theirs.Close {
			t.Errorf("#%d close: got %v, net/http %v", i, ours.Close, theirs.Close)
		}
	}
}

// canonical renders our fields the way net/http stores them: canonical keys,
// values of repeated fields in order, Host removed.
func canonical(h *Header) string {
	m := http.Header{}
	for _, f := range h.Fields() {
		k := textproto.CanonicalMIMEHeaderKey(f.Name)
		if k == "Host" || k == "Transfer-Encoding" {
			continue // net/http moves these to Request.Host and TransferEncoding
		}
		m[k] = append(m[k], f.Value)
	}
	return flatten(m)
}

func flatten(h http.Header) string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var sb strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&sb, "%s=%q ", k, h[k])
	}
	return sb.String()
}
