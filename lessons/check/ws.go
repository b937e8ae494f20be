package check

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wirelab/wirelab/websocket"
	"github.com/wirelab/wirelab/websocket/wsdecode"
)

// The WebSocket track, as data. Every stage opens one connection and takes
// it as far as its open level says: TCP only, the 101 response, the accept
// key checked, or an open WebSocket. Then each step writes client frames,
// masked with a fresh key (all in one write, or cut into pieces splitPause
// apart), and reads the replies it expects, in order. runWS interprets the
// stages; nothing else in this file sends or reads.
//
// In a stage's pass message, {name} stands for a value seen on the wire:
// {remote} and {local} (tcp), {upgrade} and {connection} (the 101
// response), {key} and {accept}, {frames} (how many frames the last echo
// took), {close} and {tcp} (the close reply, and what the server did next).

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

// How far a stage takes its connection before its steps.
type wsOpen int

const (
	openTCP       wsOpen = iota // connect, nothing more
	openHandshake               // and get 101 with Upgrade: websocket and Connection: Upgrade
	openAccept                  // and check Sec-WebSocket-Accept
	openWS                      // an open WebSocket: failures show only what follows the handshake
)

// A wsStage is one stage of the WebSocket track.
type wsStage struct {
	id      string
	section string
	sends   ltext
	expects ltext
	// hints are a nudge, then the exact rule. The rule is also the hint of
	// a failure to read the stage's replies whole; a more particular hint
	// (a wrong status, the accept value of this very key, the engine's
	// complaint about a frame) is given instead where there is one.
	hints [2]ltext
	// payloadHint, if set, explains a reply whose payload differs from what
	// was sent better than the rule (for the length stages: unmasking).
	payloadHint ltext
	// framing says that whatever goes wrong most likely comes from how
	// frames meet reads: every failure gets the rule as its hint, and the
	// particular hint after it.
	framing bool
	open    wsOpen
	pass    ltext
	steps   []wsStep
}

// A wsStep writes client frames and then reads the replies in expect.
type wsStep struct {
	send []wsFrame // written in one write call...
	cuts []int     // ...or cut at these byte offsets into several, splitPause apart
	// expect are the replies, in order.
	expect []wsWant
}

// A wsFrame is a frame the checker sends: the interpreter masks it with a
// fresh random key (RFC 6455 §5.3).
type wsFrame struct {
	fin     bool
	op      websocket.Opcode
	payload string
}

// A wsWant is a reply the checker waits for.
type wsWant struct {
	// reply is websocket.OpText for the echo of a text message (in one
	// frame or several), websocket.OpPong for a pong, websocket.OpClose for
	// a close frame (control frames before it are passed over).
	reply websocket.Opcode
	// data is the payload expected: the message, or the ping's payload.
	data string
	// shortest asks the echo to write its length in the shortest form.
	shortest bool
	// what names the reply in messages; empty means "the echo of …".
	what ltext
}

func textFrame(s string) wsFrame { return wsFrame{fin: true, op: websocket.OpText, payload: s} }

func echo(s string) wsWant { return wsWant{reply: websocket.OpText, data: s} }

// echoShortest is the echo of s, its length in the shortest form.
func echoShortest(s string) wsWant { return wsWant{reply: websocket.OpText, data: s, shortest: true} }

// sendAndEcho is a step that sends each message in its own frame, all in
// one write, and expects them all echoed in order.
func sendAndEcho(msgs ...string) wsStep {
	var st wsStep
	for _, m := range msgs {
		st.send = append(st.send, textFrame(m))
		st.expect = append(st.expect, echo(m))
	}
	return st
}

var (
	unmaskRule = ltext{"Client frames are masked: payload[i] XOR key[i % 4], with the 4-byte key that follows the length (RFC 6455 §5.3).",
		"客户端的帧带掩码：payload[i] XOR key[i % 4]，掩码键是长度字段后面的 4 个字节（RFC 6455 §5.3）。"}
	handshakeRule = ltext{`Read the request up to the empty line (\r\n\r\n), then answer "HTTP/1.1 101 Switching Protocols\r\n", the Upgrade, Connection and Sec-WebSocket-Accept fields, and an empty line.`,
		`读取请求直到空行（\r\n\r\n），然后回复 "HTTP/1.1 101 Switching Protocols\r\n"、Upgrade、Connection 和 Sec-WebSocket-Accept 字段，以及一个空行。`}
	big16a, big16b = string(pattern(len16Small)), string(pattern(len16Large))
	big64          = string(pattern(len64))
	splitText      = string(pattern(splitLen))
)

