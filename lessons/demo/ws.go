package demo

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/tls"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/wstext"
	"github.com/wirelab/wirelab/lessons/diagram"
	"github.com/wirelab/wirelab/tlsdemo"
	"github.com/wirelab/wirelab/websocket"
	"github.com/wirelab/wirelab/websocket/wsdecode"
)

func wsDemos() []Demo {
	return []Demo{
		{
			ID:      "ws-urls",
			Summary: i18n.ByLang(i18n.DemoSummaryWsUrls),
			Run:     demoWSURLs,
		},
		{
			ID:      "ws-handshake",
			Summary: i18n.ByLang(i18n.DemoSummaryWsHandshake),
			Run:     demoWSHandshake,
		},
		{
			ID:      "ws-frames",
			Summary: i18n.ByLang(i18n.DemoSummaryWsFrames),
			Run:     demoWSFrames,
		},
		{
			ID:      "ws-close-ping",
			Summary: i18n.ByLang(i18n.DemoSummaryWsClosePing),
			Run:     demoWSClosePing,
		},
	}
}

// startEcho serves a WebSocket echo on loopback: every data message comes
// back whole, with the same type.
func startEcho(u *websocket.Upgrader) (*httpServer, error) { return startEchoGated(u, nil, nil) }

// startEchoGated is startEcho whose server answers the opening handshake
// only once gate is closed (a nil gate is open), so that a demo can show
// what a client does while it is still CONNECTING, and whose connections
// are recorded through tap when it is not nil.
func startEchoGated(u *websocket.Upgrader, gate <-chan struct{}, tap *diagram.Tap) (*httpServer, error) {
	if u == nil {
		u = &websocket.Upgrader{}
	}
	return startHTTPTap(httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		if gate != nil {
			select {
			case <-gate:
			case <-r.Context().Done():
				return
			}
		}
		c, err := u.Upgrade(w, r)
		if err != nil {
			return
		}
		go func() {
			defer c.CloseNow()
			c.SetReadDeadline(time.Now().Add(ioTimeout))
			for {
				mt, msg, err := c.ReadMessage()
				if err != nil {
					return
				}
				if err := c.WriteMessage(mt, msg); err != nil {
					return
				}
			}
		}()
	}), tap)
}

// rawConn is a client connection that speaks WebSocket by hand.
type rawConn struct {
	net.Conn
	br *bufio.Reader
}

// rawHandshake sends req (which must end with the empty line) and reads the
// response. It returns the connection, the response and its raw bytes.
func rawHandshake(ctx context.Context, addr string, req []byte) (*rawConn, *httpcore.Response, []byte, error) {
	return rawHandshakeVia(ctx, nil, "", addr, req)
}

// rawHandshakeVia is rawHandshake over a connection dialled through tap,
// when it is not nil, so that it is recorded, the connect labelled label.
func rawHandshakeVia(ctx context.Context, tap *diagram.Tap, label, addr string, req []byte) (*rawConn, *httpcore.Response, []byte, error) {
	var c net.Conn
	var err error
	if tap != nil {
		c, err = tap.Dial(ctx, addr, label)
	} else {
		var d net.Dialer
		c, err = d.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	c.SetDeadline(time.Now().Add(ioTimeout))
	if _, err := c.Write(req); err != nil {
		c.Close()
		return nil, nil, nil, err
	}
	var raw bytes.Buffer
	br := bufio.NewReader(io.TeeReader(c, &raw))
	resp, err := httpcore.ReadResponse(br, nil)
	if err != nil {
		c.Close()
		return nil, nil, nil, err
	}
	if resp.StatusCode != 101 {
		io.Copy(io.Discard, resp.Body)
	}
	// raw holds what was read so far; keep only the response's header
	// section (and body, for a failure) — frames may follow it.
	b := raw.Bytes()
	if i := bytes.Index(b, []byte("\r\n\r\n")); i >= 0 && resp.StatusCode == 101 {
		b = b[:i+4]
	}
	return &rawConn{Conn: c, br: bufio.NewReader(io.MultiReader(br, c))}, resp, append([]byte(nil), b...), nil
}

func handshakeRequest(host, key string, extra ...string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "GET /chat HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n", host, key)
	for _, f := range extra {
		b.WriteString(f + "\r\n")
	}
	b.WriteString("\r\n")
	return []byte(b.String())
}

