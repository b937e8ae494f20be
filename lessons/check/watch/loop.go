package watch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/wirelab/wirelab/lessons/check"
)

// DefaultStartTimeout bounds the wait for a started server's port: long
// enough for "go run ." to compile a small program.
const DefaultStartTimeout = 30 * time.Second

// A Result is one pass of the loop: the server started (or not) and was
// checked (or not).
type Result struct {
	// Run counts the passes, from 1.
	Run int
	// Changed is the file whose change started this pass; "" for the first
	// pass and for one started by Enter.
	Changed string
	// Report is the checker's report; nil when the check could not run.
	Report *check.Report
	// Err says why the check did not run: an *ExitError, a *BusyError,
	// ErrPortTimeout (wrapped), or a failure to start the command.
	Err error
	// Output is the end of what the server printed, when the loop started
	// it.
	Output string
}

// A BusyError reports that something already accepts connections on the
// address before the learner's server was started: the checker would test
// that instead.
type BusyError struct{ Addr string }

func (e *BusyError) Error() string {
	return fmt.Sprintf("watch: something already listens on %s; stop it, or give your server another port with --addr", e.Addr)
}

// A Loop checks a server again and again. With Command set it starts the
// server itself and restarts it on every change under Dir; without, it
// checks a server that is already running each time Enter delivers a value.
type Loop struct {
	// Check runs the checker once; typically check.Run with fixed Options.
	Check func(ctx context.Context) (*check.Report, error)
	// Command starts the server (through sh -c) in Dir; empty means the
	// server is already running.
	Command string
	// Dir is where Command runs and the folder tree watched for changes.
	Dir string
	// Addr is the HOST:PORT checked, and waited for after each start.
	Addr string
	// Env is added to the server's environment, such as "PORT=8080".
	Env []string
	// StartTimeout bounds the wait for the port after a start; zero means
	// DefaultStartTimeout.
	StartTimeout time.Duration
	// Debounce is passed to Changes; zero means DefaultDebounce.
	Debounce time.Duration
	// Enter, without Command, asks for a new check with each value; when
	// it is closed (input ended) Run returns nil.
	Enter <-chan struct{}
	// Draw is called with the result of every pass.
	Draw func(Result)
	// Log, if set, receives what the server prints, as it prints it.
	Log io.Writer
}

// Run loops until ctx ends, then stops the server it started and its file
// watcher, waits for both, and returns ctx.Err(). Without Command it also
// returns, with nil, when Enter is closed.
func (l *Loop) Run(ctx context.Context) error {
	if l.Check == nil || l.Draw == nil {
		return errors.New("watch: Loop needs Check and Draw")
	}
	if l.Command == "" {
		return l.runEnter(ctx)
	}
	return l.runServer(ctx)
}

func (l *Loop) runEnter(ctx context.Context) error {
	for n := 1; ; n++ {
		rep, err := l.Check(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		l.Draw(Result{Run: n, Report: rep, Err: err})
		select {
		case <-ctx.Done():
			return ctx.Err()
		case _, ok := <-l.Enter:
			if !ok {
				return nil
			}
		}
	}
}

func (l *Loop) runServer(ctx context.Context) error {
	dir := l.Dir
	if dir == "" {
		dir = "."
	}
	wctx, stopWatching := context.WithCancel(ctx)
	changes, err := Changes(wctx, dir, l.Debounce)
	if err != nil {
		stopWatching()
		return err
	}
	defer func() {
		stopWatching()
		for range changes { // wait for the watcher to end
		}
	}()
	changed := ""
	for n := 1; ; n++ {
		res, p := l.pass(ctx, dir)
		res.Run, res.Changed = n, changed
		if ctx.Err() != nil {
			if p != nil {
				p.Stop()
			}
			return ctx.Err()
		}
		l.Draw(res)
		select {
		case <-ctx.Done():
			if p != nil {
				p.Stop()
			}
			return ctx.Err()
		case changed = <-changes:
			if p != nil {
				p.Stop()
			}
		}
	}
}

// pass starts the server, waits for its port and checks it. The process it
// returns, if any, is still running (or exited on its own).
func (l *Loop) pass(ctx context.Context, dir string) (Result, *Process) {
	if busy(ctx, l.Addr) {
		return Result{Err: &BusyError{Addr: l.Addr}}, nil
	}
	p, err := Start(l.Command, dir, l.Env, l.Log)
	if err != nil {
		return Result{Err: err}, nil
	}
	timeout := l.StartTimeout
	if timeout <= 0 {
		timeout = DefaultStartTimeout
	}
	if err := WaitPort(ctx, l.Addr, timeout, p.Done()); err != nil {
		if errors.Is(err, errExited) {
			err = &ExitError{Command: l.Command, Err: p.Err(), Output: p.Output()}
		}
		return Result{Err: err, Output: p.Output()}, p
	}
	rep, err := l.Check(ctx)
	return Result{Report: rep, Err: err, Output: p.Output()}, p
}

// busy reports whether addr accepts a connection right now.
func busy(ctx context.Context, addr string) bool {
	ctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return false
	}
	c.Close()
	return true
}
