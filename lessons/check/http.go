package check

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/internal/i18n"
)

// The HTTP track, as data. Each stage is a list of steps; a step writes
// bytes on one of the stage's connections (in one TCP write per piece,
// with a pause between pieces) and then reads the responses it expects, in
// order. runner.runHTTP runs them; nothing else in this file sends or
// reads.
//
// In what a step writes, {host} stands for HOST:PORT and {echo} for the
// stage's random value.

// bodyText is the body of POST /echo: 28 bytes in UTF-8, 23 characters.
const bodyText = "wirelab body: héllo, 世界"

// The chunked request body: chunks of 0x1a and 0x7 bytes.
var (
	chunkedParts = []string{"abcdefghijklmnopqrstuvwxyz", "wirelab"}
	chunkedBody  = strings.Join(chunkedParts, "")
)

// concurrentClients is how many clients the concurrent stage opens beside
// the idle one.
const concurrentClients = 4

// echoHeader is the field GET /headers echoes; the checker sends its name
// as echoHeaderSent, in mixed case.
const (
	echoHeader     = "X-Wirelab-Echo"
	echoHeaderSent = "x-WireLab-Echo"
)

// ltext is a string in English and Chinese.
type ltext [2]string

// An httpStage is one stage of the HTTP track.
type httpStage struct {
	id      string
	section string
	sends   ltext
	expects ltext
	hints   [2]ltext // hint 1, a nudge; hint 2, the exact rule
	pass    ltext    // the message when it passes
	steps   []httpStep
}

// An httpStep writes pieces on connection conn (opened on first use) and
// then reads the responses in expect.
type httpStep struct {
	conn   int
	what   ltext    // what the step is, for messages ("the second client")
	writes []string // each in one write call, splitPause apart
	expect []httpWant
}

// An httpWant is what one response must be.
type httpWant struct {
	method  string // of the request answered, for the framing of the body ("HEAD": none)
	status  int
	section string // the rule the status comes from
	// body, if set, is the exact body; nonEmpty asks for some body.
	body     *string
	nonEmpty bool
	// echo asks for the field X-Wirelab-Echo with the stage's value.
	echo bool
	// lengthed asks for a body framed by Content-Length.
	lengthed bool
	// open asks that the response not announce Connection: close.
	open bool
	// sameLength asks for the Content-Length of the previous GET /.
	sameLength bool
	// hint, if set, explains any failure to read or judge this response
	// better than the stage's hints.
	hint ltext
}

// keepAliveHint explains a connection closed after a response.
var keepAliveHint = ltext{"HTTP/1.1 connections are persistent: after writing a response, loop and read the next request from the same socket; close only when the client closes or sends Connection: close.",
	"HTTP/1.1 连接默认是持久的：写完一个响应后，要循环在同一个 socket 上读取下一个请求；只有客户端关闭或发送 Connection: close 时才关闭。"}

// headNoBody explains bytes after the header section of a response to HEAD.
var headNoBody = ltext{"A response to HEAD has no body, whatever its Content-Length says: stop after the empty line, or the bytes after it are read as the next response.",
	"HEAD 的响应没有响应体，不管 Content-Length 是多少：在空行处停止，否则空行之后的字节会被当成下一个响应。"}

func req(method, path string, fields ...string) string {
	var b strings.Builder
	b.WriteString(method + " " + path + " HTTP/1.1\r\nHost: {host}\r\nUser-Agent: wirelab-check\r\n")
	for _, f := range fields {
		b.WriteString(f + "\r\n")
	}
	b.WriteString("\r\n")
	return b.String()
}

func post(body string) string {
	return req("POST", "/echo", "Content-Type: text/plain; charset=utf-8", "Content-Length: "+strconv.Itoa(len(body))) + body
}

func chunkedPost() string {
	var b strings.Builder
	b.WriteString(req("POST", "/echo", "Content-Type: text/plain", "Transfer-Encoding: chunked"))
	for _, p := range chunkedParts {
		fmt.Fprintf(&b, "%x\r\n%s\r\n", len(p), p)
	}
	b.WriteString("0\r\n\r\n")
	return b.String()
}

