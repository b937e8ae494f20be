package check

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/rivo/uniseg"
	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/httpcore/inspect"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// run runs the checker and fails the test on an error.
func run(t *testing.T, opts Options) *Report {
	t.Helper()
	if opts.Lang == "" {
		opts.Lang = "en"
	}
	if opts.Timeout == 0 {
		opts.Timeout = 3 * time.Second
	}
	rep, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return rep
}

// text renders the report as the command prints it.
func text(rep *Report) string {
	var b bytes.Buffer
	rep.WriteText(&b)
	return b.String()
}

// wantFail checks that stage id is the one that failed, that its message,
// section and hint hold the given substrings, and that the stages after it
// are skipped.
func wantFail(t *testing.T, rep *Report, id, msg, section, hint string) *StageResult {
	t.Helper()
	f := rep.Failed()
	if rep.Passed || f == nil {
		t.Fatalf("got a pass, want stage %s to fail:\n%s", id, text(rep))
	}
	if f.ID != id {
		t.Fatalf("stage %s failed, want %s:\n%s", f.ID, id, text(rep))
	}
	if !strings.Contains(f.Message, msg) {
		t.Errorf("%s: message %q does not contain %q", id, f.Message, msg)
	}
	if !strings.Contains(f.Failure.Section, section) {
		t.Errorf("%s: section %q does not contain %q", id, f.Failure.Section, section)
	}
	if !strings.Contains(f.Failure.Hint, hint) {
		t.Errorf("%s: hint %q does not contain %q", id, f.Failure.Hint, hint)
	}
	fits(t, text(rep))
	after := false
	for _, s := range rep.Stages {
		if after && (!s.Skipped || s.Passed || s.Message == "") {
			t.Errorf("stage %s after the failure: got %+v, want skipped", s.ID, s)
		}
		after = after || s.ID == id
	}
	return f
}

// fits checks that no line of out is wider than TextWidth cells.
func fits(t *testing.T, out string) {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if w := uniseg.StringWidth(l); w > TextWidth {
			t.Errorf("a line of %d cells:\n%s", w, l)
		}
	}
}

func TestWrap(t *testing.T) {
	tests := []struct{ prefix, s string }{
		{"hint: ", "Is your server running? Is it listening on port 8080, and on 127.0.0.1 (127.0.0.1, ::1 and 0.0.0.0 differ)? Start it, then run the checker again with --addr HOST:PORT."},
		{"提示：", "你的服务器在运行吗？它监听的是 8080 端口吗？地址是 127.0.0.1 吗（127.0.0.1、::1 和 0.0.0.0 不一样）？先启动服务器，再用 --addr HOST:PORT 重新运行检查。客户端的帧带掩码：payload[i] XOR key[i % 4]，掩码键是长度字段后面的 4 个字节。"},
		{"FAIL tcp               ", strings.Repeat("x", 100) + " word"},
	}
	for _, tt := range tests {
		out := wrap(tt.prefix, tt.s, "      ")
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) < 2 {
			t.Errorf("not wrapped: %q", out)
		}
		var joined strings.Builder
		for i, l := range lines {
			if w := uniseg.StringWidth(l); w > TextWidth {
				t.Errorf("line %d is %d cells: %q", i, w, l)
			}
			if i > 0 {
				l = strings.TrimPrefix(l, "      ")
				if r := []rune(l)[0]; strings.ContainsRune(noLineStart, r) {
					t.Errorf("line %d starts with %q: %q", i, r, l)
				}
			}
			joined.WriteString(l)
		}
		// Nothing is lost but the spaces at the breaks.
		strip := func(s string) string { return strings.ReplaceAll(s, " ", "") }
		if strip(joined.String()) != strip(tt.prefix+tt.s) {
			t.Errorf("wrapping changed the text:\n%s", out)
		}
	}
}

// atCaret returns the received bytes from the caret on.
func atCaret(f *StageResult) string {
	return string(f.Failure.Received[f.Failure.Offset:])
}

