package ws

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/internal/cmd/cmdtest"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/websocket"
	"go.uber.org/goleak"
)

func TestNewCmdDialFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    string
		want    DialOptions
		wantErr bool
	}{
		{"url", "ws://127.0.0.1:9998/echo", DialOptions{URL: "ws://127.0.0.1:9998/echo"}, false},
		{"wss", "wss://example.com/", DialOptions{URL: "wss://example.com/"}, false},
		{"subprotocols", "--subprotocol chat --subprotocol superchat ws://a/", DialOptions{URL: "ws://a/", Subprotocols: []string{"chat", "superchat"}}, false},
		{"origin", "--origin null ws://a/", DialOptions{URL: "ws://a/", Origin: "null"}, false},
		{"json", "--json ws://a/", DialOptions{URL: "ws://a/", JSON: true}, false},
		{"compress", "--compress ws://a/", DialOptions{URL: "ws://a/", Compress: true}, false},
		{"no URL", "", DialOptions{}, true},
		{"two URLs", "ws://a/ ws://b/", DialOptions{}, true},
		{"http scheme", "http://a/", DialOptions{}, true},
		{"no scheme", "127.0.0.1:9998", DialOptions{}, true},
		{"fragment", "ws://a/#x", DialOptions{}, true},
		{"bad origin", "--origin http://a/path ws://a/", DialOptions{}, true},
		{"subprotocol list", "--subprotocol a,b ws://a/", DialOptions{}, true},
	}
	for _, tt := range tests {
		ios, _, _, _ := iostreams.Test()
		var got *DialOptions
		err := cmdtest.Execute(NewCmdDial(ios, func(o *DialOptions) error { got = o; return nil }), tt.args)
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: got error %v, want error %v", tt.name, err, tt.wantErr)
			continue
		}
		if tt.wantErr {
			continue
		}
		if got.IO != ios || got.URL != tt.want.URL || got.Origin != tt.want.Origin || got.JSON != tt.want.JSON ||
			strings.Join(got.Subprotocols, " ") != strings.Join(tt.want.Subprotocols, " ") {
			t.Errorf("%s: got %+v, want %+v", tt.name, *got, tt.want)
		}
	}
}

func TestParseWSURL(t *testing.T) {
	tests := []struct {
		in                 string
		addr, host, target string
		secure             bool
		wantErr            string
	}{
		{in: "ws://localhost:9998/echo", addr: "localhost:9998", host: "localhost:9998", target: "/echo"},
		{in: "ws://example.com", addr: "example.com:80", host: "example.com", target: "/"},
		{in: "wss://example.com/chat?room=1", addr: "example.com:443", host: "example.com", target: "/chat?room=1", secure: true},
		{in: "ws://[::1]:9998/", addr: "[::1]:9998", host: "[::1]:9998", target: "/"},
		{in: "http://example.com/", wantErr: `scheme "http" is not ws or wss (RFC 6455 §3)`},
		{in: "ws://example.com/#top", wantErr: "has a fragment, which a WebSocket URI must not (RFC 6455 §3)"},
		{in: "ws:///echo", wantErr: "has no host"},
	}
	for _, tt := range tests {
		u, err := parseWSURL(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: got %v, want an error containing %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || u.addr != tt.addr || u.host != tt.host || u.target != tt.target || u.secure != tt.secure {
			t.Errorf("%s: got %+v, %v; want %s %s %s %v", tt.in, u, err, tt.addr, tt.host, tt.target, tt.secure)
		}
	}
}

func TestParseCloseArgs(t *testing.T) {
	tests := []struct {
		in      string
		code    websocket.CloseCode
		reason  string
		wantErr string
	}{
		{"", 1000, "", ""},
		{" 4000", 4000, "", ""},
		{" 4000 bye now", 4000, "bye now", ""},
		{" 1005", 0, "", "code 1005 may not be sent"},
		{" abc", 0, "", `"abc" is not a close code`},
		{" 1000 " + strings.Repeat("x", 124), 0, "", "at most 123 bytes"},
	}
	for _, tt := range tests {
		code, reason, err := parseCloseArgs(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: got %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || code != tt.code || reason != tt.reason {
			t.Errorf("%q: got %v %q %v, want %v %q", tt.in, code, reason, err, tt.code, tt.reason)
		}
	}
}

// testEchoServer runs an httpcore server that upgrades with u and echoes
// each message whole; after a message "bye" it closes with 4001. It returns
// the address and a function that stops the server.
func testEchoServer(t *testing.T, u *websocket.Upgrader) (string, func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httpcore.Server{Handler: httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		c, err := u.Upgrade(w, r)
		if err != nil {
			return
		}
		defer c.CloseNow()
		for {
			mt, p, err := c.ReadMessage()
			if err != nil {
				return
			}
			if string(p) == "bye" {
				c.Close(4001, "server says bye")
				return
			}
			if err := c.WriteMessage(mt, p); err != nil {
				return
			}
		}
	})}
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	return ln.Addr().String(), func() { srv.Close(); <-done }
}

