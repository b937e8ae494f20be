package ws

import (
	"bufio"
	"errors"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/wirelab/wirelab/internal/cmd/cmdtest"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/websocket"
	"go.uber.org/goleak"
)

// oneConnectProxy answers one CONNECT with status and, on 200, splices the
// tunnel to the target it names. stop waits for it.
func oneConnectProxy(t *testing.T, status string) (addr string, stop func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		nc, err := ln.Accept()
		if err != nil {
			return
		}
		defer nc.Close()
		br := bufio.NewReader(nc)
		first, _ := br.ReadString('\n')
		for line := first; line != "\r\n"; {
			if line, err = br.ReadString('\n'); err != nil {
				return
			}
		}
		io.WriteString(nc, status+"\r\n\r\n")
		if !strings.Contains(status, " 200 ") {
			return
		}
		up, err := net.Dial("tcp", strings.Fields(first)[1])
		if err != nil {
			return
		}
		defer up.Close()
		go func() { io.Copy(up, br); up.Close() }()
		io.Copy(nc, up)
	}()
	return ln.Addr().String(), func() { ln.Close(); <-done }
}

func TestRunDialProxy(t *testing.T) {
	defer goleak.VerifyNone(t)
	addr, stop := testEchoServer(t, &websocket.Upgrader{})
	defer stop()
	paddr, pstop := oneConnectProxy(t, "HTTP/1.1 200 Connection established")
	defer pstop()
	out, notes, err := runDialWith(t, DialOptions{URL: "ws://" + addr + "/", Proxy: "http://u:p@" + paddr}, "hi\n")
	if err != nil {
		t.Fatalf("runDial: %v\n%s%s", err, out, notes)
	}
	inOrder(t, strings.Split(out, "\n"),
		"> CONNECT "+addr+" HTTP/1.1", "> Host: "+addr, "> Proxy-Authorization: Basic dTpw",
		"< HTTP/1.1 200 Connection established",
		"> GET / HTTP/1.1", "< HTTP/1.1 101 Switching Protocols")
	if !strings.Contains(notes, "asking proxy http://u:xxxxx@"+paddr+" for a tunnel to "+addr) {
		t.Errorf("notes %q lack the proxy line", notes)
	}
}

func TestRunDialProxyRefused(t *testing.T) {
	defer goleak.VerifyNone(t)
	paddr, pstop := oneConnectProxy(t, "HTTP/1.1 403 Forbidden")
	defer pstop()
	out, _, err := runDialWith(t, DialOptions{URL: "ws://127.0.0.1:9/", Proxy: "http://" + paddr}, "")
	var pe *websocket.ProxyError
	if !errors.As(err, &pe) || pe.StatusCode != 403 || !strings.Contains(err.Error(), "proxy http://"+paddr) {
		t.Fatalf("got %v, want a 403 ProxyError naming the proxy", err)
	}
	inOrder(t, strings.Split(out, "\n"), "> CONNECT 127.0.0.1:9 HTTP/1.1", "< HTTP/1.1 403 Forbidden")
}

func TestProxyFlag(t *testing.T) {
	for _, tc := range []struct{ in, err string }{
		{"http://127.0.0.1:8888", ""},
		{"https://proxy.example", ""},
		{"socks5://127.0.0.1:1080", "want an HTTP proxy URL"},
		{"127.0.0.1:8888", "want an HTTP proxy URL"},
	} {
		_, err := parseProxy(tc.in)
		if (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: got %v, want %q", tc.in, err, tc.err)
		}
	}
}

func TestNewCmdDialProxyFlag(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	var got *DialOptions
	run := func(o *DialOptions) error { got = o; return nil }
	if err := cmdtest.Execute(NewCmdDial(ios, run), "--proxy http://u:p@127.0.0.1:8888 ws://a/"); err != nil {
		t.Fatal(err)
	}
	if got.Proxy != "http://u:p@127.0.0.1:8888" {
		t.Errorf("Proxy %q", got.Proxy)
	}
	err := cmdtest.Execute(NewCmdDial(ios, run), "--proxy 127.0.0.1:8888 ws://a/")
	if err == nil || !strings.Contains(err.Error(), "want an HTTP proxy URL") {
		t.Errorf("--proxy without scheme: got %v", err)
	}
}