func TestGoodWebSocketServerPassesEveryStage(t *testing.T) {
	addr := goodWSServer(t)
	for _, lang := range []string{"en", "zh"} {
		var seen []string
		rep := run(t, Options{Kind: "ws", Addr: addr, Lang: lang, Progress: func(s StageResult) { seen = append(seen, s.ID) }})
		if !rep.Passed {
			t.Fatalf("%s: the reference server failed:\n%s", lang, text(rep))
		}
		ids, _ := StageIDs("ws")
		if strings.Join(seen, " ") != strings.Join(ids, " ") || len(rep.Stages) != 12 {
			t.Errorf("%s: progress saw %v, want %v", lang, seen, ids)
		}
		for _, s := range rep.Stages {
			if !s.Passed || s.Message == "" || s.Failure != nil {
				t.Errorf("%s: %+v", lang, s)
			}
		}
		out := text(rep)
		if want := map[string]string{"en": "all 12 stages passed.", "zh": "全部 12 个阶段通过。"}[lang]; !strings.Contains(out, want) {
			t.Errorf("%s: output lacks %q:\n%s", lang, want, out)
		}
	}
}

func TestGoodHTTPServerPassesEveryStage(t *testing.T) {
	ids, _ := StageIDs("http")
	if got := strings.Join(ids, " "); got != "tcp route headers body keep-alive split chunked head errors concurrent" {
		t.Fatalf("the HTTP stages are %s", got)
	}
	for _, lang := range []string{"en", "zh"} {
		rep := run(t, Options{Kind: "http", Addr: goodHTTPServer(t), Lang: lang})
		if !rep.Passed || len(rep.Stages) != len(ids) {
			t.Fatalf("%s: the reference server failed:\n%s", lang, text(rep))
		}
		out := text(rep)
		if want := map[string]string{"en": "all 10 stages passed.", "zh": "全部 10 个阶段通过。"}[lang]; !strings.Contains(out, want) {
			t.Errorf("%s: output lacks %q:\n%s", lang, want, out)
		}
	}
	// A raw server that gets it right passes too.
	rep := run(t, Options{Kind: "http", Addr: rawHTTPServer(t, func(c net.Conn, _ *bufio.Reader, r *httpcore.Request) bool {
		return answerWell(c, r)
	})})
	if !rep.Passed {
		t.Fatalf("the raw correct server failed:\n%s", text(rep))
	}
}

// The bundled server, "wirelab http serve" (httpcore's Server and the
// inspector), passes the bundled checker.
func TestBundledServerPassesEveryHTTPStage(t *testing.T) {
	rep := run(t, Options{Kind: "http", Addr: serveCore(t, inspect.Handler())})
	if !rep.Passed || len(rep.Stages) != 10 {
		t.Fatalf("wirelab http serve fails wirelab check http:\n%s", text(rep))
	}
}

// The articles' Python server treats each recv() as exactly one frame. The
// first stage that breaks it is length-64: 65536 bytes never come in one
// read, and it echoes the part that did.
func TestPerReadServerFails(t *testing.T) {
	addr := rawWSServer(t, wsBugs{perRead: true})
	rep := run(t, Options{Kind: "ws", Addr: addr})
	f := wantFail(t, rep, "length-64", "the checker sent 65536 bytes", "RFC 6455 §5.2", "several reads")
	if !strings.Contains(f.Failure.Hint, "single read") {
		t.Errorf("hint %q does not name the single read", f.Failure.Hint)
	}
	// The caret is on the length of its short echo.
	if off := f.Failure.Offset; off != 1 && off != 2 {
		t.Errorf("caret at %d: % x", off, f.Failure.Received[:4])
	}
	// Its two halves of the bug, each alone, fail the stages named for
	// them.
	t.Run("coalesced", func(t *testing.T) {
		rep := run(t, Options{Kind: "ws", Addr: rawWSServer(t, wsBugs{dropRest: true}), Timeout: time.Second})
		f := wantFail(t, rep, "coalesced-frames", `waiting for the echo of "second"`, "RFC 6455 §5.2", "One read from the socket can hold several frames")
		// The first echo came; the caret is after it.
		if f.Failure.Offset != len(f.Failure.Received) || !bytes.Contains(f.Failure.Received, []byte("first")) {
			t.Errorf("offset %d of %q", f.Failure.Offset, f.Failure.Received)
		}
	})
	t.Run("split", func(t *testing.T) {
		addr := rawWSServer(t, wsBugs{dropPartial: true, readBuf: 128})
		// It fails length-16 and length-64 first; check split-frame alone.
		rep := run(t, Options{Kind: "ws", Addr: addr, Timeout: time.Second, only: []string{"split-frame"}})
		wantFail(t, rep, "split-frame", "", "RFC 6455", "A frame can arrive over several reads")
		// and the same server passes the coalesced-frames stage.
		rep = run(t, Options{Kind: "ws", Addr: addr, only: []string{"coalesced-frames"}})
		if !rep.Passed {
			t.Errorf("coalesced-frames:\n%s", text(rep))
		}
	})
}