var (
	getRoot  = req("GET", "/")
	getNope  = req("GET", "/nope")
	getEcho  = req("GET", "/headers", echoHeaderSent+": {echo}")
	postBody = post(bodyText)
	echoed   = bodyText
	chunked  = chunkedBody

	want200  = httpWant{method: "GET", status: 200, section: "RFC 9110 §15.3.1", nonEmpty: true}
	want404  = httpWant{method: "GET", status: 404, section: "RFC 9110 §15.5.5"}
	wantEcho = httpWant{method: "POST", status: 200, section: "RFC 9112 §6.2", body: &echoed, lengthed: true}
)

// pipelined is w for the second of two requests sent in one write.
func pipelined(w httpWant) httpWant {
	w.section = "RFC 9112 §9.3.2"
	w.hint = ltext{"The second request came in the same TCP write as the first: keep the bytes read past the end of one request, they are the start of the next.",
		"第二个请求和第一个在同一次 TCP 写入中到达：读过一个请求结尾的字节要留着，它们是下一个请求的开头。"}
	return w
}

// kept is w asking the connection to stay open.
func kept(w httpWant) httpWant { w.open = true; return w }

// split cuts s at the byte offsets cuts.
func split(s string, cuts ...int) []string {
	var out []string
	from := 0
	for _, c := range cuts {
		out = append(out, s[from:c])
		from = c
	}
	return append(out, s[from:])
}

func splitRequest() []string {
	s := postBody
	cl := strings.Index(s, "Content-Length")
	end := strings.Index(s, "\r\n\r\n")
	return split(s, 8, cl+10, end+2, end+4+9)
}