var wsTrack = []wsStage{
	{
		id: "tcp", section: "RFC 9293 §3.5", open: openTCP,
		sends:   ltext{"opens a TCP connection to ADDR", "向 ADDR 建立 TCP 连接"},
		expects: ltext{"the server accepts it", "服务器接受连接"},
		hints: [2]ltext{
			{"Start your server before the checker, on the address the checker dials.", "先启动你的服务器，再运行检查器；地址要和检查器连接的一致。"},
			{"Bind a TCP socket to 127.0.0.1 and the port in $PORT (9001 by default), listen, and accept connections in a loop.",
				"把 TCP socket 绑定到 127.0.0.1 和 $PORT 指定的端口（默认 9001），调用 listen，然后循环 accept 连接。"},
		},
		pass: ltext{"connected to {remote} from {local}", "已从 {local} 连接到 {remote}"},
	},
	{
		id: "handshake", section: "RFC 6455 §4.2.2", open: openHandshake,
		sends: ltext{"GET / with Upgrade: websocket, Connection: Upgrade, Sec-WebSocket-Key and Sec-WebSocket-Version: 13",
			"GET /，带 Upgrade: websocket、Connection: Upgrade、Sec-WebSocket-Key 和 Sec-WebSocket-Version: 13"},
		expects: ltext{"HTTP/1.1 101 Switching Protocols with Upgrade: websocket and Connection: Upgrade",
			"HTTP/1.1 101 Switching Protocols，带 Upgrade: websocket 和 Connection: Upgrade"},
		hints: [2]ltext{
			{"A WebSocket begins as an HTTP request: read it to its empty line and answer 101, not 200.",
				"WebSocket 从一个 HTTP 请求开始：把它读到空行，然后回答 101，而不是 200。"},
			handshakeRule,
		},
		pass: ltext{"101 Switching Protocols with Upgrade: {upgrade} and Connection: {connection}", "101 Switching Protocols，Upgrade: {upgrade}，Connection: {connection}"},
	},
	{
		id: "accept-key", section: "RFC 6455 §4.2.2", open: openAccept,
		sends: ltext{"the handshake with a fresh random Sec-WebSocket-Key", "握手请求，带一个新的随机 Sec-WebSocket-Key"},
		expects: ltext{`Sec-WebSocket-Accept = base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))`,
			`Sec-WebSocket-Accept = base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))`},
		hints: [2]ltext{
			{"The accept value proves that the server read this very request: it is computed from Sec-WebSocket-Key and a fixed GUID.",
				"Accept 的值证明服务器读了这个请求：它由 Sec-WebSocket-Key 和一个固定的 GUID 算出来。"},
			{`Sec-WebSocket-Accept is base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")): append the GUID to the key as received, take SHA-1 of that string and base64-encode the 20 raw bytes of the digest, not its hex text.`,
				`Sec-WebSocket-Accept 是 base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))：把 GUID 接在收到的 key 后面，对这个字符串做 SHA-1，再把摘要的 20 个原始字节做 base64 编码，而不是它的十六进制文本。`},
		},
		pass: ltext{"key {key} → Sec-WebSocket-Accept {accept}", "key {key} → Sec-WebSocket-Accept {accept}"},
	},
	{
		id: "echo-text", section: "RFC 6455 §5.6", open: openWS,
		sends:   ltext{`a masked text frame "` + echoText + `"`, `一个带掩码的文本帧 "` + echoText + `"`},
		expects: ltext{"a text message with the same bytes", "一条内容相同的文本消息"},
		hints: [2]ltext{
			{"The payload your server reads is scrambled: frames from a client are masked.", "你的服务器读到的载荷是打乱过的：客户端发来的帧带掩码。"},
			unmaskRule,
		},
		pass:  ltext{fmt.Sprintf("%q came back", echoText), fmt.Sprintf("%q 已回显", echoText)},
		steps: []wsStep{sendAndEcho(echoText)},
	},
	{
		id: "server-unmasked", section: "RFC 6455 §5.1", open: openWS,
		sends:   ltext{`a masked text frame "` + unmaskedText + `"`, `一个带掩码的文本帧 "` + unmaskedText + `"`},
		expects: ltext{"the echo with MASK = 0: a server never masks", "回显帧的 MASK 位为 0：服务器发送的帧不加掩码"},
		hints: [2]ltext{
			{"Only clients mask. Look at byte 1 of the frames your server writes.", "只有客户端才加掩码。看看你的服务器写出的帧的第 1 字节。"},
			{"A server MUST NOT mask its frames: byte 1 has the MASK bit (0x80) clear, and no masking key follows the length.",
				"服务器绝不能给自己的帧加掩码：第 1 字节的 MASK 位（0x80）为 0，长度后面也没有掩码键。"},
		},
		payloadHint: unmaskRule,
		pass:        ltext{"the echo has MASK = 0 and no masking key", "回显帧 MASK = 0，没有掩码键"},
		steps:       []wsStep{sendAndEcho(unmaskedText)},
	},
	{
		id: "length-16", section: "RFC 6455 §5.2", open: openWS,
		sends: ltext{fmt.Sprintf("text messages of %d and %d bytes (length 126 + 16-bit length)", len16Small, len16Large),
			fmt.Sprintf("%d 字节和 %d 字节的文本消息（长度字段 126 + 16 位长度）", len16Small, len16Large)},
		expects: ltext{"each echoed with byte 1 = 126 and the length in the next 2 bytes, big-endian",
			"回显帧的第 1 字节长度为 126，随后 2 字节是大端序的长度"},
		hints: [2]ltext{
			{"The 7-bit length of byte 1 only goes up to 125; a longer payload needs a longer length field.",
				"第 1 字节的 7 位长度最多只能表示 125；更长的载荷需要更长的长度字段。"},
			{"For a payload of 126 to 65535 bytes, put 126 in the 7-bit length of byte 1, then the length in 2 bytes, big-endian: 126 bytes is 7e 00 7e; 1000 bytes is 7e 03 e8.",
				"载荷为 126 到 65535 字节时，第 1 字节的 7 位长度写 126，随后用 2 个字节写长度（大端序）：126 字节是 7e 00 7e；1000 字节是 7e 03 e8。"},
		},
		payloadHint: unmaskRule,
		pass: ltext{fmt.Sprintf("%d and %d bytes came back with the 16-bit length", len16Small, len16Large),
			fmt.Sprintf("%d 和 %d 字节已用 16 位长度回显", len16Small, len16Large)},
		steps: []wsStep{
			{send: []wsFrame{textFrame(big16a)}, expect: []wsWant{echoShortest(big16a)}},
			{send: []wsFrame{textFrame(big16b)}, expect: []wsWant{echoShortest(big16b)}},
		},
	},
	{
		id: "length-64", section: "RFC 6455 §5.2", open: openWS,
		sends: ltext{fmt.Sprintf("a %d-byte text message (length 127 + 64-bit length); it arrives over several reads", len64),
			fmt.Sprintf("一条 %d 字节的文本消息（长度字段 127 + 64 位长度），需要多次读取才能收全", len64)},
		expects: ltext{"the echo with byte 1 = 127 and the length in the next 8 bytes, big-endian",
			"回显帧的第 1 字节长度为 127，随后 8 字节是大端序的长度"},
		hints: [2]ltext{
			{"65536 bytes fit neither the 16-bit length nor one recv.", "65536 字节既放不进 16 位长度，也不会在一次 recv 里全部到达。"},
			{"For 65536 bytes or more, put 127 in the 7-bit length, then the length in 8 bytes, big-endian: 65536 is 7f 00 00 00 00 00 01 00 00. Such a frame arrives over several reads: keep reading until you have the whole payload, and send the whole echo (a short echo means your server answered after a single read).",
				"载荷为 65536 字节或更多时，7 位长度写 127，随后用 8 个字节写长度（大端序）：65536 是 7f 00 00 00 00 00 01 00 00。这么大的帧要多次读取才能收全：要一直读到载荷完整，再发送完整的回显（回显变短，说明你的服务器只读了一次就回复了）。"},
		},
		payloadHint: unmaskRule,
		pass:        ltext{fmt.Sprintf("%d bytes came back with the 64-bit length", len64), fmt.Sprintf("%d 字节已用 64 位长度回显", len64)},
		steps:       []wsStep{{send: []wsFrame{textFrame(big64)}, expect: []wsWant{echoShortest(big64)}}},
	},
	{
		id: "coalesced-frames", section: "RFC 6455 §5.2", open: openWS, framing: true,
		sends: ltext{`two text frames, "` + coalesced1 + `" and "` + coalesced2 + `", in one TCP write`,
			`两个文本帧 "` + coalesced1 + `" 和 "` + coalesced2 + `"，在一次 TCP 写入中发送`},
		expects: ltext{"both echoed, in order: one read can hold several frames",
			"两条都按顺序回显：一次读取可能包含多个帧"},
		hints: [2]ltext{
			{"TCP is a byte stream: one recv can return more than one frame.", "TCP 是字节流：一次 recv 可能返回不止一个帧。"},
			{"One read from the socket can hold several frames (here, both came in one TCP segment). Keep the bytes after the first frame in a buffer and parse the next frame from them before reading again.",
				"一次读取可能包含多个帧（这里两个帧在同一个 TCP 段里）。把第一个帧之后的字节留在缓冲区里，先从中解析下一个帧，再继续读 socket。"},
		},
		pass: ltext{fmt.Sprintf("%q and %q, sent in one write, both came back in order", coalesced1, coalesced2),
			fmt.Sprintf("一次写入的 %q 和 %q 都按顺序回显了", coalesced1, coalesced2)},
		steps: []wsStep{sendAndEcho(coalesced1, coalesced2)},
	},
	{
		id: "split-frame", section: "RFC 6455 §5.2", open: openWS, framing: true,
		sends: ltext{fmt.Sprintf("one %d-byte text frame in 4 writes, %s apart, cut inside the length and the masking key", splitLen, splitPause),
			fmt.Sprintf("一个 %d 字节的文本帧，分 4 次写入，间隔 %s，切在长度字段和掩码键中间", splitLen, splitPause)},
		expects: ltext{"the echo: a frame can arrive over several reads",
			"回显：一个帧可能分多次读取到达"},
		hints: [2]ltext{
			{"TCP is a byte stream: one recv can return less than a frame.", "TCP 是字节流：一次 recv 可能只返回半个帧。"},
			{fmt.Sprintf("A frame can arrive over several reads (here 3, 3, 154 and 148 bytes, %s apart). Read until you have the 2-byte header, then the extended length and the masking key, then the whole payload; a read may return fewer bytes than you asked for.", splitPause),
				fmt.Sprintf("一个帧可能分多次读取到达（这里是 3、3、154 和 148 字节，间隔 %s）。先读够 2 字节帧头，再读扩展长度和掩码键，再读完整个载荷；一次读取返回的字节数可能少于你要求的。", splitPause)},
		},
		pass: ltext{fmt.Sprintf("a %d-byte frame sent in 4 writes came back whole", splitLen), fmt.Sprintf("分 4 次写入的 %d 字节帧已完整回显", splitLen)},
		// The header is 2 + 2 (16-bit length) + 4 (masking key) = 8 bytes:
		// the first write ends inside the length, the second inside the key.
		steps: []wsStep{{send: []wsFrame{textFrame(splitText)}, cuts: []int{3, 6, 160},
			expect: []wsWant{{reply: websocket.OpText, data: splitText, what: ltext{"the echo of a frame sent in 4 writes", "分 4 次写入的帧的回显"}}}}},
	},
	{
		id: "fragmented", section: "RFC 6455 §5.4", open: openWS,
		sends: ltext{fmt.Sprintf(`one text message in 3 frames: text FIN=0 %q, continuation FIN=0 %q, continuation FIN=1 %q`, fragments[0], fragments[1], fragments[2]),
			fmt.Sprintf(`分成 3 帧的一条文本消息：text FIN=0 %q、continuation FIN=0 %q、continuation FIN=1 %q`, fragments[0], fragments[1], fragments[2])},
		expects: ltext{`the whole message "` + fragmentText + `" echoed (in one frame or several)`,
			`回显完整消息 "` + fragmentText + `"（一帧或多帧均可）`},
		hints: [2]ltext{
			{"FIN=0 means that more of the message is coming: do not echo yet.", "FIN=0 表示这条消息还没完：先别回显。"},
			{"A message can come in several frames: the first has the opcode (text) and FIN=0, the next are continuation frames (opcode 0x0), the last has FIN=1. Join their payloads and echo the whole message once it is complete.",
				"一条消息可能由多个帧组成：第一个帧带 opcode（text），FIN=0；后面是 continuation 帧（opcode 0x0）；最后一个 FIN=1。把载荷拼起来，等消息完整后再回显整条消息。"},
		},
		pass: ltext{fmt.Sprintf("3 fragments in, %q back in {frames} frame(s)", fragmentText), fmt.Sprintf("发送 3 个分片，收到 %q，共 {frames} 帧", fragmentText)},
		steps: []wsStep{{
			send: []wsFrame{
				{fin: false, op: websocket.OpText, payload: fragments[0]},
				{fin: false, op: websocket.OpContinuation, payload: fragments[1]},
				{fin: true, op: websocket.OpContinuation, payload: fragments[2]},
			},
			expect: []wsWant{{reply: websocket.OpText, data: fragmentText, what: ltext{"the echo of the fragmented message", "分片消息的回显"}}},
		}},
	},
	{
		id: "ping-pong", section: "RFC 6455 §5.5.2", open: openWS,
		sends:   ltext{`a masked ping with payload "` + pingData + `"`, `一个带掩码的 ping，载荷为 "` + pingData + `"`},
		expects: ltext{"a pong with the same payload", "载荷相同的 pong"},
		hints: [2]ltext{
			{"A ping is a control frame, not a message: it asks for an answer of its own.", "ping 是控制帧，不是消息：它要求一个专门的回答。"},
			{"Answer a ping (opcode 0x9) with a pong (opcode 0xA, byte 0 = 0x8a) carrying the same payload, unmasked; do not echo it as a text message.",
				"收到 ping（opcode 0x9）要回 pong（opcode 0xA，第 0 字节为 0x8a），载荷相同，不加掩码；不要把它当成文本消息回显。"},
		},
		pass: ltext{fmt.Sprintf("pong %q", pingData), fmt.Sprintf("pong %q", pingData)},
		steps: []wsStep{{send: []wsFrame{{fin: true, op: websocket.OpPing, payload: pingData}},
			expect: []wsWant{{reply: websocket.OpPong, data: pingData, what: ltext{"the pong", "pong"}}}}},
	},
	{
		id: "close", section: "RFC 6455 §5.5.1", open: openWS,
		sends:   ltext{`a close frame: code 1000, reason "` + closeReason + `"`, `一个 close 帧：状态码 1000，原因 "` + closeReason + `"`},
		expects: ltext{"a close frame back (then the server closes TCP)", "服务器回一个 close 帧（然后关闭 TCP 连接）"},
		hints: [2]ltext{
			{"Closing is a handshake too: answer the client's close before you hang up.", "关闭也是一次握手：先回答客户端的 close，再挂断。"},
			{"When a close frame (opcode 0x8) arrives, send a close frame back (byte 0 = 0x88, usually echoing the 2-byte status code), then close the TCP connection.",
				"收到 close 帧（opcode 0x8）时，要回一个 close 帧（第 0 字节为 0x88，通常带回 2 字节状态码），然后关闭 TCP 连接。"},
		},
		pass: ltext{"close {close} came back; {tcp}", "收到 close {close}；{tcp}"},
		steps: []wsStep{{send: []wsFrame{{fin: true, op: websocket.OpClose, payload: string(websocket.FormatClose(websocket.CloseNormal, closeReason))}},
			expect: []wsWant{{reply: websocket.OpClose, what: ltext{"the server's close frame", "服务器的 close 帧"}}}}},
	},
}

