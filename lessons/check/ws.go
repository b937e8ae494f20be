package check

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/websocket"
)

// What the WebSocket stages send. The echo contract: the server answers the
// handshake at "/" and echoes every data message back, same type, same
// bytes; it answers a ping with a pong and a close with a close.
const (
	echoText      = "hello, wirelab"
	unmaskedText  = "are you masking?"
	pingData      = "wirelab ping"
	coalesced1    = "first"
	coalesced2    = "second"
	fragmentText  = "fragmented message"
	closeReason   = "bye"
	len16Small    = 126   // the smallest payload that needs the 16-bit length
	len16Large    = 1000  // and one that still fits a 1024-byte read
	len64         = 65536 // the smallest payload that needs the 64-bit length
	splitLen      = 300
	maxFrame      = 1 << 20
	splitPause    = 50 * time.Millisecond
	closeTCPGrace = time.Second
)

// fragments are the three frames of the fragmented stage.
var fragments = []string{"fragm", "ented mes", "sage"}

var wsStages = []stageDef{
	{
		id: "tcp", section: "RFC 9293 §3.5", run: stageTCP,
		sends:   [2]string{"opens a TCP connection to ADDR", "向 ADDR 建立 TCP 连接"},
		expects: [2]string{"the server accepts it", "服务器接受连接"},
	},
	{
		id: "handshake", section: "RFC 6455 §4.2.2", run: stageHandshake,
		sends: [2]string{"GET / with Upgrade: websocket, Connection: Upgrade, Sec-WebSocket-Key and Sec-WebSocket-Version: 13",
			"GET /，带 Upgrade: websocket、Connection: Upgrade、Sec-WebSocket-Key 和 Sec-WebSocket-Version: 13"},
		expects: [2]string{"HTTP/1.1 101 Switching Protocols with Upgrade: websocket and Connection: Upgrade",
			"HTTP/1.1 101 Switching Protocols，带 Upgrade: websocket 和 Connection: Upgrade"},
	},
	{
		id: "accept-key", section: "RFC 6455 §4.2.2", run: stageAcceptKey,
		sends: [2]string{"the handshake with a fresh random Sec-WebSocket-Key", "握手请求，带一个新的随机 Sec-WebSocket-Key"},
		expects: [2]string{`Sec-WebSocket-Accept = base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))`,
			`Sec-WebSocket-Accept = base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))`},
	},
	{
		id: "echo-text", section: "RFC 6455 §5.6", run: stageEchoText,
		sends:   [2]string{`a masked text frame "` + echoText + `"`, `一个带掩码的文本帧 "` + echoText + `"`},
		expects: [2]string{"a text message with the same bytes", "一条内容相同的文本消息"},
	},
	{
		id: "server-unmasked", section: "RFC 6455 §5.1", run: stageServerUnmasked,
		sends:   [2]string{`a masked text frame "` + unmaskedText + `"`, `一个带掩码的文本帧 "` + unmaskedText + `"`},
		expects: [2]string{"the echo with MASK = 0: a server never masks", "回显帧的 MASK 位为 0：服务器发送的帧不加掩码"},
	},
	{
		id: "length-16", section: "RFC 6455 §5.2", run: stageLength16,
		sends: [2]string{fmt.Sprintf("text messages of %d and %d bytes (length 126 + 16-bit length)", len16Small, len16Large),
			fmt.Sprintf("%d 字节和 %d 字节的文本消息（长度字段 126 + 16 位长度）", len16Small, len16Large)},
		expects: [2]string{"each echoed with byte 1 = 126 and the length in the next 2 bytes, big-endian",
			"回显帧的第 1 字节长度为 126，随后 2 字节是大端序的长度"},
	},
	{
		id: "length-64", section: "RFC 6455 §5.2", run: stageLength64,
		sends: [2]string{fmt.Sprintf("a %d-byte text message (length 127 + 64-bit length); it arrives over several reads", len64),
			fmt.Sprintf("一条 %d 字节的文本消息（长度字段 127 + 64 位长度），需要多次读取才能收全", len64)},
		expects: [2]string{"the echo with byte 1 = 127 and the length in the next 8 bytes, big-endian",
			"回显帧的第 1 字节长度为 127，随后 8 字节是大端序的长度"},
	},
	{
		id: "coalesced-frames", section: "RFC 6455 §5.2", run: stageCoalesced,
		sends: [2]string{`two text frames, "` + coalesced1 + `" and "` + coalesced2 + `", in one TCP write`,
			`两个文本帧 "` + coalesced1 + `" 和 "` + coalesced2 + `"，在一次 TCP 写入中发送`},
		expects: [2]string{"both echoed, in order: one read can hold several frames",
			"两条都按顺序回显：一次读取可能包含多个帧"},
	},
	{
		id: "split-frame", section: "RFC 6455 §5.2", run: stageSplit,
		sends: [2]string{fmt.Sprintf("one %d-byte text frame in 4 writes, %s apart, cut inside the length and the masking key", splitLen, splitPause),
			fmt.Sprintf("一个 %d 字节的文本帧，分 4 次写入，间隔 %s，切在长度字段和掩码键中间", splitLen, splitPause)},
		expects: [2]string{"the echo: a frame can arrive over several reads",
			"回显：一个帧可能分多次读取到达"},
	},
	{
		id: "fragmented", section: "RFC 6455 §5.4", run: stageFragmented,
		sends: [2]string{fmt.Sprintf(`one text message in 3 frames: text FIN=0 %q, continuation FIN=0 %q, continuation FIN=1 %q`, fragments[0], fragments[1], fragments[2]),
			fmt.Sprintf(`分成 3 帧的一条文本消息：text FIN=0 %q、continuation FIN=0 %q、continuation FIN=1 %q`, fragments[0], fragments[1], fragments[2])},
		expects: [2]string{`the whole message "` + fragmentText + `" echoed (in one frame or several)`,
			`回显完整消息 "` + fragmentText + `"（一帧或多帧均可）`},
	},
	{
		id: "ping-pong", section: "RFC 6455 §5.5.2", run: stagePingPong,
		sends:   [2]string{`a masked ping with payload "` + pingData + `"`, `一个带掩码的 ping，载荷为 "` + pingData + `"`},
		expects: [2]string{"a pong with the same payload", "载荷相同的 pong"},
	},
	{
		id: "close", section: "RFC 6455 §5.5.1", run: stageClose,
		sends:   [2]string{`a close frame: code 1000, reason "` + closeReason + `"`, `一个 close 帧：状态码 1000，原因 "` + closeReason + `"`},
		expects: [2]string{"a close frame back (then the server closes TCP)", "服务器回一个 close 帧（然后关闭 TCP 连接）"},
	},
}

