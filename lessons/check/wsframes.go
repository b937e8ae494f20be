package check

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/wirelab/wirelab/httpcore"
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
		return nil, r.ioFail(w, err, "RFC 6455 §4.1", r.tr("the server to read the handshake request", "服务器读取握手请求"), "")
	}
	resp, start, end, err := r.readResponse(w, "GET", "RFC 6455 §4.2.2",
		r.tr("the handshake response", "握手响应"),
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
		hint := r.tr(`A WebSocket handshake is answered with "HTTP/1.1 101 Switching Protocols", not a normal response.`,
			`WebSocket 握手要用 "HTTP/1.1 101 Switching Protocols" 回答，而不是普通响应。`)
		switch {
		case resp.StatusCode == 200:
			hint = r.tr(`Your server answered as a plain HTTP server: when the request has "Upgrade: websocket", answer 101 Switching Protocols.`,
				`你的服务器按普通 HTTP 回答了：请求带 "Upgrade: websocket" 时，要回答 101 Switching Protocols。`)
		case resp.StatusCode/100 == 4:
			hint = r.tr("Your server rejected the handshake. The checker sends GET / with Host, Upgrade: websocket, Connection: Upgrade, Sec-WebSocket-Key and Sec-WebSocket-Version: 13; accept it at the path /.",
				"你的服务器拒绝了握手。检查器发送 GET /，带 Host、Upgrade: websocket、Connection: Upgrade、Sec-WebSocket-Key 和 Sec-WebSocket-Version: 13；请在路径 / 上接受它。")
		}
		return r.failAt(w, hs.start+9, "RFC 6455 §4.2.2",
			r.tr("the status is %d, not 101 Switching Protocols", "状态码是 %d，不是 101 Switching Protocols", resp.StatusCode), hint)
	}
	for _, f := range []struct{ name, token string }{{"Upgrade", "websocket"}, {"Connection", "upgrade"}} {
		if resp.Header.HasToken(f.name, f.token) {
			continue
		}
		want := f.name + ": " + map[string]string{"Upgrade": "websocket", "Connection": "Upgrade"}[f.name]
		if _, voff, ok := fieldAt(w.recv[hs.start:hs.end], f.name); ok {
			return r.failAt(w, hs.start+voff, "RFC 6455 §4.1",
				r.tr("%s is %q; it must contain %q", "%s 是 %q；它必须包含 %q", f.name, resp.Header.Get(f.name), f.token),
				r.tr("Send the field line %q in the 101 response.", "在 101 响应里发送字段行 %q。", want))
		}
		return r.failAt(w, hs.end-2, "RFC 6455 §4.1",
			r.tr("the 101 response has no %s field", "101 响应里没有 %s 字段", f.name),
			r.tr("Send the field line %q in the 101 response, before the empty line.", "在 101 响应的空行之前发送字段行 %q。", want))
	}
	for _, name := range []string{"Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions"} {
		if v, ok := resp.Header.Lookup(name); ok && v != "" {
			_, voff, _ := fieldAt(w.recv[hs.start:hs.end], name)
			return r.failAt(w, hs.start+voff, "RFC 6455 §4.1",
				r.tr("the response has %s %q, but the checker offered none", "响应里有 %s %q，但检查器并没有提出", name, v),
				r.tr("Only answer %s with a value the client asked for; leave it out here.", "只有客户端请求了才回 %s；这里不要发送它。", name))
		}
	}
	return nil
}

