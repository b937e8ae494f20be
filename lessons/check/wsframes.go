package check

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/websocket"
	"github.com/wirelab/wirelab/websocket/wsdecode"
)

// The checker's side of the WebSocket wire, for the interpreter in ws.go:
// the opening handshake and its checks, frames and messages read from the
// server and judged by the engine (websocket.ReadFrameHeader,
// wsdecode.DecodeFrames), and the notes that explain them in a failure.

// newKey returns a fresh Sec-WebSocket-Key: 16 random bytes in base64
// (RFC 6455 §4.1 item 7).
func newKey() string {
	var b [16]byte
	rand.Read(b[:])
	return base64.StdEncoding.EncodeToString(b[:])
}

// handshake is the checker's side of one opening handshake.
type handshake struct {
	key        string
	resp       *httpcore.Response
	start, end int // the 101 response is w.recv[start:end]
}

// sendHandshake writes the opening handshake request and reads the
// response with httpcore.ReadResponse.
func (r *runner) sendHandshake(w *wire) (*handshake, error) {
	hs := &handshake{key: newKey()}
	req := "GET / HTTP/1.1\r\n" +
		"Host: " + r.addr + "\r\n" +
		"Upgrade: websocket\r\n" +
		"Connection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + hs.key + "\r\n" +
		"Sec-WebSocket-Version: 13\r\n" +
		"User-Agent: wirelab-check\r\n" +
		"\r\n"
	if err := w.write([]byte(req)); err != nil {
		return nil, r.ioFail(w, err, "RFC 6455 §4.1", r.msg(i18n.ChkServerReadHandshakeRequest), "")
	}
	resp, start, end, err := r.readResponse(w, "GET", "RFC 6455 §4.2.2",
		r.msg(i18n.ChkHandshakeResponse),
		r.tr(handshakeRule[0], handshakeRule[1]))
	if err != nil {
		return nil, err
	}
	hs.resp, hs.start, hs.end = resp, start, end
	return hs, nil
}

// checkUpgrade checks the 101 response: status, Upgrade and Connection, and
// no subprotocol or extension the checker did not offer (RFC 6455 §4.1).
func (r *runner) checkUpgrade(w *wire, hs *handshake) error {
	resp := hs.resp
	if resp.StatusCode != 101 {
		hint := r.msg(i18n.ChkWebsocketHandshakeAnsweredHttp)
		switch {
		case resp.StatusCode == 200:
			hint = r.msg(i18n.ChkServerAnsweredPlainHttp)
		case resp.StatusCode/100 == 4:
			hint = r.msg(i18n.ChkServerRejectedHandshakeChecker)
		}
		return r.failAt(w, hs.start+9, "RFC 6455 §4.2.2",
			r.msg(i18n.ChkStatusSwitchingProtocols, resp.StatusCode), hint)
	}
	for _, f := range []struct{ name, token string }{{"Upgrade", "websocket"}, {"Connection", "upgrade"}} {
		if resp.Header.HasToken(f.name, f.token) {
			continue
		}
		want := f.name + ": " + map[string]string{"Upgrade": "websocket", "Connection": "Upgrade"}[f.name]
		if _, voff, ok := fieldAt(w.recv[hs.start:hs.end], f.name); ok {
			return r.failAt(w, hs.start+voff, "RFC 6455 §4.1",
				r.msg(i18n.ChkMustContain, f.name, resp.Header.Get(f.name), f.token),
				r.msg(i18n.ChkSendFieldLineResponse, want))
		}
		return r.failAt(w, hs.end-2, "RFC 6455 §4.1",
			r.msg(i18n.ChkResponseHasNoField2, f.name),
			r.msg(i18n.ChkSendFieldLineResponse2, want))
	}
	for _, name := range []string{"Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions"} {
		if v, ok := resp.Header.Lookup(name); ok && v != "" {
			_, voff, _ := fieldAt(w.recv[hs.start:hs.end], name)
			return r.failAt(w, hs.start+voff, "RFC 6455 §4.1",
				r.msg(i18n.ChkResponseHasCheckerOffered, name, v),
				r.msg(i18n.ChkOnlyAnswerValueClient, name))
		}
	}
	return nil
}

