package tlsdemo

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/wirelab/wirelab/httpcore"
)

// The text the demo server sends and what the man in the middle wants the
// client to read instead: the same length, so Content-Length still fits.
const (
	TamperOriginal    = "DE44 5001 0517 5407 3249 31"
	TamperReplacement = "DE89 3704 0044 0532 0130 00"
	tamperBody        = "Please pay this month's rent to IBAN " + TamperOriginal + ".\n"
)

// TamperOptions configure Tamper.
type TamperOptions struct {
	// TLS runs the exchange over HTTPS; false runs it over plain HTTP.
	TLS bool
}

// TamperResult is what the client got while a man in the middle rewrote
// the server's response.
type TamperResult struct {
	Scheme string `json:"scheme"`
	// Sent is the body the server sent.
	Sent string `json:"sent"`
	// Original and Replacement are what the attacker looked for and what
	// it wrote instead.
	Original    string `json:"original"`
	Replacement string `json:"replacement"`
	// FoundOnWire reports whether the attacker found Original in the
	// bytes it relayed; over TLS it cannot, and flips ciphertext bits
	// instead.
	FoundOnWire bool `json:"found_on_wire"`
	// BytesChanged counts the bytes the attacker changed.
	BytesChanged int `json:"bytes_changed"`
	// Delivered reports whether the client received a body, and Body is
	// that body; Altered reports whether it differs from Sent.
	Delivered bool   `json:"delivered"`
	Body      string `json:"body,omitempty"`
	Altered   bool   `json:"altered"`
	// Error is why the client got no body; Kind and Explanation classify
	// and explain it.
	Error       string `json:"error,omitempty"`
	Kind        string `json:"kind,omitempty"`
	Explanation string `json:"explanation,omitempty"`
}

// replaceTap rewrites old to new in the server's bytes, holding back the
// last len(old)-1 bytes of each chunk in case old straddles two reads.
type replaceTap struct {
	old, new []byte
	held     []byte
	found    atomic.Int64
}

func (t *replaceTap) Chunk(dir Direction, b []byte) []byte {
	if dir != ServerToClient {
		return b
	}
	buf := append(t.held, b...)
	if n := bytes.Count(buf, t.old); n > 0 {
		t.found.Add(int64(n))
		buf = bytes.ReplaceAll(buf, t.old, t.new)
	}
	keep := min(len(t.old)-1, len(buf))
	out := append([]byte(nil), buf[:len(buf)-keep]...)
	t.held = append([]byte(nil), buf[len(buf)-keep:]...)
	return out
}

func (t *replaceTap) End(dir Direction) []byte {
	if dir != ServerToClient {
		return nil
	}
	b := t.held
	t.held = nil
	return b
}

// flipTap is the same attacker facing TLS: it looks for old in the
// server's records and, not finding it (the records are encrypted), flips
// one bit in each application_data record the server sends once the client
// has sent application data — in other words, in the response.
type flipTap struct {
	old        []byte
	clientData atomic.Bool
	found      atomic.Int64
	flipped    atomic.Int64
	once       sync.Once
	client     recordScanner
	server     recordScanner
}

func (t *flipTap) init() {
	t.once.Do(func() {
		t.client.fn = func(typ uint8, _ []byte) {
			if typ == RecordApplicationData {
				t.clientData.Store(true)
			}
		}
		t.server.fn = func(typ uint8, rec []byte) {
			if bytes.Contains(rec, t.old) {
				t.found.Add(1)
			}
			if typ == RecordApplicationData && t.clientData.Load() && len(rec) > 5 {
				rec[5+(len(rec)-5)/2] ^= 0x01
				t.flipped.Add(1)
			}
		}
	})
}

func (t *flipTap) Chunk(dir Direction, b []byte) []byte {
	t.init()
	if dir == ClientToServer {
		return t.client.feed(b)
	}
	return t.server.feed(b)
}

