package demo

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"time"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/httpcore/annotate"
	"github.com/wirelab/wirelab/httpcore/inspect"
)

func httpDemos() []Demo {
	return []Demo{
		{
			ID:      "http-anatomy",
			Summary: map[string]string{"en": "send a raw request to the inspector and take both messages apart byte by byte", "zh": "向检查器发送原始请求，并逐字节拆解请求与响应"},
			Run:     demoAnatomy,
		},
		{
			ID:      "http-methods",
			Summary: map[string]string{"en": "GET, HEAD, POST, PUT, DELETE and OPTIONS on one connection", "zh": "在同一连接上发送 GET、HEAD、POST、PUT、DELETE 和 OPTIONS"},
			Run:     demoMethods,
		},
		{
			ID:      "http-status",
			Summary: map[string]string{"en": "fourteen live /status endpoints and what a client does with each", "zh": "十四个真实的 /status 端点，以及客户端如何处理每一个"},
			Run:     demoStatus,
		},
		{
			ID:      "http-headers",
			Summary: map[string]string{"en": "the header fields of a real exchange, sorted into their classes", "zh": "把一次真实交互中的首部字段按类别归类"},
			Run:     demoHeaders,
		},
		{
			ID:      "http-framing",
			Summary: map[string]string{"en": "Content-Length, chunked, HEAD and 204 on the wire, then a smuggling attempt", "zh": "线路上的 Content-Length、chunked、HEAD 与 204，然后是一次请求走私尝试"},
			Run:     demoFraming,
		},
		{
			ID:      "http-connections",
			Summary: map[string]string{"en": "count TCP connects: short connections, keep-alive and pipelining", "zh": "数一数 TCP 连接：短连接、持久连接与管线化"},
			Run:     demoConnections,
		},
	}
}

func demoAnatomy(ctx context.Context, e *Env) error {
	srv, err := startHTTP(inspect.Handler())
	if err != nil {
		return err
	}
	defer srv.Close()
	req := []byte("POST /hello?lang=go HTTP/1.1\r\nHost: " + srv.Addr + "\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello")
	e.Say("The request, as sent (\\r\\n is CR LF, two bytes):", "发出的请求（\\r\\n 是 CR LF 两个字节）：")
	e.Quote("  > ", req)
	a, err := annotate.Annotate(req)
	if err != nil {
		return err
	}
	e.Say("\nThe engine's reading of it, segment by segment (offset, kind, bytes, meaning):", "\n引擎对它的解读，逐段列出（偏移、类型、字节、含义）：")
	a.WriteText(e.Out)
	resp, err := exchange(ctx, srv.Addr, req)
	if err != nil {
		return err
	}
	e.Say("\nThe response (status line, header fields, empty line, body):", "\n响应（状态行、首部字段、空行、正文）：")
	e.Quote("  < ", resp)
	ra, err := annotate.Annotate(resp)
	if err != nil {
		return err
	}
	e.Say("\nAnd the response, segment by segment:", "\n响应的逐段解读：")
	ra.WriteText(e.Out)

	// The Host rule: an HTTP/1.1 request without Host is rejected.
	noHost := []byte("GET / HTTP/1.1\r\nConnection: close\r\n\r\n")
	bad, err := exchange(ctx, srv.Addr, noHost)
	if err != nil {
		return err
	}
	e.Say("\nThe Host rule: an HTTP/1.1 request without Host gets %q.", "\nHost 规则：缺少 Host 的 HTTP/1.1 请求得到 %q。", firstLine(bad))
	if err := check(strings.HasPrefix(string(bad), "HTTP/1.1 400"), "a request without Host got %q, want 400", firstLine(bad)); err != nil {
		return err
	}
	return check(strings.HasPrefix(string(resp), "HTTP/1.1 200"), "echo got %q, want 200", firstLine(resp))
}