// checkAccept checks Sec-WebSocket-Accept (RFC 6455 §4.2.2 item 5.4).
func (r *runner) checkAccept(w *wire, hs *handshake) error {
	want := websocket.AcceptKey(hs.key)
	got, ok := hs.resp.Header.Lookup("Sec-WebSocket-Accept")
	hint := r.msg(i18n.ChkAppendGuidEafa5E914, hs.key, want)
	if !ok {
		return r.failAt(w, hs.end-2, "RFC 6455 §4.2.2",
			r.msg(i18n.ChkResponseHasNoSec), hint)
	}
	if got == want {
		return nil
	}
	_, voff, _ := fieldAt(w.recv[hs.start:hs.end], "Sec-WebSocket-Accept")
	// Point at the first byte that differs.
	return r.failAt(w, hs.start+voff+common(w.recv[hs.start+voff:hs.end], []byte(want)), "RFC 6455 §4.2.2",
		r.msg(i18n.ChkSecWebsocketAcceptKey, got, hs.key, want), hint)
}

// fieldAt finds the first field line named name in the header section
// head and returns the offsets of the line and of its value.
func fieldAt(head []byte, name string) (line, value int, ok bool) {
	off := 0
	for off < len(head) {
		end := bytes.IndexByte(head[off:], '\n')
		if end < 0 {
			end = len(head) - off
		}
		l := head[off : off+end]
		if c := bytes.IndexByte(l, ':'); c > 0 && strings.EqualFold(string(l[:c]), name) {
			v := c + 1
			for v < len(l) && (l[v] == ' ' || l[v] == '\t') {
				v++
			}
			return off, off + v, true
		}
		off += end + 1
	}
	return 0, 0, false
}

// clientFrame returns one frame as a client sends it: masked with a fresh
// random key (RFC 6455 §5.3).
func clientFrame(fin bool, op websocket.Opcode, payload []byte) []byte {
	h := websocket.FrameHeader{Fin: fin, Opcode: op, Masked: true, Length: int64(len(payload))}
	rand.Read(h.Key[:])
	b := websocket.AppendFrameHeader(nil, h)
	n := len(b)
	b = append(b, payload...)
	websocket.Mask(h.Key, 0, b[n:])
	return b
}

// pattern returns n bytes of readable text.
func pattern(n int) []byte {
	const s = "wirelab-0123456789-abcdefghijklmnopqrstuvwxyz-"
	b := make([]byte, n)
	for i := range b {
		b[i] = s[i%len(s)]
	}
	return b
}

// A frameAt is a frame read from the server: its header, and where it is
// in the wire's recording.
type frameAt struct {
	off, hlen int
	h         websocket.FrameHeader
}

// readFrame reads one frame from the server with websocket.ReadFrameHeader.
// For a data frame that is a whole message (FIN set, not a continuation),
// want ≥ 0 is the payload length the stage expects: a header announcing
// another fails at once, with lenHint, rather than waiting for bytes that
// will never come.
func (r *runner) readFrame(w *wire, want int64, what, lenHint string) (frameAt, error) {
	fa := frameAt{off: w.consumed()}
	h, err := websocket.ReadFrameHeader(w.br)
	if err != nil {
		var fe *websocket.FrameError
		if errors.As(err, &fe) {
			return fa, r.failAt(w, fa.off+fe.Offset, "RFC 6455 "+fe.Section,
				r.msg(i18n.ChkBadFrameFromServer, fe.Msg),
				r.msg(i18n.ChkByteFinRsv1Opcode))
		}
		hint := lenHint
		if w.consumed() > fa.off {
			hint = r.msg(i18n.ChkFrameHeaderStoppedMiddle)
		}
		return fa, r.ioFail(w, err, r.section, what, hint)
	}
	fa.h = h
	fa.hlen = w.consumed() - fa.off
	if !h.Opcode.IsControl() && h.Fin && h.Opcode != websocket.OpContinuation && want >= 0 && h.Length != want {
		at := fa.off + 1
		if fa.hlen >= 4 && w.recv[fa.off+1]&0x7f >= 126 {
			at = fa.off + 2
		}
		return fa, r.failAt(w, at, "RFC 6455 §5.2",
			r.msg(i18n.ChkReplyAnnouncesBytePayload, h.Length, r.lengthForm(w, fa), want), lenHint)
	}
	if h.Length > maxFrame {
		return fa, r.failAt(w, fa.off+1, "RFC 6455 §5.2",
			r.msg(i18n.ChkReplyAnnouncesBytePayload2, h.Length, len64), lenHint)
	}
	if _, err := w.br.Discard(int(h.Length)); err != nil {
		hint := r.msg(i18n.ChkPayloadShorterThanLength)
		if lenHint != "" {
			hint = lenHint
		}
		return fa, r.ioFail(w, err, "RFC 6455 §5.2",
			r.msg(i18n.ChkRestBytePayload, h.Length), hint)
	}
	return fa, nil
}