func stageTCP(r *runner) (string, error) {
	w, err := r.dial()
	if err != nil {
		return "", err
	}
	return r.tr("connected to %s from %s", "已从 %[2]s 连接到 %[1]s", w.c.RemoteAddr(), w.c.LocalAddr()), nil
}

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
		return nil, r.ioFail(w, err, "RFC 6455 §4.1", r.tr("sending the handshake", "发送握手请求"), "")
	}
	resp, start, end, err := r.readResponse(w, "GET", "RFC 6455 §4.2.2",
		r.tr("the handshake response", "握手响应"),
		r.tr(`Read the request up to the empty line (\r\n\r\n), then answer "HTTP/1.1 101 Switching Protocols\r\n", the Upgrade, Connection and Sec-WebSocket-Accept fields, and an empty line.`,
			`读取请求直到空行（\r\n\r\n），然后回复 "HTTP/1.1 101 Switching Protocols\r\n"、Upgrade、Connection 和 Sec-WebSocket-Accept 字段，以及一个空行。`))
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
	i := 0
	raw := w.recv[hs.start+voff : hs.end]
	for i < len(raw) && i < len(want) && raw[i] == want[i] {
		i++
	}
	return r.failAt(w, hs.start+voff+i, "RFC 6455 §4.2.2",
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

func stageHandshake(r *runner) (string, error) {
	w, err := r.dial()
	if err != nil {
		return "", err
	}
	hs, err := r.sendHandshake(w)
	if err != nil {
		return "", err
	}
	if err := r.checkUpgrade(w, hs); err != nil {
		return "", err
	}
	return r.tr("101 Switching Protocols with Upgrade: %s and Connection: %s", "101 Switching Protocols，Upgrade: %s，Connection: %s",
		hs.resp.Header.Get("Upgrade"), hs.resp.Header.Get("Connection")), nil
}

func stageAcceptKey(r *runner) (string, error) {
	w, err := r.dial()
	if err != nil {
		return "", err
	}
	hs, err := r.sendHandshake(w)
	if err != nil {
		return "", err
	}
	if err := r.checkUpgrade(w, hs); err != nil {
		return "", err
	}
	if err := r.checkAccept(w, hs); err != nil {
		return "", err
	}
	return r.tr("key %s → Sec-WebSocket-Accept %s", "key %s → Sec-WebSocket-Accept %s", hs.key, websocket.AcceptKey(hs.key)), nil
}

// openWS dials and completes a checked handshake; the failures show only
// what follows it.
func (r *runner) openWS() (*wire, error) {
	w, err := r.dial()
	if err != nil {
		return nil, err
	}
	hs, err := r.sendHandshake(w)
	if err != nil {
		return nil, err
	}
	if err := r.checkUpgrade(w, hs); err != nil {
		return nil, err
	}
	if err := r.checkAccept(w, hs); err != nil {
		return nil, err
	}
	w.mark()
	return w, nil
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

// send writes frames in one write call.
func (r *runner) send(w *wire, frames ...[]byte) error {
	if err := w.write(bytes.Join(frames, nil)); err != nil {
		return r.ioFail(w, err, "RFC 6455 §5.2", r.tr("sending a frame", "发送帧"), "")
	}
	return nil
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
	dec    *websocket.Decoding
	msg    *websocket.DecodedMessage
}

// readMessage reads frames until a data message is complete, and has
// websocket.DecodeFrames pass the engine's verdict on them: masking (once
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
			d, _ := websocket.DecodeFrames(w.recv[fa.off:w.consumed()], websocket.DecodeOptions{})
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
	from := websocket.SenderUnknown
	if r.strictMask {
		from = websocket.SenderServer
	}
	dec, err := websocket.DecodeFrames(w.recv[m.base:w.consumed()], websocket.DecodeOptions{From: from})
	m.dec = dec
	if err != nil {
		var fe *websocket.FrameError
		errors.As(err, &fe)
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
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
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

func (r *runner) unmaskHint() string {
	return r.tr("Client frames are masked: payload[i] XOR key[i %% 4], with the 4-byte key that follows the length (RFC 6455 §5.3).",
		"客户端的帧带掩码：payload[i] XOR key[i %% 4]，掩码键是长度字段后面的 4 个字节（RFC 6455 §5.3）。")
}

func stageEchoText(r *runner) (string, error) {
	w, err := r.openWS()
	if err != nil {
		return "", err
	}
	if err := r.send(w, clientFrame(true, websocket.OpText, []byte(echoText))); err != nil {
		return "", err
	}
	m, err := r.readMessage(w, int64(len(echoText)), r.tr("the echo of %q", "%q 的回显", echoText), r.unmaskHint())
	if err != nil {
		return "", err
	}
	if err := r.expectEcho(w, m, []byte(echoText), r.unmaskHint()); err != nil {
		return "", err
	}
	return r.tr("%q came back", "%q 已回显", echoText), nil
}

func stageServerUnmasked(r *runner) (string, error) {
	w, err := r.openWS()
	if err != nil {
		return "", err
	}
	if err := r.send(w, clientFrame(true, websocket.OpText, []byte(unmaskedText))); err != nil {
		return "", err
	}
	m, err := r.readMessage(w, int64(len(unmaskedText)), r.tr("the echo of %q", "%q 的回显", unmaskedText), r.unmaskHint())
	if err != nil {
		return "", err
	}
	if err := r.expectEcho(w, m, []byte(unmaskedText), r.unmaskHint()); err != nil {
		return "", err
	}
	return r.tr("the echo has MASK = 0 and no masking key", "回显帧 MASK = 0，没有掩码键"), nil
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

func (r *runner) len16Hint() string {
	return r.tr("For a payload of 126 to 65535 bytes, put 126 in the 7-bit length of byte 1, then the length in 2 bytes, big-endian: 126 bytes is 7e 00 7e; 1000 bytes is 7e 03 e8.",
		"载荷为 126 到 65535 字节时，第 1 字节的 7 位长度写 126，随后用 2 个字节写长度（大端序）：126 字节是 7e 00 7e；1000 字节是 7e 03 e8。")
}

func stageLength16(r *runner) (string, error) {
	w, err := r.openWS()
	if err != nil {
		return "", err
	}
	for _, n := range []int{len16Small, len16Large} {
		msg := pattern(n)
		if err := r.send(w, clientFrame(true, websocket.OpText, msg)); err != nil {
			return "", err
		}
		m, err := r.readMessage(w, int64(n), r.tr("the echo of a %d-byte message", "%d 字节消息的回显", n), r.len16Hint())
		if err != nil {
			return "", err
		}
		if err := r.checkLengthForm(w, m, r.len16Hint()); err != nil {
			return "", err
		}
		if err := r.expectEcho(w, m, msg, r.unmaskHint()); err != nil {
			return "", err
		}
	}
	return r.tr("%d and %d bytes came back with the 16-bit length", "%d 和 %d 字节已用 16 位长度回显", len16Small, len16Large), nil
}

func stageLength64(r *runner) (string, error) {
	w, err := r.openWS()
	if err != nil {
		return "", err
	}
	hint := r.tr("For 65536 bytes or more, put 127 in the 7-bit length, then the length in 8 bytes, big-endian: 65536 is 7f 00 00 00 00 00 01 00 00. Such a frame arrives over several reads: keep reading until you have the whole payload, and send the whole echo (a short echo means your server answered after a single read).",
		"载荷为 65536 字节或更多时，7 位长度写 127，随后用 8 个字节写长度（大端序）：65536 是 7f 00 00 00 00 00 01 00 00。这么大的帧要多次读取才能收全：要一直读到载荷完整，再发送完整的回显（回显变短，说明你的服务器只读了一次就回复了）。")
	msg := pattern(len64)
	if err := r.send(w, clientFrame(true, websocket.OpText, msg)); err != nil {
		return "", err
	}
	m, err := r.readMessage(w, len64, r.tr("the echo of a %d-byte message", "%d 字节消息的回显", len64), hint)
	if err != nil {
		return "", err
	}
	if err := r.checkLengthForm(w, m, hint); err != nil {
		return "", err
	}
	if err := r.expectEcho(w, m, msg, r.unmaskHint()); err != nil {
		return "", err
	}
	return r.tr("%d bytes came back with the 64-bit length", "%d 字节已用 64 位长度回显", len64), nil
}

func stageCoalesced(r *runner) (string, error) {
	w, err := r.openWS()
	if err != nil {
		return "", err
	}
	hint := r.tr("One read from the socket can hold several frames (here, both came in one TCP segment). Keep the bytes after the first frame in a buffer and parse the next frame from them before reading again.",
		"一次读取可能包含多个帧（这里两个帧在同一个 TCP 段里）。把第一个帧之后的字节留在缓冲区里，先从中解析下一个帧，再继续读 socket。")
	if err := r.send(w, clientFrame(true, websocket.OpText, []byte(coalesced1)), clientFrame(true, websocket.OpText, []byte(coalesced2))); err != nil {
		return "", r.withHint(err, hint)
	}
	for _, s := range []string{coalesced1, coalesced2} {
		m, err := r.readMessage(w, int64(len(s)), r.tr("the echo of %q", "%q 的回显", s), hint)
		if err != nil {
			return "", r.withHint(err, hint)
		}
		if err := r.expectEcho(w, m, []byte(s), hint); err != nil {
			return "", r.withHint(err, hint)
		}
	}
	return r.tr("%q and %q, sent in one write, both came back in order", "一次写入的 %q 和 %q 都按顺序回显了", coalesced1, coalesced2), nil
}

func stageSplit(r *runner) (string, error) {
	w, err := r.openWS()
	if err != nil {
		return "", err
	}
	hint := r.tr("A frame can arrive over several reads (here 3, 3, 154 and 148 bytes, %s apart). Read until you have the 2-byte header, then the extended length and the masking key, then the whole payload; a read may return fewer bytes than you asked for.",
		"一个帧可能分多次读取到达（这里是 3、3、154 和 148 字节，间隔 %s）。先读够 2 字节帧头，再读扩展长度和掩码键，再读完整个载荷；一次读取返回的字节数可能少于你要求的。", splitPause)
	msg := pattern(splitLen)
	f := clientFrame(true, websocket.OpText, msg)
	// The header is 2 + 2 (16-bit length) + 4 (masking key) = 8 bytes: the
	// first write ends inside the length, the second inside the key.
	cuts := []int{0, 3, 6, 160, len(f)}
	for i := 1; i < len(cuts); i++ {
		if i > 1 {
			if err := r.pause(splitPause); err != nil {
				return "", r.withHint(r.ioFail(w, err, "RFC 6455 §5.2", r.tr("the echo", "回显"), hint), hint)
			}
		}
		if err := r.send(w, f[cuts[i-1]:cuts[i]]); err != nil {
			return "", r.withHint(err, hint)
		}
	}
	m, err := r.readMessage(w, splitLen, r.tr("the echo of a frame sent in 4 writes", "分 4 次写入的帧的回显"), hint)
	if err != nil {
		return "", r.withHint(err, hint)
	}
	if err := r.expectEcho(w, m, msg, hint); err != nil {
		return "", r.withHint(err, hint)
	}
	return r.tr("a %d-byte frame sent in 4 writes came back whole", "分 4 次写入的 %d 字节帧已完整回显", splitLen), nil
}

func stageFragmented(r *runner) (string, error) {
	w, err := r.openWS()
	if err != nil {
		return "", err
	}
	hint := r.tr("A message can come in several frames: the first has the opcode (text) and FIN=0, the next are continuation frames (opcode 0x0), the last has FIN=1. Join their payloads and echo the whole message once it is complete.",
		"一条消息可能由多个帧组成：第一个帧带 opcode（text），FIN=0；后面是 continuation 帧（opcode 0x0）；最后一个 FIN=1。把载荷拼起来，等消息完整后再回显整条消息。")
	frames := [][]byte{
		clientFrame(false, websocket.OpText, []byte(fragments[0])),
		clientFrame(false, websocket.OpContinuation, []byte(fragments[1])),
		clientFrame(true, websocket.OpContinuation, []byte(fragments[2])),
	}
	if err := r.send(w, frames...); err != nil {
		return "", err
	}
	m, err := r.readMessage(w, int64(len(fragmentText)), r.tr("the echo of the fragmented message", "分片消息的回显"), hint)
	if err != nil {
		return "", err
	}
	if err := r.expectEcho(w, m, []byte(fragmentText), hint); err != nil {
		return "", err
	}
	return r.tr("3 fragments in, %q back in %d frame(s)", "发送 3 个分片，收到 %[1]q，共 %[2]d 帧", fragmentText, len(m.msg.Frames)), nil
}

func stagePingPong(r *runner) (string, error) {
	w, err := r.openWS()
	if err != nil {
		return "", err
	}
	hint := r.tr("Answer a ping (opcode 0x9) with a pong (opcode 0xA, byte 0 = 0x8a) carrying the same payload, unmasked; do not echo it as a text message.",
		"收到 ping（opcode 0x9）要回 pong（opcode 0xA，第 0 字节为 0x8a），载荷相同，不加掩码；不要把它当成文本消息回显。")
	if err := r.send(w, clientFrame(true, websocket.OpPing, []byte(pingData))); err != nil {
		return "", err
	}
	fa, err := r.readFrame(w, -1, r.tr("the pong", "pong"), hint)
	if err != nil {
		return "", err
	}
	if fa.h.Opcode != websocket.OpPong {
		return "", r.failAt(w, fa.off, "RFC 6455 §5.5.2",
			r.tr("the reply to the ping is a %s frame, not a pong", "对 ping 的回复是 %s 帧，不是 pong", fa.h.Opcode), hint)
	}
	dec, err := websocket.DecodeFrames(w.recv[fa.off:w.consumed()], websocket.DecodeOptions{From: websocket.SenderServer})
	if err != nil {
		var fe *websocket.FrameError
		errors.As(err, &fe)
		return "", r.failAt(w, fa.off+fe.Offset, "RFC 6455 "+fe.Section, r.tr("the engine rejects the pong: %s", "引擎拒绝了这个 pong：%s", fe.Msg), r.frameHint(fe))
	}
	if got := dec.Frames[0].Payload; string(got) != pingData {
		i := 0
		for i < len(got) && i < len(pingData) && got[i] == pingData[i] {
			i++
		}
		return "", r.failAt(w, fa.off+fa.hlen+i, "RFC 6455 §5.5.3",
			r.tr("the pong carries %s; the ping carried %q", "pong 的载荷是 %s；ping 的载荷是 %q", Quote(got), pingData), hint)
	}
	return r.tr("pong %q", "pong %q", pingData), nil
}

func stageClose(r *runner) (string, error) {
	w, err := r.openWS()
	if err != nil {
		return "", err
	}
	hint := r.tr("When a close frame (opcode 0x8) arrives, send a close frame back (byte 0 = 0x88, usually echoing the 2-byte status code), then close the TCP connection.",
		"收到 close 帧（opcode 0x8）时，要回一个 close 帧（第 0 字节为 0x88，通常带回 2 字节状态码），然后关闭 TCP 连接。")
	if err := r.send(w, clientFrame(true, websocket.OpClose, websocket.FormatClose(websocket.CloseNormal, closeReason))); err != nil {
		return "", err
	}
	var fa frameAt
	for {
		fa, err = r.readFrame(w, -1, r.tr("the server's close frame", "服务器的 close 帧"), hint)
		if err != nil {
			return "", err
		}
		if fa.h.Opcode == websocket.OpClose {
			break
		}
		if !fa.h.Opcode.IsControl() {
			return "", r.failAt(w, fa.off, "RFC 6455 §5.5.1",
				r.tr("the server answered the close frame with a %s frame", "服务器用 %s 帧回答了 close 帧", fa.h.Opcode), hint)
		}
	}
	dec, err := websocket.DecodeFrames(w.recv[fa.off:w.consumed()], websocket.DecodeOptions{From: websocket.SenderServer})
	if err != nil {
		var fe *websocket.FrameError
		errors.As(err, &fe)
		return "", r.failAt(w, fa.off+fe.Offset, "RFC 6455 "+fe.Section, r.tr("the engine rejects the close frame: %s", "引擎拒绝了这个 close 帧：%s", fe.Msg),
			r.tr("A close payload is empty, or a 2-byte status code (1000 for a normal close) and a UTF-8 reason.",
				"close 帧的载荷为空，或者是 2 字节状态码（正常关闭为 1000）加 UTF-8 原因。"))
	}
	code := dec.Frames[0].Close.Code.String()
	// RFC 6455 §7.1.1: the server should close TCP first. Wait a little
	// for it, but only note it.
	tcp := r.tr("the server closed TCP", "服务器关闭了 TCP 连接")
	w.c.SetReadDeadline(time.Now().Add(min(closeTCPGrace, r.timeout)))
	var one [1]byte
	if _, err := w.br.Read(one[:]); err == nil {
		tcp = r.tr("then sent more bytes (nothing may follow a close frame)", "之后又发送了数据（close 帧之后不应再有数据）")
	} else if isTimeout(err) {
		tcp = r.tr("but did not close TCP within %s (RFC 6455 §7.1.1: the server should close it first)", "但在 %s 内没有关闭 TCP 连接（RFC 6455 §7.1.1：应由服务器先关闭）", min(closeTCPGrace, r.timeout))
	}
	return r.tr("close %s came back; %s", "收到 close %s；%s", code, tcp), nil
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
	d, _ := websocket.DecodeFrames(b, websocket.DecodeOptions{})
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
