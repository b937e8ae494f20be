package wsdecode

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wirelab/wirelab/annot"
	"github.com/wirelab/wirelab/websocket"
)

// A Sender says who wrote the bytes given to DecodeFrames, which decides the
// masking rule of RFC 6455 §5.1: a client masks every frame, a server none.
type Sender int

const (
	// SenderUnknown accepts both: a masked frame is read as a client's, an
	// unmasked one as a server's.
	SenderUnknown Sender = iota
	// SenderClient requires every frame to be masked.
	SenderClient
	// SenderServer requires every frame to be unmasked.
	SenderServer
)

func (s Sender) String() string {
	switch s {
	case SenderClient:
		return "client"
	case SenderServer:
		return "server"
	}
	return "unknown"
}

// DecodeOptions tune DecodeFrames. The zero value decodes frames from either
// side with no extension negotiated.
type DecodeOptions struct {
	// From is who sent the frames; see Sender.
	From Sender
	// RSV holds the RSV bits a negotiated extension gives meaning to, as
	// in FrameHeader.Rsv (0x4 is RSV1, used by permessage-deflate,
	// RFC 7692). Any other RSV bit is an error (RFC 6455 §5.2).
	RSV byte
	// Deflate reads the frames as on a connection that negotiated
	// permessage-deflate (RFC 7692): RSV1 on the first frame of a data
	// message marks it compressed (§6), and the message is inflated, with
	// the 00 00 ff ff tail the sender removed put back (§7.2.2). RSV1 on
	// a control or continuation frame stays an error (§6.1). Each message
	// is inflated on its own, as with no_context_takeover.
	Deflate bool
	// InflateLimit bounds an inflated message; 0 means DefaultInflateLimit.
	// Beyond it decoding fails with close code 1009 (RFC 7692 §8.1).
	InflateLimit int
}

// DefaultInflateLimit is the inflated size allowed for one compressed
// message when DecodeOptions.InflateLimit is 0: 1 MiB.
const DefaultInflateLimit = 1 << 20

// Field kinds of a decoded frame, in wire order.
const (
	FieldFlags       = "fin-rsv-opcode" // byte 0: FIN, RSV1-3, opcode (RFC 6455 §5.2)
	FieldMaskLen     = "mask-len"       // byte 1: MASK and the 7-bit payload length
	FieldExtLen16    = "ext-len-16"     // 2-byte extended payload length, after 126
	FieldExtLen64    = "ext-len-64"     // 8-byte extended payload length, after 127
	FieldMaskingKey  = "masking-key"    // 4-byte masking key, when MASK is 1 (RFC 6455 §5.3)
	FieldPayload     = "payload"        // payload data, as sent (masked if MASK is 1)
	FieldCloseCode   = "close-code"     // the first 2 payload bytes of a close frame (RFC 6455 §5.5.1)
	FieldCloseReason = "close-reason"   // the rest of a close frame's payload: UTF-8 text
)

// A DecodedFrame is one frame as DecodeFrames explains it.
type DecodedFrame struct {
	// Offset is the frame's first byte in the input.
	Offset int
	// Size counts the frame's bytes present in the input: header and
	// payload, or fewer when the input ends inside the frame.
	Size int
	// Header is the frame header as the engine's parser read it.
	Header websocket.FrameHeader
	// HeaderLen is the header's length on the wire: 2 to 14 bytes.
	HeaderLen int
	// LengthForm is how the payload length is written: "7-bit", "16-bit"
	// or "64-bit" (RFC 6455 §5.2).
	LengthForm string
	// Payload is the payload, unmasked.
	Payload []byte
	// Close is the code and reason of a valid close frame.
	Close *websocket.CloseError
	// Fields cut the frame into its wire fields, in order: each Raw is
	// exactly as sent (a masked payload stays masked), and Kind is one of
	// the Field constants.
	Fields []annot.Segment

	lengthKnown bool // the header was read and its length is valid
}

