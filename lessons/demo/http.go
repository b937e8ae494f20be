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
	"github.com/wirelab/wirelab/internal/httptext"
	"github.com/wirelab/wirelab/internal/i18n"
)

func httpDemos() []Demo {
	return []Demo{
		{
			ID:      "http-anatomy",
			Summary: i18n.ByLang(i18n.DemoSummaryHttpAnatomy),
			Run:     demoAnatomy,
		},
		{
			ID:      "http-methods",
			Summary: i18n.ByLang(i18n.DemoSummaryHttpMethods),
			Run:     demoMethods,
		},
		{
			ID:      "http-status",
			Summary: i18n.ByLang(i18n.DemoSummaryHttpStatus),
			Run:     demoStatus,
		},
		{
			ID:      "http-headers",
			Summary: i18n.ByLang(i18n.DemoSummaryHttpHeaders),
			Run:     demoHeaders,
		},
		{
			ID:      "http-framing",
			Summary: i18n.ByLang(i18n.DemoSummaryHttpFraming),
			Run:     demoFraming,
		},
		{
			ID:      "http-connections",
			Summary: i18n.ByLang(i18n.DemoSummaryHttpConnections),
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
	e.Tell(i18n.DemoHTTPRequestSentRN)
	e.Quote("  > ", req)
	a, err := annotate.Annotate(req)
	if err != nil {
		return err
	}
	e.Tell(i18n.DemoHTTPEngineReadingSegmentSegment)
	httptext.WriteAnnotation(e.Out, a, e.P())
	resp, err := exchange(ctx, srv.Addr, req)
	if err != nil {
		return err
	}
	e.Tell(i18n.DemoHTTPResponseStatusLineHeader)
	e.Quote("  < ", resp)
	ra, err := annotate.Annotate(resp)
	if err != nil {
		return err
	}
	e.Tell(i18n.DemoHTTPResponseSegmentSegment)
	httptext.WriteAnnotation(e.Out, ra, e.P())

	// The Host rule: an HTTP/1.1 request without Host is rejected.
	noHost := []byte("GET / HTTP/1.1\r\nConnection: close\r\n\r\n")
	bad, err := exchange(ctx, srv.Addr, noHost)
	if err != nil {
		return err
	}
	e.Tell(i18n.DemoHTTPHostRuleHttpRequest, firstLine(bad))
	if err := check(strings.HasPrefix(string(bad), "HTTP/1.1 400"), "a request without Host got %q, want 400", firstLine(bad)); err != nil {
		return err
	}
	return check(strings.HasPrefix(string(resp), "HTTP/1.1 200"), "echo got %q, want 200", firstLine(resp))
}

// methodNotes say what each method asks for and its properties (RFC 9110 §9).
var methodNotes = map[string][2]string{
	"GET":     i18n.Pair(i18n.DemoHTTPMethodGET),
	"HEAD":    i18n.Pair(i18n.DemoHTTPMethodHEAD),
	"POST":    i18n.Pair(i18n.DemoHTTPMethodPOST),
	"PUT":     i18n.Pair(i18n.DemoHTTPMethodPUT),
	"DELETE":  i18n.Pair(i18n.DemoHTTPMethodDELETE),
	"OPTIONS": i18n.Pair(i18n.DemoHTTPMethodOPTIONS),
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
			e.Tell(i18n.DemoHTTPHeadHeaderSaysBytes, resp.Header.Get("Content-Length"), len("HEAD")-len("GET"))
		case "POST", "PUT":
			var echo inspect.Echo
			if err := json.Unmarshal(body, &echo); err != nil {
				return err
			}
			e.Printf("        server read body: %s\n", echo.Body)
		}
	}
	e.Tell(i18n.DemoHTTPAllSixRequestsTravelled, srv.Conns.Load())
	return check(getLen != "" && srv.Conns.Load() == 1, "want one connection and a GET Content-Length")
}

