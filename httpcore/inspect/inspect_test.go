package inspect

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/wirelab/wirelab/httpcore"
	"go.uber.org/goleak"
)

// serve runs srv (with the inspector as its Handler) on 127.0.0.1:0 until
// the test ends and returns its address.
func serve(t *testing.T, srv *httpcore.Server) string {
	t.Helper()
	t.Cleanup(func() { goleak.VerifyNone(t) }) // runs after the server stops
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Handler = Handler()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; !errors.Is(err, httpcore.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	})
	return ln.Addr().String()
}

// reply is one response as read off the wire, with its body.
type reply struct {
	resp *httpcore.Response
	body string
}

// exchange writes raw to a new connection and reads the responses to it:
// any interim (1xx) ones, then the final one.
func exchange(t *testing.T, addr, raw string) []reply {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	method, _, _ := strings.Cut(raw, " ")
	req := &httpcore.Request{Method: method}
	br := bufio.NewReader(c)
	var out []reply
	for {
		resp, err := httpcore.ReadResponse(br, req)
		if err != nil {
			t.Fatalf("%q: reading response %d: %v", raw, len(out)+1, err)
		}
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("%q: reading body: %v", raw, err)
		}
		out = append(out, reply{resp, string(b)})
		if resp.StatusCode >= 200 {
			return out
		}
	}
}

// final is exchange's last (final) response.
func final(t *testing.T, addr, raw string) reply {
	t.Helper()
	rs := exchange(t, addr, raw)
	return rs[len(rs)-1]
}