// checkAccept checks Sec-WebSocket-Accept (RFC 6455 §4.2.2 item 5.4).
func (r *runner) checkAccept(w *wire, hs *handshake) error {
	want := websocket.AcceptKey(hs.key)
	got, ok := hs.resp.Header.Lookup("Sec-WebSocket-Accept")
	hint := r.tr(`Append the GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11" to the key exactly as received (no spaces), take SHA-1 of that string, and base64-encode the 20 raw bytes of the digest (not its hex text). For this key, %q gives %q.`,
		`把 GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11" 接在收到的 key 后面（不加空格），对这个字符串做 SHA-1，再把摘要的 20 个原始字节做 base64 编码（不是十六进制文本）。对这个 key，%q 应得到 %q。`, hs.key, want)
	if !ok {
		return r.failAt(w, hs.end-2, "RFC 6455 §4.2.2",
			r.tr("the 101 response has no Sec-WebSocket-Accept field", "101 响应里没有 Sec-WebSocket-Accept 字段"), hint)
	}
	if got == want {
		return nil
	}
	_, voff, _ := fieldAt(w.recv[hs.start:hs.end], "Sec-WebSocket-Accept")
	// Point at the first byte that differs.
	return r.failAt(w, hs.start+voff+common(w.recv[hs.start+voff:hs.end], []byte(want)), "RFC 6455 §4.2.2",
		r.tr("Sec-WebSocket-Accept is %q; for the key %q it must be %q", "Sec-WebSocket-Accept 是 %q；对 key %q，它应该是 %q", got, hs.key, want), hint)
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
				r.tr("bad frame from the server: %s", "服务器发来的帧有误：%s", fe.Msg),
				r.tr("Byte 0 is FIN, RSV1-3 and the opcode; byte 1 is MASK and the 7-bit length (126: 16-bit length follows, 127: 64-bit).",
					"第 0 字节是 FIN、RSV1-3 和 opcode；第 1 字节是 MASK 和 7 位长度（126 表示后面跟 16 位长度，127 表示 64 位）。"))
		}
		hint := lenHint
		if w.consumed() > fa.off {
			hint = r.tr("The frame header stopped in the middle: write the whole header (2 to 14 bytes), then the payload.",
				"帧头只发了一半：先写完整个帧头（2 到 14 字节），再写载荷。")
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
			r.tr("the reply announces a %d-byte payload (%s); the checker sent %d bytes and expects them back",
				"回复的帧声明载荷长度为 %d 字节（%s）；检查器发送了 %d 字节，期望原样收回", h.Length, r.lengthForm(w, fa), want), lenHint)
	}
	if h.Length > maxFrame {
		return fa, r.failAt(w, fa.off+1, "RFC 6455 §5.2",
			r.tr("the reply announces a %d-byte payload; no stage sends more than %d", "回复的帧声明载荷长度为 %d 字节；没有哪个阶段发送超过 %d 字节", h.Length, len64), lenHint)
	}
	if _, err := w.br.Discard(int(h.Length)); err != nil {
		hint := r.tr("The payload is shorter than the length in the frame header: send exactly as many bytes as announced.",
			"载荷比帧头里声明的长度短：要发送与声明长度完全一致的字节数。")
		if lenHint != "" {
			hint = lenHint
		}
		return fa, r.ioFail(w, err, "RFC 6455 §5.2",
			r.tr("the rest of a %d-byte payload", "%d 字节载荷的其余部分", h.Length), hint)
	}
	return fa, nil
}

// lengthForm describes how a header wrote its length, for messages.
func (r *runner) lengthForm(w *wire, fa frameAt) string {
	switch l := w.recv[fa.off+1] & 0x7f; l {
	case 126:
		return r.tr("byte 1 says 126: 16-bit length 0x%04x follows", "第 1 字节为 126：后面是 16 位长度 0x%04x", fa.h.Length)
	case 127:
		return r.tr("byte 1 says 127: 64-bit length follows", "第 1 字节为 127：后面是 64 位长度")
	default:
		return r.tr("7-bit length %d in byte 1", "第 1 字节中的 7 位长度 %d", l)
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
				r.tr("the server sent a close frame (%s) instead of %s", "服务器发来了 close 帧（%s），而不是%s", code, what),
				r.tr("Your server ended the connection: did it fail to parse the frame the checker sent? Client frames are masked: unmask the payload with the 4-byte key (RFC 6455 §5.3).",
					"你的服务器结束了连接：是不是没能解析检查器发来的帧？客户端的帧带掩码：要用 4 字节掩码键还原载荷（RFC 6455 §5.3）。"))
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
			r.tr("the engine rejects the reply: %s", "引擎拒绝了这个回复：%s", fe.Msg), r.frameHint(fe))
	}
	if len(dec.Messages) == 0 {
		return nil, r.failEnd(w, "RFC 6455 §5.4", r.tr("no data message in the reply", "回复里没有数据消息"), "")
	}
	m.msg = &dec.Messages[len(dec.Messages)-1]
	return m, nil
}

