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
	// A header section read by this package is kept as offsets into raw,
	// the request's own buffer, rather than as strings: refs holds no
	// pointers, so filling it costs no GC write barriers and the one-shot
	// ReadRequest allocation stays small. Lookups make strings over raw on
	// demand; Fields and the methods that change the Header first turn refs
	// into fields (own). At most one of fields and refs is non-empty.
	raw  string
	refs []fieldRef
}

// fieldRef locates one field line in Header.raw: the name is
// raw[name:nameEnd], the value raw[value:valueEnd].
type fieldRef struct{ name, nameEnd, value, valueEnd uint32 }

// Len reports the number of field lines.
func (h *Header) Len() int { return len(h.fields) + len(h.refs) }

// Fields returns the field lines in arrival order. The slice is the Header's
// own; do not modify it. On a Header read by this package the first call
// makes the slice.
func (h *Header) Fields() []Field {
	h.own()
	return h.fields
}

// own turns refs into fields, reusing the capacity of fields, so that the
// Header can be changed or handed out as a []Field.
func (h *Header) own() {
	if len(h.refs) == 0 {
		return
	}
	fs := h.fields[:0]
	for _, r := range h.refs {
		fs = append(fs, Field{h.raw[r.name:r.nameEnd], h.raw[r.value:r.valueEnd]})
	}
	h.fields, h.refs, h.raw = fs, h.refs[:0], ""
}

// index returns the index of the first field named name at or after from,
// or -1.
func (h *Header) index(name string, from int) int {
	if len(h.refs) > 0 {
		for i := from; i < len(h.refs); i++ {
			r := &h.refs[i]
			if asciiEqualFold(h.raw[r.name:r.nameEnd], name) {
				return i
			}
		}
		return -1
	}
	for i := from; i < len(h.fields); i++ {
		if asciiEqualFold(h.fields[i].Name, name) {
			return i
		}
	}
	return -1
}

// value returns the value of field i.
func (h *Header) value(i int) string {
	if len(h.refs) > 0 {
		r := &h.refs[i]
		return h.raw[r.value:r.valueEnd]
	}
	return h.fields[i].Value
}

// Get returns the value of the first field named name, or "".
func (h *Header) Get(name string) string {
	v, _ := h.Lookup(name)
	return v
}

// Lookup is like Get but reports whether the field was present.
func (h *Header) Lookup(name string) (string, bool) {
	if i := h.index(name, 0); i >= 0 {
		return h.value(i), true
	}
	return "", false
}

// Has reports whether a field named name is present.
func (h *Header) Has(name string) bool { return h.index(name, 0) >= 0 }

// Values returns the values of every field named name, in order.
func (h *Header) Values(name string) []string {
	var vs []string
	for i := h.index(name, 0); i >= 0; i = h.index(name, i+1) {
		vs = append(vs, h.value(i))
	}
	return vs
}

// Add appends a field line.
func (h *Header) Add(name, value string) {
	h.own()
	h.fields = append(h.fields, Field{name, value})
}

// Set replaces every field named name with one field line, kept at the
// position of the first one (or appended).
func (h *Header) Set(name, value string) {
	h.own()
	if i := h.index(name, 0); i >= 0 {
		h.fields[i] = Field{name, value}
		h.del(name, i+1)
		return
	}
	h.fields = append(h.fields, Field{name, value})
}

// Del removes every field named name.
func (h *Header) Del(name string) {
	h.own()
	h.del(name, 0)
}

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
	h.refs = h.refs[:0]
	if h.raw != "" {
		h.raw = ""
	}
}

// Clone returns a copy whose strings do not share the receiver's storage.
func (h *Header) Clone() Header {
	n := h.Len()
	if n == 0 {
		return Header{}
	}
	c := Header{fields: make([]Field, n)}
	for i := range n {
		f := h.field(i)
		c.fields[i] = Field{strings.Clone(f.Name), strings.Clone(f.Value)}
	}
	return c
}

// field returns field line i.
func (h *Header) field(i int) Field {
	if len(h.refs) > 0 {
		r := &h.refs[i]
		return Field{h.raw[r.name:r.nameEnd], h.raw[r.value:r.valueEnd]}
	}
	return h.fields[i]
}

// HasToken reports whether any field named name holds token in its
// comma-separated list, compared case-insensitively ("Connection:
// keep-alive, Upgrade" has the token "upgrade"). RFC 9110 §5.6.1.
func (h *Header) HasToken(name, token string) bool {
	for i := h.index(name, 0); i >= 0; i = h.index(name, i+1) {
		if hasToken(h.value(i), token) {
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
