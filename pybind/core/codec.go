package core

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"unicode/utf8"

	"github.com/wirelab/wirelab/websocket"
)

// AcceptKey returns Sec-WebSocket-Accept for a Sec-WebSocket-Key
// (RFC 6455 §4.2.2): base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")).
func AcceptKey(key string) string {
	return websocket.AcceptKey(key)
}

// Masking modes for EncodeFrame.
const (
	MaskNone   = 0 // a server's frame: no masking key
	MaskRandom = 1 // a client's frame with a fresh key from crypto/rand
	MaskKey    = 2 // a client's frame with the 4-byte key given
)

// EncodeFrame returns one frame in wire form. flags is byte 0 of the frame:
// FIN (0x80), RSV1-3 (0x70) and the opcode (0x0F). mode is MaskNone,
// MaskRandom or MaskKey; key is used with MaskKey only.
func EncodeFrame(payload []byte, flags int, mode int, key []byte) (out []byte, err error) {
	defer guard(&err)
	return encodeFrame(nil, payload, flags, mode, key)
}

// encodeFrame appends the frame to out.
func encodeFrame(out, payload []byte, flags int, mode int, key []byte) ([]byte, error) {
	if flags < 0 || flags > 0xff {
		return nil, valueErr("wirelab: frame flags %d do not fit in a byte", flags)
	}
	h := websocket.FrameHeader{
		Fin:    flags&0x80 != 0,
		Rsv:    byte(flags>>4) & 0x7,
		Opcode: websocket.Opcode(flags & 0xf),
		Length: int64(len(payload)),
	}
	switch h.Opcode {
	case websocket.OpContinuation, websocket.OpText, websocket.OpBinary,
		websocket.OpClose, websocket.OpPing, websocket.OpPong:
	default:
		return nil, valueErr("wirelab: opcode 0x%x is reserved (RFC 6455 §5.2)", byte(h.Opcode))
	}
	if h.Opcode.IsControl() {
		// RFC 6455 §5.5: control frames carry at most 125 bytes and are
		// never fragmented.
		if len(payload) > 125 {
			return nil, valueErr("wirelab: %s frame with a %d-byte payload (control frames carry at most 125, RFC 6455 §5.5)", h.Opcode, len(payload))
		}
		if !h.Fin {
			return nil, valueErr("wirelab: a %s frame must have FIN set (RFC 6455 §5.5)", h.Opcode)
		}
	}
	switch mode {
	case MaskNone:
	case MaskRandom:
		h.Masked = true
		rand.Read(h.Key[:])
	case MaskKey:
		if len(key) != 4 {
			return nil, valueErr("wirelab: a masking key has 4 bytes, not %d (RFC 6455 §5.3)", len(key))
		}
		h.Masked = true
		copy(h.Key[:], key)
	default:
		return nil, valueErr("wirelab: unknown masking mode %d", mode)
	}
	out = websocket.AppendFrameHeader(out, h)
	start := len(out)
	out = append(out, payload...)
	if h.Masked {
		websocket.Mask(h.Key, 0, out[start:])
	}
	return out, nil
}

// Which side the frames given to DecodeFrame come from (RFC 6455 §5.1).
const (
	FromEither = 0 // masked or not
	FromClient = 1 // must be masked
	FromServer = 2 // must not be masked
)

// decodedPrefix is the size of DecodeFrame's fixed prefix.
const decodedPrefix = 15

// DecodeFrame decodes the frame at the start of data. The result is
//
//	[0]      1 if a whole frame was decoded, 0 if data ends inside it
//	[1]      byte 0 of the frame: FIN, RSV1-3, opcode
//	[2]      1 if the frame was masked
//	[3:7]    the masking key (zeros if unmasked)
//	[7:15]   the frame's length on the wire, big-endian: the bytes consumed
//	[15:]    the payload, unmasked
//
// or just [0] when data holds only part of the frame. A frame that breaks
// RFC 6455 is an error: a reserved opcode, a control frame over 125 bytes or
// fragmented, a 64-bit length with its top bit set, RSV bits beyond
// rsvAllowed, masking against from, a close payload with a bad code or a
// reason that is not UTF-8, and an unfragmented text frame that is not
// UTF-8. The header is checked as soon as it is complete, before the payload
// arrives.
func DecodeFrame(data []byte, from int, rsvAllowed int) (out []byte, err error) {
	defer guard(&err)
	return decodeFrame(nil, data, from, rsvAllowed)
}