// runDialWith runs dial with stdin and returns stdout, stderr and its error.
func runDialWith(t *testing.T, opts DialOptions, stdin string) (string, string, error) {
	t.Helper()
	ios, in, out, errOut := iostreams.Test()
	in.WriteString(stdin)
	opts.IO = ios
	err := runDial(context.Background(), &opts)
	return out.String(), errOut.String(), err
}

func TestRunDial(t *testing.T) {
	defer goleak.VerifyNone(t)
	addr, stop := testEchoServer(t, &websocket.Upgrader{Subprotocols: []string{"chat"}})
	defer stop()
	out, notes, err := runDialWith(t, DialOptions{URL: "ws://" + addr + "/echo", Subprotocols: []string{"superchat", "chat"}},
		"hello\n/ping x\n/binary 00 ff 10\n//slash\n/close 4000 bye\nnot sent\n")
	if err != nil {
		t.Fatalf("runDial: %v\n%s%s", err, out, notes)
	}
	got := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	// The handshake, exactly as sent and received.
	inOrder(t, got,
		"> GET /echo HTTP/1.1",
		"> Host: "+addr,
		"> Upgrade: websocket",
		"> Connection: Upgrade",
		"> Sec-WebSocket-Key: ",
		"> Sec-WebSocket-Version: 13",
		"> Sec-WebSocket-Protocol: superchat, chat",
		">",
		"< HTTP/1.1 101 Switching Protocols",
		"< Upgrade: websocket",
		"< Connection: Upgrade",
		"< Sec-WebSocket-Accept: ",
		"< Sec-WebSocket-Protocol: chat",
		"<",
	)
	// Each line of input, in order; each echo after what it echoes.
	inOrder(t, got,
		"send text fin=1 len=5 masked key=",
		`send ping fin=1 len=1 masked key=`,
		"send binary fin=1 len=3 masked key=",
		"send text fin=1 len=6 masked key=",
		`send close fin=1 len=5 masked key=`,
	)
	inOrder(t, got, "send text fin=1 len=5 masked", "recv text fin=1 len=5", `message text 5 bytes: "hello"`,
		"recv pong fin=1 len=1 payload=\"x\"", "recv binary fin=1 len=3", "message binary 3 bytes: 00ff10",
		"recv text fin=1 len=6", `message text 6 bytes: "/slash"`, "recv close fin=1 len=2 code=4000", "closed: code 4000")
	for _, l := range got {
		if strings.HasPrefix(l, "send ping") && !strings.HasSuffix(l, `payload="x"`) ||
			strings.HasPrefix(l, "send close") && !strings.HasSuffix(l, `code=4000 reason="bye"`) {
			t.Errorf("got %q", l)
		}
		if strings.Contains(l, "not sent") {
			t.Errorf("a line after /close was sent: %q", l)
		}
	}
	if last := got[len(got)-1]; last != "closed: code 4000" {
		t.Errorf("last line: got %q", last)
	}
	if !strings.Contains(notes, "* connected to "+addr) {
		t.Errorf("stderr: got %q", notes)
	}
}

func TestRunDialEOFClosesNormally(t *testing.T) {
	defer goleak.VerifyNone(t)
	addr, stop := testEchoServer(t, &websocket.Upgrader{})
	defer stop()
	out, notes, err := runDialWith(t, DialOptions{URL: "ws://" + addr + "/"}, "one\ntwo")
	if err != nil {
		t.Fatalf("runDial: %v\n%s%s", err, out, notes)
	}
	got := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	inOrder(t, got, `message text 3 bytes: "one"`, `message text 3 bytes: "two"`, "recv close fin=1 len=2 code=1000 (normal closure)", "closed: code 1000 (normal closure)")
	inOrder(t, got, "send text fin=1 len=3", "send text fin=1 len=3", "send close fin=1 len=2 masked key=", "recv close fin=1 len=2 code=1000 (normal closure)")
	if !strings.Contains(notes, "* end of input: closing with 1000 (normal closure)") {
		t.Errorf("stderr: got %q", notes)
	}
}