// frameHint explains the engine's complaint about a server's frame.
func (r *runner) frameHint(fe *websocket.FrameError) string {
	switch fe.Section {
	case "§5.1":
		return r.tr("A server MUST NOT mask the frames it sends: set the MASK bit (0x80 of byte 1) to 0 and send no masking key. Only clients mask.",
			"服务器发送的帧绝不能加掩码：把 MASK 位（第 1 字节的 0x80）置 0，也不要发送掩码键。只有客户端才加掩码。")
	case "§5.4":
		return r.tr("A fragmented message is a text or binary frame with FIN=0, continuation frames with FIN=0, and a last continuation frame with FIN=1.",
			"分片消息是：一个 FIN=0 的 text 或 binary 帧，若干 FIN=0 的 continuation 帧，以及最后一个 FIN=1 的 continuation 帧。")
	case "§5.2":
		return r.tr("Check byte 0: FIN is 0x80, RSV1-3 must be 0 without an extension, the opcode is the low 4 bits (0x1 text, 0x0 continuation).",
			"检查第 0 字节：FIN 是 0x80，没有扩展时 RSV1-3 必须为 0，opcode 是低 4 位（0x1 文本，0x0 续帧）。")
	case "§8.1":
		return r.tr("A text message must be valid UTF-8: echo the bytes exactly as received.", "文本消息必须是合法的 UTF-8：按收到的字节原样回显。")
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
			r.tr("the echo is a %s message; the checker sent text", "回显是 %s 消息；检查器发送的是文本", m.msg.Type),
			r.tr("Echo with the opcode received: 0x1 for text (byte 0 = 0x81 for a single frame).",
				"用收到的 opcode 回显：文本是 0x1（单帧时第 0 字节为 0x81）。"))
	}
	got := m.msg.Data
	if bytes.Equal(got, want) {
		return nil
	}
	i := common(got, want)
	return r.failAt(w, payloadOffset(m, i), "RFC 6455 §5.3",
		r.tr("the echo is %s; the checker sent %s (they differ from byte %d of the payload)", "回显是 %s；检查器发送的是 %s（从载荷第 %d 字节开始不同）",
			short(got), short(want), i), hint)
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
			r.tr("the %d-byte echo writes its length with %d in byte 1; the shortest form, %d, is required", "%d 字节的回显在第 1 字节写了 %d；必须使用最短的形式 %d",
				fa.h.Length, l, want), hint)
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
			hint += r.tr(" (%s)", "（%s）", sf.f.Hint)
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
			out = append(out, r.tr("%s: %d more frames", "%s：另有 %d 个帧", dir, len(d.Frames)-i))
			break
		}
		h := fr.Header
		if fr.HeaderLen == 0 {
			out = append(out, r.tr("%s byte %d: an incomplete frame header", "%s 第 %d 字节：不完整的帧头", dir, fr.Offset))
			continue
		}
		fin := 0
		if h.Fin {
			fin = 1
		}
		mask := r.tr("unmasked", "无掩码")
		if h.Masked {
			mask = r.tr("masked (key % x)", "带掩码（掩码键 % x）", h.Key[:])
		}
		payload := short(fr.Payload)
		if int64(len(fr.Payload)) < h.Length {
			payload += r.tr(", only %d of the %d bytes arrived", "，%d 字节中只收到 %d 字节", len(fr.Payload), h.Length)
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
		out = append(out, r.tr("%s byte %d: %s FIN=%d, %s, %s length %d, payload %s", "%s 第 %d 字节：%s FIN=%d，%s，%s 长度 %d，载荷 %s",
			dir, fr.Offset, h.Opcode, fin, mask, form, h.Length, payload))
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