// A DecodedMessage is a data message reassembled from its frames
// (RFC 6455 §5.4).
type DecodedMessage struct {
	Type websocket.MessageType
	// Offset is the first byte of its first frame.
	Offset int
	// Frames lists the indexes in Decoding.Frames of its data frames.
	Frames []int
	// Data is the unmasked payload of all its frames.
	Data []byte
	// Complete reports that its final frame (FIN set) is in the input.
	Complete bool
	// Compressed reports RSV1 on its first frame under
	// DecodeOptions.Deflate. Data is then the inflated message, once
	// Complete, and Wire the compressed bytes of its frames.
	Compressed bool
	Wire       []byte
}

// A Decoding is the outcome of DecodeFrames.
type Decoding struct {
	// Frames are the frames decoded, up to and including the one where
	// decoding failed.
	Frames []DecodedFrame
	// Messages are the data messages the frames carry.
	Messages []DecodedMessage
	// Err is the error DecodeFrames returned, if any.
	Err *websocket.FrameError
}

// DecodeFrames explains raw WebSocket frames, for teaching: data holds one or
// more whole frames, as they cross the wire. The verdict is the engine's own:
// headers go through websocket.ParseFrameHeader, close payloads through
// websocket.ParseClose and text through websocket.UTF8Validator, as in a
// websocket.Conn, and the checks a Conn makes on top (RSV bits without an
// extension, the masking direction, the order of fragments) are made in the
// same order with the same close codes. Like a Conn, DecodeFrames accepts a
// length written in a longer form than needed.
//
// For the unmasked frame of RFC 6455 §5.7 that carries "Hello",
//
//	81 05 48 65 6c 6c 6f
//
// it returns one text frame with FIN set, a 7-bit payload length of 5 and
// the payload "Hello", and one message.
//
// On bad input it returns the frames up to and including the faulty one, the
// faulty field's Note naming the problem, and a *FrameError whose Offset is
// the offending byte in data and whose Section names the rule. An input that
// ends inside a frame gives a FrameError with Code CloseAbnormal: a
// connection that stopped there would have dropped (RFC 6455 §7.1.5). An
// input that ends between the frames of a message is not an error; that
// message is not Complete. The Decoding is never nil.
func DecodeFrames(data []byte, opts DecodeOptions) (*Decoding, error) {
	d := &decoder{data: data, opts: opts, from: opts.From, out: &Decoding{}}
	for off := 0; off < len(data); {
		n, err := d.frame(off)
		if err != nil {
			d.out.Err = err
			return d.out, err
		}
		off += n
	}
	return d.out, nil
}

// decoder carries the message state across frames, as a Conn does.
type decoder struct {
	data []byte
	opts DecodeOptions
	from Sender // opts.From, or the side the first frame shows
	out  *Decoding
	msg  *DecodedMessage // the message in progress, if any
	utf8 websocket.UTF8Validator
}

// fail records err's problem in the note of field f of frame fr, and returns
// err with its offset made absolute.
func fail(fr *DecodedFrame, f int, err *websocket.FrameError, base int) *websocket.FrameError {
	e := *err
	e.Offset += base
	if f >= 0 && f < len(fr.Fields) {
		n := &fr.Fields[f].Note
		if *n != "" {
			*n += "; "
		}
		*n += "invalid: " + e.Msg + " (RFC 6455 " + e.Section + ")"
	}
	return &e
}

// frameErr makes the error for a problem at byte off of a frame.
func frameErr(code websocket.CloseCode, off int, section, format string, args ...any) *websocket.FrameError {
	return &websocket.FrameError{Code: code, Offset: off, Section: section, Msg: fmt.Sprintf(format, args...)}
}

// known reports whether op is one of the six opcodes RFC 6455 §11.8 defines.
func known(op websocket.Opcode) bool {
	switch op {
	case websocket.OpContinuation, websocket.OpText, websocket.OpBinary, websocket.OpClose, websocket.OpPing, websocket.OpPong:
		return true
	}
	return false
}

// truncated is the error for input that stops inside a frame.
func truncated(off int, format string, args ...any) *websocket.FrameError {
	return frameErr(websocket.CloseAbnormal, off, "§5.2", format, args...)
}

