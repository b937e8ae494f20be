package httpcore

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// NoBody is an empty body: Read always returns 0, io.EOF.
var NoBody = noBody{}

type noBody struct{}

func (noBody) Read([]byte) (int, error) { return 0, io.EOF }

// fixedBody reads exactly n bytes: the Content-Length framing (RFC 9112 §6.2).
type fixedBody struct {
	br *bufio.Reader
	n  int64
}

func (b *fixedBody) reset(br *bufio.Reader, n int64) { b.br, b.n = br, n }

func (b *fixedBody) Read(p []byte) (int, error) {
	if b.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > b.n {
		p = p[:b.n]
	}
	n, err := b.br.Read(p)
	b.n -= int64(n)
	if err == io.EOF && b.n > 0 {
		err = io.ErrUnexpectedEOF // RFC 9112 §8: the message is incomplete
	}
	if err == nil && b.n == 0 {
		err = io.EOF
	}
	return n, err
}

// untilClose reads a response body delimited by the server closing the
// connection (RFC 9112 §6.3 item 8).
type untilClose struct{ br *bufio.Reader }

func (b untilClose) Read(p []byte) (int, error) { return b.br.Read(p) }

// chunkedBody decodes the chunked transfer coding (RFC 9112 §7.1):
//
//	5\r\n
//	hello\r\n        chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//	0\r\n            last-chunk
//	X-Sum: 1\r\n     trailer-section
//	\r\n
//
// Chunk extensions are checked against their grammar and then ignored.
type chunkedBody struct {
	br         *bufio.Reader
	state      uint8
	left       int64 // bytes left in the current chunk
	total      int64 // decoded bytes so far
	max        int64 // limit on total, or < 0
	maxTrailer int
	off        int64 // offset in the message of the next byte, for errors
	trailer    *Header
	err        error
}

const (
	chunkSize uint8 = iota
	chunkData
	chunkCRLF
	chunkDone
)

// reset starts decoding a body whose first byte is at offset base of the
// message, so errors name offsets in the whole message.
func (c *chunkedBody) reset(br *bufio.Reader, max int64, maxTrailer int, trailer *Header, base int) {
	*c = chunkedBody{br: br, max: max, maxTrailer: maxTrailer, trailer: trailer, off: int64(base)}
}

func (c *chunkedBody) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	for {
		switch c.state {
		case chunkDone:
			return 0, io.EOF
		case chunkSize:
			if c.err = c.readSize(); c.err != nil {
				return 0, c.err
			}
		case chunkCRLF:
			b, err := c.br.Peek(2)
			if len(b) < 2 {
				c.err = unexpected(err)
				return 0, c.err
			}
			if b[0] != '\r' || b[1] != '\n' {
				c.err = perr(400, int(c.off), "RFC 9112 §7.1", "chunk data not followed by CRLF (found %q)", b)
				return 0, c.err
			}
			c.br.Discard(2)
			c.off += 2
			c.state = chunkSize
		case chunkData:
			if len(p) == 0 {
				return 0, nil
			}
			if int64(len(p)) > c.left {
				p = p[:c.left]
			}
			n, err := c.br.Read(p)
			c.left -= int64(n)
			c.off += int64(n)
			if c.left == 0 {
				c.state = chunkCRLF
			}
			if err != nil {
				c.err = unexpected(err)
				return n, c.err
			}
			return n, nil
		}
	}
}

func unexpected(err error) error {
	if err == nil || err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// readLine reads one CRLF-terminated line, without the CRLF.
func (c *chunkedBody) readLine(what string) ([]byte, error) {
	line, err := c.br.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) {
			return nil, perr(400, int(c.off), "RFC 9112 §7.1", "%s line longer than %d bytes", what, c.br.Size())
		}
		return nil, unexpected(err)
	}
	if len(line) < 2 || line[len(line)-2] != '\r' {
		return nil, perr(400, int(c.off)+len(line)-1, "RFC 9112 §2.2", "bare LF ending a %s line", what)
	}
	return line[:len(line)-2], nil
}

func (c *chunkedBody) readSize() error {
	line, err := c.readLine("chunk-size")
	if err != nil {
		return err
	}
	start := c.off
	c.off += int64(len(line)) + 2
	size, err := parseChunkSize(line, int(start))
	if err != nil {
		return err
	}
	if size == 0 {
		if err := c.readTrailer(); err != nil {
			return err
		}
		c.state = chunkDone
		return nil
	}
	c.total += size
	if c.max >= 0 && c.total > c.max {
		return perr(413, int(start), "RFC 9110 §15.5.14", "chunked body exceeds the limit of %d bytes", c.max)
	}
	c.left = size
	c.state = chunkData
	return nil
}

// parseChunkSize parses chunk-size [ chunk-ext ] (RFC 9112 §7.1):
//
//	chunk-size = 1*HEXDIG
//	chunk-ext  = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
func parseChunkSize(line []byte, off int) (int64, error) {
	i := 0
	var n int64
	for ; i < len(line); i++ {
		d := unhex(line[i])
		if d < 0 {
			break
		}
		if n > (1<<63-1)>>4 {
			return 0, perr(400, off, "RFC 9112 §7.1", "chunk size %s overflows 63 bits", quote(line))
		}
		n = n<<4 | int64(d)
	}
	if i == 0 {
		return 0, perr(400, off, "RFC 9112 §7.1", "chunk size %s is not hexadecimal", quote(line))
	}
	if err := checkChunkExt(line, i, off); err != nil {
		return 0, err
	}
	return n, nil
}

// chunkExtGrammar is quoted by the errors of checkChunkExt.
const chunkExtGrammar = `chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )`

