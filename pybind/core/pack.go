package core

import "github.com/wirelab/wirelab/httpcore"

// Packed results. Strings that can hold no NUL byte (HTTP tokens, field
// names and values, which httpcore rejects NUL in) are joined with NUL:
//
//	count \0 s1 \0 s2 \0 ... \0 rest
//
// where count says how many strings follow, and rest (possibly binary, such
// as a body) is everything after the last separator. The Python layer splits
// with bytes.split(b"\0", count+1).

// packStrings appends count, the strings and rest.
func packStrings(b []byte, ss []string, rest []byte) []byte {
	b = appendInt(b, len(ss))
	for _, s := range ss {
		b = append(b, 0)
		b = append(b, s...)
	}
	b = append(b, 0)
	return append(b, rest...)
}

func appendInt(b []byte, n int) []byte {
	if n == 0 {
		return append(b, '0')
	}
	var d [20]byte
	i := len(d)
	for n > 0 {
		i--
		d[i] = byte('0' + n%10)
		n /= 10
	}
	return append(b, d[i:]...)
}

// fieldStrings flattens header fields to name, value, name, value...
func fieldStrings(ss []string, h *httpcore.Header) []string {
	for _, f := range h.Fields() {
		ss = append(ss, f.Name, f.Value)
	}
	return ss
}

// unpackFields reads name \0 value \0 ... as sent by Python (no count, no
// rest) into a header.
func unpackFields(b []byte) (httpcore.Header, error) {
	var h httpcore.Header
	if len(b) == 0 {
		return h, nil
	}
	var parts []string
	start := 0
	for i, c := range b {
		if c == 0 {
			parts = append(parts, string(b[start:i]))
			start = i + 1
		}
	}
	parts = append(parts, string(b[start:]))
	if len(parts)%2 != 0 {
		return h, valueErr("wirelab: header list has a name without a value")
	}
	for i := 0; i < len(parts); i += 2 {
		h.Add(parts[i], parts[i+1])
	}
	return h, nil
}