// frame decodes the frame at off and returns its size.
func (d *decoder) frame(off int) (int, *websocket.FrameError) {
	data := d.data[off:]
	d.out.Frames = append(d.out.Frames, DecodedFrame{Offset: off})
	idx := len(d.out.Frames) - 1
	fr := &d.out.Frames[idx]
	add := func(rel int, kind string, raw []byte, note string) int {
		fr.Fields = append(fr.Fields, annot.Segment{Offset: off + rel, Kind: kind, Raw: raw, Note: note})
		return len(fr.Fields) - 1
	}

	// Byte 0.
	b0 := data[0]
	fr.Size = 1
	op := websocket.Opcode(b0 & 0xf)
	fFlags := add(0, FieldFlags, data[:1], flagsNote(b0))
	if len(data) < 2 {
		fr.Fields[fFlags].Note += "; the input ends here"
		return 0, truncated(len(d.data), "input ends after the first byte of frame %d (a header has at least 2)", idx+1)
	}

	// Byte 1, then the extended length and masking key.
	b1 := data[1]
	h, hlen, perr := websocket.ParseFrameHeader(data)
	fr.HeaderLen = hlen
	fr.Size = min(hlen, len(data))
	fMaskLen := add(1, FieldMaskLen, data[1:2], maskLenNote(b1))
	pos := 2
	fLen := fMaskLen
	switch b1 & 0x7f {
	case 126:
		fr.LengthForm = "16-bit"
		fLen = add(2, FieldExtLen16, data[2:min(4, len(data))], "")
		pos = 4
	case 127:
		fr.LengthForm = "64-bit"
		fLen = add(2, FieldExtLen64, data[2:min(10, len(data))], "")
		pos = 10
	default:
		fr.LengthForm = "7-bit"
	}
	fKey := -1
	if b1&0x80 != 0 && len(data) > pos {
		fKey = add(pos, FieldMaskingKey, data[pos:min(pos+4, len(data))], "payload[i] XOR key[i mod 4] gives the data (RFC 6455 §5.3)")
	}
	if len(data) < hlen {
		last := len(fr.Fields) - 1
		fr.Fields[last].Note = fmt.Sprintf("truncated: the input ends inside the header, which needs %d bytes", hlen)
		return 0, truncated(len(d.data), "input ends inside the header of frame %d (%d bytes needed, %d present)", idx+1, hlen, len(data))
	}

	// Explain the extended length before the parser judges it.
	switch {
	case fr.LengthForm == "16-bit":
		fr.Fields[fLen].Note = extLenNote(int64(binary.BigEndian.Uint16(data[2:])), fr.LengthForm)
	case fr.LengthForm == "64-bit" && data[2]&0x80 == 0:
		fr.Fields[fLen].Note = extLenNote(int64(binary.BigEndian.Uint64(data[2:])), fr.LengthForm)
	}

	// The engine's parser decides.
	fr.Header = h
	if perr != nil {
		pe, ok := perr.(*websocket.FrameError)
		if !ok {
			return 0, frameErr(websocket.CloseProtocolError, 0, "§5.2", "%v", perr)
		}
		f := fFlags
		switch pe.Offset {
		case 1:
			f = fMaskLen
		case 2:
			f = fLen
		}
		return 0, fail(fr, f, pe, off)
	}
	fr.lengthKnown = true

	// The checks a Conn makes on every header (readFrameHeader).
	allowed := d.opts.RSV
	if d.opts.Deflate {
		allowed |= 0x4
		if h.Rsv&0x4 != 0 && (op.IsControl() || op == websocket.OpContinuation) {
			return 0, fail(fr, fFlags, frameErr(websocket.CloseProtocolError, 0, "§5.2", "RSV1 set on a %s frame: permessage-deflate marks only the first frame of a data message (RFC 7692 §6.1)", op), off)
		}
	}
	if bad := h.Rsv &^ allowed; bad != 0 {
		return 0, fail(fr, fFlags, frameErr(websocket.CloseProtocolError, 0, "§5.2", "RSV bits %03b set but no extension was negotiated that uses them", bad), off)
	}
	if d.from == SenderUnknown {
		// One side of a connection masks every frame or none: the first
		// frame tells which side wrote the input.
		d.from = SenderServer
		if h.Masked {
			d.from = SenderClient
		}
	}
	switch {
	case d.from == SenderServer && h.Masked:
		return 0, fail(fr, fMaskLen, frameErr(websocket.CloseProtocolError, 1, "§5.1", "masked frame from a server (servers MUST NOT mask)"), off)
	case d.from == SenderClient && !h.Masked:
		return 0, fail(fr, fMaskLen, frameErr(websocket.CloseProtocolError, 1, "§5.1", "unmasked frame from a client (clients MUST mask)"), off)
	}
	if fKey >= 0 {
		fr.Fields[fKey].Note = fmt.Sprintf("key %x: payload[i] XOR key[i mod 4] gives the data (RFC 6455 §5.3)", h.Key)
	}

	// The order of fragments (RFC 6455 §5.4), as Conn.nextDataFrame checks it.
	if !op.IsControl() {
		switch {
		case d.msg != nil && op != websocket.OpContinuation:
			return 0, fail(fr, fFlags, frameErr(websocket.CloseProtocolError, 0, "§5.4", "%s frame inside a fragmented message (expected continuation)", op), off)
		case d.msg == nil && op == websocket.OpContinuation:
			return 0, fail(fr, fFlags, frameErr(websocket.CloseProtocolError, 0, "§5.4", "continuation frame with no message to continue"), off)
		}
	}

	// The payload, or as much of it as the input holds.
	start := hlen
	present := int64(len(data) - start)
	short := present < h.Length
	end := start + int(min(present, h.Length))
	fr.Size = end
	wire := data[start:end]
	p := append([]byte(nil), wire...)
	if h.Masked {
		websocket.Mask(h.Key, 0, p)
	}
	fr.Payload = p
	shortErr := func(f int) *websocket.FrameError {
		fr.Fields[f].Note = fmt.Sprintf("truncated: %d of %d bytes present", present, h.Length)
		return truncated(len(d.data), "input ends inside the payload of frame %d (%d bytes declared, %d present)", idx+1, h.Length, present)
	}

	switch op {
	case websocket.OpClose, websocket.OpPing, websocket.OpPong:
		if short {
			return 0, shortErr(add(start, FieldPayload, wire, ""))
		}
		if op == websocket.OpClose {
			return end, d.closePayload(fr, off+start, wire)
		}
		note := payloadNote(p, h.Masked, utf8.Valid(p))
		if d.msg != nil {
			note += "; a control frame may come between the fragments of a message (RFC 6455 §5.4)"
		}
		add(start, FieldPayload, wire, note)
		return end, nil
	}

	// A data frame: join its message.
	if d.msg == nil {
		d.out.Messages = append(d.out.Messages, DecodedMessage{Type: websocket.MessageType(op), Offset: off})
		d.msg = &d.out.Messages[len(d.out.Messages)-1]
		d.msg.Compressed = d.opts.Deflate && h.Rsv&0x4 != 0
		d.utf8.Reset()
		if d.msg.Compressed {
			fr.Fields[fFlags].Note += "; RSV1=1: the message is compressed (permessage-deflate, RFC 7692 §6)"
		}
	}
	m := d.msg
	m.Frames = append(m.Frames, idx)
	text := m.Type == websocket.TextMessage
	if m.Compressed {
		m.Wire = append(m.Wire, p...)
		text = false // UTF-8 is checked after inflating
	} else {
		m.Data = append(m.Data, p...)
	}
	fPay := add(start, FieldPayload, wire, "")
	if text {
		// Fail fast, at the first byte that cannot be UTF-8, as a Conn
		// does: even before the rest of the frame arrives.
		for i := range p {
			if !d.utf8.Write(p[i : i+1]) {
				return 0, fail(fr, fPay, frameErr(websocket.CloseInvalidPayload, start+i, "§8.1", "invalid UTF-8 (byte 0x%02x) in a text message", p[i]), off)
			}
		}
	}
	if short {
		return 0, shortErr(fPay)
	}
	if text && h.Fin && !d.utf8.Complete() {
		return 0, fail(fr, fPay, frameErr(websocket.CloseInvalidPayload, max(start, end-1), "§8.1", "text message ends inside a UTF-8 sequence"), off)
	}
	fr.Fields[fPay].Note = payloadNote(p, h.Masked, text)
	if h.Fin && m.Compressed {
		if err := d.inflate(m, start, end); err != nil {
			return 0, fail(fr, fPay, err, off)
		}
	}
	if h.Fin {
		m.Complete = true
		d.msg = nil
	}
	return end, nil
}

