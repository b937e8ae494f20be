package ws

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wirelab/wirelab/websocket"
)

// frameLine describes one frame crossing a connection, for the logs of
// serve and dial: the direction, opcode, FIN, length and masking, and for a
// control frame its payload or close code:
//
//	recv text fin=1 len=5 masked key=37fa213d
//	send ping fin=1 len=1 payload="x"
//	send close fin=1 len=2 code=1000 (normal closure)
func frameLine(e websocket.FrameEvent) string {
	h := e.Header
	var b strings.Builder
	if e.Incoming {
		b.WriteString("recv ")
	} else {
		b.WriteString("send ")
	}
	fin := 0
	if h.Fin {
		fin = 1
	}
	fmt.Fprintf(&b, "%s fin=%d len=%d", h.Opcode, fin, h.Length)
	if h.Rsv != 0 {
		fmt.Fprintf(&b, " rsv=%03b", h.Rsv)
	}
	if h.Masked {
		fmt.Fprintf(&b, " masked key=%x", h.Key)
	}
	switch h.Opcode {
	case websocket.OpPing, websocket.OpPong:
		if len(e.Payload) > 0 {
			b.WriteString(" payload=" + showPayload(e.Payload, true))
		}
	case websocket.OpClose:
		b.WriteString(" " + closeText(e.Payload))
	}
	return b.String()
}

// closeText describes a close frame's payload.
func closeText(p []byte) string {
	switch len(p) {
	case 0:
		return "no status code (1005)"
	case 1:
		return fmt.Sprintf("payload=%x (1 byte: too short for a code)", p)
	}
	s := "code=" + websocket.CloseCode(binary.BigEndian.Uint16(p)).String()
	if len(p) > 2 {
		s += " reason=" + strconv.Quote(string(p[2:]))
	}
	return s
}

// showPayload shows a payload on one line: quoted when it is text, else
// in hex; long ones are cut.
func showPayload(p []byte, text bool) string {
	const keep = 64
	cut := p
	if len(cut) > keep+8 {
		cut = cut[:keep]
	}
	var s string
	if text && utf8.Valid(p) {
		for len(cut) > 0 && !utf8.Valid(cut) {
			cut = cut[:len(cut)-1]
		}
		s = strconv.Quote(string(cut))
	} else {
		s = fmt.Sprintf("%x", cut)
	}
	if len(cut) < len(p) {
		s += fmt.Sprintf("...(+%d bytes)", len(p)-len(cut))
	}
	return s
}

// messageLine describes a received data message:
//
//	message text 5 bytes: "hello"
func messageLine(mt websocket.MessageType, p []byte) string {
	n := "1 byte"
	if len(p) != 1 {
		n = strconv.Itoa(len(p)) + " bytes"
	}
	if len(p) == 0 {
		return fmt.Sprintf("message %s %s", mt, n)
	}
	return fmt.Sprintf("message %s %s: %s", mt, n, showPayload(p, mt == websocket.TextMessage))
}
