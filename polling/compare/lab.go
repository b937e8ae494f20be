package compare

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/polling"
)

// livePage subscribes with all four transports side by side. It is
// self-contained: no script or style is fetched from anywhere.
//
//go:embed static/live.html
var livePage []byte

// A Lab serves the live page beside a Server's transports:
//
//	GET /                  the page: four columns, one per transport, counting live
//	GET /stats             per-transport counts taken at the server's sockets (JSON)
//	GET /keepalive?n=100   n requests over HTTP/1.0 short connections against
//	                       one HTTP/1.1 persistent connection (JSON)
//	GET /hello             a tiny answer, the target of /keepalive
//	anything else          the Server (/poll, /events, /ws, /publish)
//
// Serve it on a listener from Listen, so bytes and connections are counted
// per transport.
type Lab struct {
	Server *polling.Server
	// Addr is the lab's own address, for /keepalive to call back.
	Addr string
	// Meters are shared by Server.Meters and the listener.
	Meters *polling.Meters
}

// NewLab returns a Lab over hub with metering set up.
func NewLab(hub polling.Hub) *Lab {
	meters := new(polling.Meters)
	return &Lab{Server: &polling.Server{Hub: hub, Meters: meters}, Meters: meters}
}

// Listen listens on addr and returns a listener that counts per transport
// into the lab's meters; it sets l.Addr.
func (l *Lab) Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	l.Addr = ln.Addr().String()
	return &polling.TransportListener{Listener: ln, Meters: l.Meters}, nil
}

// Close closes the lab's Server.
func (l *Lab) Close() error { return l.Server.Close() }

// Stats is the body of GET /stats.
type Stats struct {
	Last       uint64                           `json:"last"`
	Transports map[string]polling.MeterSnapshot `json:"transports"`
}

// ServeHTTP implements httpcore.Handler.
func (l *Lab) ServeHTTP(w *httpcore.ResponseWriter, r *httpcore.Request) {
	switch r.Path() {
	case "/", "/index.html":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(livePage)
	case "/hello":
		w.Header().Set("Content-Type", "text/plain")
		w.WriteString("hello\n")
	case "/stats":
		st := Stats{Last: l.Server.Hub.Last(), Transports: map[string]polling.MeterSnapshot{}}
		for _, t := range polling.Transports() {
			st.Transports[t.String()] = l.Meters[t].Snapshot()
		}
		reply(w, 200, st)
	case "/keepalive":
		n := 100
		if v := queryValue(r.RawQuery(), "n"); v != "" {
			var err error
			if n, err = strconv.Atoi(v); err != nil || n < 1 || n > 10000 {
				reply(w, 400, fmt.Sprintf("polling: n=%q is not a number of requests from 1 to 10000", v))
				return
			}
		}
		ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
		defer cancel()
		res, err := KeepAlive(ctx, l.Addr, "/hello", n)
		if err != nil {
			reply(w, 500, err.Error())
			return
		}
		reply(w, 200, res)
	default:
		l.Server.ServeHTTP(w, r)
	}
}

// reply writes one answer that no cache keeps: JSON for a value, plain
// text for an error.
func reply(w *httpcore.ResponseWriter, code int, v any) {
	var body []byte
	ctype := "text/plain; charset=utf-8"
	if msg, ok := v.(string); ok {
		body = []byte(msg + "\n")
	} else if b, err := json.Marshal(v); err != nil {
		code, body = 500, []byte("polling: "+err.Error()+"\n")
	} else {
		ctype, body = "application/json", append(b, '\n')
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	w.Write(body)
}

// queryValue returns the first raw value of name in a query string.
func queryValue(query, name string) string {
	for query != "" {
		var kv string
		kv, query, _ = strings.Cut(query, "&")
		if k, v, _ := strings.Cut(kv, "="); k == name {
			return v
		}
	}
	return ""
}
