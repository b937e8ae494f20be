package inspect

import (
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/wirelab/wirelab/httpcore"
)

// Limits of /drip, so one request cannot ask the server for unbounded work.
const (
	// MaxDripPieces caps n.
	MaxDripPieces = 1000
	// MaxDripSize caps size, in bytes.
	MaxDripSize = 16 << 10
	// MaxDripDelay caps delay.
	MaxDripDelay = time.Second
)

// dripParams are the query parameters of /drip.
type dripParams struct {
	n, size int
	delay   time.Duration
}

func parseDrip(rawQuery string) (dripParams, error) {
	p := dripParams{n: 5, size: 10}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return p, fmt.Errorf("inspect: /drip: malformed query %q: %v", rawQuery, err)
	}
	num := func(name string, def, max int) (int, error) {
		v, ok := q[name]
		if !ok {
			return def, nil
		}
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 0 || n > max || len(v) > 1 {
			return 0, fmt.Errorf("inspect: /drip: %s=%q must be given once, as a whole number from 0 to %d", name, v[0], max)
		}
		return n, nil
	}
	if p.n, err = num("n", 5, MaxDripPieces); err != nil {
		return p, err
	}
	if p.size, err = num("size", 10, MaxDripSize); err != nil {
		return p, err
	}
	ms, err := num("delay", 0, int(MaxDripDelay/time.Millisecond))
	if err != nil {
		return p, err
	}
	p.delay = time.Duration(ms) * time.Millisecond
	return p, nil
}

// serveDrip streams n pieces of size bytes — "aaaa…", "bbbb…", … — flushing
// after each, so each one leaves as its own chunk (RFC 9112 §7.1):
//
//	HTTP/1.1 200 OK
//	Transfer-Encoding: chunked
//
//	a\r\n
//	aaaaaaaaaa\r\n
//	a\r\n
//	bbbbbbbbbb\r\n
//	...
//	0\r\n
//	\r\n
//
// The header section is flushed before the first piece. With delay=MS the
// handler waits that long between pieces, and stops early if the
// connection closes. An HTTP/1.0 client gets the pieces unframed, the
// body ending when the server closes the connection (RFC 9112 §6.3).
func serveDrip(w *httpcore.ResponseWriter, r *httpcore.Request) {
	p, err := parseDrip(r.RawQuery())
	if err != nil {
		plain(w, 400, err.Error()+"\n")
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := w.Flush(); err != nil {
		return
	}
	ctx := r.Context()
	piece := make([]byte, p.size)
	var timer *time.Timer
	for i := 0; i < p.n; i++ {
		if i > 0 && p.delay > 0 {
			if timer == nil {
				timer = time.NewTimer(p.delay)
				defer timer.Stop()
			} else {
				timer.Reset(p.delay)
			}
			select {
			case <-timer.C:
			case <-ctx.Done():
				return
			}
		}
		for j := range piece {
			piece[j] = byte('a' + i%26)
		}
		if _, err := w.Write(piece); err != nil {
			return
		}
		if err := w.Flush(); err != nil {
			return
		}
	}
}