var httpTrack = []httpStage{
	{
		id: "tcp", section: "RFC 9112 §4",
		sends:   ltext{"GET / HTTP/1.1 on a new TCP connection", "在新的 TCP 连接上发送 GET / HTTP/1.1"},
		expects: ltext{`"HTTP/1.1 200 OK\r\n", field lines, an empty line and a non-empty body`, `"HTTP/1.1 200 OK\r\n"、字段行、空行和非空的响应体`},
		hints: [2]ltext{
			{"Accept the connection, read the request, then write a response on the same socket.", "接受连接，读取请求，然后在同一个 socket 上写回响应。"},
			{`Write "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello": the status line, the fields, an empty line, then exactly Content-Length bytes.`,
				`写回 "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"：状态行、字段行、空行，然后正好 Content-Length 个字节。`},
		},
		pass:  ltext{"GET / answered 200 with a body", "GET / 得到 200 和响应体"},
		steps: []httpStep{{writes: []string{getRoot}, expect: []httpWant{want200}}},
	},
	{
		id: "route", section: "RFC 9112 §3",
		sends:   ltext{"GET /nope", "GET /nope"},
		expects: ltext{"404 Not Found: the path decides the answer", "404 Not Found：由路径决定回答"},
		hints: [2]ltext{
			{"Look at the request line: the path is its second word.", "看请求行：路径是它的第二个词。"},
			{`Split the request line "GET /nope HTTP/1.1" at its two spaces into method, target and version; answer "/" with 200 and any other path with "HTTP/1.1 404 Not Found\r\n".`,
				`把请求行 "GET /nope HTTP/1.1" 在两个空格处分成方法、目标和版本；"/" 回答 200，其他路径回答 "HTTP/1.1 404 Not Found\r\n"。`},
		},
		pass:  ltext{"GET /nope answered 404", "GET /nope 得到 404"},
		steps: []httpStep{{writes: []string{getNope}, expect: []httpWant{want404}}},
	},
	{
		id: "headers", section: "RFC 9110 §5.1",
		sends:   ltext{`GET /headers with "` + echoHeaderSent + `: <random>"`, `GET /headers，带 "` + echoHeaderSent + `: <随机值>"`},
		expects: ltext{`200 with "` + echoHeader + `: <the same value>"`, `200，带 "` + echoHeader + `: <同一个值>"`},
		hints: [2]ltext{
			{"Parse the field lines into a map of name to value; field names ignore case.", "把字段行解析成名字到值的映射；字段名不区分大小写。"},
			{`Each field line is "name: value\r\n"; split at the first colon, trim the spaces around the value, and compare names in lower case. Answer GET /headers with "` + echoHeader + `: <value>\r\n" among the response fields.`,
				`每个字段行是 "name: value\r\n"：在第一个冒号处分开，去掉值两边的空白，名字按小写比较。回答 GET /headers 时在响应字段中加上 "` + echoHeader + `: <值>\r\n"。`},
		},
		pass:  ltext{"the field came back", "字段已回显"},
		steps: []httpStep{{writes: []string{getEcho}, expect: []httpWant{{method: "GET", status: 200, section: "RFC 9110 §15.3.1", echo: true}}}},
	},
	{
		id: "body", section: "RFC 9112 §6.2",
		sends:   ltext{fmt.Sprintf("POST /echo with Content-Length: %d and %q", len(bodyText), bodyText), fmt.Sprintf("POST /echo，Content-Length: %d，请求体 %q", len(bodyText), bodyText)},
		expects: ltext{fmt.Sprintf("200 with the same %d bytes as the body, framed by Content-Length", len(bodyText)), fmt.Sprintf("200，响应体是同样的 %d 个字节，用 Content-Length 界定", len(bodyText))},
		hints: [2]ltext{
			{"The body follows the empty line; Content-Length says how many bytes it has.", "请求体在空行之后；Content-Length 说明它有多少字节。"},
			{"After the header section read exactly Content-Length bytes (keep reading until you have them all), and answer with the same bytes and their length in bytes: \"é\" is 2 bytes, \"世\" 3.",
				"读完头部之后正好读 Content-Length 个字节（没读够就继续读），然后原样回写，并写上按字节计的长度：\"é\" 是 2 字节，\"世\" 是 3 字节。"},
		},
		pass:  ltext{"the body came back", "请求体已回显"},
		steps: []httpStep{{writes: []string{postBody}, expect: []httpWant{wantEcho}}},
	},
	{
		id: "keep-alive", section: "RFC 9112 §9.3",
		sends: ltext{`GET /, POST /echo and GET /nope one after the other on one connection; then "GET /nope" and "GET /" in one TCP write`,
			`在同一连接上依次发送 GET /、POST /echo、GET /nope；然后把 "GET /nope" 和 "GET /" 放在一次 TCP 写入中发送`},
		expects: ltext{"200, the echo, 404; then 404 and 200 in that order, the connection open throughout", "200、回显、404；然后依次 404 和 200，连接始终保持打开"},
		hints: [2]ltext{
			{"After a response, do not close: read the next request from the same socket.", "写完响应后不要关闭：在同一个 socket 上读取下一个请求。"},
			{"Loop: read a request up to its empty line and its body, answer it, repeat until the client closes. Keep the bytes read past one request's end: they are the start of the next (pipelining, RFC 9112 §9.3.2).",
				"循环：读取一个请求（直到空行和它的请求体），回答它，重复直到客户端关闭。超出一个请求结尾的字节要留着：那是下一个请求的开头（管线化，RFC 9112 §9.3.2）。"},
		},
		pass: ltext{"five requests answered on one connection, two of them pipelined", "五个请求在同一连接上得到回答，其中两个是管线化的"},
		steps: []httpStep{
			{what: ltext{"request 1 of 3", "第 1 个请求（共 3 个）"}, writes: []string{getRoot}, expect: []httpWant{kept(want200)}},
			{what: ltext{"request 2 of 3", "第 2 个请求（共 3 个）"}, writes: []string{postBody}, expect: []httpWant{kept(wantEcho)}},
			{what: ltext{"request 3 of 3", "第 3 个请求（共 3 个）"}, writes: []string{getNope}, expect: []httpWant{kept(want404)}},
			{what: ltext{"two requests in one write", "一次写入中的两个请求"}, writes: []string{getNope + getRoot}, expect: []httpWant{kept(want404), pipelined(kept(want200))}},
		},
	},
	{
		id: "split", section: "RFC 9112 §2.2",
		sends:   ltext{"POST /echo in 5 writes 50ms apart, cut inside the request line, a field line, the empty line and the body", "POST /echo 分成 5 次写入、间隔 50ms，切在请求行、字段行、空行和请求体中间"},
		expects: ltext{"the body echoed, as if it came in one piece", "请求体被回显，就像它是一次到达的"},
		hints: [2]ltext{
			{"One recv is not one request: TCP is a byte stream and may deliver a request in pieces.", "一次 recv 不等于一个请求：TCP 是字节流，请求可能分几次到达。"},
			{`Keep a buffer: append what each recv returns, and parse only when it holds "\r\n\r\n" and then Content-Length more bytes; until then, recv again.`,
				`维护一个缓冲区：把每次 recv 返回的内容追加进去，只有当其中出现 "\r\n\r\n" 并且之后还有 Content-Length 个字节时才解析；否则继续 recv。`},
		},
		pass:  ltext{"the request in 5 pieces was answered once, whole", "分成 5 段的请求被完整地回答了一次"},
		steps: []httpStep{{writes: splitRequest(), expect: []httpWant{kept(wantEcho)}}},
	},
	{
		id: "chunked", section: "RFC 9112 §7.1",
		sends: ltext{fmt.Sprintf("POST /echo with Transfer-Encoding: chunked, chunks of 0x1a and 0x7 bytes (%q), then GET / on the same connection", chunkedBody),
			fmt.Sprintf("POST /echo，Transfer-Encoding: chunked，两个分块各 0x1a 和 0x7 字节（%q），然后在同一连接上 GET /", chunkedBody)},
		expects: ltext{fmt.Sprintf("200 with the decoded body %q; then GET / answered", chunkedBody), fmt.Sprintf("200，响应体是解码后的 %q；然后 GET / 得到回答", chunkedBody)},
		hints: [2]ltext{
			{"With Transfer-Encoding: chunked there is no Content-Length: the body comes in chunks, each with its size in front.", "有 Transfer-Encoding: chunked 时没有 Content-Length：请求体分块到达，每块前面是它的长度。"},
			{`Read a line with the size in hexadecimal ("1a" is 26), that many bytes and CR LF; repeat until the size 0, then read the empty line; echo the joined chunks with a Content-Length.`,
				`读一行十六进制长度（"1a" 是 26），再读这么多字节和 CR LF；重复直到长度为 0，再读空行；把拼起来的内容加上 Content-Length 回显。`},
		},
		pass: ltext{"the chunked body came back decoded, and the next GET was answered", "chunked 请求体被解码回显，下一个 GET 也得到回答"},
		steps: []httpStep{
			{writes: []string{chunkedPost()}, expect: []httpWant{kept(httpWant{method: "POST", status: 200, section: "RFC 9112 §7.1", body: &chunked})}},
			{what: ltext{"the GET after the chunked POST", "chunked POST 之后的 GET"}, writes: []string{getRoot}, expect: []httpWant{{method: "GET", status: 200, section: "RFC 9112 §7.1", nonEmpty: true,
				hint: ltext{`Read the chunked body to its last chunk "0\r\n\r\n", no more and no less: the next request starts right after it.`, `把 chunked 请求体读到最后的 "0\r\n\r\n"，不多也不少：下一个请求紧跟在它后面。`}}}},
		},
	},
	{
		id: "head", section: "RFC 9110 §9.3.2",
		sends:   ltext{"GET /, then HEAD /, then GET / on one connection", "在同一连接上依次发送 GET /、HEAD /、GET /"},
		expects: ltext{"HEAD answered 200 with GET's Content-Length and no body; then the GET answered", "HEAD 得到 200，Content-Length 与 GET 相同，没有响应体；然后 GET 得到回答"},
		hints: [2]ltext{
			{"HEAD is GET without the body.", "HEAD 就是没有响应体的 GET。"},
			{"Answer HEAD / with the same status line and fields as GET /, Content-Length included, and stop after the empty line: bytes after it would be read as the next response.",
				"对 HEAD / 回答与 GET / 相同的状态行和字段（包括 Content-Length），在空行处停止：空行之后的字节会被当成下一个响应。"},
		},
		pass: ltext{"HEAD answered without a body", "HEAD 的回答没有响应体"},
		steps: []httpStep{
			{writes: []string{getRoot}, expect: []httpWant{kept(want200)}},
			{what: ltext{"HEAD /", "HEAD /"}, writes: []string{req("HEAD", "/")}, expect: []httpWant{kept(httpWant{method: "HEAD", status: 200, section: "RFC 9110 §9.3.2", sameLength: true})}},
			{what: ltext{"the GET after HEAD", "HEAD 之后的 GET"}, writes: []string{getRoot}, expect: []httpWant{{method: "GET", status: 200, section: "RFC 9110 §9.3.2", nonEmpty: true,
				hint: headNoBody}}},
		},
	},
	{
		id: "errors", section: "RFC 9110 §15.5.1",
		sends:   ltext{`"hello\r\n\r\n" on one connection, "GET / HTTP/3.0" on another`, `在一个连接上发送 "hello\r\n\r\n"，在另一个上发送 "GET / HTTP/3.0"`},
		expects: ltext{"400 Bad Request, then 505 HTTP Version Not Supported", "400 Bad Request，然后 505 HTTP Version Not Supported"},
		hints: [2]ltext{
			{"A server must answer a request it cannot read, not crash or hang.", "服务器对看不懂的请求也要回答，不能崩溃或挂起。"},
			{`A request line is exactly METHOD SP TARGET SP HTTP/x.y: anything else gets "HTTP/1.1 400 Bad Request\r\n"; a well-formed version other than HTTP/1.0 and HTTP/1.1 gets "HTTP/1.1 505 HTTP Version Not Supported\r\n".`,
				`请求行必须正好是 方法 空格 目标 空格 HTTP/x.y：否则回答 "HTTP/1.1 400 Bad Request\r\n"；格式正确但不是 HTTP/1.0 或 HTTP/1.1 的版本，回答 "HTTP/1.1 505 HTTP Version Not Supported\r\n"。`},
		},
		pass: ltext{"400 and 505 as they should be", "400 和 505 都正确"},
		steps: []httpStep{
			{what: ltext{`the malformed request "hello"`, `格式错误的请求 "hello"`}, writes: []string{"hello\r\n\r\n"}, expect: []httpWant{{method: "GET", status: 400, section: "RFC 9112 §3"}}},
			{conn: 1, what: ltext{"the HTTP/3.0 request", "HTTP/3.0 请求"}, writes: []string{"GET / HTTP/3.0\r\nHost: {host}\r\n\r\n"}, expect: []httpWant{{method: "GET", status: 505, section: "RFC 9110 §15.6.6",
				hint: ltext{`"HTTP/3.0" is a well-formed version that your server does not speak: check the version after parsing the request line, and answer anything but HTTP/1.0 and HTTP/1.1 with "HTTP/1.1 505 HTTP Version Not Supported\r\n".`,
					`"HTTP/3.0" 格式正确，但你的服务器不支持这个版本：解析完请求行后检查版本，不是 HTTP/1.0 或 HTTP/1.1 的，回答 "HTTP/1.1 505 HTTP Version Not Supported\r\n"。`}}}},
		},
	},
	{
		id: "concurrent", section: "RFC 9112 §9",
		sends: ltext{fmt.Sprintf("one connection left idle, then %d clients at once, each GET /; then GET / on the idle one", concurrentClients),
			fmt.Sprintf("先打开一个连接不发送任何内容，然后 %d 个客户端同时 GET /；最后在空闲连接上 GET /", concurrentClients)},
		expects: ltext{"every client answered: an idle connection blocks nobody", "每个客户端都得到回答：空闲连接不会挡住别人"},
		hints: [2]ltext{
			{"While your server waits for one client's bytes, it must still accept and answer the others.", "服务器在等待一个客户端的数据时，仍然要接受并回答其他客户端。"},
			{"Serve each accepted connection in its own thread or goroutine (or multiplex them with select/epoll), and go straight back to accept.",
				"每接受一个连接，就交给一个单独的线程或 goroutine 处理（或用 select/epoll 多路复用），然后立即回到 accept。"},
		},
		pass:  ltext{fmt.Sprintf("%d clients answered while one stayed idle", concurrentClients), fmt.Sprintf("一个连接空闲时，%d 个客户端都得到了回答", concurrentClients)},
		steps: concurrentSteps(),
	},
}

