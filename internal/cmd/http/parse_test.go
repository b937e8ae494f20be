package http

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wirelab/wirelab/httpcore/annotate"
	"github.com/wirelab/wirelab/internal/cmd/cmdtest"
	"github.com/wirelab/wirelab/internal/iostreams"
)

func TestNewCmdParseFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    string
		want    ParseOptions
		wantErr bool
	}{
		{"stdin by default", "", ParseOptions{File: "-"}, false},
		{"dash is stdin", "-", ParseOptions{File: "-"}, false},
		{"file", "req.http", ParseOptions{File: "req.http"}, false},
		{"json", "--json req.http", ParseOptions{File: "req.http", JSON: true}, false},
		{"crlf", "--crlf -", ParseOptions{File: "-", CRLF: true}, false},
		{"both", "--json --crlf", ParseOptions{File: "-", JSON: true, CRLF: true}, false},
		{"two files", "a.http b.http", ParseOptions{}, true},
		{"unknown flag", "--lf", ParseOptions{}, true},
	}
	for _, tt := range tests {
		ios, _, _, _ := iostreams.Test()
		var got *ParseOptions
		err := cmdtest.Execute(NewCmdParse(ios, func(o *ParseOptions) error { got = o; return nil }), tt.args)
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: got error %v, want error %v", tt.name, err, tt.wantErr)
			continue
		}
		if tt.wantErr {
			continue
		}
		tt.want.IO = ios
		if *got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, *got, tt.want)
		}
	}
}

func TestHTTPHasParse(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	cmd, _, err := NewCmdHTTP(ios).Find([]string{"parse"})
	if err != nil || cmd.Name() != "parse" {
		t.Fatalf(`got %v, %v; want the "parse" command`, cmd, err)
	}
}

const (
	getCRLF = "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n"
	getLF   = "GET /hello HTTP/1.1\nHost: a\n\n"
)

func TestRunParse(t *testing.T) {
	tests := []struct {
		name    string
		opts    ParseOptions
		stdin   string
		wantOut []string // substrings of stdout, in order
		wantErr string   // the whole error line, after "wirelab: "
	}{
		{
			name:  "request from stdin",
			opts:  ParseOptions{File: "-"},
			stdin: getCRLF,
			wantOut: []string{
				`0  request-line  GET /hello HTTP/1.1\r\n  method GET, target "/hello" (origin-form), version HTTP/1.1 (RFC 9112 §3)`,
				`21  field         Host: a\r\n`, `Host = "a" — required once in HTTP/1.1 (RFC 9112 §3.2)`,
				`30  empty-line    \r\n`,
				`32  body`, `(RFC 9112 §6.3 rule 7)`,
			},
		},
		{
			name:    "pipelined",
			opts:    ParseOptions{File: "-"},
			stdin:   getCRLF + getCRLF,
			wantOut: []string{`32  (after)       GET /hello HTTP/1.1\r\nHost: a\r\n\r\n  32 bytes after the message: a pipelined request? (not parsed)`},
		},
		{
			name:    "space before colon",
			opts:    ParseOptions{File: "-"},
			stdin:   "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
			wantOut: []string{`16  field         Host : a\r\n`, `PROBLEM at byte 20`},
			wantErr: `malformed message at byte 20: whitespace between field name "Host" and the colon (RFC 9112 §5.1)`,
		},
		{
			name:    "smuggling shape",
			opts:    ParseOptions{File: "-"},
			stdin:   "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
			wantOut: []string{`26  field         Content-Length: 4\r\n`},
			wantErr: `malformed message at byte 26: both Transfer-Encoding and Content-Length: the message length is ambiguous (RFC 9112 §6.3)`,
		},
		{
			name:    "bare LF suggests --crlf",
			opts:    ParseOptions{File: "-"},
			stdin:   getLF,
			wantOut: []string{`0  request-line  GET /hello HTTP/1.1\n  PROBLEM at byte 19: bare LF`},
			wantErr: `malformed message at byte 19: bare LF ends the request-line (a line must end in CRLF) (RFC 9112 §2.2); the input has bare LF line endings: rerun with --crlf to convert them`,
		},
		{
			name:    "--crlf fixes bare LF",
			opts:    ParseOptions{File: "-", CRLF: true},
			stdin:   getLF,
			wantOut: []string{`GET /hello HTTP/1.1\r\n`, `Host: a\r\n`, `30  empty-line`},
		},
		{
			name:    "--crlf keeps CRLF",
			opts:    ParseOptions{File: "-", CRLF: true},
			stdin:   "GET / HTTP/1.1\r\nHost: a\n\r\n",
			wantOut: []string{`Host: a\r\n`, `25  empty-line    \r\n`},
		},
		{
			name:    "ends early",
			opts:    ParseOptions{File: "-"},
			stdin:   "GET / HTTP/1.1\r\nHost: a\r\n",
			wantOut: []string{`16  field`},
			wantErr: `message ends early at byte 25: the header section has no empty line to end it (RFC 9112 §2.1)`,
		},
		{
			name:    "empty input",
			opts:    ParseOptions{File: "-"},
			wantErr: `message ends early at byte 0: the input is empty (RFC 9112 §2.1)`,
		},
	}
	for _, tt := range tests {
		ios, stdin, stdout, _ := iostreams.Test()
		stdin.WriteString(tt.stdin)
		opts := tt.opts
		opts.IO = ios
		err := runParse(&opts)
		out := stdout.String()
		rest := out
		for _, w := range tt.wantOut {
			i := strings.Index(rest, w)
			if i < 0 {
				t.Errorf("%s: output lacks %q (in order); got\n%s", tt.name, w, out)
				break
			}
			rest = rest[i+len(w):]
		}
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: got error %q, want none", tt.name, err)
		case tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr):
			t.Errorf("%s: got error %v, want %q", tt.name, err, tt.wantErr)
		}
		if tt.wantErr != "" && strings.Contains(tt.wantErr, "\n") {
			t.Errorf("%s: the error must be one line", tt.name)
		}
	}
}

