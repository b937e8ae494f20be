package bench

import (
	"bufio"
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
	"github.com/wirelab/wirelab/httpcore"
)

// chromeGET is a top-level navigation as Chrome sends it: 478 bytes from the
// request-line to the empty line that ends the header section, 13 field lines.
const chromeGET = "GET / HTTP/1.1\r\n" +
	"Host: 127.0.0.1:8080\r\n" +
	"Connection: keep-alive\r\n" +
	"sec-ch-ua: \"Chromium\";v=\"124\"\r\n" +
	"sec-ch-ua-mobile: ?0\r\n" +
	"Upgrade-Insecure-Requests: 1\r\n" +
	"User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36\r\n" +
	"Accept: text/html,application/xhtml+xml,*/*;q=0.8\r\n" +
	"Sec-Fetch-Site: none\r\n" +
	"Sec-Fetch-Mode: navigate\r\n" +
	"Sec-Fetch-Dest: document\r\n" +
	"Accept-Encoding: gzip, deflate, br\r\n" +
	"Accept-Language: en-US,en;q=0.9\r\n" +
	"Cookie: sid=7f3a9c2e\r\n" +
	"\r\n"

// chromePOSTHeader is the header section of a fetch() POST with a JSON body,
// as Chrome sends it: 703 bytes, 17 field lines. The body, chromePOSTBody,
// follows it on the wire but is not part of the 703 bytes: every contender
// parses the header section only and leaves the body unread, so the body
// costs the same for all of them (it is copied into the bufio.Reader with the
// header) and b.SetBytes counts the header section alone.
const chromePOSTHeader = "POST /api/lessons/http/answers?lesson=keep-alive&step=3 HTTP/1.1\r\n" +
	"Host: 127.0.0.1:8080\r\n" +
	"Connection: keep-alive\r\n" +
	"Content-Length: 29\r\n" +
	"sec-ch-ua: \"Chromium\";v=\"124\", \"Not-A.Brand\";v=\"99\"\r\n" +
	"Content-Type: application/json\r\n" +
	"sec-ch-ua-mobile: ?0\r\n" +
	"User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36\r\n" +
	"sec-ch-ua-platform: \"Linux\"\r\n" +
	"Accept: application/json, text/plain, */*\r\n" +
	"Origin: http://127.0.0.1:8080\r\n" +
	"Sec-Fetch-Site: same-origin\r\n" +
	"Sec-Fetch-Mode: cors\r\n" +
	"Sec-Fetch-Dest: empty\r\n" +
	"Referer: http://127.0.0.1:8080/lessons/http/keep-alive?step=3\r\n" +
	"Accept-Encoding: gzip, deflate, br, zstd\r\n" +
	"Accept-Language: en-US,en;q=0.9\r\n" +
	"Cookie: sid=7f3a9c2e; theme=dk\r\n" +
	"\r\n"

// chromePOSTBody is the body announced by chromePOSTHeader's Content-Length.
const chromePOSTBody = `{"answer":"keep-alive","n":3}`

// A sample is one request on the wire and the facts every parser must agree on.
type sample struct {
	name      string
	wire      string // what the bufio.Reader is filled with: header section and body
	headerLen int    // bytes of the header section; what b.SetBytes counts
	method    string
	target    string
	fields    int // field lines in the header section
}

// samples returns the two requests the benchmarks parse.
func samples() []sample {
	return []sample{
		{
			name: "GET478", wire: chromeGET, headerLen: 478,
			method: "GET", target: "/", fields: 13,
		},
		{
			name: "POST703", wire: chromePOSTHeader + chromePOSTBody, headerLen: 703,
			method: "POST", target: "/api/lessons/http/answers?lesson=keep-alive&step=3", fields: 17,
		},
	}
}

// A source replays one request: rewind points a bytes.Reader back at the wire
// bytes and resets the bufio.Reader over it. Every contender pays exactly this
// harness cost per iteration, and nothing else.
type source struct {
	wire []byte
	rd   bytes.Reader
	br   *bufio.Reader
}

func newSource(wire string) *source {
	s := &source{wire: []byte(wire)}
	s.rd.Reset(s.wire)
	s.br = bufio.NewReaderSize(&s.rd, 4096)
	return s
}

func (s *source) rewind() {
	s.rd.Reset(s.wire)
	s.br.Reset(&s.rd)
}

// A contender parses one request from a source on each call to parse. It is
// built once per benchmark, so state it reuses (a Request, a RequestHeader)
// lives in the closure.
type contender struct {
	name string
	new  func(s *source) (parse func() error)
}

// contenders lists the parsers compared, in the order they are reported.
func contenders() []contender {
	return []contender{
		{"httpcore-reuse", func(s *source) func() error {
			// The zero-allocation path: one Reader over the connection's
			// bufio.Reader, one caller-owned Request filled again and again.
			rd := httpcore.NewReader(s.br, httpcore.Limits{})
			var req httpcore.Request
			return func() error { return rd.ReadRequest(&req) }
		}},
		{"httpcore-alloc", func(s *source) func() error {
			return func() error {
				_, err := httpcore.ReadRequest(s.br)
				return err
			}
		}},
		{"nethttp", func(s *source) func() error {
			return func() error {
				_, err := http.ReadRequest(s.br)
				return err
			}
		}},
		{"fasthttp", func(s *source) func() error {
			// As fasthttp's own header benchmarks do: one RequestHeader,
			// reset before each read.
			var h fasthttp.RequestHeader
			return func() error {
				h.Reset()
				return h.Read(s.br)
			}
		}},
	}
}