func TestMaskingServerFailsServerUnmasked(t *testing.T) {
	rep := run(t, Options{Kind: "ws", Addr: rawWSServer(t, wsBugs{maskReplies: true})})
	f := wantFail(t, rep, "server-unmasked", "masked frame from a server", "RFC 6455 §5.1", "MUST NOT mask")
	// echo-text passed: the masked echo was unmasked and compared.
	if !rep.Stages[3].Passed {
		t.Errorf("echo-text: %+v", rep.Stages[3])
	}
	// The caret is on byte 1 of the frame, whose MASK bit is set.
	if b := f.Failure.Received[f.Failure.Offset]; b&0x80 == 0 || f.Failure.Offset != 1 {
		t.Errorf("caret at %d (0x%02x)", f.Failure.Offset, b)
	}
}

func TestWrongAcceptFailsAcceptKey(t *testing.T) {
	rep := run(t, Options{Kind: "ws", Addr: rawWSServer(t, wsBugs{wrongAccept: true})})
	f := wantFail(t, rep, "accept-key", "Sec-WebSocket-Accept is", "RFC 6455 §4.2.2", "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
	line := atCaret(f)
	line = line[:strings.Index(line, "\r\n")]
	head := string(f.Failure.Received[:f.Failure.Offset])
	if !strings.HasSuffix(head[:strings.LastIndex(head, "\n")+1+len("Sec-WebSocket-Accept: ")], "Sec-WebSocket-Accept: ") {
		t.Errorf("the caret is not in the Sec-WebSocket-Accept value: %q | %q", head, line)
	}
	if !bytes.Contains(f.Failure.Sent, []byte("Sec-WebSocket-Key: ")) {
		t.Errorf("sent: %q", f.Failure.Sent)
	}
	out := text(rep)
	for _, want := range []string{`"Sec-WebSocket-Accept: `, "^", "rule: RFC 6455 §4.2.2", "hint: ", "2 of 12 stages passed; accept-key failed."} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestNo16BitLengthFailsLength16(t *testing.T) {
	rep := run(t, Options{Kind: "ws", Addr: rawWSServer(t, wsBugs{no16: true})})
	f := wantFail(t, rep, "length-16", "the checker sent 126 bytes", "RFC 6455 §5.2", "7e 00 7e")
	// Byte 1 says 126, so the first two payload bytes were read as the length.
	if !strings.Contains(f.Message, "byte 1 says 126") || f.Failure.Offset != 2 || f.Failure.Received[1] != 126 {
		t.Errorf("message %q, offset %d, % x", f.Message, f.Failure.Offset, f.Failure.Received[:4])
	}
}

func TestIgnoringCloseFailsCloseInBoundedTime(t *testing.T) {
	addr := rawWSServer(t, wsBugs{ignoreClose: true})
	start := time.Now()
	rep := run(t, Options{Kind: "ws", Addr: addr, Timeout: 500 * time.Millisecond})
	f := wantFail(t, rep, "close", "timed out after 500ms waiting for the server's close frame", "RFC 6455 §5.5.1", "send a close frame back")
	if f.Elapsed > 2*time.Second || time.Since(start) > 20*time.Second {
		t.Errorf("the close stage took %v, the run %v", f.Elapsed, time.Since(start))
	}
	// The close frame sent is shown: 0x88, masked, 5 bytes.
	if s := f.Failure.Sent; len(s) != 11 || s[0] != 0x88 || s[1] != 0x85 {
		t.Errorf("sent % x", s)
	}
}

// but is answerWell with one route answered by f instead; f returns false
// to close the connection.
func but(path string, f func(c net.Conn, r *httpcore.Request) bool) func(net.Conn, *bufio.Reader, *httpcore.Request) bool {
	return func(c net.Conn, _ *bufio.Reader, r *httpcore.Request) bool {
		if r.Method+" "+r.Path() == path || r.Path() == path {
			return f(c, r)
		}
		return answerWell(c, r)
	}
}

// always answers every request with the raw bytes resp.
func always(resp string) func(net.Conn, *bufio.Reader, *httpcore.Request) bool {
	return func(c net.Conn, _ *bufio.Reader, r *httpcore.Request) bool {
		io.ReadAll(r.Body)
		io.WriteString(c, resp)
		return true
	}
}

// brokenTimeout is the stage timeout for a broken server: short only for
// a stage that fails by timing out, with time to spare for the others on a
// loaded machine.
func brokenTimeout(waits bool) time.Duration {
	if waits {
		return time.Second
	}
	return 3 * time.Second
}

// wantCaret checks that the received bytes from the caret on start with
// caret.
func wantCaret(t *testing.T, f *StageResult, caret string) {
	t.Helper()
	if got := atCaret(f); !strings.HasPrefix(got, caret) {
		t.Errorf("from the caret: got %q, want %q…", got, caret)
	}
}

func TestHTTPBrokenServers(t *testing.T) {
	tests := []struct {
		name                      string
		answer                    func(c net.Conn, br *bufio.Reader, r *httpcore.Request) bool
		stage, msg, section, hint string
		caret                     string // the received bytes from the caret start so
		waits                     bool   // the stage fails by timing out
	}{
		{
			name: "bad status line", answer: always("HTTP/1.1 OK\r\nContent-Length: 2\r\n\r\nok"),
			stage: "tcp", msg: "not three digits", section: "RFC 9112 §4", hint: `"HTTP/1.1 200 OK\r\n"`, caret: "OK\r\n",
		},
		{
			name: "LF line endings", answer: always("HTTP/1.1 200 OK\nContent-Length: 2\n\nok"),
			stage: "tcp", msg: "bare LF", section: "RFC 9112 §2.2", hint: "not LF", caret: "\nContent-Length",
		},
		{
			name: "404 for /", answer: always("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"),
			stage: "tcp", msg: "the answer to GET / has status 404; want 200", section: "RFC 9110 §15.3.1", hint: "Accept the connection", caret: "404 ",
		},
		{
			name: "space before the colon", answer: always("HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok"),
			stage: "tcp", msg: "whitespace between field name", section: "RFC 9112 §5.1", hint: "No whitespace", caret: " : 2",
		},
		{
			name: "no empty line", answer: always("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nok"),
			stage: "tcp", msg: "timed out", section: "RFC 9112 §2.1", hint: `"\r\n\r\n"`, caret: "", waits: true,
		},
		{
			name: "Content-Length in characters", answer: always("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nhéllo\n"),
			stage: "tcp", msg: "1 more bytes came after the response to GET / ended", section: "RFC 9112 §6.2", hint: `"é" is 2 bytes`, caret: "\n",
		},
		{
			name: "200 for every path", answer: always("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
			stage: "route", msg: "the answer to GET /nope has status 200; want 404", section: "RFC 9110 §15.5.5", hint: "the path is its second word", caret: "200 ",
		},
		{
			name: "field names compared with their case",
			answer: but("/headers", func(c net.Conn, r *httpcore.Request) bool {
				v := ""
				for _, f := range r.Header.Fields() {
					if f.Name == "X-Wirelab-Echo" {
						v = f.Value
					}
				}
				if v == "" {
					respond(c, 200, "ok\n")
				} else {
					respond(c, 200, "ok\n", "X-Wirelab-Echo: "+v)
				}
				return true
			}),
			stage: "headers", msg: "the response has no X-Wirelab-Echo field", section: "RFC 9110 §5.1", hint: "field names ignore case", caret: "\r\nok\n",
		},
		{
			name: "ignores Content-Length",
			answer: but("/echo", func(c net.Conn, r *httpcore.Request) bool {
				respond(c, 200, "")
				return false // the body is still unread
			}),
			stage: "body", msg: `the body is ""; the request's body was "wirelab body: héllo, 世界"`, section: "RFC 9112 §6.2", hint: "Content-Length says how many bytes", caret: "",
		},
		{
			name: "closes after every response",
			answer: func(c net.Conn, _ *bufio.Reader, r *httpcore.Request) bool {
				answerWell(c, r)
				return false
			},
			stage: "keep-alive", msg: "the server closed the connection after response 1, before answering request 2 of 3", section: "RFC 9112 §9.3", hint: "persistent", caret: "",
		},
		{
			name: "says Connection: close",
			answer: but("/", func(c net.Conn, r *httpcore.Request) bool {
				respond(c, 200, "hello\n", "Connection: close")
				return false
			}),
			stage: "keep-alive", msg: "the answer to request 1 of 3 announces that the connection closes", section: "RFC 9112 §9.3", hint: "do not close", caret: "close\r\n",
		},
		{
			name: "drops a pipelined request",
			answer: func(c net.Conn, br *bufio.Reader, r *httpcore.Request) bool {
				ok := answerWell(c, r)
				br.Discard(br.Buffered()) // one read, one request
				return ok
			},
			stage: "keep-alive", msg: "the server stopped answering after response 4", section: "RFC 9112 §9.3", hint: "same TCP write", caret: "", waits: true,
		},
		{
			name: "ignores the chunked body",
			answer: but("/echo", func(c net.Conn, r *httpcore.Request) bool {
				if !r.Chunked {
					return answerWell(c, r)
				}
				respond(c, 200, "")
				return false // what follows is not a request it can read
			}),
			stage: "chunked", msg: `the body is ""`, section: "RFC 9112 §7.1", hint: "the body comes in chunks", caret: "",
		},
		{
			name: "a body on HEAD",
			answer: but("HEAD /", func(c net.Conn, r *httpcore.Request) bool {
				respond(c, 200, "hello\n")
				return true
			}),
			stage: "head", msg: "6 bytes came after the empty line of the response to HEAD", section: "RFC 9110 §9.3.2", hint: "no body", caret: "hello\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			addr := rawHTTPServer(t, tt.answer)
			timeout := brokenTimeout(tt.waits)
			rep := run(t, Options{Kind: "http", Addr: addr, Timeout: timeout})
			wantCaret(t, wantFail(t, rep, tt.stage, tt.msg, tt.section, tt.hint), tt.caret)
			if !tt.waits {
				// The same stage fails in Chinese, as wide as it may be.
				zh := run(t, Options{Kind: "http", Addr: addr, Timeout: timeout, Lang: "zh"})
				if f := zh.Failed(); f == nil || f.ID != tt.stage || f.Failure.Hint == "" {
					t.Errorf("zh: %s", text(zh))
				}
				fits(t, text(zh))
			}
		})
	}
}

// lineServer answers by the request line alone, as a naive server does:
// 400 for a line without three words, else 200. It never reads a body.
func lineServer(c net.Conn) {
	br := bufio.NewReader(c)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		for {
			l, err := br.ReadString('\n')
			if err != nil {
				return
			}
			if l == "\r\n" {
				break
			}
		}
		if len(strings.Fields(line)) != 3 {
			respond(c, 400, "")
			continue
		}
		respond(c, 200, "hello\n")
	}
}

// serialServer serves one connection at a time: the next accept waits until
// the client in hand has closed.
func serialServer(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var mu sync.Mutex
	var cur net.Conn
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			cur = c
			mu.Unlock()
			lineServer(c)
			c.Close()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		if cur != nil {
			cur.Close()
		}
		mu.Unlock()
		<-done
	})
	return ln.Addr().String()
}

