package demo

import (
	"bufio"
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wirelab/wirelab/internal/i18n"
	wscheck "github.com/wirelab/wirelab/lessons/check"
	"github.com/wirelab/wirelab/websocket"
	"github.com/wirelab/wirelab/websocket/wsdecode"
)

func pythonDemos() []Demo {
	return []Demo{
		{
			ID:      "naive-server",
			Summary: i18n.ByLang(i18n.DemoSummaryNaiveServer),
			Run:     demoNaiveServer,
		},
		{
			ID:      "python-server",
			Summary: i18n.ByLang(i18n.DemoSummaryPythonServer),
			Run:     demoPythonServer,
		},
		{
			ID:      "python-bindings",
			Summary: i18n.ByLang(i18n.DemoSummaryPythonBindings),
			Run:     demoPythonBindings,
		},
	}
}

// naiveServe is the quick raw-socket echo server many tutorials show,
// ported to Go with its assumptions intact: one recv() is one whole frame,
// the opcode and FIN bit are ignored, and the payload is "everything after
// the masking key".
func naiveServe(c net.Conn) {
	buf := make([]byte, 8192)
	n, err := c.Read(buf) // assumes the whole handshake arrives in one read
	if err != nil {
		return
	}
	key := ""
	for _, line := range strings.Split(string(buf[:n]), "\r\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(strings.TrimSpace(k), "Sec-WebSocket-Key") {
			key = strings.TrimSpace(v)
		}
	}
	fmt.Fprintf(c, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", websocket.AcceptKey(key))
	for {
		n, err := c.Read(buf) // assumes one read = one frame
		if err != nil || n < 2 {
			return
		}
		data := buf[:n]
		length, off := int(data[1]&0x7f), 2
		switch length {
		case 126:
			off = 4
		case 127:
			off = 10
		}
		if len(data) < off+4 {
			return
		}
		mask := data[off : off+4]
		payload := append([]byte(nil), data[off+4:]...) // everything that is left, whatever the length said
		for i := range payload {
			payload[i] ^= mask[i%4]
		}
		// Always answers with a text frame: the opcode was never looked at.
		h := websocket.FrameHeader{Fin: true, Opcode: websocket.OpText, Length: int64(len(payload))}
		c.Write(append(websocket.AppendFrameHeader(nil, h), payload...))
	}
}

func demoNaiveServer(ctx context.Context, e *Env) error {
	srv, err := startTCP(naiveServe)
	if err != nil {
		return err
	}
	defer srv.Close()
	key := [4]byte{9, 8, 7, 6}
	try := func(title [2]string, writes ...[]byte) ([]byte, error) {
		c, _, _, err := rawHandshake(ctx, srv.Addr, handshakeRequest(srv.Addr, rfcKey))
		if err != nil {
			return nil, err
		}
		defer c.Close()
		e.Say(title[0], title[1])
		for i, w := range writes {
			if i > 0 {
				time.Sleep(20 * time.Millisecond)
			}
			if _, err := c.Write(w); err != nil {
				return nil, err
			}
		}
		c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		var got bytes.Buffer
		got.ReadFrom(c.br)
		d, _ := wsdecode.DecodeFrames(got.Bytes(), wsdecode.DecodeOptions{From: wsdecode.SenderServer})
		for _, f := range d.Frames {
			p := f.Payload
			note := ""
			if len(p) > 40 {
				note = fmt.Sprintf(" (%d bytes)", len(p))
				p = p[:40]
			}
			if utf8.Valid(p) {
				e.Printf("   ← %s frame %q%s\n", f.Header.Opcode, p, note)
			} else {
				e.Printf("   ← %s frame % x …%s\n", f.Header.Opcode, p[:min(len(p), 16)], note)
			}
		}
		if len(d.Frames) == 0 {
			e.Tell(i18n.DemoPythonNothing)
		}
		return got.Bytes(), nil
	}

	one, err := try(i18n.Pair(i18n.DemoPython1OneSmallMessage),
		clientFrame(true, websocket.OpText, key, []byte("hello")))
	if err != nil {
		return err
	}
	two, err := try(i18n.Pair(i18n.DemoPython2TwoFramesOne),
		append(clientFrame(true, websocket.OpText, key, []byte("first")), clientFrame(true, websocket.OpText, key, []byte("second"))...))
	if err != nil {
		return err
	}
	big := bytes.Repeat([]byte("w"), 20000)
	bigFrame := clientFrame(true, websocket.OpText, key, big)
	split, err := try(i18n.Pair(i18n.DemoPython3One20000Byte),
		bigFrame[:8000], bigFrame[8000:])
	if err != nil {
		return err
	}
	closed, err := try(i18n.Pair(i18n.DemoPython4CloseFrameCode),
		clientFrame(true, websocket.OpClose, key, websocket.FormatClose(websocket.CloseNormal, "")))
	if err != nil {
		return err
	}
	if err := check(bytes.Equal(one, []byte("\x81\x05hello")), "small message echo % x", one); err != nil {
		return err
	}
	if err := check(!bytes.Contains(two, []byte("second")), "the coalesced frames came back intact"); err != nil {
		return err
	}
	if err := check(!bytes.Equal(split, append([]byte{0x81, 126, 0x4e, 0x20}, big...)), "the split message came back intact"); err != nil {
		return err
	}
	if err := check(len(closed) > 0 && closed[0] == 0x81, "close was answered with % x", closed); err != nil {
		return err
	}

	e.Tell(i18n.DemoPythonWirelabCheckWsRuns)
	rep, err := wscheck.Run(ctx, wscheck.Options{Kind: "ws", Addr: srv.Addr, Lang: e.Lang, Timeout: time.Second})
	if err != nil {
		return err
	}
	rep.WriteText(e.Out)
	return check(!rep.Passed, "the naive server passed every stage")
}

