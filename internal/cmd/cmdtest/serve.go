package cmdtest

import (
	"context"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/wirelab/wirelab/internal/iostreams"
)

// Serve runs serve (a server command's runServe, say) in a goroutine under a
// context of its own, with streams whose ErrOut is the returned log, In is
// empty and Out is discarded. stop cancels the context and returns serve's
// error, once; t.Cleanup calls it too.
//
//	log, stop := cmdtest.Serve(t, func(ctx context.Context, ios *iostreams.IOStreams) error {
//		return runServe(ctx, &ServeOptions{IO: ios, Addr: "127.0.0.1:0"})
//	})
//	addr := log.Listening(t, "http")
func Serve(t testing.TB, serve func(context.Context, *iostreams.IOStreams) error) (log *Lines, stop func() error) {
	t.Helper()
	log = NewLines()
	ios := &iostreams.IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: log}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- serve(ctx, ios) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			err = <-errc
		})
		return err
	}
	t.Cleanup(func() { stop() })
	return log, stop
}

// Listening reads the next line, which must be a server's announcement
// "listening on SCHEME://HOST:PORT", and returns HOST:PORT. Any other line
// fails the test.
func (l *Lines) Listening(t testing.TB, scheme string) string {
	t.Helper()
	line := l.Next(t)
	prefix := "listening on " + scheme + "://"
	addr, ok := strings.CutPrefix(line, prefix)
	if !ok {
		t.Fatalf("first line: got %q, want %q", line, prefix+"HOST:PORT")
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		t.Fatalf("first line %q: %v", line, err)
	}
	return addr
}