// Stages that the servers above cannot reach are checked alone.
func TestHTTPBrokenServersOneStage(t *testing.T) {
	tests := []struct {
		name, addr                string
		stage, msg, section, hint string
		caret                     string
		waits                     bool
	}{
		{
			name: "accepts HTTP/3.0", addr: serveRaw(t, lineServer),
			stage: "errors", msg: "the answer to the HTTP/3.0 request has status 200; want 505", section: "RFC 9110 §15.6.6", hint: "does not speak", caret: "200 ",
		},
		{
			name: "closes on a malformed request", addr: serveRaw(t, func(c net.Conn) { c.Read(make([]byte, 100)) }),
			stage: "errors", msg: `the server closed the connection while the checker waited for the answer to the malformed request "hello"`, section: "RFC 9112 §3", hint: "did not answer", caret: "",
		},
		{
			name: "one read is one request",
			addr: serveRaw(t, func(c net.Conn) {
				buf := make([]byte, 4096)
				for {
					n, err := c.Read(buf)
					if err != nil {
						return
					}
					r, err := httpcore.ReadRequest(bufio.NewReader(bytes.NewReader(buf[:n])))
					if err != nil {
						respond(c, 400, "")
						continue
					}
					answerWell(c, r)
				}
			}),
			stage: "split", msg: "the answer to POST /echo has status 400; want 200", section: "RFC 9112 §6.2", hint: "One recv is not one request", caret: "400 ",
		},
		{
			name: "one client at a time", addr: serialServer(t),
			stage: "concurrent", msg: "timed out after 1s waiting for the answer to client 1 (client 0 idle)", section: "RFC 9112 §9", hint: "Client 0 connected and sent nothing", caret: "", waits: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rep := run(t, Options{Kind: "http", Addr: tt.addr, Timeout: brokenTimeout(tt.waits), only: []string{tt.stage}})
			wantCaret(t, wantFail(t, rep, tt.stage, tt.msg, tt.section, tt.hint), tt.caret)
		})
	}
}

