package websocket

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The tests against a real proxy run only when WIRELAB_TINYPROXY names a
// tinyproxy binary (Debian package tinyproxy); scripts/proxy installs it and
// sets the variable, so `go test ./...` stays quick and needs nothing.

// tinyproxy starts tinyproxy on 127.0.0.1 with a configuration in a temp
// dir: only 127.0.0.1 may use it, CONNECT may reach connectPorts only
// (with no ConnectPort line tinyproxy tunnels to any port; Debian's
// /etc/tinyproxy/tinyproxy.conf lists 443 and 563), and with auth it wants the
// basic credentials alice:s3cret. It returns the proxy's host:port once
// tinyproxy says it accepts connections.
func tinyproxy(t *testing.T, auth bool, connectPorts ...string) string {
	t.Helper()
	bin := os.Getenv("WIRELAB_TINYPROXY")
	if bin == "" {
		t.Skip("WIRELAB_TINYPROXY is not set: run scripts/proxy, which installs tinyproxy (apt-get install tinyproxy) and sets it")
	}
	var lastErr error
	// tinyproxy cannot listen on port 0, so the port is picked here; a
	// port taken meanwhile makes tinyproxy exit, and we try another.
	for range 3 {
		addr, err := startTinyproxy(t, bin, auth, connectPorts)
		if err == nil {
			return addr
		}
		lastErr = err
	}
	t.Fatalf("tinyproxy did not start: %v", lastErr)
	return ""
}

func startTinyproxy(t *testing.T, bin string, auth bool, connectPorts []string) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, port, _ := net.SplitHostPort(addr)

	dir := t.TempDir()
	var conf strings.Builder
	fmt.Fprintf(&conf, "Port %s\nListen 127.0.0.1\nTimeout 30\nAllow 127.0.0.1\nMaxClients 20\nLogLevel Info\nPidFile %q\n", port, filepath.Join(dir, "pid"))
	for _, p := range connectPorts {
		fmt.Fprintf(&conf, "ConnectPort %s\n", p)
	}
	if auth {
		conf.WriteString("BasicAuth alice s3cret\n")
	}
	cpath := filepath.Join(dir, "tinyproxy.conf")
	if err := os.WriteFile(cpath, []byte(conf.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-d", "-c", cpath)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait for its line "Starting main loop. Accepting connections.", then
	// keep draining its log.
	ready := make(chan bool, 1)
	var log strings.Builder
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		sc := bufio.NewScanner(out)
		said := false
		for sc.Scan() {
			log.WriteString(sc.Text() + "\n")
			if !said && strings.Contains(sc.Text(), "Accepting connections") {
				said = true
				ready <- true
			}
		}
		if !said {
			ready <- false
		}
	}()
	if !<-ready {
		<-drained
		cmd.Wait()
		return "", fmt.Errorf("tinyproxy exited before accepting connections:\n%s", log.String())
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		io.Copy(io.Discard, out)
		<-drained
		cmd.Wait()
		if t.Failed() {
			t.Logf("tinyproxy's log:\n%s", log.String())
		}
	})
	return addr, nil
}

func port(t *testing.T, addr string) string {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTinyproxyTunnel(t *testing.T) {
	ws := echoServer(t, &Upgrader{})
	wss, pool, sni := tlsEchoServer(t, "localhost")
	px := tinyproxy(t, false, port(t, ws), port(t, wss))

	var status string
	d := Dialer{
		Proxy:          ProxyURL(mustURL(t, "http://"+px)),
		TLSConfig:      &tls.Config{RootCAs: pool},
		OnProxyConnect: func(_ []byte, st string) { status = st },
	}
	c, _, err := d.Dial(context.Background(), "ws://"+ws+"/")
	if err != nil {
		t.Fatal(err)
	}
	echoOnce(t, c, "ws through tinyproxy")
	c.CloseNow()
	if !strings.HasPrefix(status, "HTTP/1.") || !strings.Contains(status, " 200 ") {
		t.Errorf("tinyproxy's status line %q, want a 200", status)
	}

	c, _, err = d.Dial(context.Background(), "wss://localhost:"+port(t, wss)+"/")
	if err != nil {
		t.Fatal(err)
	}
	echoOnce(t, c, "wss through tinyproxy")
	c.CloseNow()
	if got := <-sni; got != "localhost" {
		t.Errorf("SNI %q, want localhost", got)
	}
}

func TestTinyproxyRefusesPort(t *testing.T) {
	ws := echoServer(t, &Upgrader{})
	px := tinyproxy(t, false, "443", "563") // Debian's defaults
	d := Dialer{Proxy: ProxyURL(mustURL(t, "http://"+px))}
	_, _, err := d.Dial(context.Background(), "ws://"+ws+"/")
	var pe *ProxyError
	if !errors.As(err, &pe) || pe.StatusCode != 403 || !strings.Contains(err.Error(), "proxy http://"+px) {
		t.Fatalf("got %v, want a 403 ProxyError naming proxy http://%s", err, px)
	}
}

func TestTinyproxyBasicAuth(t *testing.T) {
	ws := echoServer(t, &Upgrader{})
	px := tinyproxy(t, true, port(t, ws))

	d := Dialer{Proxy: ProxyURL(mustURL(t, "http://"+px))}
	_, _, err := d.Dial(context.Background(), "ws://"+ws+"/")
	var pe *ProxyError
	if !errors.As(err, &pe) || pe.StatusCode != 407 || !strings.Contains(err.Error(), "Proxy-Authorization") {
		t.Fatalf("without credentials: got %v, want a 407 ProxyError", err)
	}

	d = Dialer{Proxy: ProxyURL(mustURL(t, "http://alice:s3cret@"+px))}
	c, _, err := d.Dial(context.Background(), "ws://"+ws+"/")
	if err != nil {
		t.Fatal(err)
	}
	echoOnce(t, c, "authorised")
	c.CloseNow()
}
