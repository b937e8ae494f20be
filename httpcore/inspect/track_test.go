package inspect

import (
	"strings"
	"testing"

	"github.com/wirelab/wirelab/httpcore"
)

func TestTrackPaths(t *testing.T) {
	addr := serve(t, &httpcore.Server{})
	chunked := "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhéll\r\n3\r\no!\n\r\n0\r\n\r\n"
	tests := []struct {
		name, raw string
		code      int
		body      string // "" for any
		field     string // a response field, "Name: value"
	}{
		{"/echo sends the body back", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nhéllo", 200, "héllo", "Content-Length: 6"},
		{"/echo decodes a chunked body", chunked, 200, "héllo!\n", "Content-Length: 8"},
		{"/echo without a Content-Type", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi", 200, "hi", "Content-Type: application/octet-stream"},
		{"/headers echoes X-Wirelab-Echo, any case of name", get("/headers", "x-wIRELAB-echo: 42ab\r\n"), 200, "", "X-Wirelab-Echo: 42ab"},
		{"/nope is 404", get("/nope"), 404, "", "Content-Type: text/plain; charset=utf-8"},
	}
	for _, tt := range tests {
		r := final(t, addr, tt.raw)
		if r.resp.StatusCode != tt.code || tt.body != "" && r.body != tt.body {
			t.Errorf("%s: got %d %q, want %d %q", tt.name, r.resp.StatusCode, r.body, tt.code, tt.body)
		}
		name, value, _ := strings.Cut(tt.field, ": ")
		if got := r.resp.Header.Get(name); got != value {
			t.Errorf("%s: %s is %q, want %q", tt.name, name, got, value)
		}
	}
	if r := final(t, addr, get("/other")); r.resp.Header.Has(echoField) {
		t.Errorf("/other without the field answers %s", echoField)
	}
}

// RFC 9110 §8.6: HEAD's Content-Length is that of GET's content, though
// the echo would name the method.
func TestHeadHasGetsContentLength(t *testing.T) {
	addr := serve(t, &httpcore.Server{})
	for _, target := range []string{"/", "/x?y=1", "/headers"} {
		g := final(t, addr, get(target))
		h := final(t, addr, "HEAD "+target+" HTTP/1.1\r\nHost: a\r\n\r\n")
		if h.body != "" || h.resp.Header.Get("Content-Length") != g.resp.Header.Get("Content-Length") || g.resp.ContentLength != int64(len(g.body)) {
			t.Errorf("%s: HEAD Content-Length %q and body %q; GET %q with %d bytes", target,
				h.resp.Header.Get("Content-Length"), h.body, g.resp.Header.Get("Content-Length"), len(g.body))
		}
	}
}
