package ws

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/internal/cmd/cmdtest"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/websocket"
	"go.uber.org/goleak"
)

func TestNewCmdServeFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    string
		want    ServeOptions
		wantErr bool
	}{
		{"defaults", "", ServeOptions{Addr: "127.0.0.1:9998"}, false},
		{"addr", "--addr 127.0.0.1:0", ServeOptions{Addr: "127.0.0.1:0"}, false},
		{"origins", "--origin http://localhost:8000 --origin null", ServeOptions{Addr: "127.0.0.1:9998", Origins: []string{"http://localhost:8000", "null"}}, false},
		{"subprotocols", "--subprotocol chat --subprotocol superchat", ServeOptions{Addr: "127.0.0.1:9998", Subprotocols: []string{"chat", "superchat"}}, false},
		{"quiet", "--quiet", ServeOptions{Addr: "127.0.0.1:9998", Quiet: true}, false},
		{"q", "-q --addr 127.0.0.1:0", ServeOptions{Addr: "127.0.0.1:0", Quiet: true}, false},
		{"compress", "--compress", ServeOptions{Addr: "127.0.0.1:9998", Compress: true}, false},
		{"origin with a path", "--origin http://localhost:8000/page", ServeOptions{}, true},
		{"origin without scheme", "--origin localhost", ServeOptions{}, true},
		{"subprotocol list", "--subprotocol chat,superchat", ServeOptions{}, true},
		{"no arguments", "extra", ServeOptions{}, true},
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
		if got.IO != ios || got.Addr != tt.want.Addr || got.Quiet != tt.want.Quiet ||
			strings.Join(got.Origins, " ") != strings.Join(tt.want.Origins, " ") ||
			strings.Join(got.Subprotocols, " ") != strings.Join(tt.want.Subprotocols, " ") {
			t.Errorf("%s: got %+v, want %+v", tt.name, *got, tt.want)
		}
	}
}

// startServe runs runServe on 127.0.0.1:0 and returns the address it
// announced, its log, and a function that stops it and returns its error.
func startServe(t *testing.T, opts ServeOptions) (addr string, log *cmdtest.Lines, stop func() error) {
	t.Helper()
	opts.Addr = "127.0.0.1:0"
	log, stop = cmdtest.Serve(t, func(ctx context.Context, ios *iostreams.IOStreams) error {
		opts.IO = ios
		return runServe(ctx, &opts)
	})
	addr = log.Listening(t, "ws")
	if got := log.Next(t); !strings.HasPrefix(got, "echoing on every path") {
		t.Errorf("second line: got %q", got)
	}
	return addr, log, stop
}

// dial opens a client connection whose frames are recorded.
func dial(t *testing.T, url string, d websocket.Dialer) (*websocket.Conn, *frameLog) {
	t.Helper()
	c, _, err := d.Dial(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	fl := &frameLog{}
	c.SetFrameHook(fl.add)
	return c, fl
}

// frameLog records the frames a client sees.
type frameLog struct {
	mu     sync.Mutex
	frames []string
}

func (f *frameLog) add(e websocket.FrameEvent) {
	f.mu.Lock()
	f.frames = append(f.frames, frameLine(e))
	f.mu.Unlock()
}

func (f *frameLog) lines() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.frames...)
}

func TestRunServeEchoes(t *testing.T) {
	defer goleak.VerifyNone(t)
	addr, log, stop := startServe(t, ServeOptions{})
	c, fl := dial(t, "ws://"+addr+"/echo", websocket.Dialer{})
	local := c.LocalAddr().String()
	var pongs []string
	c.SetPongHandler(func(p []byte) { pongs = append(pongs, string(p)) })

	big := bytes.Repeat([]byte("0123456789"), 7000) // 70000 bytes: a 64-bit length
	for _, m := range []struct {
		mt websocket.MessageType
		p  []byte
	}{
		{websocket.TextMessage, []byte("hello")},
		{websocket.BinaryMessage, []byte{0, 1, 2, 0xff}},
		{websocket.BinaryMessage, big},
		{websocket.TextMessage, nil},
	} {
		if err := c.WriteMessage(m.mt, m.p); err != nil {
			t.Fatal(err)
		}
		mt, p, err := c.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		if mt != m.mt || !bytes.Equal(p, m.p) {
			t.Errorf("got a %v message of %d bytes, want the %v message of %d bytes back", mt, len(p), m.mt, len(m.p))
		}
	}
	// The pong comes before the echo of a message sent after the ping.
	if err := c.Ping([]byte("x")); err != nil {
		t.Fatal(err)
	}
	c.WriteMessage(websocket.TextMessage, []byte("after ping"))
	if _, p, err := c.ReadMessage(); err != nil || string(p) != "after ping" {
		t.Fatalf("got %q, %v", p, err)
	}
	if len(pongs) != 1 || pongs[0] != "x" {
		t.Errorf("got pongs %q, want [\"x\"]", pongs)
	}
	// The server echoes the close code.
	if err := c.Close(4000, "bye"); err != nil {
		t.Fatal(err)
	}
	inOrder(t, fl.lines(), "send close fin=1 len=5 masked key=", "recv close fin=1 len=2 code=4000")

	got := log.Until(t, "#1 closed:")
	inOrder(t, got,
		"#1 GET /echo HTTP/1.1",
		"#1   Host: "+addr,
		"#1   Upgrade: websocket",
		"#1   Connection: Upgrade",
		"#1   Sec-WebSocket-Key: ",
		"#1   Sec-WebSocket-Version: 13",
		"#1 101 Switching Protocols: connected to "+local+"; no Origin header (not a browser)",
		"#1 recv text fin=1 len=5 masked key=",
		`#1 message text 5 bytes: "hello"`,
		"#1 send text fin=1 len=5",
		"#1 recv binary fin=1 len=4 masked key=",
		"#1 message binary 4 bytes: 000102ff",
		"#1 send binary fin=1 len=4",
		"#1 recv binary fin=1 len=70000 masked key=",
		"#1 send binary fin=1 len=70000",
		"#1 recv text fin=1 len=0 masked key=",
		"#1 send text fin=1 len=0",
		`#1 recv ping fin=1 len=1 masked key=`,
		`#1 send pong fin=1 len=1 payload="x"`,
		`#1 recv close fin=1 len=5 masked key=`,
		`#1 send close fin=1 len=2 code=4000`,
		`#1 closed: code 4000, reason "bye"`,
	)
	for _, l := range got {
		if strings.HasPrefix(l, "#1 recv ping") && !strings.HasSuffix(l, `payload="x"`) {
			t.Errorf("got %q, want the ping's payload", l)
		}
	}
	if err := stop(); err != nil {
		t.Errorf("runServe: %v", err)
	}
	inOrder(t, log.Until(t, "stopped"), "shutting down: sent close 1001 (going away) to 0 connections", "stopped")
}

