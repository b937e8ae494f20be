package wsdecode

import (
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/wirelab/wirelab/websocket"
)

var update = flag.Bool("update", false, "rewrite testdata/decode/*.golden")

// hx decodes hex with spaces, as the tables write it.
func hx(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// wire builds one frame: a header in the shortest form, and the payload,
// masked with key when key is not nil.
func wire(fin bool, op websocket.Opcode, key *[4]byte, payload []byte) []byte {
	h := websocket.FrameHeader{Fin: fin, Opcode: op, Length: int64(len(payload))}
	if key != nil {
		h.Masked, h.Key = true, *key
	}
	b := websocket.AppendFrameHeader(nil, h)
	start := len(b)
	b = append(b, payload...)
	if key != nil {
		websocket.Mask(h.Key, 0, b[start:])
	}
	return b
}

// counting returns n bytes 0, 1, 2, ... 255, 0, 1, ...
func counting(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

// rfcKey is the masking key of the examples in RFC 6455 §5.7.
var rfcKey = &[4]byte{0x37, 0xfa, 0x21, 0x3d}

type decodeTest struct {
	name string // also the golden file's name
	raw  []byte
	opts DecodeOptions
	// For inputs without error: the messages, as "type:payload".
	wantMsgs []string
	// For bad inputs: the error's offset, section and close code.
	wantOff     int
	wantSection string
	wantCode    websocket.CloseCode
}

func decodeTests(t testing.TB) []decodeTest {
	cat := func(bs ...[]byte) []byte { return bytes.Join(bs, nil) }
	return []decodeTest{
		// RFC 6455 §5.7.
		{name: "rfc-unmasked-hello", raw: hx(t, "81 05 48 65 6c 6c 6f"), wantMsgs: []string{"text:Hello"}},
		{name: "rfc-masked-hello", raw: hx(t, "81 85 37 fa 21 3d 7f 9f 4d 51 58"), wantMsgs: []string{"text:Hello"}},
		{name: "rfc-fragmented", raw: hx(t, "01 03 48 65 6c  80 02 6c 6f"), wantMsgs: []string{"text:Hello"}},
		{name: "rfc-ping", raw: hx(t, "89 05 48 65 6c 6c 6f")},
		{name: "rfc-masked-pong", raw: hx(t, "8a 85 37 fa 21 3d 7f 9f 4d 51 58")},
		{name: "rfc-binary-256", raw: cat(hx(t, "82 7E 0100"), counting(256)), wantMsgs: []string{"binary:" + string(counting(256))}},
		{name: "rfc-binary-64k", raw: cat(hx(t, "82 7F 0000000000010000"), counting(65536)), wantMsgs: []string{"binary:" + string(counting(65536))}},
		// The RFC's two big headers alone: the payload is missing.
		{name: "rfc-binary-256-header-only", raw: hx(t, "82 7E 0100"), wantOff: 4, wantSection: "§5.2", wantCode: websocket.CloseAbnormal},
		{name: "rfc-binary-64k-header-only", raw: hx(t, "82 7F 0000000000010000"), wantOff: 10, wantSection: "§5.2", wantCode: websocket.CloseAbnormal},

		// Boundary sizes of the length forms.
		{name: "len-0", raw: wire(true, websocket.OpBinary, nil, nil), wantMsgs: []string{"binary:"}},
		{name: "len-125", raw: wire(true, websocket.OpBinary, nil, counting(125)), wantMsgs: []string{"binary:" + string(counting(125))}},
		{name: "len-126", raw: wire(true, websocket.OpBinary, nil, counting(126)), wantMsgs: []string{"binary:" + string(counting(126))}},
		{name: "len-127", raw: wire(true, websocket.OpBinary, rfcKey, counting(127)), wantMsgs: []string{"binary:" + string(counting(127))}},
		{name: "len-65535", raw: wire(true, websocket.OpBinary, nil, counting(65535)), wantMsgs: []string{"binary:" + string(counting(65535))}},
		{name: "len-65536-masked", raw: wire(true, websocket.OpBinary, rfcKey, counting(65536)), wantMsgs: []string{"binary:" + string(counting(65536))}},
		{name: "len-16-bit-not-minimal", raw: hx(t, "81 7e 00 05 48 65 6c 6c 6f"), wantMsgs: []string{"text:Hello"}},
		{name: "len-64-bit-not-minimal", raw: hx(t, "81 7f 00 00 00 00 00 00 00 05 48 65 6c 6c 6f"), wantMsgs: []string{"text:Hello"}},

		// Control frames and messages.
		{name: "close-normal-masked", raw: wire(true, websocket.OpClose, rfcKey, websocket.FormatClose(websocket.CloseNormal, "bye"))},
		{name: "close-empty", raw: hx(t, "88 00")},
		{name: "close-4000", raw: wire(true, websocket.OpClose, nil, websocket.FormatClose(4000, "done"))},
		{name: "ping-between-fragments", raw: cat(hx(t, "01 03 48 65 6c"), wire(true, websocket.OpPing, nil, []byte("?")), hx(t, "80 02 6c 6f")), wantMsgs: []string{"text:Hello"}},
		{name: "three-messages", raw: cat(
			wire(true, websocket.OpText, rfcKey, []byte("héllo")),
			wire(false, websocket.OpBinary, rfcKey, []byte{1, 2}), wire(true, websocket.OpContinuation, rfcKey, []byte{3}),
			wire(true, websocket.OpText, rfcKey, nil),
		), wantMsgs: []string{"text:héllo", "binary:\x01\x02\x03", "text:"}},
		{name: "utf8-split-across-fragments", raw: cat(wire(false, websocket.OpText, nil, []byte{'h', 0xc3}), wire(true, websocket.OpContinuation, nil, []byte{0xa9})), wantMsgs: []string{"text:hé"}},
		{name: "message-unfinished", raw: cat(wire(false, websocket.OpText, nil, []byte("Hel"))), wantMsgs: nil},
		{name: "empty-input", raw: nil},
		{name: "deflate-rsv1-allowed", raw: hx(t, "c1 05 48 65 6c 6c 6f"), opts: DecodeOptions{RSV: 0x4}, wantMsgs: []string{"text:Hello"}},
		{name: "deflate-rsv1-allowed-masked", raw: hx(t, "c1 85 37 fa 21 3d 7f 9f 4d 51 58"), opts: DecodeOptions{RSV: 0x4}, wantMsgs: []string{"text:Hello"}},
		{name: "err-rsv2-with-deflate-masked", raw: hx(t, "a1 85 37 fa 21 3d 7f 9f 4d 51 58"), opts: DecodeOptions{RSV: 0x4}, wantOff: 0, wantSection: "§5.2", wantCode: websocket.CloseProtocolError},

		// permessage-deflate: RFC 7692 §7.2.3.1 and §7.2.3.2.
		{name: "deflate-rfc7692-hello", raw: hx(t, "c1 07 f2 48 cd c9 c9 07 00"), opts: DecodeOptions{Deflate: true}, wantMsgs: []string{"text:Hello"}},
		{name: "deflate-rfc7692-fragmented", raw: hx(t, "41 03 f2 48 cd  80 04 c9 c9 07 00"), opts: DecodeOptions{Deflate: true}, wantMsgs: []string{"text:Hello"}},
		{name: "deflate-uncompressed-message", raw: hx(t, "81 05 48 65 6c 6c 6f"), opts: DecodeOptions{Deflate: true}, wantMsgs: []string{"text:Hello"}},
		{name: "err-deflate-rsv1-without-option", raw: hx(t, "c1 07 f2 48 cd c9 c9 07 00"), wantOff: 0, wantSection: "§5.2", wantCode: websocket.CloseProtocolError},
		{name: "err-deflate-rsv1-continuation", raw: hx(t, "41 03 f2 48 cd  c0 04 c9 c9 07 00"), opts: DecodeOptions{Deflate: true}, wantOff: 5, wantSection: "§5.2", wantCode: websocket.CloseProtocolError},
		{name: "err-deflate-rsv1-ping", raw: hx(t, "c9 00"), opts: DecodeOptions{Deflate: true}, wantOff: 0, wantSection: "§5.2", wantCode: websocket.CloseProtocolError},
		{name: "err-deflate-limit", raw: hx(t, "c1 07 f2 48 cd c9 c9 07 00"), opts: DecodeOptions{Deflate: true, InflateLimit: 4}, wantOff: 8, wantSection: "§7.4.1", wantCode: websocket.CloseMessageTooBig},
		{name: "err-deflate-corrupt", raw: hx(t, "c1 02 ff ff"), opts: DecodeOptions{Deflate: true}, wantOff: 3, wantSection: "§5.2", wantCode: websocket.CloseProtocolError},

		// Header errors, from the engine's parser.
		{name: "err-reserved-opcode", raw: hx(t, "83 00"), wantOff: 0, wantSection: "§5.2", wantCode: websocket.CloseProtocolError},
		{name: "err-reserved-control-opcode", raw: cat(hx(t, "81 01 41"), hx(t, "8b 00")), wantOff: 3, wantSection: "§5.2", wantCode: websocket.CloseProtocolError},
		{name: "err-64-bit-msb", raw: hx(t, "82 7f 80 00 00 00 00 00 00 00"), wantOff: 2, wantSection: "§5.2", wantCode: websocket.CloseProtocolError},
		{name: "err-ping-126", raw: cat(hx(t, "89 7e 00 7e"), counting(126)), wantOff: 1, wantSection: "§5.5", wantCode: websocket.CloseProtocolError},
		{name: "err-fragmented-ping", raw: hx(t, "09 00"), wantOff: 0, wantSection: "§5.5", wantCode: websocket.CloseProtocolError},
		// The checks a Conn adds.
		{name: "err-rsv1", raw: hx(t, "c1 05 48 65 6c 6c 6f"), wantOff: 0, wantSection: "§5.2", wantCode: websocket.CloseProtocolError},
		{name: "err-rsv3-with-deflate", raw: hx(t, "d1 05 48 65 6c 6c 6f"), opts: DecodeOptions{RSV: 0x4}, wantOff: 0, wantSection: "§5.2", wantCode: websocket.CloseProtocolError},
		{name: "err-masked-from-server", raw: hx(t, "81 85 37 fa 21 3d 7f 9f 4d 51 58"), opts: DecodeOptions{From: SenderServer}, wantOff: 1, wantSection: "§5.1", wantCode: websocket.CloseProtocolError},
		{name: "err-unmasked-from-client", raw: hx(t, "81 05 48 65 6c 6c 6f"), opts: DecodeOptions{From: SenderClient}, wantOff: 1, wantSection: "§5.1", wantCode: websocket.CloseProtocolError},
		{name: "err-mixed-masking", raw: cat(hx(t, "81 85 37 fa 21 3d 7f 9f 4d 51 58"), hx(t, "81 05 48 65 6c 6c 6f")), wantOff: 12, wantSection: "§5.1", wantCode: websocket.CloseProtocolError},
		{name: "err-continuation-first", raw: hx(t, "80 02 6c 6f"), wantOff: 0, wantSection: "§5.4", wantCode: websocket.CloseProtocolError},
		{name: "err-text-inside-fragmented", raw: hx(t, "01 03 48 65 6c  81 02 6c 6f"), wantOff: 5, wantSection: "§5.4", wantCode: websocket.CloseProtocolError},
		// Close payloads.
		{name: "err-close-1-byte", raw: hx(t, "88 01 03"), wantOff: 2, wantSection: "§5.5.1", wantCode: websocket.CloseProtocolError},
		{name: "err-close-1005", raw: hx(t, "88 02 03 ed"), wantOff: 2, wantSection: "§7.4.1", wantCode: websocket.CloseProtocolError},
		{name: "err-close-reason-utf8", raw: wire(true, websocket.OpClose, rfcKey, []byte{0x03, 0xe8, 'o', 0xff}), wantOff: 8, wantSection: "§5.5.1", wantCode: websocket.CloseInvalidPayload},
		// UTF-8 in text messages, fail-fast.
		{name: "err-utf8", raw: hx(t, "81 04 41 c3 28 42"), wantOff: 4, wantSection: "§8.1", wantCode: websocket.CloseInvalidPayload},
		{name: "err-utf8-in-continuation", raw: cat(wire(false, websocket.OpText, nil, []byte("ok")), wire(true, websocket.OpContinuation, nil, []byte{0xff})), wantOff: 6, wantSection: "§8.1", wantCode: websocket.CloseInvalidPayload},
		{name: "err-utf8-unfinished", raw: hx(t, "81 02 41 c3"), wantOff: 3, wantSection: "§8.1", wantCode: websocket.CloseInvalidPayload},
		// Input that stops inside a frame.
		{name: "err-truncated-1-byte", raw: hx(t, "81"), wantOff: 1, wantSection: "§5.2", wantCode: websocket.CloseAbnormal},
		{name: "err-truncated-ext-len", raw: hx(t, "81 7e 00"), wantOff: 3, wantSection: "§5.2", wantCode: websocket.CloseAbnormal},
		{name: "err-truncated-key", raw: hx(t, "81 85 37 fa"), wantOff: 4, wantSection: "§5.2", wantCode: websocket.CloseAbnormal},
		{name: "err-truncated-payload", raw: hx(t, "81 05 48 65 6c 6c 6f 81 05 48 65"), wantOff: 11, wantSection: "§5.2", wantCode: websocket.CloseAbnormal},
	}
}

func TestDecodeFrames(t *testing.T) {
	for _, tt := range decodeTests(t) {
		d, err := DecodeFrames(tt.raw, tt.opts)
		if d == nil {
			t.Fatalf("%s: nil Decoding", tt.name)
		}
		if tt.wantSection == "" {
			if err != nil {
				t.Errorf("%s: got error %v, want none", tt.name, err)
				continue
			}
			var got []string
			for _, m := range d.Messages {
				if m.Complete {
					got = append(got, m.Type.String()+":"+string(m.Data))
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.wantMsgs, "|") {
				t.Errorf("%s: got messages %.80q, want %.80q", tt.name, got, tt.wantMsgs)
			}
		} else {
			var fe *websocket.FrameError
			if !errors.As(err, &fe) {
				t.Errorf("%s: got error %v, want a *FrameError", tt.name, err)
				continue
			}
			if fe.Offset != tt.wantOff || fe.Section != tt.wantSection || fe.Code != tt.wantCode {
				t.Errorf("%s: got offset %d, section %s, code %d; want %d, %s, %d (%v)", tt.name, fe.Offset, fe.Section, fe.Code, tt.wantOff, tt.wantSection, tt.wantCode, err)
			}
			if d.Err != fe {
				t.Errorf("%s: Decoding.Err is %v, want the returned error", tt.name, d.Err)
			}
			want := "at byte " + strconv.Itoa(tt.wantOff) + " (RFC 6455 " + tt.wantSection + ")"
			if !strings.HasSuffix(err.Error(), want) {
				t.Errorf("%s: got %q, want it to end in %q", tt.name, err, want)
			}
		}
		// Every field is the input's bytes at its offset, in order.
		next := 0
		for _, f := range d.Frames {
			if f.Offset != next {
				t.Errorf("%s: frame at %d, want %d", tt.name, f.Offset, next)
			}
			for _, fl := range f.Fields {
				if fl.Offset != next || !bytes.Equal(fl.Raw, tt.raw[fl.Offset:fl.Offset+len(fl.Raw)]) {
					t.Errorf("%s: field %s at %d, want at %d with the input's bytes", tt.name, fl.Kind, fl.Offset, next)
				}
				next = fl.Offset + len(fl.Raw)
			}
			next = f.Offset + f.Size
		}
		if err == nil && next != len(tt.raw) {
			t.Errorf("%s: frames cover %d bytes, want %d", tt.name, next, len(tt.raw))
		}

		var b bytes.Buffer
		if err := d.WriteText(&b); err != nil {
			t.Fatal(err)
		}
		if err != nil {
			b.WriteString("error: " + err.Error() + "\n")
		}
		golden(t, filepath.Join("testdata", "decode", tt.name+".golden"), b.Bytes())
	}
}

// golden compares got with the file at path, or rewrites it with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: got\n%s\nwant\n%s", path, got, want)
	}
}

// TestDecodeFramesDeflateLimit checks the default bound of 1 MiB: one byte
// more fails with 1009, the limit itself inflates.
func TestDecodeFramesDeflateLimit(t *testing.T) {
	for _, n := range []int{DefaultInflateLimit, DefaultInflateLimit + 1} {
		var b bytes.Buffer
		fw, _ := flate.NewWriter(&b, flate.BestCompression)
		fw.Write(make([]byte, n))
		fw.Flush()
		p := bytes.TrimSuffix(b.Bytes(), []byte{0, 0, 0xff, 0xff})
		h := websocket.FrameHeader{Fin: true, Rsv: 0x4, Opcode: websocket.OpBinary, Length: int64(len(p))}
		raw := append(websocket.AppendFrameHeader(nil, h), p...)
		d, err := DecodeFrames(raw, DecodeOptions{Deflate: true})
		var fe *websocket.FrameError
		switch {
		case n == DefaultInflateLimit && (err != nil || len(d.Messages) != 1 || len(d.Messages[0].Data) != n || !d.Messages[0].Compressed):
			t.Errorf("%d bytes: got %v, want one message of %d bytes", n, err, n)
		case n > DefaultInflateLimit && (!errors.As(err, &fe) || fe.Code != websocket.CloseMessageTooBig || !strings.Contains(err.Error(), "1048576-byte limit")):
			t.Errorf("%d bytes: got %v, want a 1009 naming the 1048576-byte limit", n, err)
		}
	}
}

func TestDecodeFramesRFCFields(t *testing.T) {
	d, err := DecodeFrames(hx(t, "81 85 37 fa 21 3d 7f 9f 4d 51 58"), DecodeOptions{From: SenderClient})
	if err != nil {
		t.Fatal(err)
	}
	f := d.Frames[0]
	want := websocket.FrameHeader{Fin: true, Opcode: websocket.OpText, Masked: true, Length: 5, Key: *rfcKey}
	if f.Header != want || f.HeaderLen != 6 || f.LengthForm != "7-bit" || string(f.Payload) != "Hello" || f.Size != 11 {
		t.Errorf("got %+v", f)
	}
	for _, tt := range []struct {
		raw  string
		form string
		hlen int
	}{{"82 7E 0100", "16-bit", 4}, {"82 7F 0000000000010000", "64-bit", 10}} {
		d, _ := DecodeFrames(hx(t, tt.raw), DecodeOptions{})
		if f := d.Frames[0]; f.LengthForm != tt.form || f.HeaderLen != tt.hlen || f.Header.Opcode != websocket.OpBinary {
			t.Errorf("%s: got form %q, header %d bytes, opcode %v; want %q, %d, binary", tt.raw, f.LengthForm, f.HeaderLen, f.Header.Opcode, tt.form, tt.hlen)
		}
	}
	d, err = DecodeFrames(wire(true, websocket.OpClose, nil, websocket.FormatClose(4000, "bye")), DecodeOptions{})
	if err != nil || d.Frames[0].Close == nil || *d.Frames[0].Close != (websocket.CloseError{Code: 4000, Reason: "bye"}) {
		t.Errorf("close: got %+v, %v", d.Frames[0].Close, err)
	}
}

func TestDecodeFramesJSON(t *testing.T) {
	d, err := DecodeFrames(hx(t, "81 85 37 fa 21 3d 7f 9f 4d 51 58  88"), DecodeOptions{})
	if err == nil {
		t.Fatal("want an error")
	}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Frames []struct {
			Opcode     string `json:"opcode_name"`
			Masked     bool   `json:"masked"`
			Key        string `json:"masking_key"`
			Payload    string `json:"payload"`
			LengthForm string `json:"length_form"`
		} `json:"frames"`
		Messages []struct {
			Type string `json:"type"`
			Data string `json:"data"`
		} `json:"messages"`
		Error struct {
			Offset  int    `json:"offset"`
			Section string `json:"section"`
		} `json:"error"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Frames) != 2 || v.Frames[0].Opcode != "text" || !v.Frames[0].Masked || v.Frames[0].Key != "37fa213d" || v.Frames[0].Payload != "Hello" || v.Frames[0].LengthForm != "7-bit" {
		t.Errorf("got frames %+v", v.Frames)
	}
	if len(v.Messages) != 1 || v.Messages[0].Type != "text" || v.Messages[0].Data != "Hello" {
		t.Errorf("got messages %+v", v.Messages)
	}
	if v.Error.Offset != 12 || v.Error.Section != "RFC 6455 §5.2" {
		t.Errorf("got error %+v, want offset 12, RFC 6455 §5.2", v.Error)
	}
}

func TestDecodeFramesDeflateJSON(t *testing.T) {
	d, err := DecodeFrames(hx(t, "c1 07 f2 48 cd c9 c9 07 00"), DecodeOptions{Deflate: true})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Messages []struct {
			Data       string `json:"data"`
			Compressed bool   `json:"compressed"`
			WireHex    string `json:"compressed_hex"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Messages) != 1 || v.Messages[0].Data != "Hello" || !v.Messages[0].Compressed || v.Messages[0].WireHex != "f248cdc9c90700" {
		t.Errorf("got %+v", v.Messages)
	}
}

