package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	coder "github.com/coder/websocket"
	"github.com/gobwas/ws"
	gorilla "github.com/gorilla/websocket"
	"github.com/lxzan/gws"
	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/websocket"
)

// A contender is one echo server. start serves ln until stop is called;
// open counts the connections that finished the opening handshake and are
// still open. Each server echoes every binary message as one binary frame,
// in the way its library's documentation shows.
type contender struct {
	name string
	peer bool // a Go WebSocket library to compare wirelab with
	ws   bool // speaks WebSocket (false: the raw TCP ceiling)
	// noIdle: the idle test cannot count this server's connections
	noIdle bool
	// usage, if set, reads the CPU time and system calls of a server in
	// another process; nil means this process's own.
	usage func() (time.Duration, ioCounts)
	start func(ln net.Listener, open *atomic.Int64, size int) (stop func())
}

var contenders = []contender{
	{name: "wirelab", ws: true, start: startWirelab},
	{name: "wirelab-nethttp", ws: true, start: startWirelabNetHTTP},
	{name: "wirelab-default", ws: true, start: startWirelabDefault},
	{name: "wirelab-ws-serve", ws: true, noIdle: true, start: startWSServe, usage: wsServeUsage},
	{name: "wirelab-readmessage", ws: true, start: startWirelabReadMessage},
	{name: "gorilla", peer: true, ws: true, start: startGorilla},
	{name: "gws", peer: true, ws: true, start: startGWS},
	{name: "gobwas", peer: true, ws: true, start: startGobwas},
	{name: "coder", peer: true, ws: true, start: startCoder},
	{name: "tcp", start: startTCP},
}

// tracker counts open connections and closes the ones still open at stop.
type tracker struct {
	mu    sync.Mutex
	conns map[*io.Closer]struct{}
	wg    sync.WaitGroup
	open  *atomic.Int64
}

func newTracker(open *atomic.Int64) *tracker {
	return &tracker{conns: map[*io.Closer]struct{}{}, open: open}
}

// run counts c as open while serve runs.
func (t *tracker) run(c io.Closer, serve func()) {
	key := &c // closures are not comparable; key the map by a pointer
	t.mu.Lock()
	t.conns[key] = struct{}{}
	t.wg.Add(1)
	t.mu.Unlock()
	t.open.Add(1)
	defer func() {
		t.open.Add(-1)
		t.mu.Lock()
		delete(t.conns, key)
		t.mu.Unlock()
		c.Close()
		t.wg.Done()
	}()
	serve()
}

func (t *tracker) closeAll() {
	t.mu.Lock()
	for c := range t.conns {
		(*c).Close()
	}
	t.mu.Unlock()
	t.wg.Wait()
}

// wirelab on its own HTTP server: httpcore.Server, Upgrader.Upgrade (which
// detaches the connection from the server without allocating), then, on a
// fresh goroutine so that the server's connection goroutine ends, the echo
// loop the package documents for throughput: write corking on
// (Conn.SetWriteCork), ReadMessageTo into one buffer reused for the
// connection's life, and WriteMessage. Corked, the echoes of the messages
// that one read brought in go out in one write, which the Conn makes when
// the loop goes back to the socket for more input.
func startWirelab(ln net.Listener, open *atomic.Int64, _ int) func() {
	return serveWirelab(ln, open, corked(wirelabEcho))
}

// corked runs echo on a Conn with write corking on.
func corked(echo func(*websocket.Conn)) func(*websocket.Conn) {
	return func(c *websocket.Conn) {
		c.SetWriteCork(true)
		echo(c)
	}
}

func wirelabEcho(c *websocket.Conn) {
	var buf []byte
	for {
		mt, msg, err := c.ReadMessageTo(buf[:0])
		if err != nil {
			return
		}
		buf = msg
		if err := c.WriteMessage(mt, msg); err != nil {
			return
		}
	}
}

// wirelab-default is the wirelab row without SetWriteCork: the Conn's
// default, automatic corking. The answer to a message is gathered only
// while the reader holds more input it has not returned; the last answer
// of a batch goes out at once, with those gathered before it.
func startWirelabDefault(ln net.Listener, open *atomic.Int64, _ int) func() {
	return serveWirelab(ln, open, wirelabEcho)
}