// pythonFor returns a Python interpreter that can run code, preferring one
// that can import module (when module is not ""): $WIRELAB_PYTHON, the
// venv scripts/pybind builds, then python3 on PATH.
func pythonFor(ctx context.Context, module string) (string, bool) {
	var cands []string
	if p := os.Getenv("WIRELAB_PYTHON"); p != "" {
		cands = append(cands, p)
	}
	if wd, err := os.Getwd(); err == nil {
		for dir := wd; ; dir = filepath.Dir(dir) {
			cands = append(cands, filepath.Join(dir, ".cache", "pybind-venv", "bin", "python"))
			if filepath.Dir(dir) == dir {
				break
			}
		}
	}
	if p, err := exec.LookPath("python3"); err == nil {
		cands = append(cands, p)
	}
	fallback := ""
	for _, p := range cands {
		if _, err := os.Stat(p); err != nil {
			if _, err := exec.LookPath(p); err != nil {
				continue
			}
		}
		if fallback == "" && exec.CommandContext(ctx, p, "-c", "pass").Run() == nil {
			fallback = p
		}
		if module == "" {
			if fallback != "" {
				return fallback, true
			}
			continue
		}
		if exec.CommandContext(ctx, p, "-c", "import "+module).Run() == nil {
			return p, true
		}
	}
	return fallback, false
}

// pythonFiles are the Python scripts the demos run: the corrected raw-socket
// server of lesson 22 and the bindings client.
//
//go:embed python
var pythonFiles embed.FS

func demoPythonServer(ctx context.Context, e *Env) error {
	py, _ := pythonFor(ctx, "")
	if py == "" {
		e.Tell(i18n.DemoPythonPythonNotInstalledHere)
		return nil
	}
	src, err := pythonFiles.ReadFile("python/ws_echo_server.py")
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "wirelab-lesson-py")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "ws_echo_server.py")
	if err := os.WriteFile(script, src, 0o644); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, py, "-u", script, "0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var first string
	select {
	case first = <-lines:
	case <-time.After(10 * time.Second):
		return errors.New("the Python server did not start within 10s")
	}
	addr, ok := strings.CutPrefix(first, "listening on ")
	if !ok {
		return fmt.Errorf("the Python server said %q", first)
	}
	e.Tell(i18n.DemoPythonSays, filepath.Base(py), "ws_echo_server.py", first)
	c, _, err := websocket.Dial(ctx, "ws://"+addr+"/")
	if err != nil {
		return err
	}
	c.WriteMessage(websocket.TextMessage, []byte("你好, Python"))
	_, msg, err := c.ReadMessage()
	c.Close(websocket.CloseNormal, "")
	if err != nil {
		return err
	}
	e.Tell(i18n.DemoPythonWirelabGoClientSent, msg)
	e.Tell(i18n.DemoPythonWirelabCheckWsEvery)
	rep, err := wscheck.Run(ctx, wscheck.Options{Kind: "ws", Addr: addr, Lang: e.Lang, Timeout: 3 * time.Second})
	if err != nil {
		return err
	}
	rep.WriteText(e.Out)
	return check(rep.Passed && string(msg) == "你好, Python", "the Python server did not pass")
}

func demoPythonBindings(ctx context.Context, e *Env) error {
	e.Tell(i18n.DemoPythonWhatGoEngineSays)
	e.Printf("  websocket.AcceptKey(%q) = %s\n", rfcKey, websocket.AcceptKey(rfcKey))
	e.Printf("  masked text frame \"Hello\", key 37 fa 21 3d = % x\n", clientFrame(true, websocket.OpText, [4]byte{0x37, 0xfa, 0x21, 0x3d}, []byte("Hello")))
	py, ok := pythonFor(ctx, "wirelab")
	if !ok {
		e.Tell(i18n.DemoPythonWirelabPythonPackageNot)
		return nil
	}
	srv, err := startEcho(nil)
	if err != nil {
		return err
	}
	defer srv.Close()
	src, err := pythonFiles.ReadFile("python/bindings.py")
	if err != nil {
		return err
	}
	var out, errOut bytes.Buffer
	cmd := exec.CommandContext(ctx, py, "-c", string(src), "ws://"+srv.Addr+"/")
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s bindings.py: %v\n%s", py, err, errOut.String())
	}
	e.Tell(i18n.DemoPythonSameCallsPython, py)
	e.Quote("  ", out.Bytes())
	want := []string{"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "81 85 37 fa 21 3d 7f 9f 4d 51 58", "echo from the Go server: hello from Python"}
	for _, w := range want {
		if !strings.Contains(out.String(), w) {
			return fmt.Errorf("Python output lacks %q:\n%s", w, out.String())
		}
	}
	return nil
}