// lengthForm describes how a header wrote its length, for messages.
func (r *runner) lengthForm(w *wire, fa frameAt) string {
	switch l := w.recv[fa.off+1] & 0x7f; l {
	case 126:
		return r.msg(i18n.ChkByteSaysBitLength, fa.h.Length)
	case 127:
		return r.msg(i18n.ChkByteSaysBitLength2)
	default:
		return r.msg(i18n.ChkBitLengthByte, l)
	}
}

// A message is one data message read from the server, checked by the
// engine's decoder.
type message struct {
	base   int // offset in w.recv of its first frame (or an earlier control frame)
	frames []frameAt
	dec    *wsdecode.Decoding
	msg    *wsdecode.DecodedMessage
}

// readMessage reads frames until a data message is complete, and has
// wsdecode.DecodeFrames pass the engine's verdict on them: masking (once
// the stage is server-unmasked or later), RSV bits, opcodes, the order of
// fragments, UTF-8 in text. A close frame instead is a failure.
func (r *runner) readMessage(w *wire, want int64, what, lenHint string) (*message, error) {
	m := &message{base: w.consumed()}
	for {
		fa, err := r.readFrame(w, want, what, lenHint)
		if err != nil {
			return nil, err
		}
		m.frames = append(m.frames, fa)
		if fa.h.Opcode == websocket.OpClose {
			d, _ := wsdecode.DecodeFrames(w.recv[fa.off:w.consumed()], wsdecode.DecodeOptions{})
			code := "no code"
			if len(d.Frames) > 0 && d.Frames[0].Close != nil {
				code = d.Frames[0].Close.Code.String()
				if rs := d.Frames[0].Close.Reason; rs != "" {
					code += " " + fmt.Sprintf("%q", rs)
				}
			}
			return nil, r.failAt(w, fa.off, "RFC 6455 §5.5.1",
				r.msg(i18n.ChkServerSentCloseFrame, code, what),
				r.msg(i18n.ChkServerEndedConnectionDid))
		}
		if !fa.h.Opcode.IsControl() && fa.h.Fin {
			break
		}
	}
	from := wsdecode.SenderUnknown
	if r.strictMask {
		from = wsdecode.SenderServer
	}
	dec, err := wsdecode.DecodeFrames(w.recv[m.base:w.consumed()], wsdecode.DecodeOptions{From: from})
	m.dec = dec
	if err != nil {
		fe := asFrameError(err)
		return nil, r.failAt(w, m.base+fe.Offset, "RFC 6455 "+fe.Section,
			r.msg(i18n.ChkEngineRejectsReply, fe.Msg), r.frameHint(fe))
	}
	if len(dec.Messages) == 0 {
		return nil, r.failEnd(w, "RFC 6455 §5.4", r.msg(i18n.ChkNoDataMessageReply), "")
	}
	m.msg = &dec.Messages[len(dec.Messages)-1]
	return m, nil
}

// frameHint explains the engine's complaint about a server's frame.
func (r *runner) frameHint(fe *websocket.FrameError) string {
	switch fe.Section {
	case "§5.1":
		return r.msg(i18n.ChkServerMustMaskFrames)
	case "§5.4":
		return r.msg(i18n.ChkFragmentedMessageTextBinary)
	case "§5.2":
		return r.msg(i18n.ChkCheckByteFinX80)
	case "§8.1":
		return r.msg(i18n.ChkTextMessageMustValid)
	}
	return ""
}

// payloadOffset maps byte i of a message's data to its offset in the
// wire's recording.
func payloadOffset(m *message, i int) int {
	acc := 0
	last := m.base
	for _, k := range m.msg.Frames {
		fr := m.dec.Frames[k]
		n := len(fr.Payload)
		start := m.base + fr.Offset + fr.HeaderLen
		if i < acc+n {
			return start + i - acc
		}
		acc += n
		last = start + n
	}
	return last
}