// replayConn is a net.Conn that reads from r and discards writes, so a Conn
// can read recorded bytes.
type replayConn struct {
	r io.Reader
}

func (c *replayConn) Read(p []byte) (int, error)         { return c.r.Read(p) }
func (c *replayConn) Write(p []byte) (int, error)        { return len(p), nil }
func (c *replayConn) Close() error                       { return nil }
func (c *replayConn) LocalAddr() net.Addr                { return &net.TCPAddr{} }
func (c *replayConn) RemoteAddr() net.Addr               { return &net.TCPAddr{} }
func (c *replayConn) SetDeadline(t time.Time) error      { return nil }
func (c *replayConn) SetReadDeadline(t time.Time) error  { return nil }
func (c *replayConn) SetWriteDeadline(t time.Time) error { return nil }

// hijacker hands a recorded connection to Upgrader.UpgradeHTTP.
type hijacker struct {
	http.ResponseWriter
	nc net.Conn
}

func (h hijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return h.nc, bufio.NewReadWriter(bufio.NewReader(bytes.NewReader(nil)), bufio.NewWriter(io.Discard)), nil
}

// conn returns a Conn that reads raw as the side opts says sent it, and the
// options it really has. A server Conn given RSV bits gets them as a real
// one does: from an extension its Upgrader accepts. A client Conn never
// accepts RSV bits (the Dialer negotiates no extension that uses them), so
// its verdict is compared with DecodeFrames without them.
func conn(t testing.TB, raw []byte, opts DecodeOptions) (*websocket.Conn, DecodeOptions) {
	isServer := opts.From == SenderClient || opts.From == SenderUnknown && len(raw) > 1 && raw[1]&0x80 != 0
	if opts.RSV == 0 || !isServer {
		opts.RSV = 0
		// Reading through a 16-byte buffer, a few bytes at a time,
		// exercises the Conn's streaming paths.
		br := bufio.NewReaderSize(iotest.HalfReader(bytes.NewReader(raw)), 16)
		return websocket.NewConn(&replayConn{r: bytes.NewReader(nil)}, br, isServer), opts
	}
	u := websocket.Upgrader{Extensions: func([]websocket.Extension) (string, byte) { return "x-test", opts.RSV }}
	r := httptest.NewRequest("GET", "/", nil)
	for k, v := range map[string]string{"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Extensions": "x-test"} {
		r.Header.Set(k, v)
	}
	c, err := u.UpgradeHTTP(hijacker{httptest.NewRecorder(), &replayConn{r: iotest.HalfReader(bytes.NewReader(raw))}}, r)
	if err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	return c, opts
}