func TestServerThatNeverAnswers(t *testing.T) {
	addr := serveRaw(t, func(c net.Conn) { io.Copy(io.Discard, c) })
	for _, kind := range []string{"ws", "http"} {
		start := time.Now()
		rep := run(t, Options{Kind: kind, Addr: addr, Timeout: 300 * time.Millisecond})
		id := map[string]string{"ws": "handshake", "http": "tcp"}[kind]
		f := wantFail(t, rep, id, "timed out after 300ms", "RFC", "did not answer")
		if f.Failure.Offset != 0 || len(f.Failure.Received) != 0 || len(f.Failure.Sent) == 0 {
			t.Errorf("%s: %+v", kind, f.Failure)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s took %v", kind, d)
		}
	}
}

func TestUnreachableAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, port, _ := net.SplitHostPort(addr)
	for _, tt := range []struct{ lang, msg, hint string }{
		{"en", "connection refused: nothing is listening on " + addr, "Is your server running? Is it listening on port " + port},
		{"zh", "连接被拒绝", "你的服务器在运行吗？它监听的是 " + port + " 端口吗"},
	} {
		rep := run(t, Options{Kind: "ws", Addr: addr, Lang: tt.lang})
		f := wantFail(t, rep, "tcp", tt.msg, "RFC 9293", tt.hint)
		if f.Failure.Offset != -1 || len(rep.Stages) != 12 {
			t.Errorf("%+v", f.Failure)
		}
		if out := text(rep); strings.Contains(out, "sent (") || strings.Contains(out, "发送（") {
			t.Errorf("no bytes were exchanged, yet:\n%s", out)
		}
	}
}

