package websocket

import (
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"github.com/wirelab/wirelab/httpcore"
	"strings"
)

// acceptGUID is the fixed string of RFC 6455 §1.3 that the server appends
// to Sec-WebSocket-Key before hashing.
const acceptGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// AcceptKey computes Sec-WebSocket-Accept for a Sec-WebSocket-Key
// (RFC 6455 §4.2.2 step 5.4):
//
//	base64( SHA-1( key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11" ) )
//
// For the key "dGhlIHNhbXBsZSBub25jZQ==" it returns
// "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".
func AcceptKey(key string) string {
	var dst [28]byte
	return string(appendAccept(dst[:0], key))
}

// appendAccept appends AcceptKey(key) to dst. A 24-byte key, the only
// length a valid Sec-WebSocket-Key has, takes the specialised acceptSum
// (sha1.go); any other goes through crypto/sha1.
func appendAccept(dst []byte, key string) []byte {
	var sum [sha1.Size]byte
	if len(key) == 24 {
		sum = acceptSum(key)
	} else {
		var in [64 + len(acceptGUID)]byte
		var b []byte
		if len(key) <= 64 {
			b = append(in[:0], key...)
			b = append(b, acceptGUID...)
		} else {
			b = []byte(key + acceptGUID)
		}
		sum = sha1.Sum(b)
	}
	n := len(dst)
	dst = append(dst, make([]byte, 28)...)
	base64.StdEncoding.Encode(dst[n:], sum[:])
	return dst
}

// A HandshakeError explains why an opening handshake failed: the HTTP status
// the server answers (or the client received), the header at fault and its
// value, and the rule.
type HandshakeError struct {
	Status  int
	Header  string
	Value   string
	Section string
	Msg     string
}

func (e *HandshakeError) Error() string {
	s := "websocket: "
	if e.Header != "" {
		s += fmt.Sprintf("%s header %q %s", e.Header, e.Value, e.Msg)
	} else {
		s += e.Msg
	}
	if e.Section != "" {
		s += " (RFC 6455 " + e.Section + ")"
	}
	return s
}

func hsErr(status int, header, value, section, format string, args ...any) *HandshakeError {
	return &HandshakeError{Status: status, Header: header, Value: value, Section: section, Msg: fmt.Sprintf(format, args...)}
}

// fields is a request's header fields in arrival order, so the same checks
// serve httpcore requests (without allocating) and net/http ones.
type fields []httpcore.Field

// values returns every value of the named field.
func (fs fields) values(name string) []string {
	var out []string
	for _, f := range fs {
		if strings.EqualFold(f.Name, name) {
			out = append(out, f.Value)
		}
	}
	return out
}

// count returns how many fields are named name, and the first one's value.
func (fs fields) count(name string) (int, string) {
	n, first := 0, ""
	for _, f := range fs {
		if strings.EqualFold(f.Name, name) {
			if n == 0 {
				first = f.Value
			}
			n++
		}
	}
	return n, first
}

// hasToken reports whether any value of the field holds token in its
// comma-separated list, case-insensitively (RFC 9110 §5.6.1).
func (fs fields) hasToken(name, token string) bool {
	for _, f := range fs {
		if !strings.EqualFold(f.Name, name) {
			continue
		}
		for v := f.Value; v != ""; {
			var t string
			t, v, _ = strings.Cut(v, ",")
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// tokens splits every value of a field into its comma-separated tokens.
func (fs fields) tokens(name string) []string {
	var out []string
	for _, v := range fs.values(name) {
		for _, t := range strings.Split(v, ",") {
			if t = strings.TrimSpace(t); t != "" {
				out = append(out, t)
			}
		}
	}
	return out
}

// An Extension is one offer from Sec-WebSocket-Extensions (RFC 6455 §9.1):
// a name and its parameters, in order.
type Extension struct {
	Name   string
	Params [][2]string
}

// parseExtensions parses Sec-WebSocket-Extensions values:
//
//	extension-list = 1#extension
//	extension      = extension-token *( ";" extension-param )
func parseExtensions(fs fields) []Extension {
	var out []Extension
	for _, v := range fs.values("Sec-WebSocket-Extensions") {
		for _, e := range strings.Split(v, ",") {
			parts := strings.Split(e, ";")
			name := strings.TrimSpace(parts[0])
			if name == "" {
				continue
			}
			ext := Extension{Name: name}
			for _, p := range parts[1:] {
				k, val, _ := strings.Cut(strings.TrimSpace(p), "=")
				ext.Params = append(ext.Params, [2]string{strings.TrimSpace(k), strings.Trim(strings.TrimSpace(val), `"`)})
			}
			out = append(out, ext)
		}
	}
	return out
}
