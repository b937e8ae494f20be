package polling

import (
	"net"
	"sync/atomic"
)

// A Meter counts what a set of connections costs. Byte counts are taken at
// the socket, by a net.Conn wrapper, so they include every header, chunk-size
// line, frame header and handshake. All fields are safe for concurrent use.
type Meter struct {
	BytesIn      atomic.Int64 // bytes read from the sockets
	BytesOut     atomic.Int64 // bytes written to the sockets
	Conns        atomic.Int64 // TCP connections opened
	Requests     atomic.Int64 // HTTP requests sent (a WebSocket handshake is one)
	Messages     atomic.Int64 // messages received (or sent, on a server)
	PayloadBytes atomic.Int64 // payload bytes of those messages
}

// A MeterSnapshot is a Meter's values at one moment.
type MeterSnapshot struct {
	BytesIn      int64 `json:"bytes_in"`
	BytesOut     int64 `json:"bytes_out"`
	Conns        int64 `json:"connections"`
	Requests     int64 `json:"requests"`
	Messages     int64 `json:"messages"`
	PayloadBytes int64 `json:"payload_bytes"`
}

// Snapshot returns the current values.
func (m *Meter) Snapshot() MeterSnapshot {
	return MeterSnapshot{
		BytesIn:      m.BytesIn.Load(),
		BytesOut:     m.BytesOut.Load(),
		Conns:        m.Conns.Load(),
		Requests:     m.Requests.Load(),
		Messages:     m.Messages.Load(),
		PayloadBytes: m.PayloadBytes.Load(),
	}
}

// CountConn returns c wrapped so that every byte read or written is added to
// m, and counts one connection.
func CountConn(c net.Conn, m *Meter) net.Conn {
	m.Conns.Add(1)
	return &countingConn{Conn: c, m: m}
}

type countingConn struct {
	net.Conn
	m *Meter
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.m.BytesIn.Add(int64(n))
	return n, err
}

// Write counts the bytes before they leave, so that a peer that has read
// them never sees a count that lacks them; what was not written is taken
// back.
func (c *countingConn) Write(p []byte) (int, error) {
	c.m.BytesOut.Add(int64(len(p)))
	n, err := c.Conn.Write(p)
	c.m.BytesOut.Add(int64(n - len(p)))
	return n, err
}

// transportOf names the transport a request line asks for, from the first
// bytes a client sent: "GET /poll?after=3&wait=25 HTTP/1.1" is LongPoll.
// ok is false for anything else.
func transportOf(b []byte) (t Transport, ok bool) {
	var i int
	switch {
	case len(b) > 4 && string(b[:4]) == "GET ":
		i = 4
	case len(b) > 5 && string(b[:5]) == "HEAD ":
		i = 5
	default:
		return 0, false
	}
	end := i
	for end < len(b) && b[end] != ' ' && b[end] != '\r' && b[end] != '\n' {
		end++
	}
	target := string(b[i:end])
	path, query := target, ""
	for j := 0; j < len(target); j++ {
		if target[j] == '?' {
			path, query = target[:j], target[j+1:]
			break
		}
	}
	switch path {
	case "/poll":
		if hasParam(query, "wait") {
			return LongPoll, true
		}
		return ShortPoll, true
	case "/events":
		return SSE, true
	case "/ws":
		return WebSocket, true
	}
	return 0, false
}

// hasParam reports whether the raw query has a parameter named name.
func hasParam(query, name string) bool {
	for query != "" {
		var kv string
		kv, query, _ = cut(query, '&')
		k, _, _ := cut(kv, '=')
		if k == name {
			return true
		}
	}
	return false
}

func cut(s string, sep byte) (before, after string, found bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == sep {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// Meters holds one Meter per transport, indexed by Transport:
// m[polling.SSE] counts the Server-Sent Events streams.
type Meters [numTransports]Meter

// A TransportListener counts bytes per transport on the server side. Each
// connection is attributed to the transport of the request it carries,
// read from the request line as it arrives (httpcore does not tell a handler
// which connection a request came on, so this is done below it, at the
// socket). A connection that carries requests of several transports (a
// browser reuses its keep-alive connections freely) moves its counts with
// each request; bytes of requests for other paths are not counted.
type TransportListener struct {
	net.Listener
	Meters *Meters
}

// Accept wraps each connection.
func (l *TransportListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &sniffConn{Conn: c, meters: l.Meters, cur: -1}, nil
}

type sniffConn struct {
	net.Conn
	meters *Meters
	cur    int32 // atomic: transport of the current request, or -1
	seen   [numTransports]atomic.Bool
	ws     atomic.Bool // upgraded: frames follow, never request lines
}

func (c *sniffConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 && !c.ws.Load() {
		if t, ok := transportOf(p[:n]); ok {
			atomic.StoreInt32(&c.cur, int32(t))
			if !c.seen[t].Swap(true) {
				c.meters[t].Conns.Add(1)
			}
			if t == WebSocket {
				c.ws.Store(true)
			}
		} else if n >= 4 && isMethodStart(p[:n]) {
			atomic.StoreInt32(&c.cur, -1) // another path: not ours to count
		}
	}
	if t := atomic.LoadInt32(&c.cur); t >= 0 {
		c.meters[t].BytesIn.Add(int64(n))
	}
	return n, err
}

func (c *sniffConn) Write(p []byte) (int, error) {
	t := atomic.LoadInt32(&c.cur)
	if t >= 0 {
		c.meters[t].BytesOut.Add(int64(len(p))) // before the peer can see them
	}
	n, err := c.Conn.Write(p)
	if t >= 0 && n < len(p) {
		c.meters[t].BytesOut.Add(int64(n - len(p)))
	}
	return n, err
}

// isMethodStart reports whether b starts like a request line.
func isMethodStart(b []byte) bool {
	for i, c := range b {
		if c == ' ' {
			return i > 0
		}
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return false
}