// wsStages are the WebSocket track's stages as the runner knows them.
var wsStages = func() []stageDef {
	var ds []stageDef
	for i := range wsTrack {
		st := &wsTrack[i]
		run := func(r *runner) (string, error) { return r.runWS(st) }
		ds = append(ds, stageDef{id: st.id, section: st.section, sends: st.sends, expects: st.expects, hints: st.hints, run: run})
	}
	return ds
}()

// runWS is the interpreter of the WebSocket stages.
func (r *runner) runWS(st *wsStage) (string, error) {
	rule := r.tr(st.hints[1][0], st.hints[1][1])
	vars, err := r.runWSSteps(st, rule)
	if err != nil {
		if st.framing {
			err = r.withHint(err, rule)
		}
		return "", err
	}
	pass := r.tr(st.pass[0], st.pass[1])
	for k, v := range vars {
		pass = strings.ReplaceAll(pass, "{"+k+"}", v)
	}
	return pass, nil
}

// runWSSteps opens the stage's connection and runs its steps; it returns
// the values its pass message may name.
func (r *runner) runWSSteps(st *wsStage, rule string) (map[string]string, error) {
	w, err := r.dial()
	if err != nil {
		return nil, err
	}
	vars := map[string]string{"remote": w.c.RemoteAddr().String(), "local": w.c.LocalAddr().String()}
	var hs *handshake
	if st.open >= openHandshake {
		if hs, err = r.sendHandshake(w); err != nil {
			return nil, err
		}
		if err := r.checkUpgrade(w, hs); err != nil {
			return nil, err
		}
		vars["upgrade"], vars["connection"] = hs.resp.Header.Get("Upgrade"), hs.resp.Header.Get("Connection")
		vars["key"], vars["accept"] = hs.key, websocket.AcceptKey(hs.key)
	}
	if st.open >= openAccept {
		if err := r.checkAccept(w, hs); err != nil {
			return nil, err
		}
	}
	if st.open >= openWS {
		w.mark()
	}
	payloadHint := rule
	if st.payloadHint[0] != "" {
		payloadHint = r.tr(st.payloadHint[0], st.payloadHint[1])
	}
	for _, step := range st.steps {
		if err := r.sendFrames(w, step, rule); err != nil {
			return nil, err
		}
		for _, want := range step.expect {
			if err := r.expectWS(w, want, rule, payloadHint, vars); err != nil {
				return nil, err
			}
		}
	}
	return vars, nil
}

