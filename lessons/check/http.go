package check

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/wirelab/wirelab/httpcore"
)

// What the HTTP stages send. The contract: GET / is answered 200 with a
// non-empty body framed by Content-Length; connections are persistent; a
// POST / with a chunked body is answered 200 with the decoded request
// body as the response body (framed by Content-Length or chunked).
var (
	chunkedParts = []string{"abcdefghijklmnopqrstuvwxyz", "wirelab"} // 0x1a and 0x7 bytes
	chunkedBody  = strings.Join(chunkedParts, "")
)

const keepAliveRequests = 3

var httpStages = []stageDef{
	{
		id: "tcp", section: "RFC 9293 §3.5", run: stageTCP,
		sends:   [2]string{"opens a TCP connection to ADDR", "向 ADDR 建立 TCP 连接"},
		expects: [2]string{"the server accepts it", "服务器接受连接"},
	},
	{
		id: "status-line", section: "RFC 9112 §4", run: stageStatusLine,
		sends:   [2]string{"GET / HTTP/1.1 with Host", "GET / HTTP/1.1，带 Host"},
		expects: [2]string{`a status line "HTTP/1.1 200 <reason>\r\n"`, `状态行 "HTTP/1.1 200 <原因短语>\r\n"`},
	},
	{
		id: "headers", section: "RFC 9112 §5", run: stageHeaders,
		sends: [2]string{"GET / again", "再次发送 GET /"},
		expects: [2]string{`field lines "Name: value\r\n" (no space before the colon), then an empty line "\r\n"`,
			`字段行 "Name: value\r\n"（冒号前没有空格），然后是空行 "\r\n"`},
	},
	{
		id: "content-length", section: "RFC 9112 §6.2", run: stageContentLength,
		sends: [2]string{"GET / again", "再次发送 GET /"},
		expects: [2]string{"a non-empty body framed by Content-Length: exactly that many bytes, counted in bytes (not characters)",
			"用 Content-Length 界定的非空响应体：字节数与它完全一致（按字节计，不是按字符）"},
	},
	{
		id: "keep-alive", section: "RFC 9112 §9.3", run: stageKeepAlive,
		sends: [2]string{fmt.Sprintf("%d GET / requests, one after the other, on one connection", keepAliveRequests),
			fmt.Sprintf("在同一个连接上依次发送 %d 个 GET / 请求", keepAliveRequests)},
		expects: [2]string{"every one answered; the connection stays open (no Connection: close)",
			"每个都得到回答；连接保持打开（没有 Connection: close）"},
	},
	{
		id: "chunked", section: "RFC 9112 §7.1", run: stageChunked,
		sends: [2]string{fmt.Sprintf("POST / with Transfer-Encoding: chunked, chunks of 0x1a and 0x7 bytes (%q), then GET / on the same connection", chunkedBody),
			fmt.Sprintf("POST /，Transfer-Encoding: chunked，两个分块各 0x1a 和 0x7 字节（%q），然后在同一连接上 GET /", chunkedBody)},
		expects: [2]string{fmt.Sprintf("200 with the decoded body, %q, as the response body (Content-Length or chunked); then the GET answered", chunkedBody),
			fmt.Sprintf("200，响应体是解码后的请求体 %q（用 Content-Length 或 chunked）；然后 GET 也得到回答", chunkedBody)},
	},
}

func (r *runner) getRequest() []byte {
	return []byte("GET / HTTP/1.1\r\n" +
		"Host: " + r.addr + "\r\n" +
		"User-Agent: wirelab-check\r\n" +
		"Accept: */*\r\n" +
		"\r\n")
}

func (r *runner) chunkedRequest() []byte {
	var b strings.Builder
	b.WriteString("POST / HTTP/1.1\r\n" +
		"Host: " + r.addr + "\r\n" +
		"User-Agent: wirelab-check\r\n" +
		"Content-Type: text/plain\r\n" +
		"Transfer-Encoding: chunked\r\n" +
		"\r\n")
	for _, p := range chunkedParts {
		fmt.Fprintf(&b, "%x\r\n%s\r\n", len(p), p)
	}
	b.WriteString("0\r\n\r\n")
	return []byte(b.String())
}

func (r *runner) sendHTTP(w *wire, req []byte) error {
	if err := w.write(req); err != nil {
		return r.ioFail(w, err, "RFC 9112 §9.3", r.tr("sending the request", "发送请求"),
			r.tr("Your server closed the connection before the request was sent.", "在请求发出之前，你的服务器就关闭了连接。"))
	}
	return nil
}

