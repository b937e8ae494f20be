package postmessage

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wirelab/wirelab/internal/cmd/cmdtest"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/postmessage"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestNewCmdServeFlags(t *testing.T) {
	def := ServeOptions{Parent: "127.0.0.1:8401", Frame: "127.0.0.2:8402", Attacker: "127.0.0.3:8403"}
	tests := []struct {
		name    string
		args    string
		want    ServeOptions
		wantErr bool
	}{
		{"defaults", "", def, false},
		{"addresses", "--parent 127.0.0.1:0 --frame 127.0.0.1:0 --attacker 127.0.0.1:0",
			ServeOptions{Parent: "127.0.0.1:0", Frame: "127.0.0.1:0", Attacker: "127.0.0.1:0"}, false},
		{"json", "--json", ServeOptions{Parent: def.Parent, Frame: def.Frame, Attacker: def.Attacker, JSON: true}, false},
		{"quiet", "-q", ServeOptions{Parent: def.Parent, Frame: def.Frame, Attacker: def.Attacker, Quiet: true}, false},
		{"no arguments", "extra", ServeOptions{}, true},
		{"unknown flag", "--origin x", ServeOptions{}, true},
	}
	for _, tt := range tests {
		ios, _, _, _ := iostreams.Test()
		var got *ServeOptions
		err := cmdtest.Execute(NewCmdServe(ios, func(o *ServeOptions) error { got = o; return nil }), tt.args)
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

// syncBuffer is a bytes.Buffer that runServe's goroutines and the test may
// use at once; changed is signalled on every write, so the test waits for
// output instead of sleeping.
type syncBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{}
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{changed: make(chan struct{}, 1)} }

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case s.changed <- struct{}{}:
	default:
	}
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor waits until the output satisfies ok.
func (s *syncBuffer) waitFor(t *testing.T, what string, ok func(string) bool) string {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		if out := s.String(); ok(out) {
			return out
		}
		select {
		case <-s.changed:
		case <-deadline:
			t.Fatalf("no %s within 10s; output so far:\n%s", what, s.String())
		}
	}
}

// run starts runServe with opts on fresh buffers and returns them and a
// stop function that returns runServe's error.
func run(t *testing.T, opts ServeOptions) (out, errOut *syncBuffer, stop func() error) {
	t.Helper()
	out, errOut = newSyncBuffer(), newSyncBuffer()
	opts.IO = &iostreams.IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- runServe(ctx, &opts) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() { cancel(); err = <-errc })
		return err
	}
	t.Cleanup(func() { stop() })
	return out, errOut, stop
}

var anyPort = ServeOptions{Parent: "127.0.0.1:0", Frame: "127.0.0.1:0", Attacker: "127.0.0.1:0"}

func TestRunServeJSON(t *testing.T) {
	opts := anyPort
	opts.JSON = true
	out, errOut, stop := run(t, opts)
	text := out.waitFor(t, "JSON summary", func(s string) bool { return strings.HasSuffix(s, "}\n") })
	var s Summary
	if err := json.Unmarshal([]byte(text), &s); err != nil {
		t.Fatalf("%v in %s", err, text)
	}
	frameOrigin := strings.TrimSuffix(s.Frame, postmessage.FramePath)
	parentOrigin := strings.TrimSuffix(s.Parent, "/")
	if len(s.ParentAccepts) != 1 || s.ParentAccepts[0] != frameOrigin {
		t.Errorf("parentAccepts %q, want [%q]", s.ParentAccepts, frameOrigin)
	}
	if len(s.FrameAccepts) != 1 || s.FrameAccepts[0] != parentOrigin {
		t.Errorf("frameAccepts %q, want [%q]", s.FrameAccepts, parentOrigin)
	}
	if want := "ws" + strings.TrimPrefix(frameOrigin, "http") + postmessage.SocketPath; s.WebSocket != want {
		t.Errorf("webSocket %q, want %q", s.WebSocket, want)
	}
	// The URLs it printed are served.
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for _, u := range []string{s.Parent, s.Frame, s.Attacker} {
		resp, err := c.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET %s: %d", u, resp.StatusCode)
		}
	}
	errOut.waitFor(t, "log of the pages served", func(s string) bool { return strings.Count(s, "page ") >= 3 })
	if err := stop(); err != nil {
		t.Errorf("runServe: %v", err)
	}
	if got := errOut.String(); !strings.HasSuffix(got, "stopped\n") {
		t.Errorf("log ends %q, want stopped", got)
	}
}

func TestRunServeText(t *testing.T) {
	opts := anyPort
	opts.Quiet = true
	out, errOut, stop := run(t, opts)
	text := out.waitFor(t, "summary", func(s string) bool { return strings.Contains(s, "the vulnerable receiver accepts") })
	for _, want := range []string{"1. parent    http://127.0.0.1:", "2. attacker  http://127.0.0.1:", "/frame", "the WebSocket accepts the Origin"} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
	if err := stop(); err != nil {
		t.Errorf("runServe: %v", err)
	}
	if strings.Contains(errOut.String(), "page ") {
		t.Errorf("--quiet still logged pages:\n%s", errOut.String())
	}
}

func TestRunServeListenError(t *testing.T) {
	// The frame cannot listen where the parent already does.
	opts := ServeOptions{Parent: "127.0.0.1:0", Frame: "127.0.0.1:0", Attacker: "127.0.0.1:0"}
	out, _, stop := run(t, anyPort)
	text := out.waitFor(t, "summary", func(s string) bool { return strings.Contains(s, "the vulnerable receiver accepts") })
	busy := strings.TrimPrefix(strings.Fields(text[strings.Index(text, "1. parent"):])[2], "http://")
	busy = strings.TrimSuffix(busy, "/")
	opts.Frame = busy
	ios, _, _, _ := iostreams.Test()
	opts.IO = ios
	err := runServe(context.Background(), &opts)
	if err == nil || !strings.Contains(err.Error(), "listen for the frame origin on \""+busy+"\"") {
		t.Errorf("got %v, want a listen error naming the frame origin and %s", err, busy)
	}
	stop()
}
