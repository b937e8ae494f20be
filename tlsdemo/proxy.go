package tlsdemo

import (
	"errors"
	"io"
	"net"
	"sync"
)

// Direction is which way bytes flow through a Proxy.
type Direction int

const (
	// ClientToServer: bytes the client sent, on their way to the server.
	ClientToServer Direction = iota
	// ServerToClient: bytes the server sent, on their way to the client.
	ServerToClient
)

func (d Direction) String() string {
	if d == ClientToServer {
		return "client → server"
	}
	return "server → client"
}

// A Tap sees every byte that flows through a Proxy connection and decides
// what is forwarded: it plays the attacker on the wire. Each connection
// gets its own Tap; Chunk and End are called from one goroutine per
// direction.
type Tap interface {
	// Chunk is given the bytes just read from one side and returns the
	// bytes to forward to the other (b itself to pass them on unchanged).
	Chunk(dir Direction, b []byte) []byte
	// End is called when one side has finished sending; it returns bytes
	// held back that must still be forwarded.
	End(dir Direction) []byte
}

// A Proxy relays TCP connections to Backend, showing everything to a Tap:
// the position of anyone on the path between a client and a server — a
// Wi-Fi access point, a router, an ISP.
type Proxy struct {
	// Backend is the address of the real server.
	Backend string
	// NewTap returns the Tap for a new connection; nil relays unchanged.
	NewTap func() Tap

	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// Serve accepts connections on ln and relays each to Backend until Close.
// It returns nil after Close.
func (p *Proxy) Serve(ln net.Listener) error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		ln.Close()
		return nil
	}
	p.ln = ln
	p.wg.Add(1)
	p.mu.Unlock()
	defer p.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			p.mu.Lock()
			closed := p.closed
			p.mu.Unlock()
			if closed {
				return nil
			}
			return err
		}
		if !p.track(c) {
			c.Close()
			return nil
		}
		p.wg.Add(1)
		go p.relay(c)
	}
}

// track registers c so that Close can close it; false after Close.
func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	if p.conns == nil {
		p.conns = map[net.Conn]struct{}{}
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *Proxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
}

// Close stops the proxy, closes every relayed connection and waits until
// all of its goroutines have returned, so every Tap has seen its last byte.
func (p *Proxy) Close() error {
	p.mu.Lock()
	p.closed = true
	if p.ln != nil {
		p.ln.Close()
	}
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
	return nil
}

func (p *Proxy) relay(client net.Conn) {
	defer p.wg.Done()
	defer p.untrack(client)
	defer client.Close()
	server, err := net.Dial("tcp", p.Backend)
	if err != nil {
		return
	}
	if !p.track(server) {
		server.Close()
		return
	}
	defer p.untrack(server)
	defer server.Close()
	var tap Tap = passTap{}
	if p.NewTap != nil {
		tap = p.NewTap()
	}
	done := make(chan struct{})
	go func() {
		pipe(server, client, tap, ClientToServer)
		close(done)
	}()
	pipe(client, server, tap, ServerToClient)
	<-done
}

// pipe copies src to dst through tap until src ends, then half-closes dst
// so the far side sees the end too. On an error both connections close,
// which ends the other direction.
func pipe(dst, src net.Conn, tap Tap, dir Direction) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if out := tap.Chunk(dir, buf[:n]); len(out) > 0 {
				if _, werr := dst.Write(out); werr != nil {
					src.Close()
					dst.Close()
					return
				}
			}
		}
		if err != nil {
			if out := tap.End(dir); len(out) > 0 {
				dst.Write(out)
			}
			if errors.Is(err, io.EOF) {
				if cw, ok := dst.(interface{ CloseWrite() error }); ok {
					cw.CloseWrite()
					return
				}
			}
			src.Close()
			dst.Close()
			return
		}
	}
}

type passTap struct{}

func (passTap) Chunk(_ Direction, b []byte) []byte { return b }
func (passTap) End(Direction) []byte               { return nil }
