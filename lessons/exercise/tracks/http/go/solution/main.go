// A reference HTTP/1.1 server for the wirelab HTTP track.
//
// It passes every stage of "wirelab check http" with the net package and
// a few non-HTTP packages of the standard library (bufio, strings,
// strconv). Read it after you have tried a stage yourself: each part names
// the stage it makes pass and the RFC rule behind it.
//
// Run it with "go run ." (PORT=9000 go run . for another port); check it
// with "wirelab check http --addr 127.0.0.1:8080".
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"strconv"
	"strings"
)

const (
	maxHead = 64 << 10 // bytes of request line and field lines together
	maxBody = 1 << 20
)

var reasons = map[int]string{
	200: "OK",
	400: "Bad Request",
	404: "Not Found",
	413: "Content Too Large",
	431: "Request Header Fields Too Large",
	501: "Not Implemented",
	505: "HTTP Version Not Supported",
}

// A badRequest is a request the server cannot serve: answered with its
// status, then the connection is closed.
type badRequest struct {
	status int
	why    string
}

func (e *badRequest) Error() string { return e.why }

func bad(status int, format string, args ...any) error {
	return &badRequest{status, fmt.Sprintf(format, args...)}
}

type request struct {
	method, target, version string
	fields                  map[string]string // names in lower case
	body                    []byte
}

// A reader reads the request line and field lines from a bufio.Reader.
// TCP delivers bytes, not messages: one Read may hold half a request or
// two of them (stages split and keep-alive). bufio keeps what is left after
// one request for the next, and ReadSlice waits for the rest of a line.
type reader struct {
	br   *bufio.Reader
	head int // bytes of the current head read so far
}

// line reads up to CRLF and returns the line without it.
func (r *reader) line() (string, error) {
	var b []byte
	for {
		part, err := r.br.ReadSlice('\n')
		b = append(b, part...)
		r.head += len(part)
		if r.head > maxHead {
			return "", bad(431, "the head is over %d bytes", maxHead)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			return "", err
		}
		break
	}
	if len(b) < 2 || b[len(b)-2] != '\r' {
		return "", bad(400, "a line ends in LF without CR")
	}
	return string(b[:len(b)-2]), nil
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && strings.IndexByte("!#$%&'*+-.^_`|~", c) < 0 {
			return false
		}
	}
	return true
}