func concurrentSteps() []httpStep {
	want := want200
	want.section = "RFC 9112 §9"
	want.hint = ltext{"Client 0 connected and sent nothing; meanwhile your server must still accept and answer the others: serve each connection in its own thread or goroutine.",
		"客户端 0 连上之后什么也没发；与此同时，你的服务器仍要接受并回答其他客户端：每个连接交给单独的线程或 goroutine 处理。"}
	steps := []httpStep{{conn: 0}} // opened, nothing sent
	for i := 1; i <= concurrentClients; i++ {
		steps = append(steps, httpStep{conn: i, writes: []string{getRoot}})
	}
	for i := 1; i <= concurrentClients; i++ {
		steps = append(steps, httpStep{conn: i, what: ltext{fmt.Sprintf("client %d (client 0 idle)", i), fmt.Sprintf("客户端 %d（客户端 0 空闲）", i)}, expect: []httpWant{want}})
	}
	last := want200
	last.section = "RFC 9112 §9"
	return append(steps, httpStep{conn: 0, what: ltext{"client 0, idle until now", "一直空闲的客户端 0"}, writes: []string{getRoot}, expect: []httpWant{last}})
}

// httpStages are the HTTP track's stages as the runner knows them.
var httpStages = httpDefs(httpTrack)

func httpDefs(track []httpStage) []stageDef {
	ds := make([]stageDef, len(track))
	for i := range track {
		st := &track[i]
		ds[i] = stageDef{id: st.id, section: st.section, sends: st.sends, expects: st.expects, hints: st.hints,
			run: func(r *runner) (string, error) { return r.runHTTP(st) }}
	}
	return ds
}