// clientFrame builds one masked frame the way a client must (RFC 6455 §5.3).
func clientFrame(fin bool, op websocket.Opcode, key [4]byte, payload []byte) []byte {
	masked := append([]byte(nil), payload...)
	websocket.Mask(key, 0, masked)
	h := websocket.FrameHeader{Fin: fin, Opcode: op, Masked: true, Length: int64(len(payload)), Key: key}
	return append(websocket.AppendFrameHeader(nil, h), masked...)
}

// readFrame reads one whole frame's raw bytes.
func (c *rawConn) readFrame() ([]byte, error) {
	head := make([]byte, 2, 14)
	if _, err := io.ReadFull(c.br, head); err != nil {
		return nil, err
	}
	n := int64(head[1] & 0x7f)
	switch n {
	case 126:
		ext := make([]byte, 2)
		if _, err := io.ReadFull(c.br, ext); err != nil {
			return nil, err
		}
		head = append(head, ext...)
		n = int64(binary.BigEndian.Uint16(ext))
	case 127:
		ext := make([]byte, 8)
		if _, err := io.ReadFull(c.br, ext); err != nil {
			return nil, err
		}
		head = append(head, ext...)
		n = int64(binary.BigEndian.Uint64(ext))
	}
	if head[1]&0x80 != 0 {
		key := make([]byte, 4)
		if _, err := io.ReadFull(c.br, key); err != nil {
			return nil, err
		}
		head = append(head, key...)
	}
	if n > 1<<20 {
		return nil, fmt.Errorf("frame of %d bytes is too big for this demo", n)
	}
	payload := make([]byte, n)
	if _, err := io.ReadFull(c.br, payload); err != nil {
		return nil, err
	}
	return append(head, payload...), nil
}

// decode prints frames the way "wirelab ws decode" does.
func decode(e *Env, data []byte, from wsdecode.Sender) (*wsdecode.Decoding, error) {
	d, err := wsdecode.DecodeFrames(data, wsdecode.DecodeOptions{From: from})
	wstext.WriteDecoding(e.Out, d, e.P())
	return d, err
}

// wsURL is a WebSocket URL taken apart (RFC 6455 §3).
type wsURL struct {
	Secure       bool
	Host, Port   string
	Target       string // path and query: the request-target of the GET
	HostHeader   string
	ErrorMessage string
}

func parseWSURL(s string) wsURL {
	u, err := url.Parse(s)
	if err != nil {
		return wsURL{ErrorMessage: err.Error()}
	}
	var w wsURL
	switch u.Scheme {
	case "ws":
	case "wss":
		w.Secure = true
	default:
		return wsURL{ErrorMessage: fmt.Sprintf("scheme %q is not ws or wss", u.Scheme)}
	}
	if u.Fragment != "" || strings.Contains(s, "#") {
		return wsURL{ErrorMessage: "a fragment (#...) is not allowed in a WebSocket URL"}
	}
	w.Host, w.Port = u.Hostname(), u.Port()
	w.HostHeader = u.Host
	if w.Port == "" {
		w.Port = "80"
		if w.Secure {
			w.Port = "443"
		}
	}
	w.Target = u.EscapedPath()
	if w.Target == "" {
		w.Target = "/"
	}
	if u.RawQuery != "" {
		w.Target += "?" + u.RawQuery
	}
	return w
}