// BenchmarkReadRequest parses each sample's header section with each
// contender. MB/s counts header bytes only; cpu-ns/op is the process's CPU
// time per parse.
//
// The httpcore contenders run the byte classifier that httpcore picked for
// this build and CPU; their log line names it (scripts/bench-readrequest
// prints it above its table).
func BenchmarkReadRequest(b *testing.B) {
	for _, sm := range samples() {
		for _, c := range contenders() {
			b.Run(sm.name+"/"+c.name, func(b *testing.B) {
				if strings.HasPrefix(c.name, "httpcore") {
					b.Logf("httpcore classifier: %s", httpcore.Classifier())
				}
				s := newSource(sm.wire)
				parse := c.new(s)
				b.SetBytes(int64(sm.headerLen))
				b.ReportAllocs()
				cpu0 := processCPU()
				for b.Loop() {
					s.rewind()
					if err := parse(); err != nil {
						b.Fatal(err)
					}
				}
				// CPU time per parse: on a machine shared with other work
				// it swings much less than wall time (ns/op).
				b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}

// TestSampleSizes pins the sizes the benchmark names promise.
func TestSampleSizes(t *testing.T) {
	if n := len(chromeGET); n != 478 {
		t.Errorf("chromeGET is %d bytes, want 478", n)
	}
	if n := len(chromePOSTHeader); n != 703 {
		t.Errorf("chromePOSTHeader is %d bytes, want 703", n)
	}
	if cl := "Content-Length: " + strconv.Itoa(len(chromePOSTBody)) + "\r\n"; !bytes.Contains([]byte(chromePOSTHeader), []byte(cl)) {
		t.Errorf("chromePOSTHeader does not announce the body's length: want %q", cl)
	}
	for _, sm := range samples() {
		if got := len(sm.wire[:sm.headerLen]); got != sm.headerLen || sm.wire[sm.headerLen-4:sm.headerLen] != "\r\n\r\n" {
			t.Errorf("%s: header section does not end at byte %d", sm.name, sm.headerLen)
		}
	}
}

// TestParsersAgree checks that httpcore (both paths), net/http and fasthttp
// read the same method, target and number of field lines from each sample,
// and that each consumes exactly the header section.
func TestParsersAgree(t *testing.T) {
	for _, sm := range samples() {
		t.Run(sm.name, func(t *testing.T) {
			check := func(who, method, target string, fields, left int) {
				t.Helper()
				if method != sm.method || target != sm.target || fields != sm.fields {
					t.Errorf("%s: got %s %s with %d fields, want %s %s with %d fields",
						who, method, target, fields, sm.method, sm.target, sm.fields)
				}
				if want := len(sm.wire) - sm.headerLen; left != want {
					t.Errorf("%s: %d bytes left after the header section, want %d", who, left, want)
				}
			}

			s := newSource(sm.wire)
			var req httpcore.Request
			if err := httpcore.NewReader(s.br, httpcore.Limits{}).ReadRequest(&req); err != nil {
				t.Fatalf("httpcore reuse: %v", err)
			}
			check("httpcore reuse", req.Method, req.Target, req.Header.Len(), s.br.Buffered())

			s = newSource(sm.wire)
			hr, err := httpcore.ReadRequest(s.br)
			if err != nil {
				t.Fatalf("httpcore: %v", err)
			}
			check("httpcore", hr.Method, hr.Target, hr.Header.Len(), s.br.Buffered())

			s = newSource(sm.wire)
			nr, err := http.ReadRequest(s.br)
			if err != nil {
				t.Fatalf("net/http: %v", err)
			}
			n := 0
			for _, vs := range nr.Header {
				n += len(vs)
			}
			if nr.Host != "" {
				n++ // net/http moves Host out of Header into Request.Host
			}
			check("net/http", nr.Method, nr.RequestURI, n, s.br.Buffered())

			s = newSource(sm.wire)
			var fh fasthttp.RequestHeader
			if err := fh.Read(s.br); err != nil {
				t.Fatalf("fasthttp: %v", err)
			}
			n = 0
			for range fh.AllInOrder() {
				n++
			}
			check("fasthttp", string(fh.Method()), string(fh.RequestURI()), n, s.br.Buffered())

			if req.Host != nr.Host || req.Host != string(fh.Host()) {
				t.Errorf("Host: httpcore %q, net/http %q, fasthttp %q", req.Host, nr.Host, fh.Host())
			}
			if req.ContentLength != nr.ContentLength || int(req.ContentLength) != max(fh.ContentLength(), 0) {
				t.Errorf("Content-Length: httpcore %d, net/http %d, fasthttp %d", req.ContentLength, nr.ContentLength, fh.ContentLength())
			}
		})
	}
}

// TestHTTPCoreReuseAllocatesNothing is the zero-allocation promise of
// httpcore.Reader: once warmed up, reading a request into the same Request
// allocates nothing (harness included: the rewind allocates nothing either).
func TestHTTPCoreReuseAllocatesNothing(t *testing.T) {
	for _, sm := range samples() {
		s := newSource(sm.wire)
		rd := httpcore.NewReader(s.br, httpcore.Limits{})
		var req httpcore.Request
		if err := rd.ReadRequest(&req); err != nil { // warm up: grows req's buffers
			t.Fatalf("%s: %v", sm.name, err)
		}
		allocs := testing.AllocsPerRun(100, func() {
			s.rewind()
			if err := rd.ReadRequest(&req); err != nil {
				t.Fatalf("%s: %v", sm.name, err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: httpcore Reader.ReadRequest allocates %.1f times per request, want 0", sm.name, allocs)
		}
	}
}