// statusNotes say what a client does with each status the lesson shows.
var statusNotes = map[int][2]string{
	200: i18n.Pair(i18n.DemoHTTPStatus200),
	204: i18n.Pair(i18n.DemoHTTPStatus204),
	206: i18n.Pair(i18n.DemoHTTPStatus206),
	301: i18n.Pair(i18n.DemoHTTPStatus301),
	302: i18n.Pair(i18n.DemoHTTPStatus302),
	303: i18n.Pair(i18n.DemoHTTPStatus303),
	304: i18n.Pair(i18n.DemoHTTPStatus304),
	307: i18n.Pair(i18n.DemoHTTPStatus307),
	400: i18n.Pair(i18n.DemoHTTPStatus400),
	401: i18n.Pair(i18n.DemoHTTPStatus401),
	403: i18n.Pair(i18n.DemoHTTPStatus403),
	404: i18n.Pair(i18n.DemoHTTPStatus404),
	500: i18n.Pair(i18n.DemoHTTPStatus500),
	503: i18n.Pair(i18n.DemoHTTPStatus503),
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
	e.Tell(i18n.DemoHTTPFirstDigitClassXx)
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
	e.Tell(i18n.DemoHTTPServerReceivedTheseRequest)
	for _, f := range echo.Headers {
		e.Printf("  %-9s %s: %s\n", headerClass(f[0]), f[0], f[1])
	}
	e.Tell(i18n.DemoHTTPResponseFields)
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
	e.Tell(i18n.DemoHTTPAddsResponseFieldTells)
	for _, f := range r2.Header.Fields() {
		e.Printf("  %-9s %s: %s\n", headerClass(f.Name), f.Name, f.Value)
	}
	var h httpcore.Header
	for _, f := range echo.Headers {
		h.Add(f[0], f[1])
	}
	e.Tell(i18n.DemoHTTPFieldNamesIgnoreCase, h.Get("X-Lesson"))
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
	r1, err := show(i18n.Pair(i18n.DemoHTTP1BodyFramedContent),
		"GET /status/404 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	if err != nil {
		return err
	}
	// 2. chunked
	r2, err := show(i18n.Pair(i18n.DemoHTTP2ChunkedBodyDrip),
		"GET /drip?n=3&size=4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	if err != nil {
		return err
	}
	a, err := annotate.Annotate(r2)
	if err != nil {
		return err
	}
	httptext.WriteAnnotation(e.Out, a, e.P())
	// 3. HEAD
	r3, err := show(i18n.Pair(i18n.DemoHTTP3HeadContentLength),
		"HEAD /status/404 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	if err != nil {
		return err
	}
	// 4. 204
	r4, err := show(i18n.Pair(i18n.DemoHTTP4204NoContent),
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
	e.Tell(i18n.DemoHTTPRequestBothContentLength, len(body))
	e.Quote("  > ", []byte(attack))
	e.Tell(i18n.DemoHTTPProxyTrustsContentLength, len(body))
	e.Tell(i18n.DemoHTTPServerTrustsChunkedSees)
	e.Tell(i18n.DemoHTTPDisagreementLetsAttackerSlip)
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
	e.Tell(i18n.DemoHTTPWirelabServerAnswers)
	e.Quote("  < ", got)
	e.Tell(i18n.DemoHTTPRequestsReachedHandlerGet, handledN.Load(), bytes.Count(got, []byte("HTTP/1.1")) > 1)
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
	e.Tell(i18n.DemoHTTPRequestsHttpServerCloses, n, short, time.Since(start).Round(time.Microsecond))
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
	e.Printf("\n")
	e.Tell(i18n.DemoHTTPRequestsHttpOnePersistent, n, persistent, time.Since(start).Round(time.Microsecond))
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
	e.Printf("\n")
	e.Tell(i18n.DemoHTTPRequestsPipelinedWrittenOne, n, batch.Len(), pipelined, time.Since(start).Round(time.Microsecond))
	e.Tell(i18n.DemoHTTPResponsesCameBackRequest, order)
	if _, err := part(next, [2]string{"   One connect, one write for all the requests, the answers in their order:",
		"   只连接一次，所有请求一次写出；回答按请求的顺序返回："}); err != nil {
		return err
	}
	return check(short == n && persistent == 1 && pipelined == 1 && strings.Join(order, ",") == "/p1,/p2,/p3,/p4,/p5",
		"connects short=%d persistent=%d pipelined=%d order=%v", short, persistent, pipelined, order)
}