// wirelab-ws-serve is the command's echo server as a user runs it,
// "wirelab ws serve --addr ADDR --quiet", in a process of its own (built
// from -wirelab), with GOMAXPROCS set to -procs. Its CPU time and system
// calls are read from /proc/PID (usage).
func startWSServe(ln net.Listener, _ *atomic.Int64, _ int) func() {
	bin, err := wirelabBinary()
	if err != nil {
		fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // the command listens itself, on the same address
	cmd := exec.Command(bin, "ws", "serve", "--addr", addr, "--quiet")
	cmd.Env = append(os.Environ(), "GOMAXPROCS="+strconv.Itoa(*procs))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		fatal(err)
	}
	if err := cmd.Start(); err != nil {
		fatal(err)
	}
	br := bufio.NewReader(stderr)
	line, err := br.ReadString('\n')
	if !strings.HasPrefix(line, "listening on ") {
		cmd.Process.Kill()
		fatal(fmt.Errorf("%s ws serve said %q (%v), want \"listening on ...\"", bin, line, err))
	}
	go io.Copy(io.Discard, br) // the rest of the log
	wsServePID.Store(int64(cmd.Process.Pid))
	return func() {
		wsServePID.Store(0)
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}
}

// wsServePID is the running wirelab ws serve process, for usage.
var wsServePID atomic.Int64

// wsServeUsage is the CPU time and system calls of the wirelab ws serve
// process so far.
func wsServeUsage() (time.Duration, ioCounts) {
	pid := int(wsServePID.Load())
	return procCPUTime(pid), readIOCountsFile(fmt.Sprintf("/proc/%d/io", pid))
}

var (
	builtOnce sync.Once
	builtBin  string
	builtErr  error
)

// wirelabBinary builds the wirelab command from -wirelab (a package
// directory of the main module) once, into a temporary directory.
func wirelabBinary() (string, error) {
	builtOnce.Do(func() {
		dir, err := os.MkdirTemp("", "wsbench")
		if err != nil {
			builtErr = err
			return
		}
		builtBin = filepath.Join(dir, "wirelab")
		cmd := exec.Command("go", "build", "-o", builtBin, ".")
		cmd.Dir = *wirelabPkg
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			builtErr = fmt.Errorf("building %s: %w", *wirelabPkg, err)
		}
	})
	return builtBin, builtErr
}

// wirelab-readmessage is the wirelab row (corked) with the convenience API,
// ReadMessage, which returns each message in a new slice: the gap to the
// wirelab row is the cost of that allocation.
func startWirelabReadMessage(ln net.Listener, open *atomic.Int64, _ int) func() {
	return serveWirelab(ln, open, corked(func(c *websocket.Conn) {
		for {
			mt, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			if err := c.WriteMessage(mt, msg); err != nil {
				return
			}
		}
	}))
}

// serveWirelab runs echo on each connection upgraded on httpcore.
func serveWirelab(ln net.Listener, open *atomic.Int64, echo func(*websocket.Conn)) func() {
	t := newTracker(open)
	u := &websocket.Upgrader{}
	srv := &httpcore.Server{Handler: httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		c, err := u.Upgrade(w, r)
		if err != nil {
			return
		}
		go t.run(closerFunc(c.CloseNow), func() { echo(c) })
	})}
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	return func() { srv.Close(); <-done; t.closeAll() }
}

// wirelab on net/http: Upgrader.UpgradeHTTP hijacks the connection; the
// echo is the wirelab row's, corked.
func startWirelabNetHTTP(ln net.Listener, open *atomic.Int64, _ int) func() {
	t := newTracker(open)
	u := &websocket.Upgrader{}
	return serveHTTP(ln, t, func(w http.ResponseWriter, r *http.Request) {
		c, err := u.UpgradeHTTP(w, r)
		if err != nil {
			return
		}
		go t.run(closerFunc(c.CloseNow), func() { corked(wirelabEcho)(c) })
	})
}

// gorilla/websocket: Upgrader.Upgrade on net/http, ReadMessage/WriteMessage.
func startGorilla(ln net.Listener, open *atomic.Int64, _ int) func() {
	t := newTracker(open)
	u := &gorilla.Upgrader{}
	return serveHTTP(ln, t, func(w http.ResponseWriter, r *http.Request) {
		c, err := u.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		go t.run(c, func() {
			for {
				mt, msg, err := c.ReadMessage()
				if err != nil {
					return
				}
				if err := c.WriteMessage(mt, msg); err != nil {
					return
				}
			}
		})
	})
}