func TestRunDialBadLines(t *testing.T) {
	defer goleak.VerifyNone(t)
	addr, stop := testEchoServer(t, &websocket.Upgrader{})
	defer stop()
	out, notes, err := runDialWith(t, DialOptions{URL: "ws://" + addr + "/"},
		"/close 1005\n/binary 0g\n/frobnicate\n/ping "+strings.Repeat("x", 126)+"\n\xff\nok\n")
	if err != nil {
		t.Fatalf("runDial: %v\n%s%s", err, out, notes)
	}
	for _, want := range []string{
		"* /close: code 1005 may not be sent: use 1000-1003, 1007-1011 or 3000-4999 (RFC 6455 §7.4.1)",
		`* hex group "0g": "0g" is not a hex byte`,
		`* unknown command "/frobnicate"`,
		"* /ping: 126 bytes of data; a control frame carries at most 125 (RFC 6455 §5.5)",
		`* line "\xff" is not valid UTF-8, which a text message must be (RFC 6455 §5.6); send it with /binary`,
	} {
		if !strings.Contains(notes, want) {
			t.Errorf("stderr: no %q in\n%s", want, notes)
		}
	}
	inOrder(t, strings.Split(out, "\n"), `message text 2 bytes: "ok"`, "closed: code 1000")
}

func TestRunDialServerCloses(t *testing.T) {
	defer goleak.VerifyNone(t)
	addr, stop := testEchoServer(t, &websocket.Upgrader{})
	defer stop()
	// Standard input stays open: the server's close ends the session.
	pr, pw := io.Pipe()
	defer pw.Close()
	ios, _, out, _ := iostreams.Test()
	ios.In = pr
	go pw.Write([]byte("bye\n"))
	err := runDial(context.Background(), &DialOptions{IO: ios, URL: "ws://" + addr + "/"})
	if err != nil {
		t.Fatalf("runDial: %v\n%s", err, out)
	}
	inOrder(t, strings.Split(out.String(), "\n"),
		`recv close fin=1 len=17 code=4001 reason="server says bye"`,
		"send close fin=1 len=2 masked key=",
		`closed: code 4001, reason "server says bye"`)
}

func TestRunDialRefused(t *testing.T) {
	defer goleak.VerifyNone(t)
	addr, stop := testEchoServer(t, &websocket.Upgrader{}) // same origin only
	defer stop()
	out, _, err := runDialWith(t, DialOptions{URL: "ws://" + addr + "/", Origin: "http://elsewhere.example"}, "")
	var he *websocket.HandshakeError
	if !errors.As(err, &he) || he.Status != 403 {
		t.Fatalf("got %v, want a 403 HandshakeError", err)
	}
	inOrder(t, strings.Split(out, "\n"), "> GET / HTTP/1.1", "> Origin: http://elsewhere.example", "< HTTP/1.1 403 Forbidden", "<", `< 403 Forbidden: websocket: Origin header "http://elsewhere.example" is not allowed`)
}

func TestRunDialJSON(t *testing.T) {
	defer goleak.VerifyNone(t)
	addr, stop := testEchoServer(t, &websocket.Upgrader{})
	defer stop()
	out, notes, err := runDialWith(t, DialOptions{URL: "ws://" + addr + "/", JSON: true}, "hi\n/binary 01\n/close 4000 bye\n")
	if err != nil {
		t.Fatalf("runDial: %v\n%s", err, out)
	}
	if notes != "" {
		t.Errorf("--json: got notes on stderr %q", notes)
	}
	var events []map[string]any
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		events = append(events, v)
	}
	if events[0]["event"] != "handshake" || events[0]["status"] != float64(101) || !strings.HasPrefix(events[0]["request"].(string), "GET / HTTP/1.1\r\n") {
		t.Errorf("first event: got %v", events[0])
	}
	var msgs []string
	for _, e := range events {
		if e["event"] == "message" {
			if d, ok := e["data"].(string); ok {
				msgs = append(msgs, e["type"].(string)+":"+d)
			} else {
				msgs = append(msgs, e["type"].(string)+":"+e["data_hex"].(string))
			}
		}
	}
	if strings.Join(msgs, " ") != "text:hi binary:01" {
		t.Errorf("got messages %q", msgs)
	}
	if last := events[len(events)-1]; last["event"] != "closed" || last["code"] != float64(4000) {
		t.Errorf("last event: got %v", last)
	}
}
