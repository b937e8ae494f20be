package httpcore

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// TestParsedHeaderMethods runs every Header method on a header section as
// the parser leaves it (offsets into the request's buffer), then changes
// it, which turns the offsets into fields, and checks both states.
func TestParsedHeaderMethods(t *testing.T) {
	raw := "GET / HTTP/1.1\r\nHost: a\r\nX-B: 2\r\nConnection: keep-alive, Upgrade\r\nx-b: 3\r\nEmpty:\r\n\r\n"
	req, err := ReadRequest(bufio.NewReader(strings.NewReader(raw)))
	if err != nil {
		t.Fatal(err)
	}
	h := &req.Header
	if len(h.refs) == 0 || len(h.fields) != 0 {
		t.Fatalf("parsed header: %d refs, %d fields; want offsets only", len(h.refs), len(h.fields))
	}
	if h.Len() != 5 {
		t.Errorf("Len = %d, want 5", h.Len())
	}
	eq(t, "get", h.Get("x-b"), "2")
	eq(t, "values", strings.Join(h.Values("X-B"), ","), "2,3")
	if v, ok := h.Lookup("empty"); !ok || v != "" {
		t.Errorf("Lookup(empty) = %q, %v; want \"\", true", v, ok)
	}
	if h.Has("missing") || !h.Has("HOST") {
		t.Error("Has: wrong answer for missing or HOST")
	}
	if !h.HasToken("connection", "upgrade") || h.HasToken("connection", "close") {
		t.Error("HasToken: wrong answer for upgrade or close")
	}
	c := h.Clone()
	eq(t, "clone", c.Get("Connection"), "keep-alive, Upgrade")

	h.Set("x-b", "9") // turns the offsets into fields
	if len(h.refs) != 0 {
		t.Errorf("after Set: %d refs left", len(h.refs))
	}
	h.Add("New", "1")
	h.Del("empty")
	var got []string
	for _, f := range h.Fields() {
		got = append(got, f.Name+"="+f.Value)
	}
	eq(t, "fields after changes", strings.Join(got, ","), "Host=a,x-b=9,Connection=keep-alive, Upgrade,New=1")
	eq(t, "clone unchanged", c.Get("x-b"), "2")

	var out bytes.Buffer
	if err := req.Write(&out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "\r\nx-b: 9\r\n") || !strings.Contains(out.String(), "\r\nNew: 1\r\n") {
		t.Errorf("Write after changes:\n%s", out.String())
	}
	h.Reset()
	if h.Len() != 0 || h.Get("host") != "" {
		t.Error("Reset left fields")
	}
}

// TestReadRequestSizes reads requests of every size around the size
// classes newOneShot picks from, with up to 24 fields: each parses right,
// and one with at most 20 fields whose bytes fit the largest class
// allocates once (without the race detector, whose sync.Pool drops the
// parser's pooled byte classes at random).
func TestReadRequestSizes(t *testing.T) {
	for fields := 1; fields <= 24; fields += 23 {
		for pad := 0; pad <= 1400; pad += 37 {
			var b strings.Builder
			b.WriteString("GET / HTTP/1.1\r\nHost: h\r\n")
			for i := 1; i < fields; i++ {
				fmt.Fprintf(&b, "F%d: v%d\r\n", i, i)
			}
			fmt.Fprintf(&b, "Pad: %s\r\n\r\n", strings.Repeat("p", pad))
			raw := b.String()
			sr := strings.NewReader(raw)
			br := bufio.NewReaderSize(sr, 4096)
			var req *Request
			allocs := testing.AllocsPerRun(5, func() {
				sr.Reset(raw)
				br.Reset(sr)
				var err error
				if req, err = ReadRequest(br); err != nil {
					t.Fatal(err)
				}
			})
			if n := req.Header.Len(); n != fields+1 {
				t.Fatalf("%d bytes: %d fields, want %d", len(raw), n, fields+1)
			}
			eq(t, "pad", req.Header.Get("pad"), strings.Repeat("p", pad))
			if fields > 1 {
				eq(t, "last field", req.Header.Get(fmt.Sprintf("f%d", fields-1)), fmt.Sprintf("v%d", fields-1))
			}
			if !raceEnabled && fields+1 <= oneShotFields && len(raw) <= 1248 && allocs > 1 {
				t.Errorf("%d bytes, %d fields: %.0f allocations, want 1", len(raw), fields+1, allocs)
			}
		}
	}
}
