package websocket

import (
	"encoding/binary"
	"fmt"
	"io"
)

// An Opcode says how to interpret a frame's payload (RFC 6455 §5.2).
type Opcode byte

// The opcodes of RFC 6455 §11.8. 0x3-0x7 and 0xB-0xF are reserved.
const (
	OpContinuation Opcode = 0x0
	OpText         Opcode = 0x1
	OpBinary       Opcode = 0x2
	OpClose        Opcode = 0x8
	OpPing         Opcode = 0x9
	OpPong         Opcode = 0xA
)

// IsControl reports whether op is a control opcode (the high bit set).
func (op Opcode) IsControl() bool { return op&0x8 != 0 }

func (op Opcode) known() bool {
	switch op {
	case OpContinuation, OpText, OpBinary, OpClose, OpPing, OpPong:
		return true
	}
	return false
}

func (op Opcode) String() string {
	switch op {
	case OpContinuation:
		return "continuation"
	case OpText:
		return "text"
	case OpBinary:
		return "binary"
	case OpClose:
		return "close"
	case OpPing:
		return "ping"
	case OpPong:
		return "pong"
	}
	return fmt.Sprintf("reserved(0x%x)", byte(op))
}

// A FrameHeader is the fixed part of a frame, before the payload
// (RFC 6455 §5.2):
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-------+-+-------------+-------------------------------+
//	|F|R|R|R| opcode|M| Payload len |    Extended payload length    |
//	|I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
//	|N|V|V|V|       |S|             |   (if payload len==126/127)   |
//	| |1|2|3|       |K|             |                               |
//	+-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
//	|     Extended payload length continued, if payload len == 127  |
//	+ - - - - - - - - - - - - - - - +-------------------------------+
//	|                               |Masking-key, if MASK set to 1  |
//	+-------------------------------+-------------------------------+
//	| Masking-key (continued)       |          Payload Data         |
//	+-------------------------------- - - - - - - - - - - - - - - - +
type FrameHeader struct {
	Fin    bool
	Rsv    byte // RSV1, RSV2, RSV3 as bits 0x4, 0x2, 0x1
	Opcode Opcode
	Masked bool
	Length int64
	Key    [4]byte // the masking key, when Masked
}

// MaxHeaderLen is the longest frame header: 2 + 8 extended length + 4 key.
const MaxHeaderLen = 14

// A FrameError is a frame that breaks RFC 6455. Code is the close code to
// fail the connection with; Offset is the byte of the frame at fault.
type FrameError struct {
	Code    CloseCode
	Offset  int
	Section string
	Msg     string
}

func (e *FrameError) Error() string {
	return fmt.Sprintf("websocket: %s at byte %d (RFC 6455 %s)", e.Msg, e.Offset, e.Section)
}

func frameErr(code CloseCode, off int, section, format string, args ...any) *FrameError {
	return &FrameError{Code: code, Offset: off, Section: section, Msg: fmt.Sprintf(format, args...)}
}

// headerLen returns how many header bytes the frame starting with b0, b1
// needs.
func headerLen(b1 byte) int {
	n := 2
	switch b1 & 0x7f {
	case 126:
		n += 2
	case 127:
		n += 8
	}
	if b1&0x80 != 0 {
		n += 4
	}
	return n
}