// readResponse reads a response with httpcore.ReadResponse, skipping
// interim (1xx) responses other than 101. It returns the response and the
// offsets in w.recv where its header section starts and ends.
func (r *runner) readResponse(w *wire, method, section, what, hint string) (*httpcore.Response, int, int, error) {
	for {
		start := w.consumed()
		resp, err := httpcore.ReadResponse(w.br, &httpcore.Request{Method: method})
		if err != nil {
			return nil, start, 0, r.respFail(w, start, err, section, what, hint)
		}
		if resp.StatusCode/100 == 1 && resp.StatusCode != 101 {
			continue
		}
		return resp, start, w.consumed(), nil
	}
}

// respFail turns an error of ReadResponse or of reading a body into a
// failure: a ProtocolError at its byte, or an I/O error.
func (r *runner) respFail(w *wire, start int, err error, section, what, hint string) error {
	var pe *httpcore.ProtocolError
	if errors.As(err, &pe) {
		off := start + max(pe.Offset, 0)
		return r.failAt(w, off, pe.Section, r.tr("malformed response: %s", "响应格式错误：%s", pe.Msg), r.httpHint(w, off, pe, hint))
	}
	if len(w.recv) > start && !bytes.Contains(w.recv[start:], []byte("\r\n\r\n")) {
		hint = r.tr(`The header section never ended: after the last field line, send an empty line, so that the header ends with "\r\n\r\n".`,
			`头部一直没有结束：最后一个字段行之后要发送一个空行，也就是头部以 "\r\n\r\n" 结尾。`)
		section = "RFC 9112 §2.1"
	} else if len(w.recv) == start {
		hint = strings.TrimSpace(r.tr("Your server did not answer: does it read the request up to the empty line, then write a response to the same socket? ",
			"你的服务器没有回答：它有没有读取请求直到空行，然后往同一个 socket 写回响应？") + hint)
	}
	return r.ioFail(w, err, section, what, hint)
}

// httpHint explains a ProtocolError at byte off of w.recv.
func (r *runner) httpHint(w *wire, off int, pe *httpcore.ProtocolError, fallback string) string {
	if off < len(w.recv) && w.recv[off] == '\n' && (off == 0 || w.recv[off-1] != '\r') {
		return r.tr(`End every line with CR LF ("\r\n"), not LF ("\n") alone.`, `每一行都要以 CR LF（"\r\n"）结尾，不能只用 LF（"\n"）。`)
	}
	m := pe.Msg
	switch {
	case strings.Contains(m, "status"):
		return r.tr(`A status line is the version, a space, a 3-digit code, a space, a reason, and CR LF: "HTTP/1.1 200 OK\r\n".`,
			`状态行是：版本、空格、3 位状态码、空格、原因短语、CR LF，例如 "HTTP/1.1 200 OK\r\n"。`)
	case strings.Contains(m, "and the colon"):
		return r.tr(`No whitespace between a field name and its colon: "Content-Length: 5", not "Content-Length : 5".`,
			`字段名和冒号之间不能有空白："Content-Length: 5"，而不是 "Content-Length : 5"。`)
	case strings.Contains(m, "no colon"), strings.Contains(m, "field name"):
		return r.tr(`Each field line is a name, a colon, the value and CR LF: "Content-Type: text/plain\r\n".`,
			`每个字段行是：字段名、冒号、值、CR LF，例如 "Content-Type: text/plain\r\n"。`)
	case strings.Contains(m, "Transfer-Encoding and Content-Length"):
		return r.tr("Send Content-Length or Transfer-Encoding: chunked, never both: two lengths are how requests get smuggled.",
			"只发送 Content-Length 或 Transfer-Encoding: chunked 之一，不能都发：两个长度正是请求走私的根源。")
	case strings.Contains(m, "chunk"):
		return r.tr(`A chunked body is: the size in hexadecimal, CR LF, that many bytes, CR LF; repeated; then "0\r\n\r\n". 26 bytes is "1a", not "26".`,
			`chunked 响应体是：十六进制的长度、CR LF、这么多字节、CR LF，重复若干次，最后是 "0\r\n\r\n"。26 字节要写 "1a"，不是 "26"。`)
	}
	return fallback
}

