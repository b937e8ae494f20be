package quizgen

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/websocket"
)

// acceptOf is RFC 6455 §4.2.2's recipe written out with the standard
// library, independent of the websocket package.
func acceptOf(key string) string {
	sum := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	return base64.StdEncoding.EncodeToString(sum[:])
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestAcceptOfRFCExample(t *testing.T) {
	// RFC 6455 §1.3.
	if got, want := acceptOf("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="; got != want {
		t.Fatalf("acceptOf(RFC example) = %s, want %s", got, want)
	}
	_, accept, _, err := handshake(testCtx(t), "dGhlIHNhbXBsZSBub25jZQ==")
	if err != nil || accept != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
		t.Fatalf("the live server answered %q, %v for the RFC's key", accept, err)
	}
}

// TestWSAccept: each instance has a fresh 16-byte key, and its answer is
// the accept value computed independently with crypto/sha1.
func TestWSAccept(t *testing.T) {
	ctx := testCtx(t)
	seen := map[string]bool{}
	for seed := uint64(1); seed <= 3; seed++ {
		in, err := WSAccept.New(ctx, rand.New(rand.NewPCG(seed, seed)))
		if err != nil {
			t.Fatal(err)
		}
		key := in.Params["key"]
		raw, err := base64.StdEncoding.DecodeString(key)
		if err != nil || len(raw) != 16 {
			t.Errorf("key %q: %d bytes, %v; want 16 random bytes in Base64 (RFC 6455 §4.1)", key, len(raw), err)
		}
		if seen[key] {
			t.Errorf("key %q repeated across seeds", key)
		}
		seen[key] = true
		if want := acceptOf(key); in.Answer != want || in.Params["answer"] != want {
			t.Errorf("key %s: answer %q, want %q", key, in.Answer, want)
		}
		if !strings.Contains(in.Show, "Sec-WebSocket-Key: "+key+"␍␊") {
			t.Errorf("the request shown lacks the key:\n%s", in.Show)
		}
		if !strings.Contains(in.Work, "k='"+key+"'") || !strings.HasSuffix(in.Work, "→ "+in.Answer) {
			t.Errorf("the working does not use the key or end in the answer:\n%s", in.Work)
		}
		for _, typed := range []string{in.Answer, "  " + in.Answer + " ", "Sec-WebSocket-Accept: " + in.Answer} {
			if right, ok := WSAccept.Check(in, typed); !right || !ok {
				t.Errorf("%q rejected", typed)
			}
		}
		lower := strings.ToLower(in.Answer)
		if right, _ := WSAccept.Check(in, lower); right && lower != in.Answer {
			t.Errorf("%q accepted, but Base64 is case-sensitive", lower)
		}
		if right, _ := WSAccept.Check(in, acceptOf(key+"x")); right {
			t.Error("the accept of another key was accepted")
		}
	}
}

func TestFrameLen(t *testing.T) {
	in, err := FrameLen.New(testCtx(t), rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	var be [2]byte
	binary.BigEndian.PutUint16(be[:], 300)
	if want := fmt.Sprintf("%02x %02x", be[0], be[1]); in.Answer != want || want != "01 2c" {
		t.Errorf("answer %q, want %q (300 as a 16-bit big-endian number)", in.Answer, want)
	}
	// The frame writer's bytes for a real 300-byte frame agree.
	var buf bytes.Buffer
	payload := bytes.Repeat([]byte("x"), 300)
	if err := websocket.WriteFrameHeader(&buf, websocket.FrameHeader{Fin: true, Opcode: websocket.OpText, Length: int64(len(payload))}); err != nil {
		t.Fatal(err)
	}
	buf.Write(payload)
	h, err := websocket.ReadFrameHeader(bytes.NewReader(buf.Bytes()))
	if err != nil || h.Length != 300 {
		t.Fatalf("the frame reads back as %+v, %v", h, err)
	}
	if got := fmt.Sprintf("%02x %02x", buf.Bytes()[2], buf.Bytes()[3]); got != in.Answer {
		t.Errorf("frame bytes 2-3 are %s, answer %s", got, in.Answer)
	}
	if in.Params["header"] != "81 7e ?? ??" || in.Params["hi"] != "1" || in.Params["lo"] != "44" {
		t.Errorf("params %v", in.Params)
	}
	for typed, want := range map[string]bool{
		"01 2c": true, "01 2C": true, "1 2c": true, "0x01 0x2c": true, "0X01 0X2C": true, "01,2c": true,
		"01, 2c": true, "01:2c": true, "012c": true, "0x012c": true, "  01   2c ": true,
		"01 2d": false, "2c 01": false, "1 44": false,
	} {
		right, ok := FrameLen.Check(in, typed)
		if right != want || !ok {
			t.Errorf("%q: right=%v ok=%v, want right=%v", typed, right, ok, want)
		}
	}
	for _, typed := range []string{"300", "0x12c", "12c", "01 2c 00", "zz 2c", "", "012c0", "001 2c"} {
		if _, ok := FrameLen.Check(in, typed); ok {
			t.Errorf("%q taken as two hex bytes", typed)
		}
	}
}

// TestPollBytes: the client's count of a real short poll equals the
// server's, the bytes written and read, and what the shown lines add up to.
func TestPollBytes(t *testing.T) {
	x, err := shortPoll(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	n := int64(len(x.req) + len(x.resp))
	if x.client != n || x.server != n {
		t.Errorf("client counted %d, server %d, bytes exchanged %d", x.client, x.server, n)
	}
	resp, err := httpcore.ReadResponse(bufio.NewReader(bytes.NewReader(x.resp)), nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("response %q: %v", x.resp, err)
	}
	if cl, _ := strconv.Atoi(resp.Header.Get("Content-Length")); cl != x.body || cl == 0 {
		t.Errorf("Content-Length %d, body %d", cl, x.body)
	}

	in, err := PollBytes.New(testCtx(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Count the bytes as a learner would from what is shown: each line's
	// characters after the arrow, ␍␊ being two bytes.
	shown := 0
	for _, line := range strings.Split(in.Show, "\n") {
		line = strings.TrimPrefix(strings.TrimPrefix(line, "→ "), "← ")
		shown += len(strings.ReplaceAll(strings.ReplaceAll(line, "␍␊", "\r\n"), "␊", "\n"))
	}
	if strconv.Itoa(shown) != in.Answer {
		t.Errorf("the shown lines add up to %d bytes, answer %s:\n%s", shown, in.Answer, in.Show)
	}
	req, _ := strconv.Atoi(in.Params["request"])
	resp2, _ := strconv.Atoi(in.Params["response"])
	if strconv.Itoa(req+resp2) != in.Answer {
		t.Errorf("request %d + response %d != answer %s", req, resp2, in.Answer)
	}
	for typed, want := range map[string]bool{in.Answer: true, in.Answer + " bytes": true, in.Answer + "字节": true, " " + in.Answer + "B": true, "1" + in.Answer: false} {
		if right, ok := PollBytes.Check(in, typed); right != want || !ok {
			t.Errorf("%q: right=%v ok=%v, want %v", typed, right, ok, want)
		}
	}
	for _, typed := range []string{"", "many", "-3", "1.5"} {
		if _, ok := PollBytes.Check(in, typed); ok {
			t.Errorf("%q taken as a count", typed)
		}
	}
}

func TestFill(t *testing.T) {
	in := &Instance{Params: map[string]string{"a": "{b}", "b": "B"}, Local: map[string]map[string]string{"zh": {"b": "乙"}}}
	if got := in.Fill("{a}-{b}-{c}", "en"); got != "{b}-B-{c}" {
		t.Errorf("en: %q", got)
	}
	if got := in.Fill("{b}", "zh"); got != "乙" {
		t.Errorf("zh: %q", got)
	}
}

func TestRegistry(t *testing.T) {
	for _, id := range IDs() {
		g, _ := Lookup(id)
		if g.ID != id || g.New == nil || g.Normalize == nil || len(g.Params) == 0 {
			t.Errorf("%s: incomplete generator", id)
		}
		if tx, ok := i18n.Lookup(g.Form); !ok || !strings.HasPrefix(i18n.Pair(g.Form)[0], "Type") || tx.ZH == "" {
			t.Errorf("%s: no form", id)
		}
	}
	if len(IDs()) < 4 {
		t.Errorf("generators %v, want at least ws-accept, frame-len, poll-bytes, chunk-size", IDs())
	}
}

// TestRemarks: the usual slips are named, and a plain wrong answer is not.
func TestRemarks(t *testing.T) {
	ctx := testCtx(t)
	ws, err := WSAccept.New(ctx, rand.New(rand.NewPCG(5, 5)))
	if err != nil {
		t.Fatal(err)
	}
	key := ws.Params["key"]
	sum := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	raw, _ := base64.StdEncoding.DecodeString(key)
	sumRaw := sha1.Sum(append(raw, "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"...))
	fl, _ := FrameLen.New(ctx, nil)
	pb, err := PollBytes.New(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		g     Generator
		in    *Instance
		typed string
		want  string // "" for no remark
	}{
		{WSAccept, ws, fmt.Sprintf("%x", sum), "in hex"},
		{WSAccept, ws, base64.StdEncoding.EncodeToString(sumRaw[:]), "decoded the key"},
		{WSAccept, ws, acceptOf("x"), ""},
		{FrameLen, fl, "1 44", "in decimal"},
		{FrameLen, fl, "1, 44", "in decimal"},
		{FrameLen, fl, "01 2d", ""},
		{PollBytes, pb, pb.Params["request"], "request alone"},
		{PollBytes, pb, pb.Params["response"] + " bytes", "response alone"},
		{PollBytes, pb, "1", ""},
	} {
		got := ""
		if k, ok := tt.g.Remark(tt.in, tt.typed); ok {
			got = i18n.Pair(k)[0]
		}
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("%s %q: remark %q, want one with %q", tt.g.ID, tt.typed, got, tt.want)
		}
	}
}

// TestWorkRuns: the working shown after the explanation computes the
// answer when the learner runs it.
func TestWorkRuns(t *testing.T) {
	ctx := testCtx(t)
	run := func(tool, script, want string) {
		t.Helper()
		if _, err := exec.LookPath(tool); err != nil {
			t.Logf("no %s, its recipe is not run: %v", tool, err)
			return
		}
		out, err := exec.CommandContext(ctx, "sh", "-c", script).CombinedOutput()
		if got := strings.TrimSpace(string(out)); err != nil || got != want {
			t.Errorf("%s\ngave %q, %v; want %q", script, got, err, want)
		}
	}
	ws, err := WSAccept.New(ctx, rand.New(rand.NewPCG(9, 9)))
	if err != nil {
		t.Fatal(err)
	}
	script, _, _ := strings.Cut(ws.Work, "\n  →")
	run("openssl", script, acceptOf(ws.Params["key"]))

	fl, _ := FrameLen.New(ctx, nil)
	script, _, _ = strings.Cut(fl.Work, "\n")
	run("python3", script, "01 2c")

	cs, err := ChunkSize.New(ctx, rand.New(rand.NewPCG(9, 9)))
	if err != nil {
		t.Fatal(err)
	}
	script, _, _ = strings.Cut(cs.Work, "\n")
	run("python3", script, cs.Answer)

	pb, err := PollBytes.New(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	sum, total := 0, ""
	for _, l := range strings.Split(pb.Work, "\n") {
		f := strings.Fields(l)
		switch {
		case len(f) >= 3: // arrow, count, line
			n, _ := strconv.Atoi(f[1])
			sum += n
		case len(f) == 2 && f[0] == "=":
			total = f[1]
		}
	}
	if strconv.Itoa(sum) != pb.Answer || total != pb.Answer {
		t.Errorf("the lines add up to %d, the total says %s, the answer is %s:\n%s", sum, total, pb.Answer, pb.Work)
	}
}

// TestChunkSize: the hidden line is the chunk-size the httpcore server wrote
// for a random write, which is the size in hex (RFC 9112 §7.1), and the
// response decodes to a body of that size.
func TestChunkSize(t *testing.T) {
	ctx := testCtx(t)
	hexLetters := false
	for seed := uint64(1); seed <= 8; seed++ {
		in, err := ChunkSize.New(ctx, rand.New(rand.NewPCG(seed, 1)))
		if err != nil {
			t.Fatal(err)
		}
		size, _ := strconv.Atoi(in.Params["size"])
		if want := fmt.Sprintf("%x", size); in.Answer != want {
			t.Errorf("size %d: answer %q, want %q", size, in.Answer, want)
		}
		hexLetters = hexLetters || strings.ContainsAny(in.Answer, "abcdef")
		if !strings.Contains(in.Show, "← ??␍␊\n") || strings.Contains(in.Show, "\n← "+in.Answer+"␍␊") {
			t.Errorf("the chunk-size line is not hidden:\n%s", in.Show)
		}
		for typed, want := range map[string]bool{in.Answer: true, strings.ToUpper(in.Answer): true, "0x" + in.Answer: true, "0" + in.Answer: true, in.Params["size"]: false} {
			right, ok := ChunkSize.Check(in, typed)
			if right != want || !ok {
				t.Errorf("%q: right=%v ok=%v, want %v", typed, right, ok, want)
			}
		}
		if k, ok := ChunkSize.Remark(in, in.Params["size"]); !ok || k != i18n.QuizRemarkChunkDecimal {
			t.Errorf("the decimal size %s gets no remark", in.Params["size"])
		}
	}
	if !hexLetters {
		t.Error("no size needed a hex letter; the question would not tell hex from decimal")
	}
	_, resp, err := chunked(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	r, err := httpcore.ReadResponse(bufio.NewReader(bytes.NewReader(resp)), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil || len(body) != 1000 || !bytes.Contains(resp, []byte("\r\n\r\n3e8\r\n")) {
		t.Errorf("body %d bytes, %v; raw %.120q", len(body), err, resp)
	}
	for _, typed := range []string{"", "xyz", "0x", "123456789"} {
		if _, ok := ChunkSize.Check(&Instance{Answer: "1"}, typed); ok {
			t.Errorf("%q taken as a hex number", typed)
		}
	}
}

// TestBlocksFit60: what is shown verbatim (never wrapped) fits a 60-column
// terminal, the narrowest the course is measured at, even where arrows, ␍␊
// and … are drawn two cells wide (East Asian ambiguous width).
func TestBlocksFit60(t *testing.T) {
	ctx := testCtx(t)
	for _, id := range IDs() {
		g, _ := Lookup(id)
		in, err := g.New(ctx, rand.New(rand.NewPCG(3, 3)))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(in.Show+"\n"+in.Work, "\n") {
			w := 0
			for _, r := range line {
				w++
				if r >= 0x80 {
					w++
				}
			}
			if w > 60 {
				t.Errorf("%s: a %d-cell line: %q", id, w, line)
			}
		}
	}
}