func TestStageUpTo(t *testing.T) {
	addr := goodWSServer(t)
	rep := run(t, Options{Kind: "ws", Addr: addr, Stage: "accept-key"})
	var ids []string
	for _, s := range rep.Stages {
		ids = append(ids, s.ID)
	}
	if !rep.Passed || strings.Join(ids, ",") != "tcp,handshake,accept-key" {
		t.Errorf("got %v passed=%v", ids, rep.Passed)
	}
}

func TestBadOptions(t *testing.T) {
	ctx := context.Background()
	_, err := Run(ctx, Options{Kind: "ws", Addr: "127.0.0.1:1", Stage: "echo"})
	var use *UnknownStageError
	if !errors.As(err, &use) || !strings.Contains(err.Error(), "tcp, handshake, accept-key, echo-text, server-unmasked, length-16, length-64, coalesced-frames, split-frame, fragmented, ping-pong, close") {
		t.Errorf("unknown ws stage: %v", err)
	}
	_, err = Run(ctx, Options{Kind: "http", Addr: "127.0.0.1:1", Stage: "handshake"})
	if !errors.As(err, &use) || !strings.Contains(err.Error(), `http has no stage "handshake"; the stages are: tcp, route, headers, body, keep-alive, split, chunked, head, errors, concurrent`) {
		t.Errorf("unknown http stage: %v", err)
	}
	if _, err := Run(ctx, Options{Kind: "smtp", Addr: "127.0.0.1:1"}); !errors.Is(err, ErrUnknownKind) {
		t.Errorf("unknown kind: %v", err)
	}
	if _, err := Run(ctx, Options{Kind: "ws", Addr: "127.0.0.1:1", Lang: "fr"}); err == nil || !strings.Contains(err.Error(), "want en or zh") {
		t.Errorf("bad language: %v", err)
	}
	if _, err := Run(ctx, Options{Kind: "ws", Addr: "nowhere"}); err == nil || !strings.Contains(err.Error(), "HOST:PORT") {
		t.Errorf("bad address: %v", err)
	}
}