// sendFrames writes a step's frames, each masked with a fresh key: in one
// write call, or in the pieces its cuts make, splitPause apart.
func (r *runner) sendFrames(w *wire, step wsStep, hint string) error {
	var b []byte
	for _, f := range step.send {
		b = append(b, clientFrame(f.fin, f.op, []byte(f.payload))...)
	}
	from := 0
	for i, to := range append(slices.Clone(step.cuts), len(b)) {
		if i > 0 {
			if err := r.pause(splitPause); err != nil {
				return r.ioFail(w, err, "RFC 6455 §5.2", r.tr("the echo", "回显"), hint)
			}
		}
		if err := w.write(b[from:to]); err != nil {
			return r.ioFail(w, err, "RFC 6455 §5.2", r.tr("the server to read a frame", "服务器读取帧"), "")
		}
		from = to
	}
	return nil
}

// expectWS reads the reply want names and judges it. rule is the stage's
// hint for a reply that does not come whole; payloadHint, for an echo
// whose bytes differ.
func (r *runner) expectWS(w *wire, want wsWant, rule, payloadHint string, vars map[string]string) error {
	what := r.tr(want.what[0], want.what[1])
	switch {
	case what != "":
	case len(want.data) <= 40:
		what = r.tr("the echo of %q", "%q 的回显", want.data)
	default:
		what = r.tr("the echo of a %d-byte message", "%d 字节消息的回显", len(want.data))
	}
	switch want.reply {
	case websocket.OpPong:
		return r.expectPong(w, want.data, what, rule)
	case websocket.OpClose:
		return r.expectClose(w, what, rule, vars)
	}
	m, err := r.readMessage(w, int64(len(want.data)), what, rule)
	if err != nil {
		return err
	}
	if want.shortest {
		if err := r.checkLengthForm(w, m, rule); err != nil {
			return err
		}
	}
	if err := r.expectEcho(w, m, []byte(want.data), payloadHint); err != nil {
		return err
	}
	vars["frames"] = strconv.Itoa(len(m.msg.Frames))
	return nil
}

