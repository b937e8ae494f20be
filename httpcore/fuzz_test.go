package httpcore

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

// checkErr fails unless err is one a reader may return for bad input: a
// ProtocolError with an error status, or the stream ending early.
func checkErr(t *testing.T, err error) {
	t.Helper()
	var pe *ProtocolError
	switch {
	case errors.As(err, &pe):
		switch pe.Status {
		case 400, 413, 414, 431, 501, 505:
		default:
			t.Fatalf("ProtocolError with status %d: %v", pe.Status, pe)
		}
	case err == io.EOF || err == io.ErrUnexpectedEOF:
	default:
		t.Fatalf("unexpected error type %T: %v", err, err)
	}
}

// FuzzReadRequest feeds arbitrary bytes to the request parser. It must never
// panic or hang, must fail only with a ProtocolError or an early end, and a
// request it accepts must survive a round trip through Request.Write.
func FuzzReadRequest(f *testing.F) {
	for _, raw := range validCorpus() {
		f.Add([]byte(raw))
	}
	for _, tt := range goodRequests {
		f.Add([]byte(tt.raw))
	}
	for _, tt := range badRequests {
		f.Add([]byte(tt.raw))
	}
	lim := Limits{MaxTargetBytes: 256, MaxHeaderBytes: 1024, MaxHeaderCount: 32, MaxBodyBytes: 4096}
	f.Fuzz(func(t *testing.T, data []byte) {
		req, body, err := readAll(string(data), lim, nil)
		// The same bytes one at a time take the slow path (gather the
		// header section, then parse it): the outcome must be the same.
		req1, body1, err1 := readAll(string(data), lim, iotest.OneByteReader)
		if (err == nil) != (err1 == nil) {
			t.Fatalf("whole: %v; one byte at a time: %v\ninput %q", err, err1, data)
		}
		if err != nil {
			checkErr(t, err)
			checkErr(t, err1)
			return
		}
		if req1.Method != req.Method || req1.Target != req.Target || req1.Host != req.Host || body1 != body ||
			!slices.Equal(req1.Header.Fields(), req.Header.Fields()) || !slices.Equal(req1.Trailer.Fields(), req.Trailer.Fields()) {
			t.Fatalf("whole and one-byte reads differ:\n%+v\n%+v\ninput %q", req, req1, data)
		}
		// Round trip: write what we understood and read it back.
		var buf bytes.Buffer
		out := &Request{Method: req.Method, Target: req.Target, Proto: req.Proto, Header: req.Header.Clone(),
			Trailer: req.Trailer.Clone(), ContentLength: req.ContentLength, Body: strings.NewReader(body)}
		if !req.Chunked && req.ContentLength == 0 {
			out.Body = nil
		}
		if err := out.Write(&buf); err != nil {
			t.Fatalf("writing back an accepted request: %v", err)
		}
		again, body2, err := readAll(buf.String(), Limits{}, nil)
		if err != nil {
			t.Fatalf("re-reading %q: %v\n(original %q)", buf.String(), err, data)
		}
		if again.Method != req.Method || again.Target != req.Target || body2 != body ||
			again.Header.Len() != req.Header.Len() || again.Trailer.Len() != req.Trailer.Len() {
			t.Fatalf("round trip changed the request:\n in %q\nout %q", data, buf.String())
		}
	})
}

// FuzzChunkedBody feeds arbitrary bytes to the chunked decoder. What it
// decodes must re-encode and decode to the same content and trailers.
func FuzzChunkedBody(f *testing.F) {
	seeds := []string{
		"0\r\n\r\n",
		"5\r\nhello\r\n0\r\n\r\n",
		"5;a=b\r\nhello\r\n6 ; q=\"x\"\r\n world\r\n0\r\nX-T: 1\r\n\r\n",
		"A\r\n0123456789\r\n0000\r\n\r\n",
		"0x5\r\nhello\r\n0\r\n\r\n",
		"ffffffffffffffff\r\n",
		"5\nhello\r\n0\r\n\r\n",
		"3\r\nhello\r\n",
		"1\r\na\r\n0\r\nBad Name: x\r\n\r\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	decode := func(data []byte) (string, Header, error) {
		var tr Header
		var c chunkedBody
		c.reset(bufio.NewReader(bytes.NewReader(data)), 1<<16, 4096, &tr, 0)
		b, err := io.ReadAll(&c)
		return string(b), tr, err
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		body, tr, err := decode(data)
		if err != nil {
			checkErr(t, err)
			return
		}
		var buf bytes.Buffer
		cw := NewChunkedWriter(&buf)
		cw.Trailer = tr
		io.WriteString(cw, body)
		if err := cw.Close(); err != nil {
			t.Fatalf("re-encoding: %v", err)
		}
		body2, tr2, err := decode(buf.Bytes())
		if err != nil || body2 != body || tr2.Len() != tr.Len() {
			t.Fatalf("round trip: %q → %q (%v)", data, buf.Bytes(), err)
		}
	})
}
