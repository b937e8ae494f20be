package check

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/internal/cmd/cmdtest"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/lessons"
	lcheck "github.com/wirelab/wirelab/lessons/check"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// Checks record the stages passed; keep them out of the user's
	// progress file.
	dir, err := os.MkdirTemp("", "wirelab-check-test")
	if err != nil {
		panic(err)
	}
	os.Setenv(lessons.ProgressEnv, filepath.Join(dir, "progress"))
	goleak.VerifyTestMain(m, goleak.Cleanup(func(int) { os.RemoveAll(dir) }))
}

func TestNewCmdCheckFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    string
		want    Options
		wantErr string
	}{
		{"ws", "ws --addr 127.0.0.1:9001", Options{Kind: "ws", Addr: "127.0.0.1:9001", Timeout: lcheck.DefaultTimeout}, ""},
		{"http and all flags", "http --addr 127.0.0.1:8080 --stage keep-alive --json --lang zh --timeout 2s",
			Options{Kind: "http", Addr: "127.0.0.1:8080", Stage: "keep-alive", JSON: true, Lang: "zh", Timeout: 2 * time.Second}, ""},
		{"bare port", "ws --addr 9001", Options{Kind: "ws", Addr: "127.0.0.1:9001", Timeout: lcheck.DefaultTimeout}, ""},
		{"url", "ws --addr ws://localhost:9001/chat", Options{Kind: "ws", Addr: "localhost:9001", Timeout: lcheck.DefaultTimeout}, ""},
		{"no addr: the starters' port", "ws", Options{Kind: "ws", Addr: "127.0.0.1:9001", Timeout: lcheck.DefaultTimeout}, ""},
		{"no addr, http", "http", Options{Kind: "http", Addr: "127.0.0.1:8080", Timeout: lcheck.DefaultTimeout}, ""},
		{"bad addr", "http --addr localhost", Options{}, "want HOST:PORT"},
		{"unknown ws stage", "ws --addr 1 --stage echo", Options{},
			`ws has no stage "echo"; the stages are: tcp, handshake, accept-key, echo-text, server-unmasked, length-16, length-64, coalesced-frames, split-frame, fragmented, ping-pong, close`},
		{"http stage given to ws", "ws --addr 1 --stage chunked", Options{}, `ws has no stage "chunked"`},
		{"unknown http stage", "http --addr 1 --stage close", Options{}, "the stages are: tcp, route, headers, body, keep-alive, split, chunked, head, errors, concurrent"},
		{"bad lang", "ws --addr 1 --lang fr", Options{}, `--lang "fr": want en or zh`},
		{"bad timeout", "ws --addr 1 --timeout 0s", Options{}, "want a positive duration"},
		{"argument", "ws 127.0.0.1:9001", Options{}, `unexpected argument "127.0.0.1:9001": give the address with --addr, as in --addr 127.0.0.1:9001`},
		{"watch on Enter", "ws --watch", Options{Kind: "ws", Addr: "127.0.0.1:9001", Timeout: lcheck.DefaultTimeout, Watch: true}, ""},
		{"watch a folder", "http --watch --run ./server --addr 8081 .", Options{Kind: "http", Addr: "127.0.0.1:8081", Timeout: lcheck.DefaultTimeout, Watch: true, Run: "./server", Dir: "."}, ""},
		{"watch, folder by default", "http --watch --run x", Options{Kind: "http", Addr: "127.0.0.1:8080", Timeout: lcheck.DefaultTimeout, Watch: true, Run: "x", Dir: "."}, ""},
		{"run without watch", "http --run x", Options{}, `--run "x" needs --watch`},
		{"folder without run", "http --watch .", Options{}, `folder "." given without --run`},
		{"folder without watch", "http .", Options{}, `unexpected argument "."`},
		{"two folders", "http --watch --run x . .", Options{}, `unexpected argument ".": --watch takes one folder`},
		{"no such folder", "http --watch --run x no-such-folder", Options{}, `folder "no-such-folder"`},
		{"watch and json", "ws --watch --json", Options{}, "--watch and --json do not go together"},
	}
	for _, tt := range tests {
		ios, _, _, _ := iostreams.Test()
		var got *Options
		err := cmdtest.Execute(NewCmdCheck(ios, func(o *Options) error { got = o; return nil }), tt.args)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: got error %v, want %q", tt.name, err, tt.wantErr)
			}
			if got != nil {
				t.Errorf("%s: runF ran with %+v", tt.name, *got)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		tt.want.IO = ios
		if *got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, *got, tt.want)
		}
	}
}

func TestHelpShowsTheContract(t *testing.T) {
	for kind, want := range map[string][]string{
		"ws":   {"echo", "accept-key", "coalesced-frames", "RFC 6455 §5.1", "--stage ID runs the stages in order up to and including ID"},
		"http": {"POST /echo", "404", "keep-alive", "RFC 9112 §9.3", `"skipped":true`},
	} {
		ios, _, _, _ := iostreams.Test()
		cmd := NewCmdCheck(ios, nil)
		sub, _, err := cmd.Find([]string{kind})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(sub.Long, w) {
				t.Errorf("%s --help lacks %q:\n%s", kind, w, sub.Long)
			}
		}
	}
}