func demoWSURLs(ctx context.Context, e *Env) error {
	e.Tell(i18n.DemoWSHowClientReadsWebsocket)
	for _, s := range []string{"ws://example.com/chat", "wss://example.com", "ws://127.0.0.1:9998/echo?room=go", "wss://example.com:8443/feed", "ws://example.com/chat#top", "http://example.com/"} {
		w := parseWSURL(s)
		if w.ErrorMessage != "" {
			e.Tell(i18n.DemoWSURLInvalid, s, e.P().Translator(i18n.DemoWSURLBadScheme, i18n.DemoWSURLFragment).Say(w.ErrorMessage))
			continue
		}
		tlsNote := e.P().Sprintf(i18n.DemoWSPlainTCP)
		if w.Secure {
			tlsNote = "TLS"
		}
		e.Tell(i18n.DemoWSURLParts, s, tlsNote, w.Host, w.Port, w.Target, w.HostHeader)
	}

	// ws:// on loopback.
	srv, err := startEcho(nil)
	if err != nil {
		return err
	}
	defer srv.Close()
	c, resp, err := websocket.Dial(ctx, "ws://"+srv.Addr+"/echo")
	if err != nil {
		return err
	}
	c.WriteMessage(websocket.TextMessage, []byte("over ws://"))
	_, msg, err := c.ReadMessage()
	c.Close(websocket.CloseNormal, "")
	if err != nil {
		return err
	}
	e.Tell(i18n.DemoWSWsEchoEcho, srv.Addr, resp.StatusCode, resp.Reason, msg)

	// wss:// on loopback, with a CA that lives in memory.
	ca, err := tlsdemo.NewCA("wirelab lesson CA")
	if err != nil {
		return err
	}
	cfg, _, err := tlsdemo.DevTLSConfig(ca)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", loopback)
	if err != nil {
		return err
	}
	u := &websocket.Upgrader{}
	hs := &httpcore.Server{Handler: httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		c, err := u.Upgrade(w, r)
		if err != nil {
			return
		}
		go func() {
			defer c.CloseNow()
			c.SetReadDeadline(time.Now().Add(ioTimeout))
			mt, m, err := c.ReadMessage()
			if err == nil {
				c.WriteMessage(mt, m)
				c.ReadMessage() // until the close
			}
		}()
	})}
	done := make(chan struct{})
	go func() { defer close(done); hs.Serve(tls.NewListener(ln, cfg)) }()
	defer func() { hs.Close(); <-done }()
	d := websocket.Dialer{TLSConfig: tlsdemo.ClientConfig(ca.Pool(), "127.0.0.1")}
	sc, sresp, err := d.Dial(ctx, "wss://"+ln.Addr().String()+"/echo")
	if err != nil {
		return err
	}
	state := sc.NetConn().(*tls.Conn).ConnectionState()
	sc.WriteMessage(websocket.TextMessage, []byte("over wss://"))
	_, smsg, err := sc.ReadMessage()
	sc.Close(websocket.CloseNormal, "")
	if err != nil {
		return err
	}
	e.Tell(i18n.DemoWSWssEchoHandshakeFirst, ln.Addr(), tls.VersionName(state.Version), tls.CipherSuiteName(state.CipherSuite), sresp.StatusCode, sresp.Reason, smsg)
	e.Tell(i18n.DemoWSSameProtocolInsideWss)
	return check(string(msg) == "over ws://" && string(smsg) == "over wss://", "echoes were %q and %q", msg, smsg)
}

const rfcKey = "dGhlIHNhbXBsZSBub25jZQ=="