// inflate sets m.Data to m.Wire inflated, with the 00 00 ff ff tail put
// back (RFC 7692 §7.2.2), and checks a text message's UTF-8. start and end
// bound the final frame's payload, relative to the frame.
func (d *decoder) inflate(m *DecodedMessage, start, end int) *websocket.FrameError {
	limit := d.opts.InflateLimit
	if limit <= 0 {
		limit = DefaultInflateLimit
	}
	src := io.MultiReader(bytes.NewReader(m.Wire), bytes.NewReader([]byte{0x00, 0x00, 0xff, 0xff}))
	fl := flate.NewReader(src)
	data, err := io.ReadAll(io.LimitReader(fl, int64(limit)+1))
	last := max(start, end-1)
	switch {
	case len(data) > limit:
		return frameErr(websocket.CloseMessageTooBig, last, "§7.4.1", "compressed message inflates past the %d-byte limit (RFC 7692 §8.1)", limit)
	case err != nil && !errors.Is(err, io.ErrUnexpectedEOF):
		return frameErr(websocket.CloseProtocolError, last, "§5.2", "compressed message does not inflate: %v (RFC 7692 §7.2.2)", err)
	}
	m.Data = data
	if m.Type == websocket.TextMessage && !utf8.Valid(data) {
		return frameErr(websocket.CloseInvalidPayload, last, "§8.1", "inflated text message is not valid UTF-8")
	}
	return nil
}