func TestEcho(t *testing.T) {
	addr := serve(t, &httpcore.Server{})
	tests := []struct {
		name string
		raw  string
		want Echo
	}{
		{
			name: "fields in arrival order, original case",
			raw:  "GET /x?y HTTP/1.1\r\nHost: a\r\nX-B: 2\r\nx-a: 1\r\nX-B: 3\r\n\r\n",
			want: Echo{Method: "GET", Target: "/x?y", Proto: "HTTP/1.1",
				Headers:  [][2]string{{"Host", "a"}, {"X-B", "2"}, {"x-a", "1"}, {"X-B", "3"}},
				Trailers: [][2]string{}},
		},
		{
			name: "content-length body",
			raw:  "POST /form HTTP/1.1\r\nHost: a\r\nContent-Length: 7\r\n\r\nx=1&y=2",
			want: Echo{Method: "POST", Target: "/form", Proto: "HTTP/1.1",
				Headers:  [][2]string{{"Host", "a"}, {"Content-Length", "7"}},
				Body:     "x=1&y=2",
				Trailers: [][2]string{}},
		},
		{
			name: "chunked body with trailers",
			raw: "PUT /t HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTrailer: X-T\r\n\r\n" +
				"2\r\nhi\r\n3;ext=1\r\n!!!\r\n0\r\nX-T: 1\r\nx-u: two\r\n\r\n",
			want: Echo{Method: "PUT", Target: "/t", Proto: "HTTP/1.1",
				Headers:  [][2]string{{"Host", "a"}, {"Transfer-Encoding", "chunked"}, {"Trailer", "X-T"}},
				Body:     "hi!!!",
				Trailers: [][2]string{{"X-T", "1"}, {"x-u", "two"}}},
		},
		{
			name: "HTTP/1.0 without Host",
			raw:  "OPTIONS * HTTP/1.0\r\n\r\n",
			want: Echo{Method: "OPTIONS", Target: "*", Proto: "HTTP/1.0", Headers: [][2]string{}, Trailers: [][2]string{}},
		},
		{
			name: "absolute-form target",
			raw:  "GET http://a/p HTTP/1.1\r\nHost: a\r\n\r\n",
			want: Echo{Method: "GET", Target: "http://a/p", Proto: "HTTP/1.1", Headers: [][2]string{{"Host", "a"}}, Trailers: [][2]string{}},
		},
	}
	for _, tt := range tests {
		r := final(t, addr, tt.raw)
		if r.resp.StatusCode != 200 {
			t.Errorf("%s: got status %d, want 200 (body %q)", tt.name, r.resp.StatusCode, r.body)
			continue
		}
		if ct := r.resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s: got Content-Type %q, want %q", tt.name, ct, "application/json")
		}
		var got Echo
		if err := json.Unmarshal([]byte(r.body), &got); err != nil {
			t.Errorf("%s: %v in %q", tt.name, err, r.body)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestEchoWireFormat(t *testing.T) {
	addr := serve(t, &httpcore.Server{})
	r := final(t, addr, "POST /x?y HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi")
	want := `{"method":"POST","target":"/x?y","proto":"HTTP/1.1","headers":[["Host","a"],["Content-Length","2"]],"body":"hi","trailers":[]}` + "\n"
	if r.body != want {
		t.Errorf("got %q, want %q", r.body, want)
	}
	if got := r.resp.ContentLength; got != int64(len(want)) {
		t.Errorf("got Content-Length %d, want %d", got, len(want))
	}
}

func TestEchoBodyOverLimit(t *testing.T) {
	addr := serve(t, &httpcore.Server{Limits: httpcore.Limits{MaxBodyBytes: 4}})
	tests := []struct {
		name, raw string
		want      int
	}{
		{"content-length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello", 413},
		{"chunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 413},
		{"malformed chunk", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
		{"at the limit", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nhell", 200},
	}
	for _, tt := range tests {
		r := final(t, addr, tt.raw)
		if r.resp.StatusCode != tt.want {
			t.Errorf("%s: got %d, want %d (body %q)", tt.name, r.resp.StatusCode, tt.want, r.body)
		}
		if tt.want != 200 && !r.resp.Close {
			t.Errorf("%s: the connection stays open after a body error", tt.name)
		}
	}
}

func TestKeepAliveAndPipelining(t *testing.T) {
	addr := serve(t, &httpcore.Server{})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// Three requests in one write: responses come back in order on the
	// same connection (RFC 9112 §9.3.2).
	io.WriteString(c, "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"+
		"HEAD /status/206 HTTP/1.1\r\nHost: a\r\nRange: bytes=0-4\r\n\r\n"+
		"GET /status/204 HTTP/1.1\r\nHost: a\r\n\r\n")
	br := bufio.NewReader(c)
	for _, want := range []struct {
		method string
		code   int
	}{{"GET", 200}, {"HEAD", 206}, {"GET", 204}} {
		resp, err := httpcore.ReadResponse(br, &httpcore.Request{Method: want.method})
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		if resp.StatusCode != want.code {
			t.Errorf("got %d, want %d", resp.StatusCode, want.code)
		}
	}
}

func get(target string, fields ...string) string {
	return "GET " + target + " HTTP/1.1\r\nHost: a\r\n" + strings.Join(fields, "") + "\r\n"
}

func TestStatus(t *testing.T) {
	addr := serve(t, &httpcore.Server{})
	teapot, _ := httpcore.LookupStatus(418)
	tests := []struct {
		name   string
		raw    string
		codes  []int             // interim codes, then the final one
		header map[string]string // fields of the final response ("" = absent)
		body   string            // exact body, or a prefix when it ends in "…"
	}{
		{"204 no content", get("/status/204"), []int{204}, map[string]string{"Content-Length": "", "Transfer-Encoding": ""}, ""},
		{"205 says zero length", get("/status/205"), []int{205}, map[string]string{"Content-Length": "0"}, ""},
		{"304 keeps validators", get("/status/304"), []int{304}, map[string]string{"ETag": `"wirelab"`, "Content-Length": ""}, ""},
		{"206 first-last", get("/status/206", "Range: bytes=0-4\r\n"), []int{206}, map[string]string{"Content-Range": "bytes 0-4/26", "Content-Length": "5"}, "abcde"},
		{"206 open end", get("/status/206", "Range: bytes=20-\r\n"), []int{206}, map[string]string{"Content-Range": "bytes 20-25/26"}, "uvwxyz"},
		{"206 suffix", get("/status/206", "Range: bytes=-3\r\n"), []int{206}, map[string]string{"Content-Range": "bytes 23-25/26"}, "xyz"},
		{"206 suffix longer than resource", get("/status/206", "Range: bytes=-100\r\n"), []int{206}, map[string]string{"Content-Range": "bytes 0-25/26"}, RangeResource},
		{"206 last past end", get("/status/206", "Range: bytes=24-100\r\n"), []int{206}, map[string]string{"Content-Range": "bytes 24-25/26"}, "yz"},
		{"206 unit case-insensitive", get("/status/206", "Range: Bytes=1-1\r\n"), []int{206}, map[string]string{"Content-Range": "bytes 1-1/26"}, "b"},
		{"416 first past end", get("/status/206", "Range: bytes=26-\r\n"), []int{416}, map[string]string{"Content-Range": "bytes */26"}, "inspect: Range…"},
		{"416 empty suffix", get("/status/206", "Range: bytes=-0\r\n"), []int{416}, map[string]string{"Content-Range": "bytes */26"}, "inspect: Range…"},
		{"206 without Range is 200", get("/status/206"), []int{200}, map[string]string{"Accept-Ranges": "bytes", "Content-Range": ""}, RangeResource},
		{"several ranges ignored", get("/status/206", "Range: bytes=0-1,3-4\r\n"), []int{200}, nil, RangeResource},
		{"backwards range ignored", get("/status/206", "Range: bytes=5-2\r\n"), []int{200}, nil, RangeResource},
		{"other unit ignored", get("/status/206", "Range: items=0-1\r\n"), []int{200}, nil, RangeResource},
		{"Range on POST ignored", "POST /status/206 HTTP/1.1\r\nHost: a\r\nRange: bytes=0-1\r\nContent-Length: 0\r\n\r\n", []int{200}, nil, RangeResource},
		{"HEAD 206", "HEAD /status/206 HTTP/1.1\r\nHost: a\r\nRange: bytes=0-4\r\n\r\n", []int{206}, map[string]string{"Content-Range": "bytes 0-4/26", "Content-Length": "5"}, ""},
		{"301", get("/status/301"), []int{301}, map[string]string{"Location": "/"}, "301 Moved Permanently…"},
		{"302", get("/status/302"), []int{302}, map[string]string{"Location": "/"}, "302 Found…"},
		{"303", get("/status/303"), []int{303}, map[string]string{"Location": "/"}, "303 See Other…"},
		{"307", get("/status/307"), []int{307}, map[string]string{"Location": "/"}, "307 Temporary Redirect…"},
		{"308", get("/status/308"), []int{308}, map[string]string{"Location": "/"}, "308 Permanent Redirect…"},
		{"401", get("/status/401"), []int{401}, map[string]string{"WWW-Authenticate": `Basic realm="wirelab"`}, "401 Unauthorized…"},
		{"407", get("/status/407"), []int{407}, map[string]string{"Proxy-Authenticate": `Basic realm="wirelab"`}, "407 …"},
		{"405 after GET", get("/status/405"), []int{405}, map[string]string{"Allow": "POST"}, "405 Method Not Allowed…"},
		{"405 after POST", "POST /status/405 HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", []int{405}, map[string]string{"Allow": "GET, HEAD"}, "405 …"},
		{"408 closes", get("/status/408"), []int{408}, map[string]string{"Connection": "close"}, "408 …"},
		{"416 direct", get("/status/416"), []int{416}, map[string]string{"Content-Range": "bytes */26"}, "416 …"},
		{"426", get("/status/426"), []int{426}, map[string]string{"Upgrade": "websocket"}, "426 Upgrade Required…"},
		{"429", get("/status/429"), []int{429}, map[string]string{"Retry-After": "1"}, "429 Too Many Requests…"},
		{"503", get("/status/503"), []int{503}, map[string]string{"Retry-After": "1"}, "503 Service Unavailable…"},
		{"418 explained", get("/status/418"), []int{418}, map[string]string{"Content-Type": "text/plain; charset=utf-8"}, explain(teapot)},
		{"500", get("/status/500"), []int{500}, nil, "500 Internal Server Error (RFC 9110 §15.6.1)\n…"},
		{"103 then 200", get("/status/103"), []int{103, 200}, map[string]string{"Link": "</style.css>; rel=preload; as=style"}, "103 Early Hints was sent as an interim response…"},
		{"100 then 200", get("/status/100"), []int{100, 200}, nil, "100 Continue was sent…"},
		{"102 then 200", get("/status/102"), []int{102, 200}, nil, "102 Processing…"},
		{"no 1xx to HTTP/1.0", "GET /status/103 HTTP/1.0\r\n\r\n", []int{200}, nil, "103 Early Hints was not sent…"},
		{"101 refused", get("/status/101"), []int{400}, nil, "inspect: /status/101: 101 Switching Protocols…"},
		{"unregistered", get("/status/299"), []int{400}, nil, "inspect: /status/299: 299 is not in the IANA…"},
		{"above 599", get("/status/600"), []int{400}, nil, "inspect: /status/600: \"600\" is not a status code…"},
		{"below 100", get("/status/099"), []int{400}, nil, "inspect: /status/099…"},
		{"not digits", get("/status/abc"), []int{400}, nil, "inspect: /status/abc: \"abc\" is not a status code…"},
		{"four digits", get("/status/2000"), []int{400}, nil, "inspect: /status/2000…"},
		{"no code", get("/status/"), []int{400}, nil, "inspect: /status/: \"\" is not a status code…"},
		{"HEAD 418", "HEAD /status/418 HTTP/1.1\r\nHost: a\r\n\r\n", []int{418}, map[string]string{"Content-Length": strconv.Itoa(len(explain(teapot)))}, ""},
		{"HEAD 103", "HEAD /status/103 HTTP/1.1\r\nHost: a\r\n\r\n", []int{103, 200}, nil, ""},
	}
	for _, tt := range tests {
		rs := exchange(t, addr, tt.raw)
		var codes []int
		for _, r := range rs {
			codes = append(codes, r.resp.StatusCode)
		}
		if !reflect.DeepEqual(codes, tt.codes) {
			t.Errorf("%s: got statuses %v, want %v", tt.name, codes, tt.codes)
			continue
		}
		checkReply(t, tt.name, rs[len(rs)-1], tt.header, tt.body)
	}
}

func TestEarlyHintsCarryLink(t *testing.T) {
	addr := serve(t, &httpcore.Server{})
	rs := exchange(t, addr, get("/status/103"))
	if got := rs[0].resp.Header.Get("Link"); got != "</style.css>; rel=preload; as=style" {
		t.Errorf("103: got Link %q", got)
	}
	if rs[0].resp.Header.Has("Content-Type") {
		t.Errorf("103 carries the final response's Content-Type")
	}
}

// readAll reads a connection to its end.
func rawExchange(t *testing.T, addr, raw string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, raw)
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDrip(t *testing.T) {
	addr := serve(t, &httpcore.Server{})
	tests := []struct {
		name, raw string
		wantBody  string // the bytes after the header section, framing included
	}{
		{"three chunks", "GET /drip?n=3&size=4 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
			"4\r\naaaa\r\n4\r\nbbbb\r\n4\r\ncccc\r\n0\r\n\r\n"},
		{"defaults", "GET /drip HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
			"a\r\naaaaaaaaaa\r\na\r\nbbbbbbbbbb\r\na\r\ncccccccccc\r\na\r\ndddddddddd\r\na\r\neeeeeeeeee\r\n0\r\n\r\n"},
		{"no pieces", "GET /drip?n=0 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", "0\r\n\r\n"},
		{"with delay", "GET /drip?n=2&size=1&delay=1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", "1\r\na\r\n1\r\nb\r\n0\r\n\r\n"},
		{"HTTP/1.0 is delimited by close", "GET /drip?n=2&size=2 HTTP/1.0\r\n\r\n", "aabb"},
		{"HEAD sends no content", "HEAD /drip?n=2 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", ""},
	}
	for _, tt := range tests {
		out := rawExchange(t, addr, tt.raw)
		head, body, ok := strings.Cut(out, "\r\n\r\n")
		if !ok || !strings.HasPrefix(head, "HTTP/1.1 200 OK\r\n") {
			t.Errorf("%s: got %q", tt.name, out)
			continue
		}
		if body != tt.wantBody {
			t.Errorf("%s: got body %q, want %q", tt.name, body, tt.wantBody)
		}
		chunked := strings.Contains(head, "\r\nTransfer-Encoding: chunked")
		if want := strings.HasSuffix(tt.wantBody, "0\r\n\r\n"); chunked != want {
			t.Errorf("%s: Transfer-Encoding chunked is %v, want %v in %q", tt.name, chunked, want, head)
		}
	}
}

func TestDripBadParameters(t *testing.T) {
	addr := serve(t, &httpcore.Server{})
	for _, q := range []string{"n=-1", "n=x", "n=1001", "size=16385", "delay=1001", "n=1&n=2", "n=%zz"} {
		r := final(t, addr, get("/drip?"+q))
		if r.resp.StatusCode != 400 || !strings.HasPrefix(r.body, "inspect: /drip: ") {
			t.Errorf("/drip?%s: got %d %q, want 400 naming the parameter", q, r.resp.StatusCode, r.body)
		}
	}
}

func TestParseRange(t *testing.T) {
	tests := []struct {
		v           string
		first, last int64
		res         rangeResult
	}{
		{"bytes=0-0", 0, 0, rangeOK},
		{"bytes=0-25", 0, 25, rangeOK},
		{"bytes = 3-4", 3, 4, rangeOK},
		{"bytes=25-", 25, 25, rangeOK},
		{"bytes=-26", 0, 25, rangeOK},
		{"bytes=-1", 25, 25, rangeOK},
		{"bytes=26-30", 0, 0, rangeUnsatisfiable},
		{"bytes=-0", 0, 0, rangeUnsatisfiable},
		{"bytes=", 0, 0, rangeIgnored},
		{"bytes=-", 0, 0, rangeIgnored},
		{"bytes=a-b", 0, 0, rangeIgnored},
		{"bytes=+1-2", 0, 0, rangeIgnored},
		{"bytes=1-2-3", 0, 0, rangeIgnored},
		{"bytes=99999999999999999999-", 0, 0, rangeIgnored},
		{"bytes 0-1", 0, 0, rangeIgnored},
		{"bytes=0-1, 2-3", 0, 0, rangeIgnored},
	}
	for _, tt := range tests {
		first, last, res := parseRange(tt.v, 26)
		if first != tt.first || last != tt.last || res != tt.res {
			t.Errorf("parseRange(%q): got %d, %d, %d; want %d, %d, %d", tt.v, first, last, res, tt.first, tt.last, tt.res)
		}
	}
}