// expectEcho checks that m is a text message holding want.
func (r *runner) expectEcho(w *wire, m *message, want []byte, hint string) error {
	if m.msg.Type != websocket.TextMessage {
		first := m.dec.Frames[m.msg.Frames[0]]
		return r.failAt(w, m.base+first.Offset, "RFC 6455 §5.6",
			r.msg(i18n.ChkEchoMessageCheckerSent, m.msg.Type),
			r.msg(i18n.ChkEchoOpcodeReceivedX1))
	}
	got := m.msg.Data
	if bytes.Equal(got, want) {
		return nil
	}
	i := common(got, want)
	return r.failAt(w, payloadOffset(m, i), "RFC 6455 §5.3",
		r.msg(i18n.ChkEchoCheckerSentThey, short(got), short(want), i), hint)
}

// short quotes b for a message, cutting it in the middle when long.
func short(b []byte) string {
	if len(b) <= 40 {
		return Quote(b)
	}
	return fmt.Sprintf("%s…%s (%d bytes)", Quote(b[:20]), Quote(b[len(b)-12:]), len(b))
}

// checkLengthForm checks that a single-frame echo wrote its length in the
// shortest form (RFC 6455 §5.2: "the minimal number of bytes MUST be used").
func (r *runner) checkLengthForm(w *wire, m *message, hint string) error {
	fa := m.frames[len(m.frames)-1]
	l := w.recv[fa.off+1] & 0x7f
	var want byte
	switch n := fa.h.Length; {
	case n <= 125:
		want = byte(n)
	case n <= 0xffff:
		want = 126
	default:
		want = 127
	}
	if l != want {
		return r.failAt(w, fa.off+1, "RFC 6455 §5.2",
			r.msg(i18n.ChkByteEchoWritesLength, fa.h.Length, l, want), hint)
	}
	return nil
}

// withHint makes hint the failure's hint: in the stages about how frames
// meet reads, whatever goes wrong with the reply most likely comes from
// that. An engine's more specific hint is kept after it.
func (r *runner) withHint(err error, hint string) error {
	var sf *stageFail
	if errors.As(err, &sf) && sf.f.Hint != hint {
		if sf.f.Hint != "" {
			hint += r.msg(i18n.ChkText, sf.f.Hint)
		}
		sf.f.Hint = hint
	}
	return err
}

// maxNotes bounds the frames described in each direction.
const maxNotes = 8

// describeFrames explains the frames in b, one line each, as the engine
// decodes them: "sent byte 0: text FIN=1, masked (key 1b bd 44 ff), 14-byte
// payload "hello, wirelab"". It stops at a frame the engine rejects.
func (r *runner) describeFrames(dir string, b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	d, _ := wsdecode.DecodeFrames(b, wsdecode.DecodeOptions{})
	var out []string
	for i, fr := range d.Frames {
		if i == maxNotes {
			out = append(out, r.msg(i18n.ChkMoreFrames, dir, len(d.Frames)-i))
			break
		}
		h := fr.Header
		if fr.HeaderLen == 0 {
			out = append(out, r.msg(i18n.ChkByteIncompleteFrameHeader, dir, fr.Offset))
			continue
		}
		fin := 0
		if h.Fin {
			fin = 1
		}
		mask := r.msg(i18n.ChkUnmasked)
		if h.Masked {
			mask = r.msg(i18n.ChkMaskedKey, h.Key[:])
		}
		payload := short(fr.Payload)
		if int64(len(fr.Payload)) < h.Length {
			payload += r.msg(i18n.ChkOnlyBytesArrived, len(fr.Payload), h.Length)
			if r.lang == 1 {
				payload = short(fr.Payload) + fmt.Sprintf("，%d 字节中只收到 %d 字节", h.Length, len(fr.Payload))
			}
		}
		form := fr.LengthForm
		if r.lang == 1 {
			form = strings.Replace(form, "-bit", " 位", 1)
		}
		if fr.Close != nil {
			payload += " = " + fr.Close.Code.String()
		}
		out = append(out, r.msg(i18n.ChkByteFinLengthPayload, dir, fr.Offset, h.Opcode, fin, mask, form, h.Length, payload))
	}
	return out
}

// asFrameError returns the engine's FrameError behind err, or one that
// quotes err at byte 0 for any other error.
func asFrameError(err error) *websocket.FrameError {
	var fe *websocket.FrameError
	if !errors.As(err, &fe) {
		fe = &websocket.FrameError{Section: "§5.2", Msg: err.Error()}
	}
	return fe
}

// common is the length of the prefix a and b share: where they differ.
func common(a, b []byte) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}