// expectPong reads the next frame and wants it a pong carrying data
// (RFC 6455 §5.5.3).
func (r *runner) expectPong(w *wire, data, what, hint string) error {
	fa, err := r.readFrame(w, -1, what, hint)
	if err != nil {
		return err
	}
	if fa.h.Opcode != websocket.OpPong {
		return r.failAt(w, fa.off, "RFC 6455 §5.5.2",
			r.tr("the reply to the ping is a %s frame, not a pong", "对 ping 的回复是 %s 帧，不是 pong", fa.h.Opcode), hint)
	}
	fr, err := r.decodeFrame(w, fa, r.frameHint)
	if err != nil {
		return err
	}
	if got := fr.Payload; string(got) != data {
		return r.failAt(w, fa.off+fa.hlen+common(got, []byte(data)), "RFC 6455 §5.5.3",
			r.tr("the pong carries %s; the ping carried %q", "pong 的载荷是 %s；ping 的载荷是 %q", Quote(got), data), hint)
	}
	return nil
}

// expectClose reads frames up to a close frame, passing over control
// frames, and notes whether the server then closes TCP first, as it should
// (RFC 6455 §7.1.1).
func (r *runner) expectClose(w *wire, what, hint string, vars map[string]string) error {
	var fa frameAt
	for {
		var err error
		if fa, err = r.readFrame(w, -1, what, hint); err != nil {
			return err
		}
		if fa.h.Opcode == websocket.OpClose {
			break
		}
		if !fa.h.Opcode.IsControl() {
			return r.failAt(w, fa.off, "RFC 6455 §5.5.1",
				r.tr("the server answered the close frame with a %s frame", "服务器用 %s 帧回答了 close 帧", fa.h.Opcode), hint)
		}
	}
	fr, err := r.decodeFrame(w, fa, func(*websocket.FrameError) string {
		return r.tr("A close payload is empty, or a 2-byte status code (1000 for a normal close) and a UTF-8 reason.",
			"close 帧的载荷为空，或者是 2 字节状态码（正常关闭为 1000）加 UTF-8 原因。")
	})
	if err != nil {
		return err
	}
	vars["close"] = fr.Close.Code.String()
	// Wait a little for the server to close TCP, but only note it.
	grace := min(closeTCPGrace, r.timeout)
	vars["tcp"] = r.tr("the server closed TCP", "服务器关闭了 TCP 连接")
	w.c.SetReadDeadline(time.Now().Add(grace))
	var one [1]byte
	if _, err := w.br.Read(one[:]); err == nil {
		vars["tcp"] = r.tr("then sent more bytes (nothing may follow a close frame)", "之后又发送了数据（close 帧之后不应再有数据）")
	} else if isTimeout(err) {
		vars["tcp"] = r.tr("but did not close TCP within %s (RFC 6455 §7.1.1: the server should close it first)", "但在 %s 内没有关闭 TCP 连接（RFC 6455 §7.1.1：应由服务器先关闭）", grace)
	}
	return nil
}

// decodeFrame has the engine decode the control frame fa, as sent by a
// server; hint explains what it rejects.
func (r *runner) decodeFrame(w *wire, fa frameAt, hint func(*websocket.FrameError) string) (*wsdecode.DecodedFrame, error) {
	dec, err := wsdecode.DecodeFrames(w.recv[fa.off:w.consumed()], wsdecode.DecodeOptions{From: wsdecode.SenderServer})
	if err != nil {
		fe := asFrameError(err)
		return nil, r.failAt(w, fa.off+fe.Offset, "RFC 6455 "+fe.Section,
			r.tr("the engine rejects the %s frame: %s", "引擎拒绝了这个 %s 帧：%s", fa.h.Opcode, fe.Msg), hint(fe))
	}
	return &dec.Frames[0], nil
}