// closePayload explains and checks a close frame's payload, which starts at
// absolute offset base.
func (d *decoder) closePayload(fr *DecodedFrame, base int, wire []byte) *websocket.FrameError {
	add := func(abs int, kind string, raw []byte, note string) int {
		fr.Fields = append(fr.Fields, annot.Segment{Offset: abs, Kind: kind, Raw: raw, Note: note})
		return len(fr.Fields) - 1
	}
	p := fr.Payload
	var fCode, fReason int
	switch len(p) {
	case 0:
		add(base, FieldPayload, wire, "empty: no status code; the receiver reports 1005 (no status received) (RFC 6455 §7.1.5)")
	case 1:
		fCode = add(base, FieldPayload, wire, "")
	default:
		code := websocket.CloseCode(binary.BigEndian.Uint16(p))
		fCode = add(base, FieldCloseCode, wire[:2], fmt.Sprintf("status code %s, network byte order (RFC 6455 §7.4)", code))
		fReason = add(base+2, FieldCloseReason, wire[2:], "")
		if len(p) == 2 {
			fr.Fields[fReason].Note = "no reason"
		}
		if fr.Header.Masked {
			fr.Fields[fCode].Note += "; masked on the wire"
		}
	}
	ce, err := websocket.ParseClose(p)
	if err != nil {
		ferr, ok := err.(*websocket.FrameError)
		if !ok {
			ferr = frameErr(websocket.CloseProtocolError, 0, "§5.5.1", "%v", err)
		}
		f := fCode
		if ferr.Offset == 2 {
			f = fReason
		}
		return fail(fr, f, ferr, base)
	}
	fr.Close = ce
	if len(p) >= 2 {
		if len(ce.Reason) == 0 {
			fr.Fields[fReason].Note = "no reason"
		} else {
			fr.Fields[fReason].Note = strconv.Quote(ce.Reason) + " (UTF-8, at most 123 bytes: RFC 6455 §5.5.1)"
			if fr.Header.Masked {
				fr.Fields[fReason].Note += "; masked on the wire"
			}
		}
	}
	return nil
}