// lxzan/gws: an event handler; ReadLoop calls OnMessage, which writes the
// payload back and returns the message's buffer to gws's pool.
func startGWS(ln net.Listener, open *atomic.Int64, _ int) func() {
	t := newTracker(open)
	u := gws.NewUpgrader(gwsEcho{}, &gws.ServerOption{})
	return serveHTTP(ln, t, func(w http.ResponseWriter, r *http.Request) {
		c, err := u.Upgrade(w, r)
		if err != nil {
			return
		}
		go t.run(closerFunc(func() error { return c.NetConn().Close() }), c.ReadLoop)
	})
}

type gwsEcho struct{ gws.BuiltinEventHandler }

func (gwsEcho) OnMessage(c *gws.Conn, m *gws.Message) {
	c.WriteMessage(m.Opcode, m.Bytes())
	m.Close()
}

// gobwas/ws: the zero-copy ws.Upgrade on the raw connection, then the
// low-level API its README recommends for speed: ReadHeader, ReadFull,
// Cipher, and one Write of header and payload from a reused buffer.
func startGobwas(ln net.Listener, open *atomic.Int64, _ int) func() {
	t := newTracker(open)
	var stopped atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			nc, err := ln.Accept()
			if err != nil {
				if stopped.Load() {
					return
				}
				continue
			}
			go func() {
				if _, err := ws.Upgrade(nc); err != nil {
					nc.Close()
					return
				}
				t.run(nc, func() { gobwasEcho(nc) })
			}()
		}
	}()
	return func() { stopped.Store(true); ln.Close(); <-done; t.closeAll() }
}

func gobwasEcho(nc net.Conn) {
	br := bufio.NewReaderSize(nc, 4096)
	var buf []byte
	for {
		h, err := ws.ReadHeader(br)
		if err != nil {
			return
		}
		if h.OpCode.IsControl() {
			return // the benchmark client sends none; a close ends the echo
		}
		n := int(h.Length)
		if cap(buf) < ws.MaxHeaderSize+n {
			buf = make([]byte, ws.MaxHeaderSize+n)
		}
		payload := buf[ws.MaxHeaderSize : ws.MaxHeaderSize+n]
		if _, err := io.ReadFull(br, payload); err != nil {
			return
		}
		if h.Masked {
			ws.Cipher(payload, h.Mask, 0)
		}
		out := ws.Header{Fin: true, OpCode: h.OpCode, Length: int64(n)}
		hn := ws.HeaderSize(out)
		sw := sliceWriter{b: buf[ws.MaxHeaderSize-hn : ws.MaxHeaderSize-hn]}
		ws.WriteHeader(&sw, out)
		if _, err := nc.Write(buf[ws.MaxHeaderSize-hn : ws.MaxHeaderSize+n]); err != nil {
			return
		}
	}
}

type sliceWriter struct{ b []byte }

func (w *sliceWriter) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }

// coder/websocket: Accept on net/http without compression, Read/Write.
func startCoder(ln net.Listener, open *atomic.Int64, _ int) func() {
	t := newTracker(open)
	opts := &coder.AcceptOptions{CompressionMode: coder.CompressionDisabled}
	return serveHTTP(ln, t, func(w http.ResponseWriter, r *http.Request) {
		c, err := coder.Accept(w, r, opts)
		if err != nil {
			return
		}
		c.SetReadLimit(-1)
		// coder's Conn is tied to the request's context, so the handler
		// itself runs the echo.
		t.run(closerFunc(c.CloseNow), func() {
			ctx := context.Background()
			for {
				mt, msg, err := c.Read(ctx)
				if err != nil {
					return
				}
				if err := c.Write(ctx, mt, msg); err != nil {
					return
				}
			}
		})
	})
}

// tcp is the ceiling: fixed-size messages echoed with one read loop and one
// Write per message, the same syscall pattern as a WebSocket echo, without
// framing or masking.
func startTCP(ln net.Listener, open *atomic.Int64, size int) func() {
	t := newTracker(open)
	var stopped atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			nc, err := ln.Accept()
			if err != nil {
				if stopped.Load() {
					return
				}
				continue
			}
			go t.run(nc, func() {
				br := bufio.NewReaderSize(nc, 4096)
				buf := make([]byte, max(size, 1))
				for {
					if _, err := io.ReadFull(br, buf); err != nil {
						return
					}
					if _, err := nc.Write(buf); err != nil {
						return
					}
				}
			})
		}
	}()
	return func() { stopped.Store(true); ln.Close(); <-done; t.closeAll() }
}

// serveHTTP runs a net/http server whose handler upgrades.
func serveHTTP(ln net.Listener, t *tracker, h http.HandlerFunc) func() {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	return func() {
		srv.Close()
		<-done
		t.closeAll()
	}
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }

var errTimeout = errors.New("timed out")