// parseHeader decodes a header from b, which holds at least headerLen bytes.
// It checks only what the header alone decides; the Conn checks the rest
// (masking direction, RSV bits against extensions, fragmentation order).
func parseHeader(b []byte) (FrameHeader, int, error) {
	var h FrameHeader
	h.Fin = b[0]&0x80 != 0
	h.Rsv = (b[0] >> 4) & 0x7
	h.Opcode = Opcode(b[0] & 0xf)
	h.Masked = b[1]&0x80 != 0
	n := 2
	switch l := b[1] & 0x7f; l {
	case 126:
		h.Length = int64(binary.BigEndian.Uint16(b[2:]))
		n = 4
	case 127:
		u := binary.BigEndian.Uint64(b[2:])
		if u>>63 != 0 {
			// RFC 6455 §5.2: the most significant bit MUST be 0.
			return h, 0, frameErr(CloseProtocolError, 2, "§5.2", "64-bit payload length has its most significant bit set")
		}
		h.Length = int64(u)
		n = 10
	default:
		h.Length = int64(l)
	}
	if h.Masked {
		copy(h.Key[:], b[n:n+4])
		n += 4
	}
	if !h.Opcode.known() {
		return h, 0, frameErr(CloseProtocolError, 0, "§5.2", "reserved opcode 0x%x", byte(h.Opcode))
	}
	if h.Opcode.IsControl() {
		// RFC 6455 §5.5: control frames MUST have a payload length of 125
		// bytes or less and MUST NOT be fragmented.
		if h.Length > 125 {
			return h, 0, frameErr(CloseProtocolError, 1, "§5.5", "%s frame with a %d-byte payload (control frames carry at most 125)", h.Opcode, h.Length)
		}
		if !h.Fin {
			return h, 0, frameErr(CloseProtocolError, 0, "§5.5", "fragmented %s frame (control frames must have FIN set)", h.Opcode)
		}
	}
	return h, n, nil
}

// ReadFrameHeader reads one frame header from r.
func ReadFrameHeader(r io.Reader) (FrameHeader, error) {
	var b [MaxHeaderLen]byte
	if _, err := io.ReadFull(r, b[:2]); err != nil {
		return FrameHeader{}, err
	}
	n := headerLen(b[1])
	if _, err := io.ReadFull(r, b[2:n]); err != nil {
		return FrameHeader{}, noEOF(err)
	}
	h, _, err := parseHeader(b[:n])
	return h, err
}

// ParseFrameHeader decodes the frame header at the start of b with the checks
// a Conn makes on every header before its payload: no reserved opcode, and
// control frames final with at most 125 bytes (RFC 6455 §5.2, §5.5). It
// returns the header and its length on the wire, 2 to 14 bytes:
//
//	81 85 37 fa 21 3d   FIN, text, masked, 5-byte payload, key 37fa213d: n = 6
//
// When b ends before the header does, n is the length the header needs (2
// until byte 1 is known) and err is io.ErrUnexpectedEOF. Any other error is a
// *FrameError whose Offset is the byte of b at fault. What depends on the
// connection (RSV bits of a negotiated extension, the masking direction, the
// order of fragments) is left to the caller.
func ParseFrameHeader(b []byte) (h FrameHeader, n int, err error) {
	if len(b) < 2 {
		return FrameHeader{}, 2, io.ErrUnexpectedEOF
	}
	if n = headerLen(b[1]); len(b) < n {
		return FrameHeader{}, n, io.ErrUnexpectedEOF
	}
	if h, _, err = parseHeader(b[:n]); err != nil {
		return h, n, err
	}
	return h, n, nil
}

// AppendFrameHeader appends h in wire form to b, using the shortest length
// encoding (RFC 6455 §5.2: "the minimal number of bytes MUST be used").
func AppendFrameHeader(b []byte, h FrameHeader) []byte {
	b0 := byte(h.Opcode) | h.Rsv<<4
	if h.Fin {
		b0 |= 0x80
	}
	var b1 byte
	if h.Masked {
		b1 = 0x80
	}
	switch {
	case h.Length <= 125:
		b = append(b, b0, b1|byte(h.Length))
	case h.Length <= 0xffff:
		b = append(b, b0, b1|126, byte(h.Length>>8), byte(h.Length))
	default:
		b = append(b, b0, b1|127)
		b = binary.BigEndian.AppendUint64(b, uint64(h.Length))
	}
	if h.Masked {
		b = append(b, h.Key[:]...)
	}
	return b
}

// WriteFrameHeader writes h to w.
func WriteFrameHeader(w io.Writer, h FrameHeader) error {
	var buf [MaxHeaderLen]byte
	_, err := w.Write(AppendFrameHeader(buf[:0], h))
	return err
}

func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// headerSize returns the length of the header of a frame with an n-byte
// payload, in the shortest form AppendFrameHeader writes.
func headerSize(n int64, masked bool) int {
	size := 2
	switch {
	case n > 0xffff:
		size += 8
	case n > 125:
		size += 2
	}
	if masked {
		size += 4
	}
	return size
}
