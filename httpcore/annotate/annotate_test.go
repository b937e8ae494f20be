package annotate_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wirelab/wirelab/annot"
	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/httpcore/annotate"
)

var update = flag.Bool("update", false, "rewrite testdata/annotate/*.golden from the current output")

// annotateTests are the golden cases: testdata/annotate/<name>.golden holds
// the text view followed, for a malformed message, by the error line.
var annotateTests = []struct {
	name    string
	raw     string
	wantErr bool
	// for malformed messages: where and under which rule
	wantOff     int
	wantSection string
}{
	{name: "get", raw: "GET /hello?name=go HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n"},
	{name: "post-content-length", raw: "POST /form HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"},
	{name: "chunked-trailers", raw: "POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n" +
		"1a;name=val\r\nabcdefghijklmnopqrstuvwxyz\r\n5\r\nhello\r\n0\r\nX-Sum: 31\r\n\r\n"},
	{name: "response-200", raw: "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 12\r\n\r\nhello, world"},
	{name: "response-204", raw: "HTTP/1.1 204 No Content\r\nDate: Mon, 02 Jun 2025 10:00:00 GMT\r\n\r\n"},
	{name: "pipelined", raw: "GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n"},
	{name: "malformed-space-before-colon", raw: "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
		wantErr: true, wantOff: 20, wantSection: "RFC 9112 §5.1"},
	{name: "malformed-cl-te", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /admin HTTP/1.1\r\n\r\n",
		wantErr: true, wantOff: 26, wantSection: "RFC 9112 §6.3"},
	{name: "malformed-chunk-size", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0x5\r\nhello\r\n0\r\n\r\n",
		wantErr: true, wantOff: 67, wantSection: "RFC 9112 §7.1"},
	{name: "malformed-bare-lf", raw: "GET / HTTP/1.1\nHost: a\n\n",
		wantErr: true, wantOff: 14, wantSection: "RFC 9112 §2.2"},
	{name: "early-end-body", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabcd",
		wantErr: true, wantOff: 52, wantSection: "RFC 9112 §8"},
}

func TestAnnotateGolden(t *testing.T) {
	for _, tt := range annotateTests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := annotate.Annotate([]byte(tt.raw))
			if (err != nil) != tt.wantErr {
				t.Fatalf("%s: got error %v, want error %v", tt.name, err, tt.wantErr)
			}
			var got bytes.Buffer
			if err := a.WriteText(&got); err != nil {
				t.Fatal(err)
			}
			if err != nil {
				got.WriteString("error: " + err.Error() + "\n")
			}
			checkGolden(t, filepath.Join("testdata", "annotate", tt.name+".golden"), got.Bytes())
		})
	}
}

func TestAnnotateJSONGolden(t *testing.T) {
	a, err := annotate.Annotate([]byte("POST /u HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n0\r\nX-Sum: 5\r\n\r\nGET / HTTP/1.1\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(a, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, filepath.Join("testdata", "annotate", "chunked.json.golden"), append(got, '\n'))
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./httpcore -run Annotate -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: got\n%s\nwant\n%s", path, got, want)
	}
}

// TestAnnotateTiles checks that the segments of a well-formed message cover
// it byte for byte, and that Length and Trailing account for all the input.
func TestAnnotateTiles(t *testing.T) {
	for _, tt := range annotateTests {
		if tt.wantErr {
			continue
		}
		a, err := annotate.Annotate([]byte(tt.raw))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		checkTiles(t, tt.name, []byte(tt.raw), a)
		if a.Length+a.Trailing != len(tt.raw) {
			t.Errorf("%s: got Length %d + Trailing %d, want %d", tt.name, a.Length, a.Trailing, len(tt.raw))
		}
		if end := lastEnd(a.Segments); end != a.Length {
			t.Errorf("%s: segments end at %d, engine read %d bytes", tt.name, end, a.Length)
		}
	}
}

func checkTiles(t *testing.T, name string, data []byte, a *annotate.Annotation) {
	t.Helper()
	off := 0
	for _, s := range a.Segments {
		if s.Offset != off {
			t.Fatalf("%s: %s segment at %d, want %d", name, s.Kind, s.Offset, off)
		}
		if !bytes.Equal(s.Raw, data[off:off+len(s.Raw)]) {
			t.Fatalf("%s: %s segment at %d: got %q, want %q", name, s.Kind, off, s.Raw, data[off:off+len(s.Raw)])
		}
		if s.Note == "" {
			t.Errorf("%s: %s segment at %d has no note", name, s.Kind, off)
		}
		off += len(s.Raw)
	}
}

func lastEnd(segs []annot.Segment) int {
	if len(segs) == 0 {
		return 0
	}
	s := segs[len(segs)-1]
	return s.Offset + len(s.Raw)
}

// TestAnnotateErrors checks the offset and section of every malformed case,
// and that the engine's own error stays reachable.
func TestAnnotateErrors(t *testing.T) {
	for _, tt := range annotateTests {
		if !tt.wantErr {
			continue
		}
		a, err := annotate.Annotate([]byte(tt.raw))
		var ae *annotate.AnnotateError
		if !errors.As(err, &ae) {
			t.Fatalf("%s: got %T %v, want *AnnotateError", tt.name, err, err)
		}
		if ae.Offset != tt.wantOff || ae.Section != tt.wantSection {
			t.Errorf("%s: got offset %d section %q, want %d %q", tt.name, ae.Offset, ae.Section, tt.wantOff, tt.wantSection)
		}
		if a.Err != ae {
			t.Errorf("%s: Annotation.Err is %v, want the returned error", tt.name, a.Err)
		}
		var pe *httpcore.ProtocolError
		if !ae.Early && !errors.As(err, &pe) {
			t.Errorf("%s: %v does not wrap a *ProtocolError", tt.name, err)
		}
		if ae.Early && !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("%s: %v does not wrap io.ErrUnexpectedEOF", tt.name, err)
		}
		checkTiles(t, tt.name, []byte(tt.raw), a)
		// The last segment holds the problem byte and says so.
		if !ae.Early {
			last := a.Segments[len(a.Segments)-1]
			if ae.Offset < last.Offset || ae.Offset >= last.Offset+len(last.Raw) || !strings.HasPrefix(last.Note, "PROBLEM at byte") {
				t.Errorf("%s: last segment %+v does not hold the problem at byte %d", tt.name, last, ae.Offset)
			}
		}
	}
}