func demoWSHandshake(ctx context.Context, e *Env) error {
	const guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
	e.Tell(i18n.DemoWSComputingSecWebsocketAccept, rfcKey)
	e.Printf("  1. key + GUID   = %s%s\n", rfcKey, guid)
	sum := sha1.Sum([]byte(rfcKey + guid))
	e.Printf("  2. SHA-1        = % x (20 bytes)\n", sum)
	accept := base64.StdEncoding.EncodeToString(sum[:])
	e.Printf("  3. Base64       = %s\n", accept)
	e.Tell(i18n.DemoWSWebsocketAcceptkeyAgrees, websocket.AcceptKey(rfcKey))
	if err := check(accept == websocket.AcceptKey(rfcKey) && accept == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "accept key %s", accept); err != nil {
		return err
	}

	u := &websocket.Upgrader{
		Subprotocols: []string{"chat"},
		Origins:      websocket.OriginPolicy{Allow: []websocket.Origin{websocket.MustParseOrigin("http://example.com")}},
	}
	rec, ctap, stap := e.taps()
	srv, err := startEchoGated(u, nil, &stap)
	if err != nil {
		return err
	}
	defer srv.Close()
	req := handshakeRequest(srv.Addr, rfcKey, "Origin: http://example.com", "Sec-WebSocket-Protocol: superchat, chat")
	e.Tell(i18n.DemoWSClientRequest)
	e.Quote("  > ", req)
	c, resp, raw, err := rawHandshakeVia(ctx, &ctap, e.T("TCP connect", "TCP 连接"), srv.Addr, req)
	if err != nil {
		return err
	}
	c.Close()
	e.Tell(i18n.DemoWSServerAnswerPickedSubprotocol)
	e.Quote("  < ", raw)
	if err := check(resp.StatusCode == 101 && resp.Header.Get("Sec-WebSocket-Accept") == accept && resp.Header.Get("Sec-WebSocket-Protocol") == "chat",
		"handshake answered %d accept %q protocol %q", resp.StatusCode, resp.Header.Get("Sec-WebSocket-Accept"), resp.Header.Get("Sec-WebSocket-Protocol")); err != nil {
		return err
	}
	if err := e.sequence(ctx, [2]string{
		"\nThe opening handshake, recorded at both ends: an HTTP request and its 101 answer\non a new TCP connection, which then carries frames (here the client hangs up):",
		"\n两端记录下的开始握手：在一条新 TCP 连接上，一个 HTTP 请求和它的 101 回答，\n此后这条连接改为传送帧（这里客户端随即挂断了）："},
		clientServer, rec, nil); err != nil {
		return err
	}

	e.Tell(i18n.DemoWSHandshakesServerRefuses)
	bad := []struct {
		name [2]string
		req  []byte
		want int
	}{
		{i18n.Pair(i18n.DemoWSVersion8Instead13), []byte(strings.Replace(string(handshakeRequest(srv.Addr, rfcKey)), "Version: 13", "Version: 8", 1)), 426},
		{i18n.Pair(i18n.DemoWSOriginHttpEvilTest), handshakeRequest(srv.Addr, rfcKey, "Origin: http://evil.test"), 403},
		{i18n.Pair(i18n.DemoWSPostInsteadGet), []byte(strings.Replace(string(handshakeRequest(srv.Addr, rfcKey)), "GET", "POST", 1)), 405},
		{i18n.Pair(i18n.DemoWSNoSecWebsocketKey), []byte(strings.Replace(string(handshakeRequest(srv.Addr, rfcKey)), "Sec-WebSocket-Key: "+rfcKey+"\r\n", "", 1)), 400},
	}
	for _, b := range bad {
		c, resp, _, err := rawHandshake(ctx, srv.Addr, b.req)
		if err != nil {
			return err
		}
		c.Close()
		name := b.name[0]
		if e.Lang == "zh" {
			name = b.name[1]
		}
		extra := ""
		if v := resp.Header.Get("Sec-WebSocket-Version"); v != "" {
			extra = ", Sec-WebSocket-Version: " + v
		}
		e.Printf("  %-48s → %d %s%s\n", name, resp.StatusCode, resp.Reason, extra)
		if err := check(resp.StatusCode == b.want, "%s: got %d, want %d", b.name[0], resp.StatusCode, b.want); err != nil {
			return err
		}
	}
	return nil
}

func demoWSFrames(ctx context.Context, e *Env) error {
	srv, err := startEcho(nil)
	if err != nil {
		return err
	}
	defer srv.Close()
	c, _, _, err := rawHandshake(ctx, srv.Addr, handshakeRequest(srv.Addr, rfcKey))
	if err != nil {
		return err
	}
	defer c.Close()

	key := [4]byte{0x37, 0xfa, 0x21, 0x3d}
	frame := clientFrame(true, websocket.OpText, key, []byte("Hello"))
	e.Tell(i18n.DemoWSClientFrameCarryingHello, frame)
	e.Tell(i18n.DemoWSMaskingXorsByteI)
	for i, ch := range []byte("Hello") {
		e.Printf("     %q %02x XOR %02x = %02x\n", ch, ch, key[i%4], ch^key[i%4])
	}
	if _, err := c.Write(frame); err != nil {
		return err
	}
	if _, err := decode(e, frame, wsdecode.SenderClient); err != nil {
		return err
	}
	e.Say("   Its header as RFC 6455 §5.2 draws it, with this frame's bits filled in:", "   按 RFC 6455 §5.2 的画法，填入这一帧真实的比特：")
	if err := e.frameBits(frame); err != nil {
		return err
	}
	echo, err := c.readFrame()
	if err != nil {
		return err
	}
	e.Tell(i18n.DemoWSServerEchoUnmaskedServer, echo)
	if _, err := decode(e, echo, wsdecode.SenderServer); err != nil {
		return err
	}
	if err := check(bytes.Equal(echo, []byte{0x81, 0x05, 'H', 'e', 'l', 'l', 'o'}), "echo was % x", echo); err != nil {
		return err
	}

	e.Tell(i18n.DemoWSThreeLengthFormsBit)
	var header16 []byte
	for _, n := range []int{125, 126, 65535, 65536} {
		if _, err := c.Write(clientFrame(true, websocket.OpBinary, key, bytes.Repeat([]byte{'w'}, n))); err != nil {
			return err
		}
		f, err := c.readFrame()
		if err != nil {
			return err
		}
		if n == 65535 {
			header16 = f[:4]
		}
		hl := 2
		switch f[1] & 0x7f {
		case 126:
			hl = 4
		case 127:
			hl = 10
		}
		e.Printf("   %6d-byte payload → server header % x (%d bytes)\n", n, f[:hl], hl)
		if err := check(len(f) == hl+n, "echo of %d bytes came back as %d", n, len(f)-hl); err != nil {
			return err
		}
	}

	e.Say("   The header of the 65535-byte echo: 126, then the length in 16 more bits:",
		"   65535 字节回显的帧头：payload len 为 126，意思是“长度在随后的 16 位里”：")
	if err := e.frameBits(header16); err != nil {
		return err
	}

	frag := append(clientFrame(false, websocket.OpText, key, []byte("frag")), clientFrame(true, websocket.OpContinuation, key, []byte("mented"))...)
	e.Tell(i18n.DemoWSOneMessageTwoFrames)
	d, err := decode(e, frag, wsdecode.SenderClient)
	if err != nil {
		return err
	}
	if _, err := c.Write(frag); err != nil {
		return err
	}
	back, err := c.readFrame()
	if err != nil {
		return err
	}
	e.Tell(i18n.DemoWSServerEchoedReassembledMessage, back[2:])
	return check(len(d.Messages) == 1 && string(d.Messages[0].Data) == "fragmented" && string(back[2:]) == "fragmented", "fragmented message was not reassembled")
}

