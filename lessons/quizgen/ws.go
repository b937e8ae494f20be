package quizgen

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/websocket"
)

// guid is the fixed string RFC 6455 §1.3 appends to the key.
const guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// WSAccept asks for the Sec-WebSocket-Accept of a fresh random key: it opens
// a real WebSocket handshake with that key against the websocket package's
// server on loopback, and the answer is the value that server sent.
var WSAccept = register(Generator{
	ID:        "ws-accept",
	Params:    []string{"key", "answer", "addr"},
	Form:      i18n.QuizFormAccept,
	Normalize: normalizeAccept,
	Remark:    acceptRemark,
	New:       newWSAccept,
})

func newWSAccept(ctx context.Context, r *rand.Rand) (*Instance, error) {
	var raw [16]byte
	binary.BigEndian.PutUint64(raw[:8], r.Uint64())
	binary.BigEndian.PutUint64(raw[8:], r.Uint64())
	key := base64.StdEncoding.EncodeToString(raw[:])
	addr, accept, req, err := handshake(ctx, key)
	if err != nil {
		return nil, err
	}
	return &Instance{
		Params: map[string]string{
			"key":    key,
			"answer": accept,
			"addr":   addr,
		},
		Show:   showLines("  ", req),
		Work:   acceptWork(key) + "\n  → " + accept,
		Answer: accept,
	}, nil
}

// handshake runs one opening handshake with key against a websocket server
// on 127.0.0.1 and returns the server's address, the Sec-WebSocket-Accept it
// answered and the request that was sent.
func handshake(ctx context.Context, key string) (addr, accept string, req []byte, err error) {
	c, stop, err := serve(ctx, httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		var u websocket.Upgrader
		if c, err := u.Upgrade(w, r); err == nil {
			c.CloseNow()
		}
	}), nil)
	if err != nil {
		return "", "", nil, err
	}
	defer stop()
	addr = c.RemoteAddr().String()
	req = []byte("GET /quiz HTTP/1.1\r\nHost: " + addr + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
	if _, err := c.Write(req); err != nil {
		return "", "", nil, err
	}
	resp, err := httpcore.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return "", "", nil, fmt.Errorf("quizgen: reading the handshake's answer: %w", err)
	}
	if resp.StatusCode != 101 {
		return "", "", nil, fmt.Errorf("quizgen: the websocket server answered %d, want 101 Switching Protocols (RFC 6455 §4.2.2)", resp.StatusCode)
	}
	accept = resp.Header.Get("Sec-WebSocket-Accept")
	if accept == "" {
		return "", "", nil, errors.New("quizgen: the 101 answer has no Sec-WebSocket-Accept (RFC 6455 §4.2.2)")
	}
	return addr, accept, req, nil
}

// acceptWork is a shell recipe for the accept value of key, in lines short
// enough for a 60-column terminal.
func acceptWork(key string) string {
	return "  k='" + key + "'\n" +
		`  printf %s "${k}` + guid + `" |` + "\n" +
		"    openssl sha1 -binary | base64"
}

// acceptRemark recognises the two usual slips: the digest typed in hex,
// and the key Base64-decoded before hashing.
func acceptRemark(in *Instance, typed string) (i18n.Key, bool) {
	key := in.Params["key"]
	typed = strings.TrimSpace(typed)
	sum := sha1.Sum([]byte(key + guid))
	if strings.EqualFold(typed, hex.EncodeToString(sum[:])) {
		return i18n.QuizRemarkAcceptHex, true
	}
	if raw, err := base64.StdEncoding.DecodeString(key); err == nil {
		sum := sha1.Sum(append(raw, guid...))
		if typed == base64.StdEncoding.EncodeToString(sum[:]) {
			return i18n.QuizRemarkAcceptDecoded, true
		}
	}
	return 0, false
}

