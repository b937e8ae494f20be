package websocket_test

import (
	"errors"
	"io"
	"testing"

	"github.com/wirelab/wirelab/websocket"
)

func TestParseFrameHeader(t *testing.T) {
	key := [4]byte{0x37, 0xfa, 0x21, 0x3d}
	tests := []struct {
		name    string
		raw     []byte
		want    websocket.FrameHeader
		wantN   int
		wantErr error // io.ErrUnexpectedEOF, or nil
		wantOff int   // for a *FrameError
	}{
		{"rfc masked hello", []byte{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f}, websocket.FrameHeader{Fin: true, Opcode: websocket.OpText, Masked: true, Length: 5, Key: key}, 6, nil, -1},
		{"16-bit length", []byte{0x82, 0x7e, 0x01, 0x00}, websocket.FrameHeader{Fin: true, Opcode: websocket.OpBinary, Length: 256}, 4, nil, -1},
		{"64-bit length", []byte{0x02, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0}, websocket.FrameHeader{Opcode: websocket.OpBinary, Length: 65536}, 10, nil, -1},
		{"rsv1 is reported, not judged", []byte{0xc1, 0x00}, websocket.FrameHeader{Fin: true, Rsv: 4, Opcode: websocket.OpText}, 2, nil, -1},
		{"empty", nil, websocket.FrameHeader{}, 2, io.ErrUnexpectedEOF, -1},
		{"one byte", []byte{0x81}, websocket.FrameHeader{}, 2, io.ErrUnexpectedEOF, -1},
		{"key cut short", []byte{0x81, 0x85, 0x37}, websocket.FrameHeader{}, 6, io.ErrUnexpectedEOF, -1},
		{"64-bit length cut short", []byte{0x82, 0x7f, 0}, websocket.FrameHeader{}, 10, io.ErrUnexpectedEOF, -1},
		{"reserved opcode", []byte{0x83, 0x00}, websocket.FrameHeader{}, 2, nil, 0},
		{"ping of 126 bytes", []byte{0x89, 0x7e, 0x00, 0x7e}, websocket.FrameHeader{}, 4, nil, 1},
		{"fragmented ping", []byte{0x09, 0x00}, websocket.FrameHeader{}, 2, nil, 0},
		{"64-bit length with its top bit set", []byte{0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 0}, websocket.FrameHeader{}, 10, nil, 2},
	}
	for _, tt := range tests {
		h, n, err := websocket.ParseFrameHeader(tt.raw)
		if n != tt.wantN {
			t.Errorf("%s: got n = %d, want %d", tt.name, n, tt.wantN)
		}
		var fe *websocket.FrameError
		switch {
		case tt.wantOff >= 0:
			if !errors.As(err, &fe) || fe.Offset != tt.wantOff || fe.Code != websocket.CloseProtocolError {
				t.Errorf("%s: got %v, want a *FrameError at byte %d with code 1002", tt.name, err, tt.wantOff)
			}
		case err != tt.wantErr:
			t.Errorf("%s: got error %v, want %v", tt.name, err, tt.wantErr)
		case err == nil && h != tt.want:
			t.Errorf("%s: got %+v, want %+v", tt.name, h, tt.want)
		}
	}
}

func TestParseClose(t *testing.T) {
	tests := []struct {
		name    string
		p       []byte
		want    websocket.CloseError
		wantOff int // of the *FrameError, or -1
		code    websocket.CloseCode
	}{
		{"rfc normal bye", []byte{0x03, 0xe8, 'b', 'y', 'e'}, websocket.CloseError{Code: websocket.CloseNormal, Reason: "bye"}, -1, 0},
		{"empty: no status", nil, websocket.CloseError{Code: websocket.CloseNoStatus}, -1, 0},
		{"private code, no reason", []byte{0x0f, 0xa0}, websocket.CloseError{Code: 4000}, -1, 0},
		{"one byte", []byte{0x03}, websocket.CloseError{}, 0, websocket.CloseProtocolError},
		{"1005 on the wire", []byte{0x03, 0xed}, websocket.CloseError{}, 0, websocket.CloseProtocolError},
		{"reason not UTF-8", []byte{0x03, 0xe8, 'o', 0xff}, websocket.CloseError{}, 2, websocket.CloseInvalidPayload},
	}
	for _, tt := range tests {
		ce, err := websocket.ParseClose(tt.p)
		if tt.wantOff < 0 {
			if err != nil || ce == nil || *ce != tt.want {
				t.Errorf("%s: got %+v, %v; want %+v", tt.name, ce, err, tt.want)
			}
			continue
		}
		var fe *websocket.FrameError
		if ce != nil || !errors.As(err, &fe) || fe.Offset != tt.wantOff || fe.Code != tt.code {
			t.Errorf("%s: got %+v, %v; want a *FrameError at byte %d with code %d", tt.name, ce, err, tt.wantOff, tt.code)
		}
	}
}

func TestUTF8Validator(t *testing.T) {
	var v websocket.UTF8Validator
	// "é" (c3 a9) split across two frames: valid, incomplete in between.
	if !v.Write([]byte("h\xc3")) || v.Complete() {
		t.Fatal(`"h\xc3": want valid so far and not complete`)
	}
	if !v.Write([]byte{0xa9}) || !v.Complete() {
		t.Fatal(`then "\xa9": want valid and complete`)
	}
	// 0xc3 0x28: the second byte cannot continue the sequence; Write
	// fails at once and stays failed.
	if v.Write([]byte{0xc3, 0x28}) {
		t.Fatal(`"\xc3(": want invalid`)
	}
	if v.Write([]byte("ok")) || v.Complete() {
		t.Fatal("after an invalid byte: want Write false and not Complete until Reset")
	}
	v.Reset()
	if !v.Write([]byte("ok")) || !v.Complete() {
		t.Fatal("after Reset: want valid")
	}
	// An encoded surrogate (ed a0 80) is not UTF-8 (RFC 3629 §3).
	v.Reset()
	if v.Write([]byte{0xed, 0xa0, 0x80}) {
		t.Fatal("surrogate: want invalid")
	}
}