// httpServer keeps the HTTP track's contract (see lessons/check): GET / is
// 200, /headers echoes X-Wirelab-Echo, POST /echo echoes the body, HEAD has
// no body, other paths are 404, and requests the engine rejects get its
// status (400, 505). When closeAll is set it closes the connection after
// every response.
func httpServer(t *testing.T, closeAll bool) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	conns := map[net.Conn]bool{}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns[c] = true
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					r, err := httpcore.ReadRequest(br)
					if err != nil {
						if code := httpcore.StatusOf(err); code >= 400 {
							fmt.Fprintf(c, "HTTP/1.1 %d %s\r\nContent-Length: 0\r\n\r\n", code, httpcore.StatusText(code))
						}
						return
					}
					body, _ := io.ReadAll(r.Body)
					code, field := 200, ""
					switch r.Path() {
					case "/":
						body = []byte("hello\n")
					case "/headers":
						field = "X-Wirelab-Echo: " + r.Header.Get("X-Wirelab-Echo") + "\r\n"
					case "/echo":
					default:
						code, body = 404, nil
					}
					fmt.Fprintf(c, "HTTP/1.1 %d %s\r\n%sContent-Length: %d\r\n\r\n", code, httpcore.StatusText(code), field, len(body))
					if r.Method != "HEAD" {
						c.Write(body)
					}
					if closeAll {
						return
					}
				}
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}

func TestRunCheckPasses(t *testing.T) {
	addr := httpServer(t, false)
	ios, _, out, _ := iostreams.Test()
	err := runCheck(context.Background(), &Options{IO: ios, Kind: "http", Addr: addr, Lang: "en", Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"wirelab check http " + addr, "PASS tcp", "PASS chunked", "PASS concurrent", "all 10 stages passed."} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestRunCheckFailsWithTheEvidence(t *testing.T) {
	addr := httpServer(t, true)
	ios, _, out, _ := iostreams.Test()
	err := runCheck(context.Background(), &Options{IO: ios, Kind: "http", Addr: addr, Lang: "zh", Timeout: 2 * time.Second})
	if !errors.Is(err, ErrFailed) || !strings.Contains(err.Error(), "阶段 keep-alive 未通过") {
		t.Errorf("error %v", err)
	}
	for _, want := range []string{"未通过 keep-alive", "跳过   chunked", "未运行", `"HTTP/1.1 200 OK\r\n"`, "^", "规则：RFC 9112 §9.3", "提示：", "10 个阶段中通过 4 个；keep-alive 未通过。"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestRunCheckJSON(t *testing.T) {
	addr := httpServer(t, true)
	ios, _, out, _ := iostreams.Test()
	err := runCheck(context.Background(), &Options{IO: ios, Kind: "http", Addr: addr, Lang: "en", JSON: true, Timeout: 2 * time.Second})
	if !errors.Is(err, ErrFailed) {
		t.Errorf("error %v", err)
	}
	var v struct {
		Passed *bool `json:"passed"`
		Stages []struct {
			ID      *string `json:"id"`
			Passed  *bool   `json:"passed"`
			Message *string `json:"message"`
			Skipped bool    `json:"skipped"`
			Section string  `json:"section"`
			Hint    string  `json:"hint"`
		} `json:"stages"`
	}
	if err := json.Unmarshal(out.Bytes(), &v); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if v.Passed == nil || *v.Passed || len(v.Stages) != 10 {
		t.Fatalf("%s", out)
	}
	for i, s := range v.Stages {
		if s.ID == nil || s.Passed == nil || s.Message == nil {
			t.Fatalf("stage %d lacks a key:\n%s", i, out)
		}
		wantPass := i < 4
		if *s.Passed != wantPass || s.Skipped != (i > 4) {
			t.Errorf("stage %s: passed %v skipped %v", *s.ID, *s.Passed, s.Skipped)
		}
	}
	if f := v.Stages[4]; *f.ID != "keep-alive" || f.Section != "RFC 9112 §9.3" || f.Hint == "" {
		t.Errorf("the failed stage: %+v", f)
	}
	if s := v.Stages[5]; *s.Message != "not run: an earlier stage failed" {
		t.Errorf("the skipped stage: %q", *s.Message)
	}
}

func TestRunCheckUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, port, _ := net.SplitHostPort(addr)
	ios, _, out, _ := iostreams.Test()
	// Through the command, as a learner types it.
	err = cmdtest.ExecuteArgs(NewCmdCheck(ios, nil), "ws", "--addr", addr, "--lang", "en")
	if !errors.Is(err, ErrFailed) || !strings.Contains(err.Error(), "stage tcp failed") {
		t.Errorf("error %v", err)
	}
	for _, want := range []string{"FAIL tcp", "connection refused", "Is your server running? Is it listening on port " + port, "SKIP close"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