// connVerdict reads raw with a Conn, as the side opts says sent it, and
// returns the messages it delivers, the close code it ends with, and the
// options DecodeFrames must use to match it (see conn).
func connVerdict(t testing.TB, raw []byte, opts DecodeOptions) (msgs []string, code websocket.CloseCode, same DecodeOptions) {
	c, same := conn(t, raw, opts)
	c.SetReadLimit(0)
	for {
		mt, p, err := c.ReadMessage()
		if err != nil {
			var fe *websocket.FrameError
			var ce *websocket.CloseError
			switch {
			case errors.As(err, &fe):
				return msgs, fe.Code, same
			case errors.As(err, &ce):
				return msgs, ce.Code, same
			case errors.Is(err, io.ErrUnexpectedEOF):
				// A control frame cut short: the Conn reports the
				// transport error rather than a 1006 CloseError.
				return msgs, websocket.CloseAbnormal, same
			}
			return msgs, 0, same
		}
		msgs = append(msgs, mt.String()+":"+string(p))
	}
}

// decodeVerdict is the same for DecodeFrames: the complete messages before
// the first close frame, and the close code a Conn reading the input would
// end with.
func decodeVerdict(raw []byte, opts DecodeOptions) (msgs []string, code websocket.CloseCode) {
	d, _ := DecodeFrames(raw, opts)
	end := len(raw)
	code = websocket.CloseAbnormal // a stream that just stops
	for _, f := range d.Frames {
		if f.Close != nil {
			end, code = f.Offset, f.Close.Code
			break
		}
	}
	if d.Err != nil && d.Err.Offset < end {
		code = d.Err.Code
	}
	for _, m := range d.Messages {
		last := d.Frames[m.Frames[len(m.Frames)-1]]
		if m.Complete && last.Offset+last.Size <= end {
			msgs = append(msgs, m.Type.String()+":"+string(m.Data))
		}
	}
	return msgs, code
}