// flagsNote explains byte 0 of a frame.
func flagsNote(b0 byte) string {
	op := websocket.Opcode(b0 & 0xf)
	var s strings.Builder
	if b0&0x80 != 0 {
		s.WriteString("FIN=1 (final frame)")
	} else {
		s.WriteString("FIN=0 (more frames follow)")
	}
	fmt.Fprintf(&s, ", RSV=%03b, opcode=0x%x %s", (b0>>4)&7, byte(op), op)
	if op.IsControl() && known(op) {
		s.WriteString(" (control frame)")
	}
	s.WriteString(" (RFC 6455 §5.2)")
	return s.String()
}

// maskLenNote explains byte 1 of a frame: MASK and the 7-bit length.
func maskLenNote(b1 byte) string {
	var s string
	if b1&0x80 != 0 {
		s = "MASK=1 (masked, as a client must: RFC 6455 §5.3)"
	} else {
		s = "MASK=0 (unmasked, as a server must: RFC 6455 §5.1)"
	}
	switch l := b1 & 0x7f; l {
	case 126:
		return s + ", payload len=126: the length is in the next 2 bytes (RFC 6455 §5.2)"
	case 127:
		return s + ", payload len=127: the length is in the next 8 bytes (RFC 6455 §5.2)"
	default:
		return s + fmt.Sprintf(", payload len=%d, 7-bit form (RFC 6455 §5.2)", l)
	}
}

// extLenNote explains an extended payload length and whether its form is
// the shortest, as RFC 6455 §5.2 asks of senders.
func extLenNote(n int64, form string) string {
	s := fmt.Sprintf("payload length %d, %s form (RFC 6455 §5.2)", n, form)
	switch {
	case n <= 125:
		s += fmt.Sprintf("; not minimal: %d fits the 7-bit form, which senders MUST use (receivers, this engine too, accept it)", n)
	case form == "64-bit" && n <= 0xffff:
		s += fmt.Sprintf("; not minimal: %d fits the 16-bit form, which senders MUST use (receivers, this engine too, accept it)", n)
	}
	return s
}

// payloadNote describes an unmasked payload p.
func payloadNote(p []byte, masked, text bool) string {
	if len(p) == 0 {
		return "empty"
	}
	var s string
	if text {
		// A fragment of a text message may end inside a character;
		// quoting shows those bytes as \xNN.
		s = quoteShort(p)
	} else {
		s = plural(len(p), "byte") + ": " + hexShort(p, 16)
	}
	if masked {
		s += " (unmasked)"
	}
	return s
}

// quoteShort quotes text, keeping the first 64 bytes of a long one.
func quoteShort(p []byte) string {
	const keep = 64
	if len(p) <= keep+8 {
		return strconv.Quote(string(p))
	}
	cut := keep
	for cut > 0 && !utf8.RuneStart(p[cut]) {
		cut--
	}
	return strconv.Quote(string(p[:cut])) + fmt.Sprintf("...(+%d bytes)", len(p)-cut)
}

// hexShort writes the first n bytes of b in hex, space-separated.
func hexShort(b []byte, n int) string {
	var s strings.Builder
	for i, c := range b {
		if i == n && len(b) > n+2 {
			fmt.Fprintf(&s, " ...(+%d bytes)", len(b)-n)
			break
		}
		if i > 0 {
			s.WriteByte(' ')
		}
		fmt.Fprintf(&s, "%02x", c)
	}
	return s.String()
}