// methodNotes say what each method asks for and its properties (RFC 9110 §9).
var methodNotes = map[string][2]string{
	"GET":     {"fetch a representation; safe, idempotent, cacheable", "获取资源的表示；安全、幂等、可缓存"},
	"HEAD":    {"GET without the content: the same header section, no body; safe, idempotent", "不带内容的 GET：首部相同，没有正文；安全、幂等"},
	"POST":    {"have the target process the enclosed content; neither safe nor idempotent", "让目标资源处理所附内容；既不安全也不幂等"},
	"PUT":     {"replace the target's state with the content; idempotent", "用所附内容替换目标资源的状态；幂等"},
	"DELETE":  {"remove the target's state; idempotent", "删除目标资源；幂等"},
	"OPTIONS": {"ask what the target supports; safe, idempotent", "询问目标支持哪些通信选项；安全、幂等"},
}

func demoMethods(ctx context.Context, e *Env) error {
	srv, err := startHTTP(inspect.Handler())
	if err != nil {
		return err
	}
	defer srv.Close()
	cc, err := httpcore.Dial(ctx, srv.Addr)
	if err != nil {
		return err
	}
	defer cc.Close()
	var getLen string
	for _, m := range []string{"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"} {
		req := &httpcore.Request{Method: m, Target: "/items/7"}
		if m == "POST" || m == "PUT" {
			body := `{"name":"wirelab"}`
			req.Header.Set("Content-Type", "application/json")
			req.Body = strings.NewReader(body)
			req.ContentLength = int64(len(body))
		}
		resp, err := cc.Do(req)
		if err != nil {
			return err
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		note := methodNotes[m][0]
		if e.Lang == "zh" {
			note = methodNotes[m][1]
		}
		e.Printf("%-7s /items/7 → %d, Content-Length %s, %d body bytes received\n", m, resp.StatusCode, resp.Header.Get("Content-Length"), len(body))
		e.Printf("        %s\n", note)
		switch m {
		case "GET":
			getLen = resp.Header.Get("Content-Length")
		case "HEAD":
			if err := check(len(body) == 0, "HEAD response carried %d body bytes", len(body)); err != nil {
				return err
			}
			e.Say("        (HEAD: the header says %s bytes, as for GET — the %d-byte difference is only the echoed method name — and no body follows)",
				"        （HEAD：首部声明 %s 字节，与 GET 相当——相差的 %d 字节只是回显的方法名——而后面没有正文）",
				resp.Header.Get("Content-Length"), len("HEAD")-len("GET"))
		case "POST", "PUT":
			var echo inspect.Echo
			if err := json.Unmarshal(body, &echo); err != nil {
				return err
			}
			e.Printf("        server read body: %s\n", echo.Body)
		}
	}
	e.Say("All six requests travelled on one TCP connection: the server counted %d.", "六个请求都走同一条 TCP 连接：服务端只数到 %d 个连接。", srv.Conns.Load())
	return check(getLen != "" && srv.Conns.Load() == 1, "want one connection and a GET Content-Length")
}

// statusNotes say what a client does with each status the lesson shows.
var statusNotes = map[int][2]string{
	200: {"use the body: the request worked", "使用正文：请求成功"},
	204: {"success with nothing to show: keep the current page", "成功但无内容：保持当前页面"},
	206: {"a byte range (Range: bytes=0-4): splice it into the download", "一个字节范围（Range: bytes=0-4）：拼接进下载内容"},
	301: {"follow Location and remember it: bookmarks and search engines update", "跟随 Location 并记住它：书签和搜索引擎会更新"},
	302: {"follow Location this time only; browsers turn a POST into a GET", "仅这次跟随 Location；浏览器会把 POST 改成 GET"},
	303: {"fetch Location with GET (after a form POST, show the result page)", "用 GET 获取 Location（表单 POST 之后显示结果页）"},
	304: {"reuse the cached copy: nothing was re-sent", "使用缓存副本：服务器没有重发内容"},
	307: {"follow Location this time with the same method and body", "这次用相同的方法和正文跟随 Location"},
	400: {"fix the request; sending it again unchanged will fail again", "修正请求；原样重发仍会失败"},
	401: {"ask for credentials (WWW-Authenticate says how) and retry", "索取凭据（WWW-Authenticate 说明方式）后重试"},
	403: {"stop: credentials will not help", "停止：提供凭据也无济于事"},
	404: {"nothing here: show an error, maybe check the URL", "这里什么也没有：显示错误，或检查 URL"},
	500: {"the server failed; retrying later may work", "服务器出错；稍后重试或许可以"},
	503: {"overloaded or in maintenance: wait Retry-After seconds", "过载或维护中：等待 Retry-After 指定的秒数"},
}

// StatusCodes are the codes the status-code lesson shows live.
var lessonStatusCodes = []int{200, 204, 206, 301, 302, 303, 304, 307, 400, 401, 403, 404, 500, 503}

func demoStatus(ctx context.Context, e *Env) error {
	srv, err := startHTTP(inspect.Handler())
	if err != nil {
		return err
	}
	defer srv.Close()
	cc, err := httpcore.Dial(ctx, srv.Addr)
	if err != nil {
		return err
	}
	defer func() { cc.Close() }()
	for _, code := range lessonStatusCodes {
		if !cc.Reusable() {
			cc.Close()
			if cc, err = httpcore.Dial(ctx, srv.Addr); err != nil {
				return err
			}
		}
		req := &httpcore.Request{Method: "GET", Target: fmt.Sprintf("/status/%d", code)}
		if code == 206 {
			req.Header.Set("Range", "bytes=0-4")
		}
		resp, err := cc.Do(req)
		if err != nil {
			return err
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		var extra []string
		for _, f := range []string{"Location", "WWW-Authenticate", "Retry-After", "Content-Range", "ETag"} {
			if v := resp.Header.Get(f); v != "" {
				extra = append(extra, f+": "+v)
			}
		}
		note := statusNotes[code][0]
		if e.Lang == "zh" {
			note = statusNotes[code][1]
		}
		e.Printf("GET /status/%d → %s %d %s, %d body bytes", code, resp.Proto, resp.StatusCode, resp.Reason, len(body))
		if len(extra) > 0 {
			e.Printf(", %s", strings.Join(extra, ", "))
		}
		if code == 206 {
			e.Printf(", body %q", body)
		}
		e.Printf("\n      → %s\n", note)
		if err := check(resp.StatusCode == code, "/status/%d answered %d", code, resp.StatusCode); err != nil {
			return err
		}
		if code == 204 || code == 304 {
			if err := check(len(body) == 0, "%d carried a body", code); err != nil {
				return err
			}
		}
	}
	e.Say("The first digit is the class: 2xx success, 3xx go elsewhere, 4xx the client's mistake, 5xx the server's. A client that does not know a code treats it as x00 of its class.",
		"第一位数字是类别：2xx 成功，3xx 重定向，4xx 客户端错误，5xx 服务器错误。客户端遇到不认识的状态码时，按同类的 x00 处理。")
	return nil
}

// headerClass sorts a field into the four classes of RFC 2616 §4.5, §5.3,
// §6.2 and §7.1; RFC 9110 calls the entity fields representation and
// content fields.
func headerClass(name string) string {
	switch strings.ToLower(name) {
	case "cache-control", "connection", "date", "pragma", "trailer", "transfer-encoding", "upgrade", "via", "warning":
		return "general"
	case "accept", "accept-charset", "accept-encoding", "accept-language", "authorization", "expect", "from", "host",
		"if-match", "if-modified-since", "if-none-match", "if-range", "if-unmodified-since", "max-forwards",
		"proxy-authorization", "range", "referer", "te", "user-agent", "origin", "cookie":
		return "request"
	case "accept-ranges", "age", "etag", "location", "proxy-authenticate", "retry-after", "server", "vary", "www-authenticate", "set-cookie":
		return "response"
	case "allow", "content-encoding", "content-language", "content-length", "content-location", "content-md5",
		"content-range", "content-type", "expires", "last-modified":
		return "entity"
	}
	return "extension"
}

func demoHeaders(ctx context.Context, e *Env) error {
	srv, err := startHTTP(inspect.Handler())
	if err != nil {
		return err
	}
	defer srv.Close()
	body := "q=wire"
	req := []byte("POST /search HTTP/1.1\r\n" +
		"Host: " + srv.Addr + "\r\n" +
		"User-Agent: wirelab-lesson/1\r\n" +
		"Accept: application/json\r\n" +
		"Accept-Language: zh-CN, en;q=0.8\r\n" +
		"Cache-Control: no-cache\r\n" +
		"Content-Type: application/x-www-form-urlencoded\r\n" +
		"Content-Length: 6\r\n" +
		"x-LESSON: headers\r\n" +
		"Connection: close\r\n\r\n" + body)
	raw, err := exchange(ctx, srv.Addr, req)
	if err != nil {
		return err
	}
	resp, rbody, err := readResponse(bufio.NewReader(bytes.NewReader(raw)), nil)
	if err != nil {
		return err
	}
	var echo inspect.Echo
	if err := json.Unmarshal(rbody, &echo); err != nil {
		return err
	}
	e.Say("The server received these request fields, in order and with their case kept:", "服务端收到的请求首部，保持原顺序和大小写：")
	for _, f := range echo.Headers {
		e.Printf("  %-9s %s: %s\n", headerClass(f[0]), f[0], f[1])
	}
	e.Say("The response fields:", "响应首部：")
	for _, f := range resp.Header.Fields() {
		e.Printf("  %-9s %s: %s\n", headerClass(f.Name), f.Name, f.Value)
	}
	// And a response with response-class fields.
	raw2, err := exchange(ctx, srv.Addr, []byte("GET /status/401 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
	if err != nil {
		return err
	}
	r2, _, err := readResponse(bufio.NewReader(bytes.NewReader(raw2)), nil)
	if err != nil {
		return err
	}
	e.Say("A 401 adds a response field that tells the client how to authenticate:", "401 响应多了一个告诉客户端如何认证的响应首部：")
	for _, f := range r2.Header.Fields() {
		e.Printf("  %-9s %s: %s\n", headerClass(f.Name), f.Name, f.Value)
	}
	var h httpcore.Header
	for _, f := range echo.Headers {
		h.Add(f[0], f[1])
	}
	e.Say("Field names ignore case: Get(\"X-Lesson\") finds %q, sent as \"x-LESSON\".", "字段名不区分大小写：Get(\"X-Lesson\") 找到了以 \"x-LESSON\" 发送的 %q。", h.Get("X-Lesson"))
	return check(h.Get("X-Lesson") == "headers" && r2.Header.Get("WWW-Authenticate") != "", "fields did not arrive as sent")
}

func demoFraming(ctx context.Context, e *Env) error {
	srv, err := startHTTP(inspect.Handler())
	if err != nil {
		return err
	}
	defer srv.Close()
	show := func(title [2]string, req string) ([]byte, error) {
		resp, err := exchange(ctx, srv.Addr, []byte(req))
		if err != nil {
			return nil, err
		}
		e.Say(title[0], title[1])
		e.Quote("  < ", resp)
		return resp, nil
	}
	// 1. Content-Length
	r1, err := show([2]string{"1. A body framed by Content-Length: the receiver reads exactly that many bytes.", "1. 由 Content-Length 界定的正文：接收方恰好读取这么多字节。"},
		"GET /status/404 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	if err != nil {
		return err
	}
	// 2. chunked
	r2, err := show([2]string{"\n2. A chunked body (/drip flushes 3 pieces): each chunk is its size in hex, CRLF, the bytes, CRLF; a 0 chunk ends it.", "\n2. 分块正文（/drip 分 3 次刷出）：每块是十六进制长度、CRLF、数据、CRLF；长度为 0 的块表示结束。"},
		"GET /drip?n=3&size=4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	if err != nil {
		return err
	}
	a, err := annotate.Annotate(r2)
	if err != nil {
		return err
	}
	a.WriteText(e.Out)
	// 3. HEAD
	r3, err := show([2]string{"\n3. HEAD: Content-Length says how long the GET body would be, yet no body follows.", "\n3. HEAD：Content-Length 说明 GET 的正文会有多长，但后面没有正文。"},
		"HEAD /status/404 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	if err != nil {
		return err
	}
	// 4. 204
	r4, err := show([2]string{"\n4. 204 No Content: the message ends at the empty line, whatever follows.", "\n4. 204 No Content：报文在空行处结束，不管后面还有什么。"},
		"GET /status/204 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	if err != nil {
		return err
	}
	for _, ok := range []bool{
		bytes.Contains(r1, []byte("Content-Length:")),
		bytes.Contains(r2, []byte("Transfer-Encoding: chunked")) && bytes.HasSuffix(r2, []byte("0\r\n\r\n")),
		bytes.HasSuffix(r3, []byte("\r\n\r\n")),
		bytes.HasSuffix(r4, []byte("\r\n\r\n")),
	} {
		if !ok {
			return fmt.Errorf("a response was not framed as the lesson says")
		}
	}

	// 5. Smuggling: Content-Length and Transfer-Encoding disagree.
	smuggled := "GET /admin HTTP/1.1\r\nHost: x\r\n\r\n"
	body := "0\r\n\r\n" + smuggled
	attack := fmt.Sprintf("POST /search HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n%s", len(body), body)
	e.Say("\n5. A request with both Content-Length: %d and Transfer-Encoding: chunked:", "\n5. 同时带有 Content-Length: %d 和 Transfer-Encoding: chunked 的请求：", len(body))
	e.Quote("  > ", []byte(attack))
	e.Say("   A proxy that trusts Content-Length sees ONE request (the body is all %d bytes).", "   信任 Content-Length 的代理看到的是一个请求（正文是全部 %d 字节）。", len(body))
	e.Say("   A server that trusts chunked sees the body end at \"0\\r\\n\\r\\n\" and then a SECOND request: GET /admin.", "   信任 chunked 的服务器看到正文在 \"0\\r\\n\\r\\n\" 处结束，随后是第二个请求：GET /admin。")
	e.Say("   That disagreement lets an attacker slip a request past the proxy: request smuggling.", "   这种分歧让攻击者能把一个请求偷偷带过代理：这就是请求走私。")
	var handledN atomic.Int64
	guarded, err := startHTTP(httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		handledN.Add(1)
		w.WriteString("ok\n")
	}))
	if err != nil {
		return err
	}
	defer guarded.Close()
	got, err := exchange(ctx, guarded.Addr, []byte(attack))
	if err != nil {
		return err
	}
	e.Say("   wirelab's server answers:", "   wirelab 的服务器回答：")
	e.Quote("  < ", got)
	e.Say("   requests that reached the handler: %d; GET /admin answered: %v (the connection was closed after the 400)",
		"   到达处理程序的请求数：%d；GET /admin 是否被应答：%v（回答 400 后连接即被关闭）", handledN.Load(), bytes.Count(got, []byte("HTTP/1.1")) > 1)
	return check(strings.HasPrefix(string(got), "HTTP/1.1 400") && handledN.Load() == 0 && bytes.Count(got, []byte("HTTP/1.1")) == 1,
		"the ambiguous request was not rejected alone: %q", got)
}

func demoConnections(ctx context.Context, e *Env) error {
	rec, ctap, stap := e.taps()
	srv, err := startHTTPTap(inspect.Handler(), &stap)
	if err != nil {
		return err
	}
	defer srv.Close()
	const n = 5
	connect := e.T("connect", "建立连接")
	// part draws the events recorded since from, once both ends have
	// closed, and returns where the next part starts.
	part := func(from int, title [2]string) (int, error) {
		events := settle(ctx, rec)
		return len(events), e.draw(title, clientServer, rebase(events[from:]))
	}

	// 1. Short connections: HTTP/1.0 closes after every response.
	start := time.Now()
	for i := 1; i <= n; i++ {
		c, err := ctap.Dial(ctx, srv.Addr, connect)
		if err != nil {
			return err
		}
		c.SetDeadline(time.Now().Add(ioTimeout))
		_, err = fmt.Fprintf(c, "GET /r%d HTTP/1.0\r\nHost: x\r\n\r\n", i)
		var resp []byte
		if err == nil {
			resp, err = io.ReadAll(c) // until the server's FIN
		}
		c.Close()
		if err != nil {
			return err
		}
		if !strings.HasPrefix(string(resp), "HTTP/1.1 200") {
			return fmt.Errorf("short request %d got %q", i, firstLine(resp))
		}
	}
	short := srv.Conns.Load()
	e.Say("1. %d requests as HTTP/1.0 (the server closes after each response): %d TCP connects, %v",
		"1. 以 HTTP/1.0 发送 %d 个请求（服务器每次响应后都关闭连接）：%d 次 TCP 连接，用时 %v", n, short, time.Since(start).Round(time.Microsecond))
	next, err := part(0, [2]string{"   Each request pays for a connect, and the server's FIN ends each response:",
		"   每个请求都要付出一次连接，服务端的 FIN 标志着每个响应的结束："})
	if err != nil {
		return err
	}

	// 2. Persistent: HTTP/1.1 keeps the connection open.
	start = time.Now()
	nc, err := ctap.Dial(ctx, srv.Addr, connect)
	if err != nil {
		return err
	}
	cc := httpcore.NewClientConn(nc)
	for i := 1; i <= n; i++ {
		resp, err := cc.Do(&httpcore.Request{Method: "GET", Target: fmt.Sprintf("/k%d", i), Host: srv.Addr})
		if err != nil {
			cc.Close()
			return err
		}
		io.Copy(io.Discard, resp.Body)
	}
	cc.Close()
	persistent := srv.Conns.Load() - short
	e.Say("\n2. %d requests as HTTP/1.1 on one persistent connection, one after another: %d TCP connect, %v",
		"\n2. 在一条 HTTP/1.1 持久连接上依次发送 %d 个请求：%d 次 TCP 连接，用时 %v", n, persistent, time.Since(start).Round(time.Microsecond))
	next, err = part(next, [2]string{"   One connect, then each request waits for the answer before it:",
		"   只连接一次，之后每个请求都等前一个回答到了才发出："})
	if err != nil {
		return err
	}

	// 3. Pipelining: all requests in one write, responses in order.
	start = time.Now()
	c, err := ctap.Dial(ctx, srv.Addr, connect)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(ioTimeout))
	var batch bytes.Buffer
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&batch, "GET /p%d HTTP/1.1\r\nHost: x\r\n\r\n", i)
	}
	if _, err := c.Write(batch.Bytes()); err != nil {
		return err
	}
	br := bufio.NewReader(c)
	var order []string
	for i := 1; i <= n; i++ {
		_, body, err := readResponse(br, nil)
		if err != nil {
			return err
		}
		var echo inspect.Echo
		if err := json.Unmarshal(body, &echo); err != nil {
			return err
		}
		order = append(order, echo.Target)
	}
	c.Close()
	pipelined := srv.Conns.Load() - short - persistent
	e.Say("\n3. %d requests pipelined: written in one go (%d bytes) before any answer, on %d TCP connect, %v",
		"\n3. 管线化发送 %d 个请求：在收到任何回答前一次写出（%d 字节），%d 次 TCP 连接，用时 %v", n, batch.Len(), pipelined, time.Since(start).Round(time.Microsecond))
	e.Say("   the responses came back in request order: %v", "   响应按请求顺序返回：%v", order)
	if _, err := part(next, [2]string{"   One connect, one write for all the requests, the answers in their order:",
		"   只连接一次，所有请求一次写出；回答按请求的顺序返回："}); err != nil {
		return err
	}
	return check(short == n && persistent == 1 && pipelined == 1 && strings.Join(order, ",") == "/p1,/p2,/p3,/p4,/p5",
		"connects short=%d persistent=%d pipelined=%d order=%v", short, persistent, pipelined, order)
}
