package check

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/websocket"
)

// serveRaw runs handle for every connection to a fresh loopback listener
// and returns its address. Cleanup closes the listener and every
// connection, and waits for the handlers to return.
func serveRaw(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns = map[net.Conn]bool{}
		wg    sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns[c] = true
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				handle(c)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}

// goodWSServer is the reference: the websocket package's Upgrader behind
// httpcore's Server, echoing every message.
func goodWSServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns []*websocket.Conn
		wg    sync.WaitGroup
	)
	u := &websocket.Upgrader{}
	srv := &httpcore.Server{Handler: httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		c, err := u.Upgrade(w, r)
		if err != nil {
			return
		}
		mu.Lock()
		conns = append(conns, c)
		mu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.CloseNow()
			for {
				mt, r, err := c.NextReader()
				if err != nil {
					return
				}
				wr, err := c.NextWriter(mt)
				if err != nil {
					return
				}
				if _, err := io.Copy(wr, r); err != nil {
					return
				}
				if err := wr.Close(); err != nil {
					return
				}
			}
		}()
	})}
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	t.Cleanup(func() {
		srv.Close()
		<-done
		mu.Lock()
		for _, c := range conns {
			c.CloseNow()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}

// wsBugs are the mistakes a raw WebSocket test server can make.
type wsBugs struct {
	wrongAccept bool // base64(SHA-1(key)), without the GUID
	maskReplies bool // masks its frames, as a client would
	no16        bool // writes every length in the 7-bit field
	ignoreClose bool // never answers a close frame
	// How the server meets reads. The default reads a stream.
	perRead     bool // each read is exactly one frame (the articles' buggy server)
	dropRest    bool // reads until a frame is whole, echoes it, drops the rest of the bytes read
	dropPartial bool // echoes every whole frame of a read, drops an incomplete one
	readBuf     int  // read size for perRead, dropRest and dropPartial; default 4096
}

// rawWSServer is a hand-written WebSocket echo server with bugs.
func rawWSServer(t *testing.T, bugs wsBugs) string {
	if bugs.readBuf == 0 {
		bugs.readBuf = 4096
	}
	return serveRaw(t, func(c net.Conn) {
		// The handshake: read until the empty line, as a raw server does.
		var req []byte
		buf := make([]byte, 4096)
		for !bytes.Contains(req, []byte("\r\n\r\n")) {
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			req = append(req, buf[:n]...)
		}
		r, err := httpcore.ReadRequest(bufio.NewReader(bytes.NewReader(req)))
		if err != nil {
			return
		}
		key := r.Header.Get("Sec-WebSocket-Key")
		accept := websocket.AcceptKey(key)
		if bugs.wrongAccept {
			sum := sha1.Sum([]byte(key))
			accept = base64.StdEncoding.EncodeToString(sum[:])
		}
		fmt.Fprintf(c, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", accept)
		switch {
		case bugs.perRead, bugs.dropRest, bugs.dropPartial:
			chunkLoop(c, bugs)
		default:
			streamLoop(c, bugs)
		}
	})
}

// streamLoop reads frames from a buffered stream, correctly.
func streamLoop(c net.Conn, bugs wsBugs) {
	br := bufio.NewReader(c)
	for {
		h, err := websocket.ReadFrameHeader(br)
		if err != nil {
			return
		}
		p := make([]byte, h.Length)
		if _, err := io.ReadFull(br, p); err != nil {
			return
		}
		if h.Masked {
			websocket.Mask(h.Key, 0, p)
		}
		if !reply(c, h, p, bugs) {
			return
		}
	}
}

// reply answers one frame; false ends the connection.
func reply(c net.Conn, h websocket.FrameHeader, p []byte, bugs wsBugs) bool {
	switch h.Opcode {
	case websocket.OpPing:
		c.Write(serverFrame(true, websocket.OpPong, p, bugs))
	case websocket.OpPong:
	case websocket.OpClose:
		if bugs.ignoreClose {
			return true
		}
		c.Write(serverFrame(true, websocket.OpClose, p[:min(2, len(p))], bugs))
		return false
	default:
		c.Write(serverFrame(h.Fin, h.Opcode, p, bugs))
	}
	return true
}

// parseOne parses a frame at the start of b as a naive server does. whole
// reports that b holds all of it; n is how many bytes it takes (at most
// len(b)); the payload is what b holds of it, unmasked.
func parseOne(b []byte) (h websocket.FrameHeader, p []byte, n int, whole, ok bool) {
	if len(b) < 2 {
		return h, nil, 0, false, false
	}
	h.Fin = b[0]&0x80 != 0
	h.Opcode = websocket.Opcode(b[0] & 0xf)
	h.Masked = b[1]&0x80 != 0
	hl := 2
	switch l := b[1] & 0x7f; l {
	case 126:
		if len(b) < 4 {
			return h, nil, 0, false, false
		}
		h.Length = int64(binary.BigEndian.Uint16(b[2:]))
		hl = 4
	case 127:
		if len(b) < 10 {
			return h, nil, 0, false, false
		}
		h.Length = int64(binary.BigEndian.Uint64(b[2:]) & (1<<63 - 1))
		hl = 10
	default:
		h.Length = int64(l)
	}
	if h.Masked {
		if len(b) < hl+4 {
			return h, nil, 0, false, false
		}
		copy(h.Key[:], b[hl:])
		hl += 4
	}
	end := hl + int(min(h.Length, int64(len(b)-hl)))
	p = bytes.Clone(b[hl:end])
	if h.Masked {
		websocket.Mask(h.Key, 0, p)
	}
	return h, p, end, int64(end-hl) == h.Length, true
}

// chunkLoop is the family of servers that think in reads, not in a stream.
func chunkLoop(c net.Conn, bugs wsBugs) {
	buf := make([]byte, bugs.readBuf)
	for {
		n, err := c.Read(buf)
		if err != nil {
			return
		}
		data := bytes.Clone(buf[:n])
		switch {
		case bugs.perRead:
			// Python's data[hl:hl+length]: a short read gives a short
			// payload, and the bytes after the frame are never looked at.
			h, p, _, _, ok := parseOne(data)
			if !ok || !reply(c, h, p, bugs) {
				return
			}
		case bugs.dropRest:
			for {
				h, p, _, whole, ok := parseOne(data)
				if ok && whole {
					if !reply(c, h, p, bugs) {
						return
					}
					break // the rest of data is dropped
				}
				n, err := c.Read(buf)
				if err != nil {
					return
				}
				data = append(data, buf[:n]...)
			}
		case bugs.dropPartial:
			for len(data) > 0 {
				h, p, used, whole, ok := parseOne(data)
				if !ok || !whole {
					break // an incomplete frame: dropped
				}
				if !reply(c, h, p, bugs) {
					return
				}
				data = data[used:]
			}
		}
	}
}

// serverFrame builds a frame as the buggy server writes it.
func serverFrame(fin bool, op websocket.Opcode, p []byte, bugs wsBugs) []byte {
	h := websocket.FrameHeader{Fin: fin, Opcode: op, Length: int64(len(p)), Masked: bugs.maskReplies}
	var b []byte
	if bugs.no16 {
		b0 := byte(op)
		if fin {
			b0 |= 0x80
		}
		b = []byte{b0, byte(len(p))} // the 7-bit field only: 126 reads as "16-bit length follows"
	} else {
		if h.Masked {
			h.Key = [4]byte{0x37, 0xfa, 0x21, 0x3d}
		}
		b = websocket.AppendFrameHeader(nil, h)
	}
	n := len(b)
	b = append(b, p...)
	if h.Masked && !bugs.no16 {
		websocket.Mask(h.Key, 0, b[n:])
	}
	return b
}

// serveCore runs h behind httpcore's Server on a fresh loopback listener
// until the test ends, and returns its address.
func serveCore(t *testing.T, h httpcore.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httpcore.Server{Handler: h}
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	t.Cleanup(func() { srv.Close(); <-done })
	return ln.Addr().String()
}

// goodHTTPServer is the reference: httpcore's Server with a handler that
// keeps the HTTP track's contract (see doc.go).
func goodHTTPServer(t *testing.T) string {
	return serveCore(t, httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		switch r.Path() {
		case "/":
			w.WriteString("hello from httpcore\n")
		case "/headers":
			w.Header().Set("X-Wirelab-Echo", r.Header.Get("x-wirelab-echo"))
			w.WriteString("echoed\n")
		case "/echo":
			b, _ := io.ReadAll(r.Body)
			w.Header().Set("Content-Length", strconv.Itoa(len(b)))
			w.Write(b)
		default:
			w.WriteHeader(404)
			w.WriteString("not found\n")
		}
	}))
}

// rawHTTPServer reads requests with httpcore and lets answer write the raw
// response; answer returns false to close the connection. A request the
// engine cannot read is answered with the status its error carries (400,
// 505) and the connection closed. answer reads the body (or not) itself.
func rawHTTPServer(t *testing.T, answer func(c net.Conn, br *bufio.Reader, r *httpcore.Request) bool) string {
	return serveRaw(t, func(c net.Conn) {
		br := bufio.NewReader(c)
		for {
			r, err := httpcore.ReadRequest(br)
			if err != nil {
				if code := httpcore.StatusOf(err); code >= 400 {
					fmt.Fprintf(c, "HTTP/1.1 %d %s\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", code, httpcore.StatusText(code))
				}
				return
			}
			if !answer(c, br, r) {
				return
			}
		}
	})
}

// respond writes a complete response framed by Content-Length, with the
// extra field lines given.
func respond(c net.Conn, code int, body string, fields ...string) {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", code, httpcore.StatusText(code))
	for _, f := range fields {
		b.WriteString(f + "\r\n")
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n%s", len(body), body)
	io.WriteString(c, b.String())
}

// answerWell keeps the HTTP track's contract: / is 200, /headers echoes
// X-Wirelab-Echo, /echo echoes the body, HEAD has no body, any other path
// is 404.
func answerWell(c net.Conn, r *httpcore.Request) bool {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return false
	}
	switch r.Path() {
	case "/":
		if r.Method == "HEAD" {
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n")
			return true
		}
		respond(c, 200, "hello\n")
	case "/headers":
		respond(c, 200, "ok\n", "X-Wirelab-Echo: "+r.Header.Get("X-Wirelab-Echo"))
	case "/echo":
		respond(c, 200, string(body))
	default:
		respond(c, 404, "")
	}
	return true
}