// readRequest reads one request; io.EOF when the client closed between
// requests.
func readRequest(br *bufio.Reader) (*request, error) {
	if _, err := br.Peek(1); err != nil {
		return nil, io.EOF
	}
	r := &reader{br: br}
	line, err := r.line()
	if err != nil {
		return nil, err
	}
	// Stage route, RFC 9112 §3: method SP request-target SP HTTP-version.
	parts := strings.Split(line, " ")
	if len(parts) != 3 || !isToken(parts[0]) || parts[1] == "" {
		return nil, bad(400, "malformed request line %q", line)
	}
	req := &request{method: parts[0], target: parts[1], version: parts[2], fields: map[string]string{}}
	// Stage errors, RFC 9112 §2.3: HTTP-version is "HTTP/" DIGIT "." DIGIT.
	v := req.version
	if len(v) != 8 || !strings.HasPrefix(v, "HTTP/") || !isDigit(v[5]) || v[6] != '.' || !isDigit(v[7]) {
		return nil, bad(400, "malformed version %q", v)
	}
	// RFC 9110 §15.6.6: a version the server does not speak.
	if v != "HTTP/1.0" && v != "HTTP/1.1" {
		return nil, bad(505, "version %q is not supported", v)
	}
	// Stage headers, RFC 9112 §5 and RFC 9110 §5.1: name ":" OWS value OWS;
	// names ignore case, so they are kept in lower case.
	for {
		fl, err := r.line()
		if err != nil {
			return nil, err
		}
		if fl == "" {
			break
		}
		name, value, ok := strings.Cut(fl, ":")
		if !ok || !isToken(name) {
			return nil, bad(400, "malformed field line %q", fl)
		}
		req.fields[strings.ToLower(name)] = strings.Trim(value, " \t")
	}
	// RFC 9112 §3.2: an HTTP/1.1 request without Host is answered 400.
	if _, ok := req.fields["host"]; !ok && v == "HTTP/1.1" {
		return nil, bad(400, "an HTTP/1.1 request without Host")
	}
	// Stages body and chunked, RFC 9112 §6: how long is the body?
	te, hasTE := req.fields["transfer-encoding"]
	cl, hasCL := req.fields["content-length"]
	switch {
	case hasTE && hasCL: // RFC 9112 §6.3: never both
		return nil, bad(400, "both Transfer-Encoding and Content-Length")
	case hasTE:
		if !strings.EqualFold(te, "chunked") {
			return nil, bad(501, "transfer coding %q", te)
		}
		req.body, err = readChunked(r)
	case hasCL:
		n, perr := strconv.Atoi(cl)
		if perr != nil || n < 0 || strings.TrimLeft(cl, "0123456789") != "" {
			return nil, bad(400, "Content-Length %q is not a number", cl)
		}
		if n > maxBody {
			return nil, bad(413, "a body of %d bytes", n)
		}
		req.body = make([]byte, n)
		_, err = io.ReadFull(br, req.body) // waits for the rest of the body
	}
	return req, err
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// readChunked decodes a chunked body (stage chunked, RFC 9112 §7.1):
// size in hex CRLF, data CRLF, ..., then 0 CRLF, trailer fields, CRLF.
func readChunked(r *reader) ([]byte, error) {
	var body []byte
	for {
		r.head = 0
		line, err := r.line()
		if err != nil {
			return nil, err
		}
		sizeText, _, _ := strings.Cut(line, ";") // chunk extensions are ignored
		sizeText = strings.TrimSpace(sizeText)
		size, err := strconv.ParseUint(sizeText, 16, 32)
		if err != nil {
			return nil, bad(400, "chunk size %q is not hexadecimal", sizeText)
		}
		if size == 0 {
			break
		}
		if len(body)+int(size) > maxBody {
			return nil, bad(413, "a chunked body over %d bytes", maxBody)
		}
		chunk := make([]byte, size+2)
		if _, err := io.ReadFull(r.br, chunk); err != nil {
			return nil, err
		}
		if string(chunk[size:]) != "\r\n" {
			return nil, bad(400, "chunk data not followed by CRLF")
		}
		body = append(body, chunk[:size]...)
	}
	for { // trailer fields, up to the empty line
		line, err := r.line()
		if err != nil {
			return nil, err
		}
		if line == "" {
			return body, nil
		}
	}
}

// respond writes a response framed by Content-Length (RFC 9112 §6.2).
func respond(w *bufio.Writer, status int, body []byte, extra []string, headOnly, close bool) error {
	fmt.Fprintf(w, "HTTP/1.1 %d %s\r\n", status, reasons[status])
	w.WriteString("Content-Type: text/plain; charset=utf-8\r\n")
	for _, f := range extra {
		w.WriteString(f + "\r\n")
	}
	if close {
		w.WriteString("Connection: close\r\n")
	}
	fmt.Fprintf(w, "Content-Length: %d\r\n\r\n", len(body))
	// Stage head, RFC 9110 §9.3.2: HEAD gets GET's fields and no body.
	if !headOnly {
		w.Write(body)
	}
	return w.Flush()
}

// route returns the status, body and extra field lines for a request.
func route(req *request) (int, []byte, []string) {
	path, _, _ := strings.Cut(req.target, "?")
	switch path {
	case "/":
		return 200, []byte("hello from the wirelab reference server\n"), nil
	case "/headers":
		return 200, []byte("echoed X-Wirelab-Echo\n"), []string{"X-Wirelab-Echo: " + req.fields["x-wirelab-echo"]}
	case "/echo":
		return 200, req.body, nil
	}
	return 404, []byte("not found: " + path + "\n"), nil
}

func handle(c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	bw := bufio.NewWriter(c)
	// Stage keep-alive, RFC 9112 §9.3: one request after another on the
	// same connection, until the client closes it or asks to.
	for {
		req, err := readRequest(br)
		var e *badRequest
		if errors.As(err, &e) {
			// Stage errors: answer, then close; the rest of the bytes
			// cannot be trusted to start a request.
			respond(bw, e.status, []byte(e.why+"\n"), nil, false, true)
			return
		}
		if err != nil {
			return
		}
		status, body, extra := route(req)
		conn := strings.ToLower(req.fields["connection"])
		closing := conn == "close" || req.version == "HTTP/1.0" && conn != "keep-alive"
		if err := respond(bw, status, body, extra, req.method == "HEAD", closing); err != nil || closing {
			return
		}
	}
}

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	ln, err := net.Listen("tcp", "127.0.0.1:"+port)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening on http://%s/\n", ln.Addr())
	for {
		c, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		// Stage concurrent, RFC 9112 §9: a goroutine per connection, so a
		// slow or idle client blocks nobody.
		go handle(c)
	}
}