func (t *flipTap) End(dir Direction) []byte {
	t.init()
	if dir == ClientToServer {
		return t.client.rest()
	}
	return t.server.rest()
}

// Tamper fetches a page through a man in the middle that rewrites the
// IBAN in it to the attacker's. Over HTTP the client receives the altered
// page and cannot tell; over HTTPS the attacker cannot find the text and
// can only corrupt ciphertext, and the client's TLS stack detects it and
// fails the connection instead of delivering altered data.
func Tamper(ctx context.Context, opts TamperOptions) (*TamperResult, error) {
	res := &TamperResult{Scheme: "http", Sent: tamperBody, Original: TamperOriginal, Replacement: TamperReplacement}
	var serverCfg, clientCfg *tls.Config
	if opts.TLS {
		res.Scheme = "https"
		ca, err := NewCA("wirelab demo CA")
		if err != nil {
			return nil, err
		}
		if serverCfg, _, err = DevTLSConfig(ca, DemoHost); err != nil {
			return nil, err
		}
		clientCfg = ClientConfig(ca.Pool(), DemoHost)
	}
	srv, err := startServer(textHandler(tamperBody), serverCfg)
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	var (
		rt *replaceTap
		ft *flipTap
	)
	newTap := func() Tap {
		if opts.TLS {
			ft = &flipTap{old: []byte(TamperOriginal)}
			return ft
		}
		rt = &replaceTap{old: []byte(TamperOriginal), new: []byte(TamperReplacement)}
		return rt
	}
	proxy, addr, err := startProxy(srv.addr, newTap)
	if err != nil {
		return nil, err
	}
	req := &httpcore.Request{Method: "GET", Target: "/rent", Host: DemoHost}
	_, body, err := exchange(ctx, addr, clientCfg, req)
	proxy.Close() // wait for the relays: the counters are final
	switch {
	case rt != nil:
		res.FoundOnWire = rt.found.Load() > 0
		res.BytesChanged = int(rt.found.Load()) * diffBytes(TamperOriginal, TamperReplacement)
	case ft != nil:
		res.FoundOnWire = ft.found.Load() > 0
		res.BytesChanged = int(ft.flipped.Load())
	}
	if err != nil {
		res.Error = err.Error()
		res.Kind = Classify(err)
		res.Explanation = Explain(err)
		return res, nil
	}
	res.Delivered = true
	res.Body = string(body)
	res.Altered = res.Body != res.Sent
	return res, nil
}

func diffBytes(a, b string) int {
	n := 0
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}

// WriteText tells the learner what the client got.
func (r *TamperResult) WriteText(w io.Writer) {
	fmt.Fprintf(w, "The server sends, over %s: %s", strings.ToUpper(r.Scheme), r.Sent)
	fmt.Fprintf(w, "A man in the middle rewrites %q to %q in every byte it relays.\n\n", r.Original, r.Replacement)
	if r.FoundOnWire {
		fmt.Fprintf(w, "The attacker found the IBAN on the wire and changed %d bytes.\n", r.BytesChanged)
	} else if r.Scheme == "https" {
		fmt.Fprintf(w, "The attacker cannot find the IBAN: the records are encrypted. It flips one bit in %d application_data record(s) instead.\n", r.BytesChanged)
	}
	switch {
	case r.Delivered && r.Altered:
		fmt.Fprintf(w, "TAMPERED BODY DELIVERED: the client received: %s", r.Body)
		fmt.Fprintf(w, "HTTP has no integrity check: nothing tells the client the page was changed on the way.\n")
	case r.Delivered:
		fmt.Fprintf(w, "The client received the body unchanged: %s", r.Body)
	default:
		fmt.Fprintf(w, "NOTHING DELIVERED: the connection failed: %s\n", r.Error)
		fmt.Fprintf(w, "why: %s\n", r.Explanation)
		fmt.Fprintf(w, "An attacker can still cut the connection, but cannot make the client accept altered data.\n")
	}
}
