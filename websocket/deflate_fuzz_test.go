package websocket

import (
	"errors"
	"testing"
)

// FuzzExtensions feeds arbitrary Sec-WebSocket-Extensions values to the
// parser and to the server's choice. It must never panic; a valid
// permessage-deflate element must survive formatting and parsing again
// unchanged, and whatever offer the server accepts, a client that made that
// offer must accept the server's response (RFC 7692 §5). Its corpus is in
// testdata/fuzz/FuzzExtensions.
func FuzzExtensions(f *testing.F) {
	for _, s := range []string{
		"permessage-deflate; client_max_window_bits",
		"permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=9",
		`permessage-deflate; client_max_window_bits="12", permessage-deflate`,
		"x-webkit-deflate-frame, , permessage-deflate;server_max_window_bits=16",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		exts, err := ParseExtensions(s)
		if err != nil {
			var ee *ExtensionError
			if !errors.As(err, &ee) || ee.Section == "" {
				t.Fatalf("%q: error %v is not an ExtensionError with a section", s, err)
			}
			return
		}
		for _, e := range exts {
			if e.Name != DeflateName {
				continue
			}
			p, err := ParseDeflate(e, false)
			if err != nil {
				continue
			}
			again, err := ParseExtensions(p.String())
			if err != nil || len(again) != 1 {
				t.Fatalf("%q: %q does not parse back: %v", s, p.String(), err)
			}
			if q, err := ParseDeflate(again[0], false); err != nil || q != p {
				t.Fatalf("%q: %+v formats as %q, which parses as %+v, %v", s, p, p.String(), q, err)
			}
		}
		var server Compression
		resp, _, ok, _ := server.Accept(exts)
		if !ok {
			return
		}
		accepted, err := ParseExtensions(resp)
		if err != nil {
			t.Fatalf("%q: response %q does not parse: %v", s, resp, err)
		}
		// The accepted offer is the first valid permessage-deflate one.
		for _, e := range exts {
			if o, err := ParseDeflate(e, false); err == nil {
				if _, ok, err := VerifyDeflate(o, accepted); !ok || err != nil {
					t.Fatalf("offer %q: the client refuses the server's response %q: %v", s, resp, err)
				}
				break
			}
		}
	})
}

// FuzzInflate inflates arbitrary bytes with a small read limit: no panic,
// never more than the limit (plus the one byte that proves it was passed).
func FuzzInflate(f *testing.F) {
	f.Add([]byte{0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}, true)
	f.Add([]byte{0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00}, false)
	f.Add([]byte{0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00}, true)
	const limit = 4096
	f.Fuzz(func(t *testing.T, p []byte, takeover bool) {
		d := newDecompressor(0, takeover)
		for range 2 {
			out, err := d.decompress(nil, p, limit)
			if len(out) > limit+1 {
				t.Fatalf("inflated %d bytes past the limit %d", len(out), limit)
			}
			if err != nil && !errors.Is(err, ErrInflateLimit) && d.in != nil {
				t.Fatal("flate reader kept after an error")
			}
		}
	})
}