// readBody reads a response body to its end.
func (r *runner) readBody(w *wire, resp *httpcore.Response, start int, what string) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxFrame))
	if err != nil {
		hint := ""
		if resp.ContentLength > 0 {
			hint = r.tr("Content-Length announced %d bytes; send exactly that many, counted in bytes after encoding (UTF-8), not in characters.",
				"Content-Length 声明了 %d 字节；就要发送这么多字节——按编码（UTF-8）后的字节数算，不是字符数。", resp.ContentLength)
		}
		return body, r.respFail(w, start, err, "RFC 9112 §6", what, hint)
	}
	return body, nil
}

func stageStatusLine(r *runner) (string, error) {
	w, err := r.dial()
	if err != nil {
		return "", err
	}
	if err := r.sendHTTP(w, r.getRequest()); err != nil {
		return "", err
	}
	// Read the first line, and let the engine judge it alone: the line, then
	// an empty header section.
	hint := r.tr(`Start the response with the status line "HTTP/1.1 200 OK\r\n".`, `响应要以状态行 "HTTP/1.1 200 OK\r\n" 开头。`)
	line, err := w.br.ReadSlice('\n')
	if err != nil {
		if len(line) > 0 && !errors.Is(err, bufio.ErrBufferFull) {
			hint = r.tr(`The status line never ended: end it with CR LF ("\r\n").`, `状态行一直没有结束：要以 CR LF（"\r\n"）结尾。`)
		}
		if len(line) == 0 {
			hint = r.tr("Your server did not answer: does it read the request up to the empty line, then write a response to the same socket?",
				"你的服务器没有回答：它有没有读取请求直到空行，然后往同一个 socket 写回响应？")
		}
		return "", r.ioFail(w, err, "RFC 9112 §4", r.tr("the status line", "状态行"), hint)
	}
	probe := append(bytes.Clone(line), "\r\n"...)
	resp, err := httpcore.ReadResponse(bufio.NewReader(bytes.NewReader(probe)), nil)
	if err != nil {
		var pe *httpcore.ProtocolError
		if errors.As(err, &pe) && pe.Offset < len(line) {
			return "", r.failAt(w, pe.Offset, pe.Section, r.tr("malformed status line: %s", "状态行格式错误：%s", pe.Msg), r.httpHint(w, pe.Offset, pe, hint))
		}
		return "", r.failAt(w, len(line)-1, "RFC 9112 §4", r.tr("malformed status line: %v", "状态行格式错误：%v", err), hint)
	}
	if resp.ProtoMinor != 1 {
		return "", r.failAt(w, 7, "RFC 9110 §2.5",
			r.tr("the version is %s; answer an HTTP/1.1 request with HTTP/1.1", "版本是 %s；对 HTTP/1.1 请求应使用 HTTP/1.1 回答", resp.Proto),
			r.tr(`Start with "HTTP/1.1 ": HTTP/1.0 would mean the connection closes after every response.`, `以 "HTTP/1.1 " 开头：HTTP/1.0 意味着每个响应之后都要关闭连接。`))
	}
	if resp.StatusCode != 200 {
		return "", r.failAt(w, 9, "RFC 9110 §15.3.1",
			r.tr("the status is %d; GET / must be answered 200", "状态码是 %d；GET / 必须回答 200", resp.StatusCode),
			r.tr("Serve the path / with 200 OK and some body.", "在路径 / 上返回 200 OK 和一些内容。"))
	}
	return r.tr("%q", "%q", strings.TrimRight(string(line), "\r\n")), nil
}

func stageHeaders(r *runner) (string, error) {
	w, err := r.dial()
	if err != nil {
		return "", err
	}
	if err := r.sendHTTP(w, r.getRequest()); err != nil {
		return "", err
	}
	resp, _, _, err := r.readResponse(w, "GET", "RFC 9112 §5", r.tr("the header section", "响应头"), "")
	if err != nil {
		return "", err
	}
	var names []string
	for _, f := range resp.Header.Fields() {
		names = append(names, f.Name)
	}
	if len(names) == 0 {
		return r.tr("no field lines, and the empty line", "没有字段行，以及空行"), nil
	}
	return r.tr("%d field lines (%s) and the empty line", "%d 个字段行（%s）和空行", len(names), strings.Join(names, ", ")), nil
}