// runHTTP is the interpreter of the HTTP stages.
func (r *runner) runHTTP(st *httpStage) (string, error) {
	var rnd [6]byte
	rand.Read(rnd[:])
	r.echo = hex.EncodeToString(rnd[:])
	conns := map[int]*wire{}
	lastLen := ""
	for _, step := range st.steps {
		w := conns[step.conn]
		if w == nil {
			var err error
			if w, err = r.dial(); err != nil {
				return "", err
			}
			conns[step.conn] = w
		}
		what := r.tr(step.what[0], step.what[1])
		if what == "" && len(step.writes) > 0 {
			what, _, _ = strings.Cut(strings.Join(step.writes, ""), " HTTP/")
		}
		for k, piece := range step.writes {
			if k > 0 {
				if err := r.pause(splitPause); err != nil {
					return "", r.ioFail(w, err, st.section, what, "")
				}
			}
			piece = strings.ReplaceAll(strings.ReplaceAll(piece, "{host}", r.addr), "{echo}", r.echo)
			if err := w.write([]byte(piece)); err != nil {
				if r.parent.Err() != nil {
					return "", r.parent.Err()
				}
				hint := r.msg(i18n.ChkServerClosedConnectionBefore)
				if k > 0 {
					hint = r.msg(i18n.ChkServerGaveUpAfter)
				}
				if k == 0 && w.answers > 0 {
					return "", r.failEnd(w, "RFC 9112 §9.3", r.msg(i18n.ChkServerClosedConnectionAfter, w.answers, what), r.tr(keepAliveHint[0], keepAliveHint[1]))
				}
				if len(step.expect) > 0 && k > 0 {
					if err := r.earlyAnswer(w, step.expect[0], what, &lastLen, k, len(step.writes)); err != nil {
						return "", err
					}
				}
				return "", r.failEnd(w, st.section, r.msg(i18n.ChkServerClosedConnectionWhile, what, k+1, len(step.writes)), hint)
			}
		}
		for _, want := range step.expect {
			if err := r.expectHTTP(w, want, what, &lastLen); err != nil {
				return "", err
			}
			w.answers++
		}
		if extra := w.br.Buffered(); extra > 0 && len(step.expect) > 0 {
			// Nothing more was asked for: these bytes are left over from
			// the last response, most often a body longer than its
			// Content-Length, or a body after a response to HEAD.
			if step.expect[len(step.expect)-1].method == "HEAD" {
				return "", r.failAt(w, w.consumed(), "RFC 9110 §9.3.2",
					r.msg(i18n.ChkBytesCameAfterEmpty, extra),
					r.tr(headNoBody[0], headNoBody[1]))
			}
			return "", r.failAt(w, w.consumed(), "RFC 9112 §6.2",
				r.msg(i18n.ChkMoreBytesCameAfter, extra, what),
				r.msg(i18n.ChkContentLengthCountsBytes))
		}
	}
	return r.tr(st.pass[0], st.pass[1]), nil
}

