package watch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// StopGrace is how long Stop waits after asking the process group to end
// (SIGTERM) before killing it (SIGKILL).
const StopGrace = 2 * time.Second

// A Process is a command started by Start, running in its own process
// group.
type Process struct {
	cmd  *exec.Cmd
	out  *tail
	done chan struct{} // closed when the command has exited
	err  error         // the exit status, set before done is closed
	stop sync.Once
}

// Start runs command through the shell (sh -c) in dir, with env added to
// the environment, in a new process group. What it prints, on stdout and
// stderr, is kept (the last lines, see Output) and copied to log if log is
// not nil. The process is not tied to a context: call Stop.
func Start(command, dir string, env []string, log io.Writer) (*Process, error) {
	if strings.TrimSpace(command) == "" {
		return nil, errors.New("watch: no command to run the server with")
	}
	cmd := shellCommand(command)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	p := &Process{cmd: cmd, out: &tail{max: 40}, done: make(chan struct{})}
	var w io.Writer = p.out
	if log != nil {
		w = io.MultiWriter(p.out, log)
	}
	cmd.Stdout, cmd.Stderr = w, w
	setGroup(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("watch: start %q in %s: %w", command, dir, err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// execSimple prefixes a simple command ("python3 server.py") with exec, so
// the shell becomes the server and Stop waits for the server itself. A
// command with shell syntax (&&, |, ;, redirections, $) is left as it is:
// its process group still holds everything it starts.
func execSimple(command string) string {
	if strings.ContainsAny(command, "&|;<>()$`\\\"'\n") || strings.HasPrefix(strings.TrimSpace(command), "exec ") ||
		strings.Contains(strings.Fields(command)[0], "=") {
		return command
	}
	return "exec " + command
}

// Done is closed when the process has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// Pid returns the process id, which is also its process group id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Err returns how the process ended; call it after Done is closed.
func (p *Process) Err() error { return p.err }

// Output returns the last lines the process printed.
func (p *Process) Output() string { return p.out.String() }

// Stop ends the process group: SIGTERM, then SIGKILL after StopGrace, and
// waits for the process to exit. It is safe to call more than once and
// after the process has exited on its own.
func (p *Process) Stop() {
	p.stop.Do(func() {
		select {
		case <-p.done:
			// The leader is gone; children in its group may remain.
			signalGroup(p.cmd, true)
			return
		default:
		}
		signalGroup(p.cmd, false)
		t := time.NewTimer(StopGrace)
		defer t.Stop()
		select {
		case <-p.done:
			signalGroup(p.cmd, true)
		case <-t.C:
			signalGroup(p.cmd, true)
			<-p.done
		}
	})
	<-p.done
}

// An ExitError reports that the server exited before its port accepted a
// connection; Output is the end of what it printed (a Python traceback, a
// compiler error).
type ExitError struct {
	Command string
	Err     error
	Output  string
}

func (e *ExitError) Error() string {
	status := "exited"
	if e.Err != nil {
		status = e.Err.Error()
	}
	return fmt.Sprintf("watch: the server (%s) stopped before it accepted a connection: %s", e.Command, status)
}

// ErrPortTimeout is returned (wrapped) by WaitPort when the address did not
// accept a connection in time.
var ErrPortTimeout = errors.New("did not accept a connection in time")

// WaitPort dials addr until it accepts a TCP connection, and closes it. It
// gives up when exited is closed (the server died: it returns nil if exited
// is nil), when timeout passes, or when ctx ends. Between attempts it backs
// off from 10ms to 200ms.
func WaitPort(parent context.Context, addr string, timeout time.Duration, exited <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()
	var d net.Dialer
	backoff := 10 * time.Millisecond
	for {
		attempt, stop := context.WithTimeout(ctx, 500*time.Millisecond)
		c, err := d.DialContext(attempt, "tcp", addr)
		stop()
		if err == nil {
			c.Close()
			return nil
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			if perr := parent.Err(); perr != nil {
				return perr
			}
			return fmt.Errorf("watch: %s %w (%v): %v", addr, ErrPortTimeout, timeout, err)
		case <-exited:
			t.Stop()
			return errExited
		case <-t.C:
		}
		backoff = min(2*backoff, 200*time.Millisecond)
	}
}

var errExited = errors.New("watch: the process exited")

// tail keeps the last max lines written to it.
type tail struct {
	mu    sync.Mutex
	max   int
	lines []string
	part  []byte
}

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.part = append(t.part, b...)
	for {
		i := bytes.IndexByte(t.part, '\n')
		if i < 0 {
			break
		}
		t.lines = append(t.lines, string(t.part[:i]))
		t.part = t.part[i+1:]
	}
	if over := len(t.lines) - t.max; over > 0 {
		t.lines = append([]string(nil), t.lines[over:]...)
	}
	return len(b), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := strings.Join(t.lines, "\n")
	if len(t.part) > 0 {
		if s != "" {
			s += "\n"
		}
		s += string(t.part)
	}
	return s
}