// TestRunServeCompress: with --compress the server accepts
// permessage-deflate and echoes a compressed message compressed.
func TestRunServeCompress(t *testing.T) {
	defer goleak.VerifyNone(t)
	addr, _, stop := startServe(t, ServeOptions{Compress: true})
	defer stop()
	c, _ := dial(t, "ws://"+addr+"/echo", websocket.Dialer{Compression: compression(true)})
	defer c.CloseNow()
	if !strings.Contains(c.Extensions(), "permessage-deflate") {
		t.Fatalf("negotiated %q, want permessage-deflate", c.Extensions())
	}
	msg := bytes.Repeat([]byte(`{"user":"ada","text":"hello"} `), 100)
	if err := c.WriteMessage(websocket.TextMessage, msg); err != nil {
		t.Fatal(err)
	}
	if _, got, err := c.ReadMessage(); err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("echo: %d bytes, %v", len(got), err)
	}
	if err := c.Close(websocket.CloseNormal, ""); err != nil {
		t.Fatal(err)
	}
}

func TestRunServeQuiet(t *testing.T) {
	defer goleak.VerifyNone(t)
	addr, log, stop := startServe(t, ServeOptions{Quiet: true})
	c, _ := dial(t, "ws://"+addr+"/", websocket.Dialer{})
	c.WriteMessage(websocket.TextMessage, []byte("hi"))
	if _, p, err := c.ReadMessage(); err != nil || string(p) != "hi" {
		t.Fatalf("got %q, %v", p, err)
	}
	c.Close(websocket.CloseNormal, "")
	if err := stop(); err != nil {
		t.Errorf("runServe: %v", err)
	}
	got := log.Until(t, "stopped")
	if len(got) != 2 || !strings.HasPrefix(got[0], "shutting down") {
		t.Errorf("--quiet: got log lines\n%s\nwant only the shutdown and stopped lines", strings.Join(got, "\n"))
	}
}

func TestRunServeOrigins(t *testing.T) {
	defer goleak.VerifyNone(t)
	origin := func(o string) websocket.Dialer {
		var d websocket.Dialer
		d.Header.Add("Origin", o)
		return d
	}

	// By default, any Origin: "null" from a page opened from disk too.
	addr, log, stop := startServe(t, ServeOptions{})
	defer stop()
	c, _ := dial(t, "ws://"+addr+"/echo", origin("null"))
	c.Close(websocket.CloseNormal, "")
	inOrder(t, log.Until(t, "#1 closed:"), "#1   Origin: null", `#1 101 Switching Protocols: connected to `+c.LocalAddr().String()+`; Origin "null" accepted (any is, by default)`)
	c, _ = dial(t, "ws://"+addr+"/echo", origin("http://elsewhere.example:8000"))
	c.Close(websocket.CloseNormal, "")
	inOrder(t, log.Until(t, "#2 closed:"), `#2 101 Switching Protocols: connected to `+c.LocalAddr().String()+`; Origin "http://elsewhere.example:8000" accepted (any is, by default)`)
	stop()

	// --origin: the list and the server's own; everything else gets 403.
	addr, log, stop2 := startServe(t, ServeOptions{Origins: []string{"http://localhost:8000"}})
	defer stop2()
	for _, o := range []string{"http://localhost:8000", "http://" + addr} {
		c, _ := dial(t, "ws://"+addr+"/", origin(o))
		c.Close(websocket.CloseNormal, "")
	}
	for i, o := range []string{"http://elsewhere.example:8000", "null"} {
		d := origin(o)
		_, resp, err := d.Dial(context.Background(), "ws://"+addr+"/")
		var he *websocket.HandshakeError
		if !errors.As(err, &he) || resp == nil || resp.StatusCode != 403 {
			t.Errorf("Origin %s: got %v, want 403", o, err)
			continue
		}
		want := "#" + strconv.Itoa(3+i) + " refused: 403 Forbidden: websocket: Origin header " + `"` + o + `"`
		inOrder(t, log.Until(t, want), want)
	}
	// "null" in the list admits pages opened from disk.
	addr, _, stop3 := startServe(t, ServeOptions{Origins: []string{"null"}})
	defer stop3()
	c, _ = dial(t, "ws://"+addr+"/", origin("null"))
	c.Close(websocket.CloseNormal, "")
}