// earlyAnswer reads what a server wrote before it closed the connection
// in the middle of a request sent in pieces (a 400 for the first piece,
// most often), and judges it, so that the failure shows it. It returns
// nil when nothing came or nothing was wrong with it.
func (r *runner) earlyAnswer(w *wire, want httpWant, what string, lastLen *string, k, n int) error {
	before := len(w.recv)
	dl := time.Now().Add(200 * time.Millisecond)
	if d, ok := r.ctx.Deadline(); ok && d.Before(dl) {
		dl = d
	}
	w.c.SetReadDeadline(dl)
	err := r.expectHTTP(w, want, what, lastLen)
	var sf *stageFail
	if len(w.recv) == before || !errors.As(err, &sf) {
		return nil
	}
	sf.msg += r.msg(i18n.ChkCameBeforeWriteRequest, k+1, n)
	return err
}

// expectHTTP reads one response from w and judges it against want.
func (r *runner) expectHTTP(w *wire, want httpWant, what string, lastLen *string) error {
	hint := r.tr(want.hint[0], want.hint[1])
	about := r.msg(i18n.ChkAnswer, what)
	resp, start, end, err := r.readResponse(w, want.method, want.section, about, hint)
	if err != nil {
		var sf *stageFail
		if !errors.As(err, &sf) {
			return err
		}
		switch {
		case len(w.recv) == start && w.answers > 0 && sf.cause != nil:
			// Nothing came on a connection that has answered before.
			if isTimeout(sf.cause) {
				sf.msg = r.msg(i18n.ChkServerStoppedAnsweringAfter, w.answers, sf.msg)
			} else {
				sf.msg = r.msg(i18n.ChkServerClosedConnectionAfter2, w.answers, what)
			}
			sf.f.Section = "RFC 9112 §9.3"
			sf.f.Hint = hint
			if hint == "" {
				sf.f.Hint = r.tr(keepAliveHint[0], keepAliveHint[1])
			}
		case hint != "":
			sf.f.Hint = hint
		}
		return err
	}
	head := w.recv[start:end]
	fieldOff := func(name string, dflt int) int {
		if _, v, ok := fieldAt(head, name); ok {
			return start + v
		}
		return dflt
	}
	if resp.StatusCode != want.status {
		return r.failAt(w, start+9, want.section,
			r.msg(i18n.ChkHasStatusWant, about, resp.StatusCode, want.status), hint)
	}
	if want.echo {
		v, ok := resp.Header.Lookup(echoHeader)
		if !ok {
			return r.failAt(w, end-2, "RFC 9110 §5.1",
				r.msg(i18n.ChkResponseHasNoField, echoHeader, echoHeaderSent+": "+r.echo), "")
		}
		if v != r.echo {
			return r.failAt(w, fieldOff(echoHeader, end-2), "RFC 9110 §5.5",
				r.msg(i18n.ChkRequestSent, echoHeader, v, r.echo), "")
		}
	}
	if want.sameLength && *lastLen != "" {
		if v := resp.Header.Get("Content-Length"); v != *lastLen {
			return r.failAt(w, fieldOff("Content-Length", end-2), "RFC 9110 §9.3.2",
				r.msg(i18n.ChkHeadHasContentLength, v, *lastLen), "")
		}
	}
	if want.lengthed && (resp.Chunked || !resp.Header.Has("Content-Length")) {
		return r.failAt(w, end-2, "RFC 9112 §6.2",
			r.msg(i18n.ChkResponseHasNoContent), "")
	}
	if want.open && resp.Close {
		return r.failAt(w, fieldOff("Connection", start+7), "RFC 9112 §9.3",
			r.msg(i18n.ChkAnnouncesConnectionCloses, about), "")
	}
	if want.method == "HEAD" {
		return nil
	}
	body, err := r.readBody(w, resp, start, r.msg(i18n.ChkBody, about))
	if err != nil {
		return err
	}
	if want.method == "GET" && want.status == 200 && want.nonEmpty {
		*lastLen = resp.Header.Get("Content-Length")
	}
	if want.nonEmpty && len(body) == 0 {
		return r.failAt(w, w.consumed(), "RFC 9110 §6.4",
			r.msg(i18n.ChkHasEmptyBodyAnswer, about), hint)
	}
	if want.body != nil && string(body) != *want.body {
		at := w.consumed()
		if !resp.Chunked {
			i := 0
			for i < len(body) && i < len(*want.body) && body[i] == (*want.body)[i] {
				i++
			}
			at = at - len(body) + i
		}
		return r.failAt(w, at, want.section,
			r.msg(i18n.ChkBodyRequestsBodyWas, short(body), *want.body), hint)
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
		return r.failAt(w, off, pe.Section, r.msg(i18n.ChkMalformedResponse, pe.Msg), r.httpHint(w, off, pe, hint))
	}
	if len(w.recv) > start && !bytes.Contains(w.recv[start:], []byte("\r\n\r\n")) {
		hint = r.msg(i18n.ChkHeaderSectionNeverEnded)
		section = "RFC 9112 §2.1"
	} else if len(w.recv) == start {
		hint = strings.TrimSpace(r.msg(i18n.ChkServerDidAnswerDoes) + hint)
	}
	return r.ioFail(w, err, section, what, hint)
}