// decodeFrame appends DecodeFrame's result to out.
func decodeFrame(out, data []byte, from int, rsvAllowed int) ([]byte, error) {
	if len(data) < 2 {
		return append(out, 0), nil
	}
	need := 2
	switch data[1] & 0x7f {
	case 126:
		need += 2
	case 127:
		need += 8
	}
	if data[1]&0x80 != 0 {
		need += 4
	}
	if len(data) < need {
		return append(out, 0), nil
	}
	h, err := websocket.ReadFrameHeader(bytes.NewReader(data[:need]))
	if err != nil {
		return nil, tag(err)
	}
	if h.Rsv&^byte(rsvAllowed) != 0 {
		return nil, tag(&websocket.FrameError{Code: websocket.CloseProtocolError, Section: "§5.2",
			Msg: "RSV bits set that no negotiated extension defines"})
	}
	switch {
	case from == FromClient && !h.Masked:
		return nil, tag(&websocket.FrameError{Code: websocket.CloseProtocolError, Offset: 1, Section: "§5.1",
			Msg: "unmasked frame from a client (clients MUST mask)"})
	case from == FromServer && h.Masked:
		return nil, tag(&websocket.FrameError{Code: websocket.CloseProtocolError, Offset: 1, Section: "§5.1",
			Msg: "masked frame from a server (servers MUST NOT mask)"})
	}
	if h.Length > int64(len(data)-need) {
		return append(out, 0), nil
	}
	n := int(h.Length)
	var prefix [decodedPrefix]byte
	prefix[0] = 1
	prefix[1] = data[0]
	if h.Masked {
		prefix[2] = 1
		copy(prefix[3:7], h.Key[:])
	}
	binary.BigEndian.PutUint64(prefix[7:15], uint64(need+n))
	out = append(out, prefix[:]...)
	out = append(out, data[need:need+n]...)
	p := out[len(out)-n:]
	if h.Masked {
		websocket.Mask(h.Key, 0, p)
	}
	if err := checkPayload(h, p, need); err != nil {
		return nil, err
	}
	return out, nil
}

// checkPayload applies the payload rules that a single frame decides.
func checkPayload(h websocket.FrameHeader, p []byte, off int) error {
	switch {
	case h.Opcode == websocket.OpClose:
		if len(p) == 1 {
			return tag(&websocket.FrameError{Code: websocket.CloseProtocolError, Offset: off, Section: "§5.5.1",
				Msg: "1-byte close payload (a code takes 2 bytes)"})
		}
		if len(p) >= 2 {
			code := websocket.CloseCode(binary.BigEndian.Uint16(p))
			if !code.ValidOnWire() {
				return tag(&websocket.FrameError{Code: websocket.CloseProtocolError, Offset: off, Section: "§7.4.1",
					Msg: "close code " + code.String() + " is not allowed on the wire"})
			}
			if !utf8.Valid(p[2:]) {
				return tag(&websocket.FrameError{Code: websocket.CloseInvalidPayload, Offset: off + 2, Section: "§5.5.1",
					Msg: "close reason is not valid UTF-8"})
			}
		}
	case h.Opcode == websocket.OpText && h.Fin:
		if !utf8.Valid(p) {
			return tag(&websocket.FrameError{Code: websocket.CloseInvalidPayload, Offset: off, Section: "§8.1",
				Msg: "text frame is not valid UTF-8"})
		}
	}
	return nil
}

// FrameHeaderLength returns how many bytes the header of a frame whose
// first two bytes are b0, b1 takes: 2 to 14.
func FrameHeaderLength(b1 int) int {
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

// MaskBytes returns data XORed with the 4-byte key, as if data started at
// offset pos of a payload (RFC 6455 §5.3). Masking and unmasking are the
// same operation.
func MaskBytes(data []byte, key []byte, pos int) (out []byte, err error) {
	defer guard(&err)
	if len(key) != 4 {
		return nil, valueErr("wirelab: a masking key has 4 bytes, not %d (RFC 6455 §5.3)", len(key))
	}
	if len(data) == 0 {
		return nil, valueErr("wirelab: nothing to mask")
	}
	out = append([]byte(nil), data...)
	websocket.Mask([4]byte(key), pos, out)
	return out, nil
}