func TestNormalizeAddr(t *testing.T) {
	tests := []struct{ in, want, wantErr string }{
		{"127.0.0.1:9001", "127.0.0.1:9001", ""},
		{"9001", "127.0.0.1:9001", ""},
		{":9001", "127.0.0.1:9001", ""},
		{"localhost:80", "localhost:80", ""},
		{"[::1]:8080", "[::1]:8080", ""},
		{"ws://127.0.0.1:9001/chat", "127.0.0.1:9001", ""},
		{"http://localhost/", "localhost:80", ""},
		{"", "", "no address"},
		{"localhost", "", "want HOST:PORT"},
		{"127.0.0.1:http", "", "not a number"},
		{"127.0.0.1:70000", "", "not a number"},
	}
	for _, tt := range tests {
		got, err := NormalizeAddr(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: got %q, %v; want error %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%q: got %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The server cancels the run once the handshake request arrives, and
	// never answers it.
	addr := serveRaw(t, func(c net.Conn) {
		b := make([]byte, 1)
		if _, err := c.Read(b); err == nil {
			cancel()
		}
		io.Copy(io.Discard, c)
	})
	rep, err := Run(ctx, Options{Kind: "ws", Addr: addr, Lang: "en", Timeout: time.Minute})
	if !errors.Is(err, context.Canceled) || rep == nil || rep.Passed {
		t.Fatalf("got %v, %+v", err, rep)
	}
	if len(rep.Stages) != 12 || !rep.Stages[0].Passed || !rep.Stages[1].Skipped {
		t.Errorf("stages: %+v", rep.Stages)
	}
}

func TestQuoteLines(t *testing.T) {
	tests := []struct {
		in   string
		off  int
		want []string
	}{
		{"HTTP/1.1 OK\r\n", 9, []string{`"HTTP/1.1 OK\r\n"`, `          ^`}},
		{"ab\r\ncd", 4, []string{`"ab\r\n"`, `"cd"`, ` ^`}},
		{"ab\r\ncd", 3, []string{`"ab\r\n"`, `     ^`, `"cd"`}},
		{"ab", 2, []string{`"ab"`, `   ^`}},
		{"", 0, []string{`""`, ` ^`}},
		{"\x81\x05hi\"", 4, []string{`"\x81\x05hi\""`, `           ^`}},
		{"ab", -1, []string{`"ab"`}},
	}
	for _, tt := range tests {
		got := quoteLines([]byte(tt.in), tt.off, "", headLines)
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("%q at %d:\ngot\n%s\nwant\n%s", tt.in, tt.off, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
		}
	}
	// Long input keeps the head, the caret's neighbourhood and the tail.
	long := bytes.Repeat([]byte("x"), 100*lineWidth)
	got := quoteLines(long, 50*lineWidth+5, "", headLines)
	if len(got) > headLines+2*aroundLines+tailLines+5 || !strings.Contains(strings.Join(got, "\n"), "bytes not shown") {
		t.Errorf("%d lines:\n%s", len(got), strings.Join(got, "\n"))
	}
}

func TestReportJSON(t *testing.T) {
	rep := run(t, Options{Kind: "ws", Addr: rawWSServer(t, wsBugs{maskReplies: true})})
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Passed *bool `json:"passed"`
		Stages []map[string]any
	}
	if err := json.Unmarshal(b, &v); err != nil || v.Passed == nil || *v.Passed {
		t.Fatalf("%s: %v", b, err)
	}
	for i, s := range v.Stages {
		for _, k := range []string{"id", "passed", "message"} {
			if _, ok := s[k]; !ok {
				t.Errorf("stage %d lacks %q: %v", i, k, s)
			}
		}
	}
	if s := v.Stages[4]; s["id"] != "server-unmasked" || s["passed"] != false || s["offset"] != 1.0 || s["received_base64"] == nil || s["section"] != "RFC 6455 §5.1" {
		t.Errorf("failed stage: %v", s)
	}
	if s := v.Stages[5]; s["skipped"] != true || s["passed"] != false || s["message"] != "not run: an earlier stage failed" {
		t.Errorf("skipped stage: %v", s)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	f, g := rep.Failed(), back.Failed()
	if g == nil || g.ID != f.ID || g.Failure.Offset != f.Failure.Offset || !bytes.Equal(g.Failure.Received, f.Failure.Received) || !bytes.Equal(g.Failure.Sent, f.Failure.Sent) {
		t.Errorf("round trip: got %+v, want %+v", g, f)
	}
}

// A failed HTTP stage carries its two hints, a nudge then the rule, in
// the JSON report too.
func TestHTTPHintsInJSON(t *testing.T) {
	rep := run(t, Options{Kind: "http", Addr: rawHTTPServer(t, always("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))})
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	f := back.Failed()
	st, _ := Stages("http", "en")
	if f == nil || f.ID != "route" || strings.Join(f.Failure.Hints, "|") != strings.Join(st[1].Hints, "|") || !strings.Contains(f.Failure.Hints[1], "404 Not Found") {
		t.Errorf("%s", b)
	}
}

// englishWords is a run of three English words: prose, not code.
var englishWords = regexp.MustCompile(`[A-Za-z]{2,} [a-z]{2,} [a-z]{2,}`)

func TestStagesDescribed(t *testing.T) {
	for _, kind := range []string{"ws", "http"} {
		for _, lang := range []string{"en", "zh"} {
			st, err := Stages(kind, lang)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range st {
				if s.ID == "" || s.Section == "" || s.Sends == "" || s.Expects == "" {
					t.Errorf("%s %s: %+v", kind, lang, s)
				}
				if kind == "http" && (len(s.Hints) != 2 || s.Hints[0] == "" || s.Hints[1] == "") {
					t.Errorf("http %s: stage %s has hints %q, want a nudge and the rule", lang, s.ID, s.Hints)
				}
				if lang == "zh" {
					// A row of the stage table left in English shows here;
					// a request line or a formula is the same in both.
					for _, text := range append([]string{s.Sends, s.Expects}, s.Hints...) {
						if !strings.ContainsFunc(text, func(r rune) bool { return unicode.Is(unicode.Han, r) }) && englishWords.MatchString(text) {
							t.Errorf("%s zh: stage %s says %q, with no Chinese", kind, s.ID, text)
						}
					}
				}
			}
		}
	}
	zh, _ := Stages("ws", "zh")
	en, _ := Stages("ws", "en")
	if zh[0].Sends == en[0].Sends {
		t.Errorf("the Chinese description is the English one: %q", zh[0].Sends)
	}
}

func TestLangFromEnv(t *testing.T) {
	for _, tt := range []struct{ lcAll, lang, want string }{
		{"", "zh_CN.UTF-8", "zh"},
		{"", "en_US.UTF-8", "en"},
		{"C", "zh_CN.UTF-8", "en"},
		{"zh_TW", "", "zh"},
		{"", "", "en"},
	} {
		t.Setenv("LC_ALL", tt.lcAll)
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", tt.lang)
		if got := LangFromEnv(); got != tt.want {
			t.Errorf("LC_ALL=%q LANG=%q: got %s, want %s", tt.lcAll, tt.lang, got, tt.want)
		}
	}
}

func ExampleQuote() {
	fmt.Println(Quote([]byte("HTTP/1.1 200 OK\r\n")))
	fmt.Println(Quote([]byte{0x81, 0x02, 'h', 'i'}))
	// Output:
	// "HTTP/1.1 200 OK\r\n"
	// "\x81\x02hi"
}