// TestDecodeFramesAgreesWithConn checks that DecodeFrames and a Conn reach
// the same verdict on every table input.
func TestDecodeFramesAgreesWithConn(t *testing.T) {
	for _, tt := range decodeTests(t) {
		if tt.opts.Deflate {
			continue // TestDecodeFramesDeflateLimit and the goldens cover these
		}
		wantMsgs, wantCode, same := connVerdict(t, tt.raw, tt.opts)
		gotMsgs, gotCode := decodeVerdict(tt.raw, same)
		if gotCode != wantCode || strings.Join(gotMsgs, "|") != strings.Join(wantMsgs, "|") {
			t.Errorf("%s: DecodeFrames says %v and %.60q; a Conn says %v and %.60q", tt.name, gotCode, gotMsgs, wantCode, wantMsgs)
		}
	}
}

func FuzzDecodeFrames(f *testing.F) {
	for _, tt := range decodeTests(f) {
		if len(tt.raw) < 1024 {
			f.Add(tt.raw, byte(tt.opts.From), tt.opts.RSV)
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte, from, rsv byte) {
		opts := DecodeOptions{From: Sender(from % 3), RSV: rsv & 7}
		d, err := DecodeFrames(raw, opts)
		if (err == nil) != (d.Err == nil) {
			t.Fatalf("error %v but Decoding.Err %v", err, d.Err)
		}
		if err := d.WriteText(io.Discard); err != nil {
			t.Fatal(err)
		}
		if _, err := json.Marshal(d); err != nil {
			t.Fatal(err)
		}
		wantMsgs, wantCode, same := connVerdict(t, raw, opts)
		gotMsgs, gotCode := decodeVerdict(raw, same)
		if gotCode != wantCode || strings.Join(gotMsgs, "|") != strings.Join(wantMsgs, "|") {
			t.Fatalf("DecodeFrames says %v and %.60q; a Conn says %v and %.60q", gotCode, gotMsgs, wantCode, wantMsgs)
		}
	})
}