func TestAnnotateErrorText(t *testing.T) {
	tests := []struct {
		name, raw, want string
		bareLF          bool
	}{
		{"space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
			`malformed message at byte 20: whitespace between field name "Host" and the colon (RFC 9112 §5.1)`, false},
		{"bare LF", "GET / HTTP/1.1\nHost: a\n\n",
			`malformed message at byte 14: bare LF ends the request-line (a line must end in CRLF) (RFC 9112 §2.2)`, true},
		{"no empty line", "GET / HTTP/1.1\r\nHost: a\r\n",
			`message ends early at byte 25: the header section has no empty line to end it (RFC 9112 §2.1)`, false},
		{"empty", "",
			`message ends early at byte 0: the input is empty (RFC 9112 §2.1)`, false},
		{"chunked cut short", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
			`message ends early at byte 62: the chunked body stops before its last chunk and final CRLF (RFC 9112 §7.1)`, false},
		{"unknown coding", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
			`message rejected with 501 Not Implemented at byte 26: transfer coding "gzip" is not implemented (only chunked is) (RFC 9112 §6.1)`, false},
		{"bare LF after chunk size", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n",
			`malformed message at byte 57: bare LF ending a chunk-size line (RFC 9112 §2.2)`, true},
	}
	for _, tt := range tests {
		_, err := annotate.Annotate([]byte(tt.raw))
		if err == nil {
			t.Errorf("%s: got no error, want %q", tt.name, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, err, tt.want)
		}
		var ae *annotate.AnnotateError
		if errors.As(err, &ae) && ae.BareLF != tt.bareLF {
			t.Errorf("%s: got BareLF %v, want %v", tt.name, ae.BareLF, tt.bareLF)
		}
	}
}

func TestAnnotateKinds(t *testing.T) {
	tests := []struct {
		name, raw string
		kinds     string
	}{
		{"leading empty line", "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", "empty-line request-line field empty-line body"},
		{"chunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\nT: 1\r\n\r\n",
			"request-line field field empty-line chunk-size chunk-data chunk-end last-chunk trailer final-crlf"},
		{"until close", "HTTP/1.1 200 OK\r\n\r\nall of it", "status-line empty-line body"},
		{"interim", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n", "status-line empty-line body"},
	}
	for _, tt := range tests {
		a, err := annotate.Annotate([]byte(tt.raw))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var kinds []string
		for _, s := range a.Segments {
			kinds = append(kinds, s.Kind)
		}
		if got := strings.Join(kinds, " "); got != tt.kinds {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.kinds)
		}
		checkTiles(t, tt.name, []byte(tt.raw), a)
	}
}

func TestAnnotateTrailingNote(t *testing.T) {
	tests := []struct{ name, raw, want string }{
		{"pipelined", "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /", "5 bytes after the message: a pipelined request? (not parsed)"},
		{"editor newline", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi\r\n", "2 bytes after the message: only line endings (an editor's final newline?) (not parsed)"},
		{"interim", "HTTP/1.1 103 Early Hints\r\n\r\nHTTP/1.1 200 OK\r\n\r\n", "19 bytes after the message: the final response after this interim one? (not parsed)"},
	}
	for _, tt := range tests {
		a, err := annotate.Annotate([]byte(tt.raw))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if a.TrailingNote != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, a.TrailingNote, tt.want)
		}
	}
}

// FuzzAnnotate checks that Annotate never panics, that its segments always
// tile the input from byte 0, and that error offsets stay within it.
func FuzzAnnotate(f *testing.F) {
	for _, tt := range annotateTests {
		f.Add([]byte(tt.raw))
	}
	f.Add([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := annotate.Annotate(data)
		if a == nil {
			t.Fatal("nil Annotation")
		}
		checkTiles(t, "fuzz", data, a)
		if err == nil {
			if lastEnd(a.Segments) != a.Length || a.Length+a.Trailing != len(data) {
				t.Fatalf("segments end at %d, Length %d, Trailing %d, input %d bytes", lastEnd(a.Segments), a.Length, a.Trailing, len(data))
			}
		}
		var ae *annotate.AnnotateError
		if err != nil && (!errors.As(err, &ae) || ae.Offset > len(data)) {
			t.Fatalf("error %v: offset beyond the %d-byte input", err, len(data))
		}
	})
}
