package inspect

import (
	"strings"
	"testing"
	"time"

	"github.com/wirelab/wirelab/httpcore"
)

func TestResourceValidators(t *testing.T) {
	if _, ok := parseETag(ResourceETag); !ok || strings.HasPrefix(ResourceETag, "W/") {
		t.Fatalf("ResourceETag %s is not a strong entity-tag", ResourceETag)
	}
	if got, ok := parseHTTPDate(ResourceModified.Format(httpDate)); !ok || !got.Equal(ResourceModified) {
		t.Fatalf("Last-Modified %s does not parse back", ResourceModified.Format(httpDate))
	}
}

// TestConditional sends raw requests to /resource on a live server and checks
// the status, the validators and the body (RFC 9110 §13, §14).
func TestConditional(t *testing.T) {
	addr := serve(t, &httpcore.Server{})
	etag := ResourceETag
	weak := "W/" + etag
	lm := ResourceModified.Format(httpDate)
	before := ResourceModified.Add(-time.Second).Format(httpDate)
	after := ResourceModified.Add(time.Hour).Format(httpDate)
	rfc850 := ResourceModified.Format("Monday, 02-Jan-06 15:04:05 GMT")
	asctime := ResourceModified.Format("Mon Jan _2 15:04:05 2006")
	head := func(fields ...string) string {
		return "HEAD " + ResourcePath + " HTTP/1.1\r\nHost: a\r\n" + strings.Join(fields, "") + "\r\n"
	}
	tests := []struct {
		name   string
		raw    string
		code   int
		header map[string]string // "" = absent
		body   string            // exact, or a prefix when it ends in "…"
	}{
		{"plain GET", get(ResourcePath), 200, map[string]string{"ETag": etag, "Last-Modified": lm, "Accept-Ranges": "bytes", "Content-Length": "26"}, RangeResource},
		{"HEAD", head(), 200, map[string]string{"ETag": etag, "Content-Length": "26"}, ""},

		// If-None-Match: weak comparison (RFC 9110 §13.1.2).
		{"INM same tag", get(ResourcePath, "If-None-Match: "+etag+"\r\n"), 304, map[string]string{"ETag": etag, "Last-Modified": lm, "Content-Length": "", "Transfer-Encoding": ""}, ""},
		{"INM weak form matches", get(ResourcePath, "If-None-Match: "+weak+"\r\n"), 304, map[string]string{"ETag": etag}, ""},
		{"INM star", get(ResourcePath, "If-None-Match: *\r\n"), 304, nil, ""},
		{"INM in a list", get(ResourcePath, `If-None-Match: "old", `+etag+"\r\n"), 304, nil, ""},
		{"INM over two lines", get(ResourcePath, `If-None-Match: "old"`+"\r\nIf-None-Match: "+weak+"\r\n"), 304, nil, ""},
		{"INM other tag", get(ResourcePath, `If-None-Match: "old"`+"\r\n"), 200, map[string]string{"ETag": etag}, RangeResource},
		{"INM unquoted never matches", get(ResourcePath, "If-None-Match: "+strings.Trim(etag, `"`)+"\r\n"), 200, nil, RangeResource},
		{"INM on HEAD", head("If-None-Match: " + etag + "\r\n"), 304, map[string]string{"ETag": etag}, ""},

		// If-Modified-Since, and its precedence (RFC 9110 §13.2.2).
		{"IMS equal", get(ResourcePath, "If-Modified-Since: "+lm+"\r\n"), 304, map[string]string{"ETag": etag, "Last-Modified": lm}, ""},
		{"IMS later", get(ResourcePath, "If-Modified-Since: "+after+"\r\n"), 304, nil, ""},
		{"IMS earlier", get(ResourcePath, "If-Modified-Since: "+before+"\r\n"), 200, nil, RangeResource},
		{"IMS RFC 850 date", get(ResourcePath, "If-Modified-Since: "+rfc850+"\r\n"), 304, nil, ""},
		{"IMS asctime date", get(ResourcePath, "If-Modified-Since: "+asctime+"\r\n"), 304, nil, ""},
		{"IMS not a date is ignored", get(ResourcePath, "If-Modified-Since: yesterday\r\n"), 200, nil, RangeResource},
		{"IMS twice is ignored", get(ResourcePath, "If-Modified-Since: "+lm+"\r\nIf-Modified-Since: "+lm+"\r\n"), 200, nil, RangeResource},
		{"INM wins over IMS: tag differs", get(ResourcePath, `If-None-Match: "old"`+"\r\nIf-Modified-Since: "+after+"\r\n"), 200, nil, RangeResource},
		{"INM wins over IMS: tag matches", get(ResourcePath, "If-None-Match: "+etag+"\r\nIf-Modified-Since: "+before+"\r\n"), 304, nil, ""},

		// Range alone (RFC 9110 §14).
		{"Range", get(ResourcePath, "Range: bytes=0-4\r\n"), 206, map[string]string{"Content-Range": "bytes 0-4/26", "ETag": etag}, "abcde"},
		{"Range suffix", get(ResourcePath, "Range: bytes=-3\r\n"), 206, map[string]string{"Content-Range": "bytes 23-25/26"}, "xyz"},
		{"Range unsatisfiable", get(ResourcePath, "Range: bytes=26-\r\n"), 416, map[string]string{"Content-Range": "bytes */26"}, "inspect: Range…"},

		// If-Range: strong comparison for tags, exact dates (RFC 9110 §13.1.5).
		{"If-Range tag matches", get(ResourcePath, "Range: bytes=0-4\r\nIf-Range: "+etag+"\r\n"), 206, map[string]string{"Content-Range": "bytes 0-4/26"}, "abcde"},
		{"If-Range weak tag never matches", get(ResourcePath, "Range: bytes=0-4\r\nIf-Range: "+weak+"\r\n"), 200, map[string]string{"Content-Range": ""}, RangeResource},
		{"If-Range old tag", get(ResourcePath, "Range: bytes=0-4\r\nIf-Range: \"old\"\r\n"), 200, map[string]string{"Content-Range": ""}, RangeResource},
		{"If-Range date exact", get(ResourcePath, "Range: bytes=-3\r\nIf-Range: "+lm+"\r\n"), 206, map[string]string{"Content-Range": "bytes 23-25/26"}, "xyz"},
		{"If-Range date later is not exact", get(ResourcePath, "Range: bytes=-3\r\nIf-Range: "+after+"\r\n"), 200, nil, RangeResource},
		{"If-Range garbage", get(ResourcePath, "Range: bytes=-3\r\nIf-Range: soon\r\n"), 200, nil, RangeResource},
		{"If-Range without Range", get(ResourcePath, "If-Range: "+etag+"\r\n"), 200, map[string]string{"Content-Range": ""}, RangeResource},
		{"If-Range fails, bad range not 416", get(ResourcePath, "Range: bytes=99-\r\nIf-Range: \"old\"\r\n"), 200, nil, RangeResource},
		{"INM before Range", get(ResourcePath, "Range: bytes=0-4\r\nIf-None-Match: "+etag+"\r\n"), 304, map[string]string{"Content-Range": ""}, ""},

		// If-Match and If-Unmodified-Since: strong comparison, 412.
		{"If-Match same", get(ResourcePath, "If-Match: "+etag+"\r\n"), 200, nil, RangeResource},
		{"If-Match star", get(ResourcePath, "If-Match: *\r\n"), 200, nil, RangeResource},
		{"If-Match weak fails", get(ResourcePath, "If-Match: "+weak+"\r\n"), 412, map[string]string{"ETag": etag}, "inspect: /resource: the condition in If-Match is false…"},
		{"If-Unmodified-Since earlier fails", get(ResourcePath, "If-Unmodified-Since: "+before+"\r\n"), 412, nil, "inspect: /resource: the condition in If-Unmodified-Since…"},
		{"If-Unmodified-Since equal", get(ResourcePath, "If-Unmodified-Since: "+lm+"\r\n"), 200, nil, RangeResource},
		{"If-Match wins over IUS", get(ResourcePath, "If-Match: "+etag+"\r\nIf-Unmodified-Since: "+before+"\r\n"), 200, nil, RangeResource},

		// Other methods: 405 first, and no precondition is looked at.
		{"POST is 405", "POST " + ResourcePath + " HTTP/1.1\r\nHost: a\r\nIf-None-Match: *\r\nContent-Length: 0\r\n\r\n", 405, map[string]string{"Allow": "GET, HEAD"}, "inspect: /resource: POST is read-only…"},

		// The bare demo stays bare.
		{"/status/304 ignores validators", get("/status/304", `If-None-Match: "other"`+"\r\n"), 304, map[string]string{"ETag": `"wirelab"`}, ""},
	}
	for _, tt := range tests {
		r := final(t, addr, tt.raw)
		if r.resp.StatusCode != tt.code {
			t.Errorf("%s: got status %d, want %d (body %q)", tt.name, r.resp.StatusCode, tt.code, r.body)
			continue
		}
		checkReply(t, tt.name, r, tt.header, tt.body)
	}
}

