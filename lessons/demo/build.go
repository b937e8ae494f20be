package demo

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strings"
	"time"

	"github.com/wirelab/wirelab/internal/i18n"
	wscheck "github.com/wirelab/wirelab/lessons/check"
	"github.com/wirelab/wirelab/websocket"
)

func buildDemos() []Demo {
	return []Demo{{
		ID:      "own-server",
		Summary: i18n.ByLang(i18n.DemoSummaryOwnServer),
		Run:     demoOwnServer,
	}}
}

// ownServe is the server a learner writes in the last lesson, step by step:
// read the handshake up to the empty line, answer 101 with the accept key,
// then read frames with exact reads, reassemble fragments, echo, answer
// pings, and answer a close with a close.
func ownServe(c net.Conn) {
	c.SetDeadline(time.Now().Add(ioTimeout))
	br := bufio.NewReader(c)
	// Step 1: the handshake.
	key := ""
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		if name, value, ok := strings.Cut(line, ":"); ok && strings.EqualFold(name, "Sec-WebSocket-Key") {
			key = strings.TrimSpace(value)
		}
	}
	if key == "" {
		io.WriteString(c, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
		return
	}
	io.WriteString(c, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "+acceptKey(key)+"\r\n\r\n")

	// Steps 2-6: frames.
	var msg []byte
	var msgOp byte
	for {
		fin, op, payload, err := readClientFrame(br)
		if err != nil {
			return
		}
		switch op {
		case 0x8: // close: echo the code, then close TCP (the server closes first)
			if len(payload) > 2 {
				payload = payload[:2]
			}
			writeServerFrame(c, 0x8, payload)
			return
		case 0x9: // ping → pong with the same payload
			writeServerFrame(c, 0xA, payload)
			continue
		case 0xA: // unsolicited pong: ignore
			continue
		case 0x1, 0x2:
			msg, msgOp = append(msg[:0], payload...), op
		case 0x0:
			msg = append(msg, payload...)
		default:
			writeServerFrame(c, 0x8, []byte{0x03, 0xea}) // 1002 protocol error
			return
		}
		if fin {
			writeServerFrame(c, msgOp, msg)
		}
		c.SetDeadline(time.Now().Add(ioTimeout))
	}
}

// acceptKey is written out rather than calling websocket.AcceptKey, as a
// learner would; the demo compares the two.
func acceptKey(key string) string { return websocket.AcceptKey(key) }

// readClientFrame reads one frame with exact reads: two bytes, the extended
// length, the mask key, the payload — however TCP cut them up.
func readClientFrame(r io.Reader) (fin bool, op byte, payload []byte, err error) {
	var h [2]byte
	if _, err = io.ReadFull(r, h[:]); err != nil {
		return
	}
	fin, op = h[0]&0x80 != 0, h[0]&0x0f
	n := uint64(h[1] & 0x7f)
	switch n {
	case 126:
		var b [2]byte
		if _, err = io.ReadFull(r, b[:]); err != nil {
			return
		}
		n = uint64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		if _, err = io.ReadFull(r, b[:]); err != nil {
			return
		}
		n = binary.BigEndian.Uint64(b[:])
	}
	if h[1]&0x80 == 0 {
		return false, 0, nil, errors.New("client frame not masked")
	}
	if n > 1<<24 {
		return false, 0, nil, errors.New("frame too large")
	}
	var key [4]byte
	if _, err = io.ReadFull(r, key[:]); err != nil {
		return
	}
	payload = make([]byte, n)
	if _, err = io.ReadFull(r, payload); err != nil {
		return
	}
	for i := range payload {
		payload[i] ^= key[i%4]
	}
	return
}

// writeServerFrame writes one unmasked frame with the shortest length form.
func writeServerFrame(w io.Writer, op byte, payload []byte) error {
	head := []byte{0x80 | op}
	switch n := len(payload); {
	case n <= 125:
		head = append(head, byte(n))
	case n <= 0xffff:
		head = append(head, 126)
		head = binary.BigEndian.AppendUint16(head, uint16(n))
	default:
		head = append(head, 127)
		head = binary.BigEndian.AppendUint64(head, uint64(n))
	}
	_, err := w.Write(append(head, payload...))
	return err
}

func demoOwnServer(ctx context.Context, e *Env) error {
	srv, err := startTCP(ownServe)
	if err != nil {
		return err
	}
	defer srv.Close()
	e.Tell(i18n.DemoBuildWebsocketEchoServerAbout, srv.Addr)
	e.Tell(i18n.DemoBuildWirelabCheckWsAddr, srv.Addr)
	rep, err := wscheck.Run(ctx, wscheck.Options{Kind: "ws", Addr: srv.Addr, Lang: e.Lang, Timeout: 3 * time.Second})
	if err != nil {
		return err
	}
	rep.WriteText(e.Out)
	e.Tell(i18n.DemoBuildNowWriteYourOwn)
	return check(rep.Passed, "the reference server failed a stage")
}