func stageContentLength(r *runner) (string, error) {
	w, err := r.dial()
	if err != nil {
		return "", err
	}
	if err := r.sendHTTP(w, r.getRequest()); err != nil {
		return "", err
	}
	resp, start, end, err := r.readResponse(w, "GET", "RFC 9112 §6", r.tr("the response", "响应"), "")
	if err != nil {
		return "", err
	}
	head := w.recv[start:end]
	hint := r.tr(`Send "Content-Length: N\r\n" with N the number of bytes of the body (in UTF-8, "é" counts 2), then exactly N bytes.`,
		`发送 "Content-Length: N\r\n"，N 是响应体的字节数（UTF-8 中 "é" 算 2 字节），然后正好发送 N 个字节。`)
	if resp.Chunked {
		_, voff, _ := fieldAt(head, "Transfer-Encoding")
		return "", r.failAt(w, start+voff, "RFC 9112 §6.2",
			r.tr("GET / is answered chunked; this stage asks for Content-Length", "GET / 的响应用了 chunked；这一阶段要求用 Content-Length"), hint)
	}
	if !resp.Header.Has("Content-Length") {
		return "", r.failAt(w, end-2, "RFC 9112 §6.3",
			r.tr("the response has no Content-Length: its body would end only when the connection closes", "响应没有 Content-Length：响应体只能靠关闭连接来结束"), hint)
	}
	if resp.ContentLength == 0 {
		_, voff, _ := fieldAt(head, "Content-Length")
		return "", r.failAt(w, start+voff, "RFC 9112 §6.2",
			r.tr("Content-Length is 0; GET / must be answered with some body", "Content-Length 为 0；GET / 的响应必须有内容"), hint)
	}
	body, err := r.readBody(w, resp, start, r.tr("the body (Content-Length: %d)", "响应体（Content-Length: %d）", resp.ContentLength))
	if err != nil {
		return "", err
	}
	if extra := w.br.Buffered(); extra > 0 {
		return "", r.failAt(w, w.consumed(), "RFC 9112 §6.2",
			r.tr("%d more bytes came after the %d that Content-Length announced", "在 Content-Length 声明的 %[2]d 字节之后又来了 %[1]d 字节", extra, resp.ContentLength), hint)
	}
	return r.tr("Content-Length: %d, and %d bytes of body", "Content-Length: %d，响应体 %d 字节", resp.ContentLength, len(body)), nil
}

func (r *runner) keepAliveHint() string {
	return r.tr("HTTP/1.1 connections are persistent: after writing a response, loop and read the next request from the same socket; close only when the client closes or sends Connection: close.",
		"HTTP/1.1 连接默认是持久的：写完一个响应后，要循环在同一个 socket 上读取下一个请求；只有客户端关闭或发送 Connection: close 时才关闭。")
}

// exchange sends req on w and reads the whole response; n numbers it for
// messages.
func (r *runner) exchange(w *wire, req []byte, method string, n int) (*httpcore.Response, []byte, int, error) {
	if err := w.write(req); err != nil {
		err = r.ioFail(w, err, "RFC 9112 §9.3", r.tr("sending request %d", "发送第 %d 个请求", n), r.keepAliveHint())
		var sf *stageFail
		if n > 1 && errors.As(err, &sf) {
			sf.msg = r.tr("the server closed the connection after response %d, before answering request %d", "服务器在第 %d 个响应之后、回答第 %d 个请求之前关闭了连接", n-1, n)
		}
		return nil, nil, 0, err
	}
	before := len(w.recv)
	resp, start, _, err := r.readResponse(w, method, "RFC 9112 §9.3", r.tr("response %d", "第 %d 个响应", n), "")
	if err != nil {
		var sf *stageFail
		if n > 1 && errors.As(err, &sf) {
			if len(w.recv) == before && w.br.Buffered() == 0 {
				if isTimeout(sf.cause) {
					sf.msg = r.tr("the server stopped answering after response %d: %s", "服务器在第 %d 个响应之后不再回答：%s", n-1, sf.msg)
				} else {
					sf.msg = r.tr("the server closed the connection after response %d, before answering request %d", "服务器在第 %d 个响应之后、回答第 %d 个请求之前关闭了连接", n-1, n)
				}
				sf.f.Hint = r.keepAliveHint()
				sf.f.Section = "RFC 9112 §9.3"
			} else if sf.f.Hint == "" || strings.Contains(sf.msg, "malformed") {
				sf.f.Hint += r.tr(" The bytes before this response may be left over from the previous one: is its Content-Length right?",
					" 这个响应前面的字节可能是上一个响应剩下的：上一个响应的 Content-Length 对吗？")
			}
		}
		return nil, nil, 0, err
	}
	body, err := r.readBody(w, resp, start, r.tr("the body of response %d", "第 %d 个响应的响应体", n))
	if err != nil {
		return nil, nil, 0, err
	}
	return resp, body, start, nil
}