// checkReply checks the fields of r (a "" value: absent) and its body:
// exact, or a prefix when body ends in "…".
func checkReply(t *testing.T, name string, r reply, header map[string]string, body string) {
	t.Helper()
	for field, want := range header {
		if got, _ := r.resp.Header.Lookup(field); got != want {
			t.Errorf("%s: got %s %q, want %q", name, field, got, want)
		}
	}
	if prefix, ok := strings.CutSuffix(body, "…"); ok {
		if !strings.HasPrefix(r.body, prefix) {
			t.Errorf("%s: got body %q, want it to start with %q", name, r.body, prefix)
		}
	} else if r.body != body {
		t.Errorf("%s: got body %q, want %q", name, r.body, body)
	}
}

// Test304OnTheWire reads the bytes of a 304: status line, validators, and
// nothing after the blank line, so the next response on the connection
// starts right there.
func Test304OnTheWire(t *testing.T) {
	addr := serve(t, &httpcore.Server{})
	out := rawExchange(t, addr, "GET "+ResourcePath+" HTTP/1.1\r\nHost: a\r\nIf-None-Match: "+ResourceETag+"\r\n\r\n"+
		"GET "+ResourcePath+" HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
	first, rest, ok := strings.Cut(out, "\r\n\r\n")
	if !ok || !strings.HasPrefix(first, "HTTP/1.1 304 Not Modified\r\n") {
		t.Fatalf("got %q, want a 304 first", out)
	}
	for _, want := range []string{"\r\nETag: " + ResourceETag, "\r\nLast-Modified: " + ResourceModified.Format(httpDate)} {
		if !strings.Contains(first, want) {
			t.Errorf("304 lacks %q: %q", want, first)
		}
	}
	if !strings.HasPrefix(rest, "HTTP/1.1 200 OK\r\n") {
		t.Errorf("after the 304 got %q, want the next response at once (a 304 has no content)", rest)
	}
}

func TestParseETag(t *testing.T) {
	tests := []struct {
		in   string
		want entityTag
		ok   bool
	}{
		{`"a"`, entityTag{false, `"a"`}, true},
		{`W/"a"`, entityTag{true, `"a"`}, true},
		{`""`, entityTag{false, `""`}, true},
		{`a`, entityTag{}, false},
		{`w/"a"`, entityTag{}, false}, // W/ is case-sensitive (%s"W/")
		{`"a`, entityTag{}, false},
		{`"a"b"`, entityTag{}, false},
		{`"a b"`, entityTag{}, false},
	}
	for _, tt := range tests {
		got, ok := parseETag(tt.in)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("parseETag(%q): got %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
