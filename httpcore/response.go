package httpcore

import (
	"bufio"
	"io"
	"strconv"
)

// A Response is an HTTP response as read by a client.
type Response struct {
	Proto      string // "HTTP/1.1"
	ProtoMajor int
	ProtoMinor int
	// StatusCode is the three-digit status code (RFC 9110 §15).
	StatusCode int
	// Reason is the reason-phrase as sent; clients should not rely on it
	// (RFC 9112 §4).
	Reason string
	Header Header
	// ContentLength is the body length, or -1 if unknown (chunked, or read
	// until the connection closes).
	ContentLength int64
	Chunked       bool
	// Close reports that the server will close the connection after this
	// response, so the body may be delimited by the close.
	Close bool
	// Body reads the response body; never nil.
	Body io.Reader
	// Trailer holds trailer fields once a chunked Body reached io.EOF.
	Trailer Header

	buf     []byte
	fixed   fixedBody
	chunked chunkedBody
}

// ReadResponse reads one response from br. req is the request it answers
// (it decides, for HEAD, that there is no body); it may be nil for GET.
// Informational (1xx) responses are returned like any other: read again
// for the final response.
func ReadResponse(br *bufio.Reader, req *Request) (*Response, error) {
	resp := new(Response)
	lim := defaultLimits
	lim.MaxBodyBytes = -1
	block, err := readBlock(br, nil, 8<<10, lim.MaxHeaderBytes, false)
	resp.buf = block
	if err != nil {
		return nil, err
	}
	if err := resp.parse(br, block, req); err != nil {
		return nil, err
	}
	return resp, nil
}

func (resp *Response) parse(br *bufio.Reader, b []byte, req *Request) *ProtocolError {
	// status-line = HTTP-version SP status-code SP [ reason-phrase ]  (RFC 9112 §4)
	if len(b) < 12 || string(b[:5]) != "HTTP/" || !isDigit(b[5]) || b[6] != '.' || !isDigit(b[7]) || b[8] != ' ' {
		return perr(400, 0, "RFC 9112 §4", "malformed status-line %s", quote(firstLine(b)))
	}
	major, minor := int(b[5]-'0'), int(b[7]-'0')
	if major != 1 {
		return perr(505, 5, "RFC 9110 §15.6.6", "HTTP major version %d is not supported", major)
	}
	if !isDigit(b[9]) || !isDigit(b[10]) || !isDigit(b[11]) || b[9] == '0' {
		return perr(400, 9, "RFC 9112 §4", "status code %s is not three digits from 100 to 999", quote(b[9:min(12, len(b))]))
	}
	resp.StatusCode = int(b[9]-'0')*100 + int(b[10]-'0')*10 + int(b[11]-'0')
	i := 12
	// The SP before an empty reason-phrase is required by the grammar but
	// often omitted in practice; we accept "HTTP/1.1 200\r\n".
	switch b[i] {
	case ' ':
		i++
		rs := i
		i = scanValue(b, i)
		if b[i] == '\r' && b[i+1] != '\n' {
			return perr(400, i, "RFC 9112 §2.2", "bare CR in the reason-phrase")
		}
		if b[i] != '\r' {
			return perr(400, i, "RFC 9112 §4", "byte 0x%02x in the reason-phrase", b[i])
		}
		resp.Reason = b2s(b[rs:i])
	case '\r':
		if b[i+1] != '\n' {
			return perr(400, i, "RFC 9112 §2.2", "bare CR in the status-line")
		}
	default:
		return perr(400, i, "RFC 9112 §4", "status code must be followed by SP, found byte 0x%02x", b[i])
	}
	i += 2
	resp.Proto = b2s(b[:8])
	resp.ProtoMajor, resp.ProtoMinor = major, minor
	var fs framing
	for b[i] != '\r' {
		start := i
		name, value, next, err := parseFieldLine(b, i)
		if err != nil {
			return err
		}
		if next < 0 {
			return perr(400, i, "RFC 9112 §2.1", "header section ends inside a field line")
		}
		i = next
		n, v := b2s(name), b2s(value)
		resp.Header.fields = append(resp.Header.fields, Field{n, v})
		if err := fs.field(n, v, start); err != nil {
			return err
		}
	}
	if minor == 0 {
		resp.Close = !fs.keepAlive
	} else {
		resp.Close = fs.close
	}
	return resp.bodyFor(br, &fs, req)
}

func firstLine(b []byte) []byte {
	for i, c := range b {
		if c == '\r' || c == '\n' {
			return b[:i]
		}
	}
	return b
}

// bodyFor applies RFC 9112 §6.3 to a response and sets resp.Body.
func (resp *Response) bodyFor(br *bufio.Reader, fs *framing, req *Request) *ProtocolError {
	resp.ContentLength = 0
	resp.Body = NoBody
	code := resp.StatusCode
	// §6.3 items 1 and 2: no content after HEAD, 1xx, 204, 304, or a 2xx to CONNECT.
	if req != nil && req.Method == "HEAD" || code/100 == 1 || code == 204 || code == 304 ||
		req != nil && req.Method == "CONNECT" && code/100 == 2 {
		if fs.clSeen && code != 204 && code/100 != 1 {
			resp.ContentLength = fs.cl
		}
		return nil
	}
	if fs.teSeen {
		if fs.clSeen {
			resp.Close = true
			return perr(502, fs.clOff, "RFC 9112 §6.3", "response has both Transfer-Encoding and Content-Length: the length is ambiguous")
		}
		if fs.teLastChunk && fs.teChunks == 1 && fs.teUnknown == "" {
			resp.Chunked = true
			resp.ContentLength = -1
			resp.chunked.reset(br, -1, 16<<10, &resp.Trailer, len(resp.buf))
			resp.Body = &resp.chunked
			return nil
		}
		// §6.3 item 4: a final coding other than chunked → read until close.
		resp.Close = true
		resp.ContentLength = -1
		resp.Body = untilClose{br}
		return nil
	}
	if fs.clSeen {
		resp.ContentLength = fs.cl
		if fs.cl > 0 {
			resp.fixed.reset(br, fs.cl)
			resp.Body = &resp.fixed
		}
		return nil
	}
	// §6.3 item 8: no length → the body ends when the server closes.
	resp.Close = true
	resp.ContentLength = -1
	resp.Body = untilClose{br}
	return nil
}

// statusLine returns "HTTP/1.1 200 OK\r\n" for code.
func statusLine(code int) string {
	if code >= 100 && code < 600 {
		if s := statusLines[code]; s != "" {
			return s
		}
	}
	return "HTTP/1.1 " + strconv.Itoa(code) + " " + StatusText(code) + "\r\n"
}

var statusLines = func() (t [600]string) {
	for _, s := range Statuses() {
		t[s.Code] = "HTTP/1.1 " + strconv.Itoa(s.Code) + " " + s.Reason + "\r\n"
	}
	return t
}()
