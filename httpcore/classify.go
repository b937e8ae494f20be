package httpcore

import "math/bits"

// The header-section parser does not look at bytes one by one. It first
// classifies the bytes 64 at a time into two bit masks per 64-byte window:
//
//	ctl: bytes that cannot appear inside a field value: the control bytes
//	     (0x00-0x1F, 0x7F) except HTAB, so CR and LF included (RFC 9110 §5.5)
//	nt:  bytes that are not tchar, so cannot appear in a field name
//	     (RFC 9110 §5.6.2); ':' is one of them
//
// and then walks a field line with two bit scans: the name ends at the next
// nt bit (which must be a ':'), the value at the next ctl bit (which must be
// the CR of a CRLF). On amd64 with AVX2 the masks come from a few vector
// instructions per 32 bytes (classify_amd64.s); elsewhere from table lookups.
// The masks for window k are computed when the parser first reaches it, so a
// buffer holding several pipelined requests is classified only as far as the
// current one reaches.

// Classifier names the byte classifier the parser runs in this build on
// this CPU: "avx2" (amd64 with AVX2, without the purego build tag) or
// "generic". Benchmarks report it beside their figures.
func Classifier() string { return classifierName() }

// classes holds the masks for one buffer. The slices are reused between
// requests, so steady-state parsing allocates nothing.
type classes struct {
	b          []byte
	ctl, nt    []uint64 // the masks for b: views of small or of big
	done       int      // windows classified so far
	total      int      // windows in b, the last one possibly partial
	small      [2][16]uint64
	bigC, bigN []uint64 // for header sections over 1 KiB, grown once
}

// classifyBatch is how many windows are classified at a time when the
// parser runs past the first ones: enough to amortise a call, few enough
// not to run far past a short request in a buffer of pipelined ones.
const classifyBatch = 4

// eagerWindows are classified at once by reset: 1 KiB, enough for most
// requests' header sections.
const eagerWindows = 16

// padLen is the zero padding parse expects after its buffer (see pad).
const padLen = 64

// pad makes sure b is followed, within its capacity, by padLen zero bytes,
// so the classifier can read whole 64-byte windows: the zeros are NUL, both
// ctl and nt, so every scan stops at len(b). It may reallocate b.
func pad(b []byte) []byte {
	var zeros [padLen]byte
	return append(b, zeros[:]...)[:len(b)]
}

// padCopy is pad(append(dst[:0], src...)) with one copy.
func padCopy(dst, src []byte) []byte {
	n := len(src)
	if cap(dst) < n+padLen {
		dst = make([]byte, 0, n+n/2+padLen)
	}
	dst = dst[:n+padLen]
	copy(dst, src)
	clear(dst[n:])
	return dst[:n]
}

// reset starts classifying b, which must have been padded (see pad).
func (c *classes) reset(b []byte) {
	c.b = b
	c.done = 0
	c.total = (len(b) + 63) / 64
	if c.total <= len(c.small[0]) {
		// Re-sliced on every reset, so a copied Request never shares them.
		c.ctl, c.nt = c.small[0][:c.total], c.small[1][:c.total]
	} else {
		if cap(c.bigC) < c.total {
			c.bigC = make([]uint64, c.total)
			c.bigN = make([]uint64, c.total)
		}
		c.ctl, c.nt = c.bigC[:c.total], c.bigN[:c.total]
	}
	c.fill(eagerWindows - 1)
}

// fill classifies windows up to and including w (and up to classifyBatch
// more). It reports false if w is past the end of b.
func (c *classes) fill(w int) bool {
	if w >= c.total {
		w = c.total - 1
		if w < c.done {
			return false
		}
	}
	end := min(max(w+1, c.done+classifyBatch), c.total)
	if cap(c.b) >= end*64 {
		classify(c.b[c.done*64:end*64], c.ctl[c.done:end], c.nt[c.done:end])
	} else {
		// Not padded (a caller forgot pad): classify a padded copy of the
		// last window.
		full := len(c.b) / 64
		classify(c.b[c.done*64:full*64], c.ctl[c.done:full], c.nt[c.done:full])
		var tail [64]byte
		copy(tail[:], c.b[full*64:])
		classify(tail[:], c.ctl[full:end], c.nt[full:end])
	}
	c.done = end
	return true
}

// next returns the index of the first byte at or after i whose bit is set
// in m (c.ctl or c.nt), or len(b). The parser inlines the common case, a
// hit in the window of i, and calls next for the rest.
func (c *classes) next(m []uint64, i int) int {
	w := i >> 6
	if w >= c.done && !c.fill(w) {
		return len(c.b)
	}
	if x := m[w] >> (uint(i) & 63); x != 0 {
		return min(i+bits.TrailingZeros64(x), len(c.b))
	}
	for {
		w++
		if w >= c.done && !c.fill(w) {
			return len(c.b)
		}
		if x := m[w]; x != 0 {
			return min(w<<6+bits.TrailingZeros64(x), len(c.b))
		}
	}
}

// classifyGeneric is the portable classifier: len(p) is a multiple of 64,
// and ctl and nt have one element per 64 bytes. One table lookup per byte
// gives both bits.
func classifyGeneric(p []byte, ctl, nt []uint64) {
	var cm, tm [8]byte
	for k := range ctl {
		var x uint64 // ctl bits in the low nibble of each byte, nt in the high
		w := (*[64]byte)(p[k*64:])
		for j := 0; j < 64; j += 8 {
			x = uint64(byteClass[w[j]]) | uint64(byteClass[w[j+1]])<<1 |
				uint64(byteClass[w[j+2]])<<2 | uint64(byteClass[w[j+3]])<<3
			y := uint64(byteClass[w[j+4]]) | uint64(byteClass[w[j+5]])<<1 |
				uint64(byteClass[w[j+6]])<<2 | uint64(byteClass[w[j+7]])<<3
			cm[j>>3], tm[j>>3] = uint8(x&0x0f|y<<4&0xf0), uint8(x>>4&0x0f|y&0xf0)
		}
		ctl[k], nt[k] = le64(cm[:]), le64(tm[:])
	}
}

// byteClass holds, for each byte, 1 if it is ctl and 0x10 if it is nt, so
// that four lookups shifted by 0..3 pack into the low nibble (ctl) and the
// high nibble (nt) of one byte.
var byteClass = func() (t [256]uint8) {
	for c := range 256 {
		if c != '\t' && !vchar[c] {
			t[c] |= 0x01
		}
		if !tchar[c] {
			t[c] |= 0x10
		}
	}
	return t
}()