// httpHint explains a ProtocolError at byte off of w.recv.
func (r *runner) httpHint(w *wire, off int, pe *httpcore.ProtocolError, fallback string) string {
	if off < len(w.recv) && w.recv[off] == '\n' && (off == 0 || w.recv[off-1] != '\r') {
		return r.msg(i18n.ChkEndEveryLineCr)
	}
	m := pe.Msg
	switch {
	case strings.Contains(m, "status"):
		return r.msg(i18n.ChkStatusLineVersionSpace)
	case strings.Contains(m, "and the colon"):
		return r.msg(i18n.ChkNoWhitespaceBetweenField)
	case strings.Contains(m, "no colon"), strings.Contains(m, "field name"):
		return r.msg(i18n.ChkEachFieldLineName)
	case strings.Contains(m, "Transfer-Encoding and Content-Length"):
		return r.msg(i18n.ChkSendContentLengthTransfer)
	case strings.Contains(m, "chunk"):
		return r.msg(i18n.ChkChunkedBodySizeHexadecimal)
	}
	return fallback
}

// readBody reads a response body to its end.
func (r *runner) readBody(w *wire, resp *httpcore.Response, start int, what string) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxFrame))
	if err != nil {
		hint := ""
		if resp.ContentLength > 0 {
			hint = r.msg(i18n.ChkContentLengthAnnouncedBytes, resp.ContentLength)
		}
		return body, r.respFail(w, start, err, "RFC 9112 §6", what, hint)
	}
	return body, nil
}
