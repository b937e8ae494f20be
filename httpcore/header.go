package httpcore

import "strings"

// A Field is one header or trailer field line as it arrived: the name keeps
// its original case.
type Field struct {
	Name  string
	Value string
}

// Header is an ordered list of fields. Lookups are case-insensitive (RFC 9110
// §5.1: field names are case-insensitive); Fields returns them in arrival
// order with the original spelling. The zero value is an empty header.
type Header struct {
	fields []Field
}

// Len reports the number of field lines.
func (h *Header) Len() int { return len(h.fields) }

// Fields returns the field lines in arrival order. The slice is the Header's
// own; do not modify it.
func (h *Header) Fields() []Field { return h.fields }

// Get returns the value of the first field named name, or "".
func (h *Header) Get(name string) string {
	for i := range h.fields {
		if asciiEqualFold(h.fields[i].Name, name) {
			return h.fields[i].Value
		}
	}
	return ""
}

// Lookup is like Get but reports whether the field was present.
func (h *Header) Lookup(name string) (string, bool) {
	for i := range h.fields {
		if asciiEqualFold(h.fields[i].Name, name) {
			return h.fields[i].Value, true
		}
	}
	return "", false
}

// Has reports whether a field named name is present.
func (h *Header) Has(name string) bool {
	_, ok := h.Lookup(name)
	return ok
}

// Values returns the values of every field named name, in order.
func (h *Header) Values(name string) []string {
	var vs []string
	for i := range h.fields {
		if asciiEqualFold(h.fields[i].Name, name) {
			vs = append(vs, h.fields[i].Value)
		}
	}
	return vs
}

// Add appends a field line.
func (h *Header) Add(name, value string) {
	h.fields = append(h.fields, Field{name, value})
}

// Set replaces every field named name with one field line, kept at the
// position of the first one (or appended).
func (h *Header) Set(name, value string) {
	for i := range h.fields {
		if asciiEqualFold(h.fields[i].Name, name) {
			h.fields[i] = Field{name, value}
			h.del(name, i+1)
			return
		}
	}
	h.fields = append(h.fields, Field{name, value})
}

// Del removes every field named name.
func (h *Header) Del(name string) { h.del(name, 0) }

func (h *Header) del(name string, from int) {
	out := h.fields[:from]
	for _, f := range h.fields[from:] {
		if !asciiEqualFold(f.Name, name) {
			out = append(out, f)
		}
	}
	clear(h.fields[len(out):])
	h.fields = out
}

// Reset empties the header, keeping its storage.
func (h *Header) Reset() {
	clear(h.fields)
	h.fields = h.fields[:0]
}

// Clone returns a copy whose strings do not share the receiver's storage.
func (h *Header) Clone() Header {
	if len(h.fields) == 0 {
		return Header{}
	}
	c := Header{fields: make([]Field, len(h.fields))}
	for i, f := range h.fields {
		c.fields[i] = Field{strings.Clone(f.Name), strings.Clone(f.Value)}
	}
	return c
}

// HasToken reports whether any field named name holds token in its
// comma-separated list, compared case-insensitively ("Connection:
// keep-alive, Upgrade" has the token "upgrade"). RFC 9110 §5.6.1.
func (h *Header) HasToken(name, token string) bool {
	for i := range h.fields {
		if asciiEqualFold(h.fields[i].Name, name) && hasToken(h.fields[i].Value, token) {
			return true
		}
	}
	return false
}

// hasToken reports whether the comma-separated list v contains token.
func hasToken(v, token string) bool {
	for v != "" {
		var elem string
		if i := strings.IndexByte(v, ','); i >= 0 {
			elem, v = v[:i], v[i+1:]
		} else {
			elem, v = v, ""
		}
		if asciiEqualFold(trimOWS(elem), token) {
			return true
		}
	}
	return false
}

// trimOWS trims optional whitespace (SP / HTAB, RFC 9110 §5.6.3).
func trimOWS(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// asciiEqualFold is strings.EqualFold restricted to ASCII, which is what
// field names and tokens are.
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// equalFoldLower reports whether s equals lower, ignoring ASCII case, where
// lower is made of lowercase letters, digits and '-' and s holds no control
// bytes (a field name or value that passed the grammar). Under those
// conditions s[i]|0x20 == lower[i] exactly when the bytes match: OR-ing 0x20
// lowercases a letter and leaves '-' and digits alone, and the only other
// bytes it maps onto them are control bytes. Eight bytes are compared at a
// time, the last (partial) group as an overlapping word.
func equalFoldLower(s, lower string) bool {
	n := len(s)
	if n != len(lower) {
		return false
	}
	switch {
	case n >= 8:
		for i := 0; i+8 < n; i += 8 {
			if le64s(s[i:])|0x2020202020202020 != le64s(lower[i:]) {
				return false
			}
		}
		return le64s(s[n-8:])|0x2020202020202020 == le64s(lower[n-8:])
	case n >= 4:
		return le32s(s)|0x20202020 == le32s(lower) && le32s(s[n-4:])|0x20202020 == le32s(lower[n-4:])
	}
	for i := 0; i < n; i++ {
		if s[i]|0x20 != lower[i] {
			return false
		}
	}
	return true
}