// summary is the one-line description of a frame above its fields.
func (f *DecodedFrame) summary(i int) string {
	var s strings.Builder
	fmt.Fprintf(&s, "frame %d at byte %d: %s", i+1, f.Offset, websocket.Opcode(f.Fields[0].Raw[0]&0xf))
	if f.Fields[0].Raw[0]&0x80 != 0 {
		s.WriteString(", FIN")
	} else {
		s.WriteString(", not FIN")
	}
	if len(f.Fields) < 2 {
		return s.String()
	}
	if f.Fields[1].Raw[0]&0x80 != 0 {
		s.WriteString(", masked")
	} else {
		s.WriteString(", unmasked")
	}
	fmt.Fprintf(&s, ", %d-byte header", f.HeaderLen)
	if f.lengthKnown {
		fmt.Fprintf(&s, ", %d-byte payload", f.Header.Length)
	}
	return s.String()
}

// WriteText writes d as an aligned table, one row per field, each frame
// under a summary line and the messages after the frames:
//
//	frame 1 at byte 0: text, FIN, unmasked, 2-byte header, 5-byte payload
//	0  fin-rsv-opcode  81              FIN=1 (final frame), RSV=000, opcode=0x1 text (RFC 6455 §5.2)
//	1  mask-len        05              MASK=0 (unmasked, as a server must: RFC 6455 §5.1), payload len=5, 7-bit form (RFC 6455 §5.2)
//	2  payload         48 65 6c 6c 6f  "Hello"
//	message 1 at byte 0: text, 1 frame, 5 bytes: "Hello"
//
// Raw bytes show in hex, the first 16 of a long field. Problems show in the
// note of the field at fault; WriteText does not repeat d.Err.
func (d *Decoding) WriteText(w io.Writer) error {
	const maxRaw = 16
	offW, kindW, rawW := 0, 0, 0
	raws := make([][]string, len(d.Frames))
	for i, f := range d.Frames {
		for _, fl := range f.Fields {
			r := hexShort(fl.Raw, maxRaw)
			raws[i] = append(raws[i], r)
			offW = max(offW, len(strconv.Itoa(fl.Offset)))
			kindW = max(kindW, len(fl.Kind))
			if len(fl.Raw) <= maxRaw {
				rawW = max(rawW, len(r))
			}
		}
	}
	var b strings.Builder
	for i, f := range d.Frames {
		b.WriteString(f.summary(i))
		b.WriteByte('\n')
		for j, fl := range f.Fields {
			line := fmt.Sprintf("%*d  %-*s  %-*s  %s", offW, fl.Offset, kindW, fl.Kind, rawW, raws[i][j], fl.Note)
			b.WriteString(strings.TrimRight(line, " "))
			b.WriteByte('\n')
		}
	}
	for i, m := range d.Messages {
		fmt.Fprintf(&b, "message %d at byte %d: %s, %s", i+1, m.Offset, m.Type, plural(len(m.Frames), "frame"))
		if len(m.Frames) > 1 {
			b.WriteString(" (fragmented, RFC 6455 §5.4)")
		}
		switch {
		case !m.Complete && d.Err != nil && i == len(d.Messages)-1:
			fmt.Fprintf(&b, ", %s before the error\n", plural(len(m.Data), "byte"))
		case !m.Complete:
			fmt.Fprintf(&b, ", %s so far; the input ends before its final frame\n", plural(len(m.Data), "byte"))
		case len(m.Data) == 0:
			b.WriteString(", empty\n")
		case m.Type == websocket.TextMessage:
			fmt.Fprintf(&b, ", %s: %s\n", plural(len(m.Data), "byte"), quoteShort(m.Data))
		default:
			fmt.Fprintf(&b, ", %s: %s\n", plural(len(m.Data), "byte"), hexShort(m.Data, 16))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// MarshalJSON encodes d with raw bytes in hex, payloads as text when they
// are valid UTF-8 and in hex otherwise.
func (d *Decoding) MarshalJSON() ([]byte, error) {
	type field struct {
		Offset int    `json:"offset"`
		Kind   string `json:"kind"`
		Hex    string `json:"hex"`
		Note   string `json:"note"`
	}
	type frame struct {
		Offset        int     `json:"offset"`
		Size          int     `json:"size"`
		Fin           bool    `json:"fin"`
		Rsv1          bool    `json:"rsv1"`
		Rsv2          bool    `json:"rsv2"`
		Rsv3          bool    `json:"rsv3"`
		Opcode        byte    `json:"opcode"`
		OpcodeName    string  `json:"opcode_name"`
		Masked        bool    `json:"masked"`
		HeaderLength  int     `json:"header_length"`
		PayloadLength int64   `json:"payload_length"`
		LengthForm    string  `json:"length_form,omitempty"`
		MaskingKey    string  `json:"masking_key,omitempty"`
		Payload       *string `json:"payload,omitempty"`
		PayloadHex    string  `json:"payload_hex"`
		CloseCode     int     `json:"close_code,omitempty"`
		CloseReason   string  `json:"close_reason,omitempty"`
		Fields        []field `json:"fields"`
	}
	type message struct {
		Offset   int     `json:"offset"`
		Type     string  `json:"type"`
		Frames   []int   `json:"frames"`
		Length   int     `json:"length"`
		Data     *string `json:"data,omitempty"`
		DataHex  string  `json:"data_hex"`
		Complete bool    `json:"complete"`
		// Compressed messages (DecodeOptions.Deflate) also give the
		// compressed bytes; data and data_hex are then inflated.
		Compressed bool   `json:"compressed,omitempty"`
		WireHex    string `json:"compressed_hex,omitempty"`
	}
	type ferr struct {
		Offset  int    `json:"offset"`
		Code    int    `json:"close_code"`
		Section string `json:"section"`
		Message string `json:"message"`
		Error   string `json:"error"`
	}
	v := struct {
		Frames   []frame   `json:"frames"`
		Messages []message `json:"messages"`
		Error    *ferr     `json:"error,omitempty"`
	}{Frames: []frame{}, Messages: []message{}}
	text := func(b []byte) *string {
		if !utf8.Valid(b) {
			return nil
		}
		s := string(b)
		return &s
	}
	for _, f := range d.Frames {
		op := websocket.Opcode(f.Fields[0].Raw[0] & 0xf)
		h := f.Header
		jf := frame{
			Offset: f.Offset, Size: f.Size, Fin: h.Fin,
			Rsv1: h.Rsv&4 != 0, Rsv2: h.Rsv&2 != 0, Rsv3: h.Rsv&1 != 0,
			Opcode: byte(op), OpcodeName: op.String(), Masked: h.Masked,
			HeaderLength: f.HeaderLen, PayloadLength: h.Length, LengthForm: f.LengthForm,
			PayloadHex: hex.EncodeToString(f.Payload), Fields: []field{},
		}
		if f.Payload != nil {
			jf.Payload = text(f.Payload)
		}
		if h.Masked {
			jf.MaskingKey = hex.EncodeToString(h.Key[:])
		}
		if f.Close != nil {
			jf.CloseCode, jf.CloseReason = int(f.Close.Code), f.Close.Reason
		}
		for _, fl := range f.Fields {
			jf.Fields = append(jf.Fields, field{fl.Offset, fl.Kind, hex.EncodeToString(fl.Raw), fl.Note})
		}
		v.Frames = append(v.Frames, jf)
	}
	for _, m := range d.Messages {
		jm := message{Offset: m.Offset, Type: m.Type.String(), Frames: []int{}, Length: len(m.Data), DataHex: hex.EncodeToString(m.Data), Complete: m.Complete, Compressed: m.Compressed}
		if m.Compressed {
			jm.WireHex = hex.EncodeToString(m.Wire)
		}
		for _, i := range m.Frames {
			jm.Frames = append(jm.Frames, i+1)
		}
		if m.Type == websocket.TextMessage {
			jm.Data = text(m.Data)
		}
		v.Messages = append(v.Messages, jm)
	}
	if e := d.Err; e != nil {
		v.Error = &ferr{Offset: e.Offset, Code: int(e.Code), Section: "RFC 6455 " + e.Section, Message: e.Msg, Error: e.Error()}
	}
	return json.Marshal(v)
}
