package httpcore

// tchar marks the bytes allowed in a token (RFC 9110 §5.6.2):
//
//	tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
//	        "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
var tchar = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-'a'+'A'] = true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()

// vchar marks the bytes allowed inside a field value besides HTAB: VCHAR,
// SP and obs-text (RFC 9110 §5.5). Everything else there is a control byte.
var vchar = func() (t [256]bool) {
	for c := 0x20; c < 0x100; c++ {
		t[c] = c != 0x7f
	}
	return t
}()

// isToken reports whether s is a non-empty token.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !tchar[s[i]] {
			return false
		}
	}
	return true
}

// Word-at-a-time helpers: they test eight bytes with a few integer
// operations, the way strlen does in C libraries.
const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// hasLess reports whether some byte of x is less than n (n <= 128).
func hasLess(x uint64, n uint64) bool { return (x-lsb*n)&^x&msb != 0 }

// hasByte reports whether some byte of x equals c.
func hasByte(x uint64, c byte) bool {
	y := x ^ (lsb * uint64(c))
	return (y-lsb)&^y&msb != 0
}

// ctlMask returns, for the eight bytes of x, 0x80 in each byte that is a
// control byte (below 0x20, or DEL) and 0 elsewhere. Unlike hasLess it is
// exact per byte: no borrow crosses from one byte to the next, so the
// lowest set bit locates the first control byte.
func ctlMask(x uint64) uint64 {
	const low7 = 0x7f7f7f7f7f7f7f7f
	ge := ((x & low7) + 0x6060606060606060) | x // high bit: byte >= 0x20
	y := x ^ low7
	notDel := ((y & low7) + low7) | y // high bit: byte != 0x7f
	return ^(ge & notDel) & msb
}