func TestRunServePlainHTTP(t *testing.T) {
	defer goleak.VerifyNone(t)
	addr, log, stop := startServe(t, ServeOptions{})
	defer stop()
	cc, err := httpcore.Dial(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	resp, err := cc.Do(&httpcore.Request{Target: "/"})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" ||
		!bytes.Contains(body, []byte("new WebSocket(")) || !bytes.Contains(body, []byte(`"/echo"`)) {
		t.Errorf("GET /: got %d %q and %d bytes, want the echo page", resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
	}
	if bytes.Contains(body, []byte("https://")) || bytes.Contains(body, []byte("<script src")) {
		t.Errorf("the page loads something from the network")
	}
	if got := log.Next(t); got != "http GET / HTTP/1.1: 200, the echo page" {
		t.Errorf("got log %q", got)
	}
	resp, err = cc.Do(&httpcore.Request{Target: "/echo"})
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	if resp.StatusCode != 426 || resp.Header.Get("Upgrade") != "websocket" || !bytes.Contains(body, []byte("ws://"+addr+"/echo")) {
		t.Errorf("GET /echo without Upgrade: got %d, Upgrade %q, %q; want 426 naming the ws:// URL", resp.StatusCode, resp.Header.Get("Upgrade"), body)
	}

	// A malformed handshake gets the Upgrader's precise answer.
	req := &httpcore.Request{Target: "/echo"}
	req.Header.Add("Upgrade", "websocket")
	req.Header.Add("Connection", "Upgrade")
	req.Header.Add("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	req.Header.Add("Sec-WebSocket-Version", "8")
	resp, err = cc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != 426 || resp.Header.Get("Sec-WebSocket-Version") != "13" {
		t.Errorf("version 8: got %d, Sec-WebSocket-Version %q; want 426 and 13", resp.StatusCode, resp.Header.Get("Sec-WebSocket-Version"))
	}
}

// TestRunServeLargeMessageBeforeReading sends 16 MiB before reading
// anything: an echo that streamed would block writing the echo while the
// client still writes, and neither would move.
func TestRunServeLargeMessageBeforeReading(t *testing.T) {
	defer goleak.VerifyNone(t)
	addr, _, stop := startServe(t, ServeOptions{Quiet: true})
	defer stop()
	c, _ := dial(t, "ws://"+addr+"/", websocket.Dialer{})
	defer c.CloseNow()
	big := bytes.Repeat([]byte{0xa5}, 16<<20)
	if err := c.WriteMessage(websocket.BinaryMessage, big); err != nil {
		t.Fatal(err)
	}
	mt, p, err := c.ReadMessage()
	if err != nil || mt != websocket.BinaryMessage || !bytes.Equal(p, big) {
		t.Fatalf("got %v message of %d bytes, %v", mt, len(p), err)
	}
	c.Close(websocket.CloseNormal, "")
}

func TestRunServeShutdownSaysGoingAway(t *testing.T) {
	defer goleak.VerifyNone(t)
	addr, log, stop := startServe(t, ServeOptions{})
	c, _ := dial(t, "ws://"+addr+"/", websocket.Dialer{})
	log.Until(t, "#1 101 Switching Protocols")
	readErr := make(chan error, 1)
	go func() {
		_, _, err := c.ReadMessage()
		readErr <- err
	}()
	if err := stop(); err != nil {
		t.Errorf("runServe: %v", err)
	}
	err := <-readErr
	if !websocket.IsCloseError(err, websocket.CloseGoingAway) {
		t.Errorf("the client read %v, want close 1001", err)
	}
	inOrder(t, log.Until(t, "stopped"),
		"shutting down: sent close 1001 (going away) to 1 connection",
		`#1 send close fin=1 len=22 code=1001 (going away) reason="server shutting down"`,
		"#1 recv close fin=1 len=2 masked key=",
		"#1 closed: code 1001 (going away)",
		"stopped")
}

func TestRunServeListenError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ios, _, _, _ := iostreams.Test()
	err = runServe(context.Background(), &ServeOptions{IO: ios, Addr: ln.Addr().String()})
	if err == nil || !strings.Contains(err.Error(), ln.Addr().String()) {
		t.Errorf("got %v, want an error naming %s", err, ln.Addr())
	}
}