func demoWSClosePing(ctx context.Context, e *Env) error {
	rec, ctap, stap := e.taps()
	srv, err := startEchoGated(nil, nil, &stap)
	if err != nil {
		return err
	}
	defer srv.Close()
	c, _, _, err := rawHandshakeVia(ctx, &ctap, e.T("TCP connect", "TCP 连接"), srv.Addr, handshakeRequest(srv.Addr, rfcKey))
	if err != nil {
		return err
	}
	defer c.Close()
	key := [4]byte{1, 2, 3, 4}

	ping := clientFrame(true, websocket.OpPing, key, []byte("are you there?"))
	e.Tell(i18n.DemoWSClientSendsPingOpcode)
	if _, err := decode(e, ping, wsdecode.SenderClient); err != nil {
		return err
	}
	if _, err := c.Write(ping); err != nil {
		return err
	}
	pong, err := c.readFrame()
	if err != nil {
		return err
	}
	e.Tell(i18n.DemoWSServerAnswersOncePong)
	if _, err := decode(e, pong, wsdecode.SenderServer); err != nil {
		return err
	}
	if err := check(pong[0] == 0x8a && string(pong[2:]) == "are you there?", "pong was % x", pong); err != nil {
		return err
	}

	closeFrame := clientFrame(true, websocket.OpClose, key, websocket.FormatClose(websocket.CloseNormal, "bye"))
	e.Tell(i18n.DemoWSClientStartsClosingHandshake)
	if _, err := decode(e, closeFrame, wsdecode.SenderClient); err != nil {
		return err
	}
	if _, err := c.Write(closeFrame); err != nil {
		return err
	}
	reply, err := c.readFrame()
	if err != nil {
		return err
	}
	e.Tell(i18n.DemoWSServerAnswersOwnClose)
	d, err := decode(e, reply, wsdecode.SenderServer)
	if err != nil {
		return err
	}
	start := time.Now()
	_, err = c.br.ReadByte()
	eof := errors.Is(err, io.EOF)
	c.Close()
	e.Tell(i18n.DemoWSClosesTcpConnectionItself, time.Since(start).Round(time.Microsecond))
	if err := e.sequence(ctx, [2]string{
		"\nThe whole connection, recorded at both ends: the opening handshake, ping, pong,\nthe closing handshake (a close frame each way), then the FINs, server's first:",
		"\n两端记录下的整条连接：开始握手、ping 与 pong、关闭握手（双方各发一个关闭帧），\n然后是 TCP 的 FIN，服务端先发："},
		clientServer, rec, nil); err != nil {
		return err
	}
	e.Tell(i18n.DemoWSCloseCodesNeverTravel, wstext.CloseCode(websocket.CloseNormal, e.P()), wstext.CloseCode(websocket.CloseGoingAway, e.P()), wstext.CloseCode(websocket.CloseProtocolError, e.P()), wstext.CloseCode(websocket.CloseInvalidPayload, e.P()), wstext.CloseCode(websocket.CloseMessageTooBig, e.P()))
	return check(len(d.Frames) == 1 && d.Frames[0].Close != nil && d.Frames[0].Close.Code == websocket.CloseNormal && eof,
		"close reply % x, eof=%v", reply, eof)
}