func TestRunParseJSON(t *testing.T) {
	ios, stdin, stdout, _ := iostreams.Test()
	stdin.WriteString("GET / HTTP/1.1\r\nHost : a\r\n\r\n")
	err := runParse(&ParseOptions{IO: ios, File: "-", JSON: true})
	var ae *annotate.AnnotateError
	if !errors.As(err, &ae) || ae.Offset != 20 {
		t.Fatalf("got error %v, want an AnnotateError at byte 20", err)
	}
	var got struct {
		Message  string
		Segments []struct {
			Offset int
			Kind   string
			Raw    string
			Note   string
		}
		Error struct {
			Offset  int
			Section string
			Message string
		}
	}
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout)
	}
	if got.Message != "request" || len(got.Segments) != 2 || got.Segments[1].Raw != "Host : a\r\n" ||
		got.Error.Offset != 20 || got.Error.Section != "RFC 9112 §5.1" {
		t.Errorf("got %+v", got)
	}
}

func TestRunParseFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "resp.http")
	if err := os.WriteFile(path, []byte("HTTP/1.1 200 OK\nContent-Length: 3\n\nhi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ios, _, stdout, _ := iostreams.Test()
	if err := runParse(&ParseOptions{IO: ios, File: path, CRLF: true}); err != nil {
		t.Fatalf("got %v, want no error", err)
	}
	// After --crlf the body is "hi\r\n", 4 bytes: Content-Length 3 leaves one.
	for _, w := range []string{"status-line  HTTP/1.1 200 OK\\r\\n", "body         hi\\r", "1 bytes after the message: only line endings"} {
		if !strings.Contains(stdout.String(), w) {
			t.Errorf("output lacks %q; got\n%s", w, stdout)
		}
	}

	ios, _, _, _ = iostreams.Test()
	err := runParse(&ParseOptions{IO: ios, File: filepath.Join(dir, "missing.http")})
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v, want a not-exist error", err)
	}
}

// TestParseCommandExitsNonZero runs the command as the root does: RunE's
// error is what main prints after "wirelab: ".
func TestParseCommandExitsNonZero(t *testing.T) {
	ios, stdin, stdout, _ := iostreams.Test()
	stdin.WriteString("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n")
	err := cmdtest.Execute(NewCmdParse(ios, nil), "")
	want := `malformed message at byte 57: chunk size "0" is followed by 'x', not a chunk extension (RFC 9112 §7.1)`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
	if !strings.Contains(stdout.String(), `56  chunk-size    0x5\r\n`) {
		t.Errorf("output lacks the problem chunk; got\n%s", stdout)
	}
}

func TestToCRLF(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"a\nb\n", "a\r\nb\r\n"},
		{"a\r\nb\n", "a\r\nb\r\n"},
		{"\n\n", "\r\n\r\n"},
		{"a\rb", "a\rb"},
	}
	for _, tt := range tests {
		if got := string(toCRLF([]byte(tt.in))); got != tt.want {
			t.Errorf("toCRLF(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}
