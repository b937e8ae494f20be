package websocket

import (
	"fmt"
	"strings"
)

// An ExtensionError explains why a Sec-WebSocket-Extensions value, or one
// offer or response in it, was refused. It names the extension, the
// parameter and its value, and cites the section of the RFC that the value
// breaks:
//
//	websocket: permessage-deflate parameter "server_max_window_bits" value "16" is not a decimal integer from 8 to 15 (RFC 7692 §7.1.2.1)
type ExtensionError struct {
	Extension string // "permessage-deflate", or "" for a syntax error in the list
	Param     string // the parameter at fault, or ""
	Value     string // its value as received, or the list text near the fault
	Section   string // "RFC 7692 §7.1.2.1", "RFC 6455 §9.1"
	Msg       string // what is wrong, lowercase, no full stop
}

func (e *ExtensionError) Error() string {
	s := "websocket: "
	switch {
	case e.Param != "":
		s += fmt.Sprintf("%s parameter %q", e.Extension, e.Param)
		if e.Value != "" {
			s += fmt.Sprintf(" value %q", e.Value)
		}
	case e.Extension != "":
		s += e.Extension
	default:
		s += fmt.Sprintf("Sec-WebSocket-Extensions %q", e.Value)
	}
	return s + " " + e.Msg + " (" + e.Section + ")"
}

// ParseExtensions parses Sec-WebSocket-Extensions field values into the
// offers (or, on the client, the accepted extensions) they list, in order.
// Each value is a comma-separated list (RFC 6455 §9.1, with the list rules
// of RFC 9110 §5.6.1: empty elements and optional whitespace are allowed),
// and several field lines add up to one list:
//
//	Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits, permessage-deflate
//	Sec-WebSocket-Extensions: x-webkit-deflate-frame
//
//	extension      = extension-token *( ";" extension-param )
//	extension-param = token [ "=" (token | quoted-string) ]
//
// A parameter without a value has "" as its value; a quoted value is
// unquoted, and must then be a token too (§9.1). Anything else (a name that is not a token, "a=", a stray
// character) is an *ExtensionError that quotes the element.
func ParseExtensions(values ...string) ([]Extension, error) {
	var out []Extension
	for _, v := range values {
		p := extParser{s: v}
		for {
			p.skipListSeparators()
			if p.done() {
				break
			}
			e, err := p.extension()
			if err != nil {
				return nil, err
			}
			out = append(out, e)
			p.ows()
			if !p.done() && p.s[p.i] != ',' {
				return nil, p.fail("has %q where a comma or the end was expected", p.s[p.i:p.i+1])
			}
		}
	}
	return out, nil
}

// extParser walks one field value.
type extParser struct {
	s string
	i int
}

func (p *extParser) done() bool { return p.i >= len(p.s) }

// ows skips optional whitespace (RFC 9110 §5.6.3).
func (p *extParser) ows() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

// skipListSeparators skips empty list elements: "a, , b" lists a and b
// (RFC 9110 §5.6.1.2).
func (p *extParser) skipListSeparators() {
	for p.ows(); p.i < len(p.s) && p.s[p.i] == ','; p.ows() {
		p.i++
	}
}

func (p *extParser) fail(format string, args ...any) *ExtensionError {
	return &ExtensionError{Value: p.s, Section: "RFC 6455 §9.1", Msg: fmt.Sprintf(format, args...) + fmt.Sprintf(" at byte %d", p.i)}
}

func (p *extParser) token() string {
	start := p.i
	for p.i < len(p.s) && isTokenChar(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i]
}

func (p *extParser) extension() (Extension, error) {
	name := p.token()
	if name == "" {
		return Extension{}, p.fail("has an extension name that is not a token")
	}
	e := Extension{Name: name}
	for {
		p.ows()
		if p.done() || p.s[p.i] != ';' {
			return e, nil
		}
		p.i++
		p.ows()
		k := p.token()
		if k == "" {
			return Extension{}, p.fail("has a parameter of %s whose name is not a token", name)
		}
		p.ows()
		val := ""
		if !p.done() && p.s[p.i] == '=' {
			p.i++
			p.ows()
			var ok bool
			if val, ok = p.value(); !ok {
				return Extension{}, p.fail("has parameter %s of %s with an empty or malformed value", k, name)
			}
		}
		e.Params = append(e.Params, [2]string{k, val})
	}
}

// value reads a token or a quoted-string (RFC 9110 §5.6.4) whose unquoted
// text is a token.
func (p *extParser) value() (string, bool) {
	if p.done() || p.s[p.i] != '"' {
		t := p.token()
		return t, t != ""
	}
	var b strings.Builder
	for p.i++; p.i < len(p.s); p.i++ {
		switch c := p.s[p.i]; {
		case c == '"':
			// RFC 6455 §9.1: unquoted, the value must still be a token.
			p.i++
			v := b.String()
			for j := 0; j < len(v); j++ {
				if !isTokenChar(v[j]) {
					return "", false
				}
			}
			return v, v != ""
		case c == '\\' && p.i+1 < len(p.s):
			p.i++
			b.WriteByte(p.s[p.i])
		case c == '\t' || c >= ' ' && c != 0x7f:
			b.WriteByte(c)
		default:
			return "", false
		}
	}
	return "", false // no closing quote
}

// isTokenChar reports whether c is a tchar (RFC 9110 §5.6.2).
func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
