package http

import (
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/internal/cmd/cmdtest"
	"github.com/wirelab/wirelab/internal/iostreams"
	"go.uber.org/goleak"
)

func TestNewCmdServeFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    string
		want    ServeOptions
		wantErr bool
	}{
		{"defaults", "", ServeOptions{Addr: "127.0.0.1:8080", Grace: 5 * time.Second}, false},
		{"addr", "--addr 127.0.0.1:0", ServeOptions{Addr: "127.0.0.1:0", Grace: 5 * time.Second}, false},
		{"grace", "--grace 250ms", ServeOptions{Addr: "127.0.0.1:8080", Grace: 250 * time.Millisecond}, false},
		{"no arguments", "extra", ServeOptions{}, true},
		{"bad grace", "--grace soon", ServeOptions{}, true},
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
		if got.IO != ios || got.Addr != tt.want.Addr || got.Grace != tt.want.Grace {
			t.Errorf("%s: got %+v, want %+v", tt.name, *got, tt.want)
		}
	}
}

// startServe runs runServe on 127.0.0.1:0 and returns the address it
// announced, its log, and a function that stops it and returns its error.
func startServe(t *testing.T) (addr string, log *cmdtest.Lines, stop func() error) {
	t.Helper()
	log, stop = cmdtest.Serve(t, func(ctx context.Context, ios *iostreams.IOStreams) error {
		return runServe(ctx, &ServeOptions{IO: ios, Addr: "127.0.0.1:0", Grace: 5 * time.Second})
	})
	return log.Listening(t, "http"), log, stop
}

func TestRunServeLogsConnections(t *testing.T) {
	defer goleak.VerifyNone(t)
	addr, log, stop := startServe(t)

	cc, err := httpcore.Dial(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	local := cc.Conn().LocalAddr().String()
	for _, target := range []string{"/a", "/status/204", "/drip?n=2"} {
		resp, err := cc.Do(&httpcore.Request{Target: target})
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
	}
	cc.Close()
	if got, want := log.Next(t), "conn "+local+" open"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := log.Next(t), "conn "+local+" closed after 3 requests"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}

	// "Connection: close" ends the connection after one request.
	cc, err = httpcore.Dial(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	local = cc.Conn().LocalAddr().String()
	req := &httpcore.Request{Target: "/"}
	req.Header.Add("Connection", "close")
	resp, err := cc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	cc.Close()
	if got, want := log.Next(t), "conn "+local+" open"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := log.Next(t), "conn "+local+" closed after 1 request"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}

	if err := stop(); err != nil {
		t.Errorf("runServe: %v", err)
	}
	if got := log.Next(t); !strings.HasPrefix(got, "shutting down") {
		t.Errorf("got %q, want the shutdown line", got)
	}
	if got := log.Next(t); got != "stopped" {
		t.Errorf("got %q, want %q", got, "stopped")
	}
}

func TestRunServeShutdownClosesIdleConnections(t *testing.T) {
	defer goleak.VerifyNone(t)
	addr, log, stop := startServe(t)
	cc, err := httpcore.Dial(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	local := cc.Conn().LocalAddr().String()
	resp, err := cc.Do(&httpcore.Request{Target: "/"})
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	if got := log.Next(t); got != "conn "+local+" open" {
		t.Errorf("got %q", got)
	}
	// The connection is idle and kept alive; shutting down closes it.
	if err := stop(); err != nil {
		t.Errorf("runServe: %v", err)
	}
	want := []string{"shutting down", "conn " + local + " closed after 1 request", "stopped"}
	for _, w := range want {
		if got := log.Next(t); !strings.HasPrefix(got, w) {
			t.Errorf("got %q, want %q", got, w)
		}
	}
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
