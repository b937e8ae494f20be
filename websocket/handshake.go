package websocket

import (
	"crypto/sha1"
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
	return appendBase64Sum(dst, &sum)
}

// appendBase64Sum appends the standard base64 encoding (RFC 4648 §4) of a
// 20-byte digest: six 3-byte groups, then 2 bytes as three characters and
// "=". It is encoding/base64's StdEncoding written out for this one size.
func appendBase64Sum(dst []byte, sum *[sha1.Size]byte) []byte {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < 18; i += 3 {
		v := uint(sum[i])<<16 | uint(sum[i+1])<<8 | uint(sum[i+2])
		dst = append(dst, alphabet[v>>18&63], alphabet[v>>12&63], alphabet[v>>6&63], alphabet[v&63])
	}
	v := uint(sum[18])<<16 | uint(sum[19])<<8
	return append(dst, alphabet[v>>18&63], alphabet[v>>12&63], alphabet[v>>6&63], '=')
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

// Field names are tokens (RFC 9110 §5.6.2), ASCII only, and compare
// case-insensitively (§5.1); httpcore and net/http reject any other name.

// values returns every value of the named field.
func (fs fields) values(name string) []string {
	var out []string
	for _, f := range fs {
		if equalFoldASCII(f.Name, name) {
			out = append(out, f.Value)
		}
	}
	return out
}

// hasToken reports whether any value of the field holds token in its
// comma-separated list, case-insensitively (RFC 9110 §5.6.1).
func (fs fields) hasToken(name, token string) bool {
	for _, f := range fs {
		if equalFoldASCII(f.Name, name) && hasToken(f.Value, token) {
			return true
		}
	}
	return false
}

// offers reports whether any value of the field lists token exactly, as
// Sec-WebSocket-Protocol's case-sensitive tokens compare (RFC 6455 §4.1).
func (fs fields) offers(name, token string) bool {
	for _, f := range fs {
		if !equalFoldASCII(f.Name, name) {
			continue
		}
		for v := f.Value; v != ""; {
			var t string
			t, v, _ = strings.Cut(v, ",")
			if t = strings.TrimSpace(t); t != "" && t == token {
				return true
			}
		}
	}
	return false
}

// hasToken reports whether the comma-separated list v holds token,
// case-insensitively (RFC 9110 §5.6.1).
func hasToken(v, token string) bool {
	if equalFoldASCII(v, token) { // the usual "Upgrade: websocket"
		return true
	}
	for v != "" {
		var t string
		t, v, _ = strings.Cut(v, ",")
		if tokenEqualFold(strings.TrimSpace(t), token) {
			return true
		}
	}
	return false
}

// tokenEqualFold is strings.EqualFold(t, token) for an ASCII token, with the
// common case cheap: a string of the same length folds to an ASCII token
// only byte by byte, and one that is longer only through characters such
// as the Kelvin sign, which strings.EqualFold still decides.
func tokenEqualFold(t, token string) bool {
	if len(t) == len(token) {
		return equalFoldASCII(t, token)
	}
	return len(t) > len(token) && strings.EqualFold(t, token)
}

// equalFoldASCII reports whether a and b are equal ignoring ASCII case.
// Bytes that differ must be the two cases of one letter: c|0x20 lower-cases
// a letter, and the range test keeps other pairs (such as '\r' and '-',
// which also differ only in bit 0x20) apart.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	if a == b { // browsers spell the handshake's names as RFC 6455 does
		return true
	}
	for i := 0; i < len(a); i++ {
		if c, d := a[i], b[i]; c != d && (c|0x20 != d|0x20 || c|0x20 < 'a' || c|0x20 > 'z') {
			return false
		}
	}
	return true
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