// checkChunkExt checks what follows the chunk size at line[i:] against the
// chunk extension grammar (RFC 9112 §7.1.1), whose values it then ignores:
//
//	chunk-ext      = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
//	chunk-ext-name = token
//	chunk-ext-val  = token / quoted-string
//
// BWS is optional whitespace (SP or HTAB).
func checkChunkExt(line []byte, i, off int) *ProtocolError {
	size := line[:i]
	bws := func() {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
	}
	for {
		ws := i
		bws()
		if i == len(line) {
			if i > ws {
				return perr(400, off+ws, "RFC 9112 §7.1", "whitespace at the end of chunk-size line %s (no chunk extension follows it)", quote(line))
			}
			return nil
		}
		if line[i] != ';' {
			if ws == len(size) && vchar[line[i]] {
				return perr(400, off+i, "RFC 9112 §7.1", "chunk size %s is followed by %q, not a chunk extension", quote(size), line[i])
			}
			return chunkExtErr(line, i, off, "%q where a chunk extension should start with \";\" in %s", line[i], quote(line))
		}
		i++
		bws()
		name := i
		for i < len(line) && tchar[line[i]] {
			i++
		}
		if i == name {
			if i == len(line) {
				return chunkExtErr(line, i, off, "chunk extension in %s has \";\" but no chunk-ext-name after it", quote(line))
			}
			return chunkExtErr(line, i, off, "chunk extension in %s: %q where a chunk-ext-name (a token) should start", quote(line), line[i])
		}
		after := i
		bws()
		if i == len(line) || line[i] != '=' {
			i = after // a name without a value; BWS is read again above
			continue
		}
		i++
		bws()
		switch {
		case i == len(line):
			return chunkExtErr(line, i, off, "chunk extension %s has \"=\" but no chunk-ext-val (a token or a quoted-string)", quote(line[name:]))
		case line[i] == '"':
			var err *ProtocolError
			if i, err = skipQuoted(line, i, off); err != nil {
				return err
			}
		default:
			v := i
			for i < len(line) && tchar[line[i]] {
				i++
			}
			if i == v {
				return chunkExtErr(line, i, off, "chunk extension %s: %q where a chunk-ext-val (a token or a quoted-string) should start", quote(line[name:]), line[i])
			}
		}
	}
}

// quotedSection names the rules a quoted chunk-ext-val breaks.
const quotedSection = "RFC 9112 §7.1.1, RFC 9110 §5.6.4"

// skipQuoted returns the index after the quoted-string that starts at
// line[i] (RFC 9110 §5.6.4):
//
//	quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE
//	qdtext        = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
//	quoted-pair   = "\" ( HTAB / SP / VCHAR / obs-text )
func skipQuoted(line []byte, i, off int) (int, *ProtocolError) {
	open := i
	for i++; i < len(line); i++ {
		switch c := line[i]; {
		case c == '"':
			return i + 1, nil
		case c == '\\':
			if i+1 == len(line) {
				return 0, perr(400, off+i, quotedSection, "quoted-string %s in a chunk extension ends in a lone backslash and has no closing quote (%s, chunk-ext-val = token / quoted-string)", quote(line[open:]), chunkExtGrammar)
			}
			i++
			if c := line[i]; c != '\t' && !vchar[c] {
				return 0, chunkExtErr(line, i, off, "")
			}
		case c != '\t' && !vchar[c]:
			return 0, chunkExtErr(line, i, off, "")
		}
	}
	return 0, perr(400, off+open, quotedSection, "quoted-string %s in a chunk extension has no closing quote (%s, chunk-ext-val = token / quoted-string)", quote(line[open:]), chunkExtGrammar)
}

// chunkExtErr reports the byte at line[i] that breaks the chunk extension
// grammar: a control byte is named as such, anything else with msg and the
// grammar.
func chunkExtErr(line []byte, i, off int, format string, args ...any) *ProtocolError {
	if i < len(line) {
		if c := line[i]; c != '\t' && !vchar[c] {
			return perr(400, off+i, "RFC 9112 §7.1.1", "control byte 0x%02x in a chunk extension", c)
		}
	}
	e := perr(400, off+i, "RFC 9112 §7.1.1", format, args...)
	e.Msg += " (" + chunkExtGrammar + ")"
	return e
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c - 'a' + 10)
	case 'A' <= c && c <= 'F':
		return int(c - 'A' + 10)
	}
	return -1
}

// readTrailer reads the trailer section after the last chunk (RFC 9112
// §7.1.2). The fields are exposed in the trailer Header, never merged into
// the header section.
func (c *chunkedBody) readTrailer() error {
	size := 0
	for {
		line, err := c.br.ReadSlice('\n')
		if err != nil {
			if errors.Is(err, bufio.ErrBufferFull) {
				return perr(431, int(c.off), "RFC 6585 §5", "trailer field line longer than %d bytes", c.br.Size())
			}
			return unexpected(err)
		}
		start := int(c.off)
		c.off += int64(len(line))
		if len(line) < 2 || line[len(line)-2] != '\r' {
			return perr(400, int(c.off)-1, "RFC 9112 §2.2", "bare LF in the trailer section")
		}
		if len(line) == 2 {
			return nil
		}
		size += len(line)
		if size > c.maxTrailer {
			return perr(431, start, "RFC 6585 §5", "trailer section larger than %d bytes", c.maxTrailer)
		}
		s := bytes.Clone(line) // the bufio buffer is reused; keep a copy
		name, value, next, perr := parseFieldLine(s, 0)
		if perr != nil {
			perr.Offset += start
			return perr
		}
		if next != len(s) {
			return &ProtocolError{Status: 400, Offset: start, Section: "RFC 9112 §7.1.2", Msg: "malformed trailer field line"}
		}
		if c.trailer != nil {
			c.trailer.Add(b2s(name), b2s(value))
		}
	}
}