func stageKeepAlive(r *runner) (string, error) {
	w, err := r.dial()
	if err != nil {
		return "", err
	}
	for n := 1; n <= keepAliveRequests; n++ {
		resp, _, start, err := r.exchange(w, r.getRequest(), "GET", n)
		if err != nil {
			return "", err
		}
		if resp.StatusCode != 200 {
			return "", r.failAt(w, start+9, "RFC 9110 §15.3.1",
				r.tr("response %d has status %d, not 200", "第 %d 个响应的状态码是 %d，不是 200", n, resp.StatusCode), r.keepAliveHint())
		}
		if resp.Close && n < keepAliveRequests {
			head := w.recv[start:]
			_, voff, ok := fieldAt(head, "Connection")
			off := start + voff
			if !ok {
				off = start + 7
			}
			return "", r.failAt(w, off, "RFC 9112 §9.3",
				r.tr("response %d announces that the connection closes", "第 %d 个响应声明连接将关闭", n),
				r.tr("Leave out \"Connection: close\" (and answer with HTTP/1.1): ", "不要发送 \"Connection: close\"（并用 HTTP/1.1 回答）：")+r.keepAliveHint())
		}
	}
	return r.tr("%d requests answered on one TCP connection", "%d 个请求在同一个 TCP 连接上得到回答", keepAliveRequests), nil
}

func stageChunked(r *runner) (string, error) {
	w, err := r.dial()
	if err != nil {
		return "", err
	}
	hint := r.tr(`Decode the chunked request body: read a line with the size in hexadecimal ("1a" is 26), that many bytes and CR LF, again until the size 0, then the empty line; answer 200 with the decoded bytes as the body.`,
		`解码 chunked 请求体：读一行十六进制长度（"1a" 是 26），再读这么多字节和 CR LF，重复直到长度为 0，再读空行；然后用解码后的字节作为响应体回答 200。`)
	resp, body, start, err := r.exchange(w, r.chunkedRequest(), "POST", 1)
	if err != nil {
		var sf *stageFail
		if errors.As(err, &sf) && sf.f.Hint == "" {
			sf.f.Hint = hint
		}
		return "", err
	}
	if resp.StatusCode != 200 {
		return "", r.failAt(w, start+9, "RFC 9112 §7.1",
			r.tr("the chunked POST is answered %d, not 200", "chunked POST 的响应状态码是 %d，不是 200", resp.StatusCode), hint)
	}
	if string(body) != chunkedBody {
		at := w.consumed()
		if !resp.Chunked {
			// Point at the first byte that differs.
			i := 0
			for i < len(body) && i < len(chunkedBody) && body[i] == chunkedBody[i] {
				i++
			}
			at = at - len(body) + i
		}
		return "", r.failAt(w, at, "RFC 9112 §7.1",
			r.tr("the response body is %s; the decoded request body is %q", "响应体是 %s；解码后的请求体是 %q", short(body), chunkedBody), hint)
	}
	if resp.Close {
		_, voff, _ := fieldAt(w.recv[start:], "Connection")
		return "", r.failAt(w, start+voff, "RFC 9112 §9.3",
			r.tr("the response to the chunked POST closes the connection", "对 chunked POST 的响应关闭了连接"), r.keepAliveHint())
	}
	resp, _, start, err = r.exchange(w, r.getRequest(), "GET", 2)
	if err != nil {
		var sf *stageFail
		if errors.As(err, &sf) {
			sf.f.Hint = r.tr("After the chunked body, the next request must start right after its final \"0\\r\\n\\r\\n\": read the whole chunked body, no more and no less. ",
				"chunked 请求体之后，下一个请求紧跟在最后的 \"0\\r\\n\\r\\n\" 之后：要把整个 chunked 请求体读完，不多也不少。") + sf.f.Hint
		}
		return "", err
	}
	if resp.StatusCode != 200 {
		return "", r.failAt(w, start+9, "RFC 9112 §7.1",
			r.tr("the GET after the chunked POST is answered %d: the chunked body was not read exactly", "chunked POST 之后的 GET 得到 %d：chunked 请求体没有被准确读完", resp.StatusCode), hint)
	}
	return r.tr("chunked POST echoed (%d bytes), and the next GET answered on the same connection", "chunked POST 已回显（%d 字节），之后的 GET 在同一连接上得到回答", len(chunkedBody)), nil
}