// normalizeAccept trims spaces and a pasted header name; the value itself
// is compared exactly (Base64 is case-sensitive).
func normalizeAccept(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if name, v, ok := strings.Cut(s, ":"); ok && strings.EqualFold(strings.TrimSpace(name), "Sec-WebSocket-Accept") {
		s = strings.TrimSpace(v)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != 20 {
		return "", false
	}
	return s, true
}

// FrameLen asks for the two extended-length bytes of a frame whose payload
// is 126..65535 bytes long; the bytes come from the websocket package's frame
// writer.
var FrameLen = register(Generator{
	ID:        "frame-len",
	Params:    []string{"size", "header", "hi", "lo", "answer"},
	Form:      i18n.QuizFormFrameLen,
	Normalize: normalizeHexBytes,
	Remark:    frameLenRemark,
	New:       func(ctx context.Context, r *rand.Rand) (*Instance, error) { return frameLen(300) },
})

// frameLen writes the header of an unmasked final text frame of size bytes.
func frameLen(size int) (*Instance, error) {
	var buf bytes.Buffer
	if err := websocket.WriteFrameHeader(&buf, websocket.FrameHeader{Fin: true, Opcode: websocket.OpText, Length: int64(size)}); err != nil {
		return nil, err
	}
	h := buf.Bytes()
	if len(h) != 4 {
		return nil, fmt.Errorf("quizgen: a %d-byte frame has a %d-byte header, want 4 (a 16-bit extended length, RFC 6455 §5.2)", size, len(h))
	}
	answer := fmt.Sprintf("%02x %02x", h[2], h[3])
	return &Instance{
		Params: map[string]string{
			"size":   strconv.Itoa(size),
			"header": fmt.Sprintf("%02x %02x ?? ??", h[0], h[1]),
			"hi":     strconv.Itoa(int(h[2])),
			"lo":     strconv.Itoa(int(h[3])),
			"answer": answer,
		},
		Show:   fmt.Sprintf("  %02x %02x ?? ??", h[0], h[1]),
		Work:   fmt.Sprintf("  python3 -c 'print((%d).to_bytes(2, \"big\").hex(\" \"))'\n  %s", size, answer),
		Answer: answer,
	}, nil
}

// frameLenRemark recognises the bytes typed in decimal.
func frameLenRemark(in *Instance, typed string) (i18n.Key, bool) {
	f := strings.Fields(strings.ReplaceAll(typed, ",", " "))
	if len(f) == 2 && f[0] == in.Params["hi"] && f[1] == in.Params["lo"] && f[0]+f[1] != strings.ReplaceAll(in.Answer, " ", "") {
		return i18n.QuizRemarkFrameLenDecimal, true
	}
	return 0, false
}

// normalizeHexBytes reads two bytes written in hex: two tokens of one or two
// hex digits (each may start with 0x, separated by spaces, a comma or a
// colon), or one token of exactly four hex digits (0x optional). It returns
// them as "hh hh" in lower case.
func normalizeHexBytes(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	toks := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == ':' || r == '\t' })
	var digits []string
	switch len(toks) {
	case 1:
		t := strings.TrimPrefix(toks[0], "0x")
		if len(t) != 4 {
			return "", false
		}
		digits = []string{t[:2], t[2:]}
	case 2:
		for _, t := range toks {
			t = strings.TrimPrefix(t, "0x")
			if len(t) < 1 || len(t) > 2 {
				return "", false
			}
			digits = append(digits, t)
		}
	default:
		return "", false
	}
	var out [2]uint64
	for i, d := range digits {
		v, err := strconv.ParseUint(d, 16, 8)
		if err != nil {
			return "", false
		}
		out[i] = v
	}
	return fmt.Sprintf("%02x %02x", out[0], out[1]), true
}

// showLines prints raw HTTP bytes one line at a time after prefix, each
// CRLF shown as ␍␊ and a bare LF as ␊, so that the learner can count them
// (CR and LF are one byte each).
func showLines(prefix string, raw []byte) string {
	var lines []string
	rest := string(raw)
	for rest != "" {
		i := strings.IndexByte(rest, '\n')
		if i < 0 {
			lines = append(lines, prefix+rest)
			break
		}
		line := rest[:i]
		if strings.HasSuffix(line, "\r") {
			line = strings.TrimSuffix(line, "\r") + "␍␊"
		} else {
			line += "␊"
		}
		lines = append(lines, prefix+line)
		rest = rest[i+1:]
	}
	return strings.Join(lines, "\n")
}
