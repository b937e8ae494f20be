package core

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/go-python/gopy/gopyh"
)

func fields(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		t.Fatal("want an error")
	}
	parts := strings.Split(err.Error(), tagSep)
	if len(parts) != 5 || parts[0] != "wirelab" {
		t.Fatalf("untagged error %q", err)
	}
	return parts
}

func TestAcceptKey(t *testing.T) {
	if got, want := AcceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestFrameRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 125, 126, 127, 65535, 65536} {
		payload := bytes.Repeat([]byte{0, 0xff, 'a'}, n/3+1)[:n]
		for _, mode := range []int{MaskNone, MaskRandom, MaskKey} {
			wire, err := EncodeFrame(payload, 0x82, mode, []byte{1, 2, 3, 4})
			if err != nil {
				t.Fatal(err)
			}
			out, err := DecodeFrame(append(wire, "next"...), FromEither, 0)
			if err != nil {
				t.Fatal(err)
			}
			if out[0] != 1 || out[1] != 0x82 || (out[2] == 1) != (mode != MaskNone) {
				t.Fatalf("%d/%d: prefix %x", n, mode, out[:decodedPrefix])
			}
			if used := int(out[14]) | int(out[13])<<8 | int(out[12])<<16; used != len(wire) {
				t.Fatalf("%d: consumed %d, want %d", n, used, len(wire))
			}
			if !bytes.Equal(out[decodedPrefix:], payload) {
				t.Fatalf("%d/%d: payload differs", n, mode)
			}
		}
	}
}

func TestDecodeIncomplete(t *testing.T) {
	wire, _ := EncodeFrame(make([]byte, 300), 0x82, MaskRandom, nil)
	for _, cut := range []int{0, 1, 2, 3, 7, len(wire) - 1} {
		out, err := DecodeFrame(wire[:cut], FromEither, 0)
		if err != nil || !bytes.Equal(out, []byte{0}) {
			t.Fatalf("cut %d: got %x, %v", cut, out, err)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		from int
		code string
	}{
		{"reserved opcode", "\x83\x00", FromEither, "1002"},
		{"long ping", "\x89\x7e\x00\x7e", FromEither, "1002"},
		{"fragmented close", "\x08\x00", FromEither, "1002"},
		{"rsv", "\xc2\x00", FromEither, "1002"},
		{"unmasked from client", "\x82\x00", FromClient, "1002"},
		{"masked from server", "\x82\x80abcd", FromServer, "1002"},
		{"one-byte close", "\x88\x01\x03", FromEither, "1002"},
		{"close 1005", "\x88\x02\x03\xed", FromEither, "1002"},
		{"bad close reason", "\x88\x03\x03\xe8\xff", FromEither, "1007"},
		{"bad text", "\x81\x01\xff", FromEither, "1007"},
	}
	for _, tt := range tests {
		_, err := DecodeFrame([]byte(tt.raw), tt.from, 0)
		f := fields(t, err)
		if f[1] != KindProtocol || f[2] != tt.code {
			t.Errorf("%s: got %q, want protocol %s", tt.name, err, tt.code)
		}
	}
}

func TestEncodeErrors(t *testing.T) {
	for _, c := range []struct {
		payload []byte
		flags   int
		mode    int
		key     []byte
	}{
		{make([]byte, 126), 0x89, MaskNone, nil},
		{nil, 0x08, MaskNone, nil},
		{nil, 0x83, MaskNone, nil},
		{nil, 0x82, MaskKey, []byte{1}},
		{nil, 0x182, MaskNone, nil},
	} {
		_, err := EncodeFrame(c.payload, c.flags, c.mode, c.key)
		if f := fields(t, err); f[1] != KindValue {
			t.Errorf("flags %#x: got %q, want a value error", c.flags, err)
		}
	}
}

func TestParseRequestPacked(t *testing.T) {
	out, err := ParseRequest([]byte("POST /a?b HTTP/1.1\r\nHost: h\r\nX: 1\r\nContent-Length: 3\r\n\r\n\x00\x01\x00"))
	if err != nil {
		t.Fatal(err)
	}
	want := "11\x00POST\x00/a?b\x00HTTP/1.1\x00h\x0059\x00Host\x00h\x00X\x001\x00Content-Length\x003\x00\x00\x01\x00"
	if string(out) != want {
		t.Fatalf("got %q, want %q", out, want)
	}
	_, err = ParseRequest([]byte("GET / HTTP/1.1\r\n\r\n"))
	if f := fields(t, err); f[1] != KindProtocol || f[2] != "400" {
		t.Fatalf("got %q", err)
	}
}

func TestServerHandshake(t *testing.T) {
	req := "GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: b, a\r\nSec-WebSocket-Version: %s\r\n\r\n"
	out, err := ServerHandshake([]byte(strings.Replace(req, "%s", "13", 1)), "a", true)
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	if !strings.HasPrefix(s, "101HTTP/1.1 101 ") || !strings.Contains(s, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") || !strings.Contains(s, "Sec-WebSocket-Protocol: a\r\n") {
		t.Fatalf("got %q", s)
	}
	out, err = ServerHandshake([]byte(strings.Replace(req, "%s", "8", 1)), "", true)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(out); !strings.HasPrefix(s, "426HTTP/1.1 426 ") || !strings.Contains(s, "Sec-WebSocket-Version: 13\r\n") {
		t.Fatalf("got %q", s)
	}
}

func TestGuardTurnsPanicsIntoErrors(t *testing.T) {
	f := func() (err error) {
		defer guard(&err)
		var m map[string]int
		m["x"] = 1
		return nil
	}
	if p := fields(t, f()); p[1] != KindInternal {
		t.Fatalf("got %q", p)
	}
}

func TestTagMapsEngineErrors(t *testing.T) {
	if p := fields(t, tag(errors.New("plain \x1f \xff"))); p[1] != KindOS || strings.ContainsAny(p[4], "\x1f") {
		t.Fatalf("got %q", p)
	}
}

func TestHandles(t *testing.T) {
	data := []byte("\x00payload\x00")
	in := int(gopyh.Register("[]byte", &data))
	var outBuf []byte
	out := int(gopyh.Register("[]byte", &outBuf))
	gopyh.IncRef(gopyh.CGoHandle(out))
	if err := EncodeFrameH(in, out, 0x82, MaskNone, 0); err != nil {
		t.Fatal(err)
	}
	if want := "\x82\x09\x00payload\x00"; string(outBuf) != want {
		t.Fatalf("got %q, want %q", outBuf, want)
	}
	if _, err := gopyh.VarFromHandleTry(gopyh.CGoHandle(in), "[]byte"); err == nil {
		t.Fatal("the input handle was not released")
	}
	if err := EncodeFrameH(in, out, 0x82, MaskNone, 0); err == nil {
		t.Fatal("a released handle was accepted")
	}
}
