package httpcore

import (
	"encoding/binary"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestWordMasks checks the eight-bytes-at-a-time masks against byte-at-a-time
// definitions, on every byte value in every position and on random words.
func TestWordMasks(t *testing.T) {
	isCtl := func(c byte) bool { return c < 0x20 || c == 0x7f }
	check := func(x uint64) {
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], x)
		cm := ctlMask(x)
		for i, c := range b {
			if got := cm>>(8*i+7)&1 == 1; got != isCtl(c) {
				t.Fatalf("ctlMask(%#x) byte %d (%#x): got %v", x, i, c, got)
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 8; pos++ {
			base := r.Uint64()
			check(base&^(0xff<<(8*pos)) | uint64(c)<<(8*pos))
		}
	}
	for i := 0; i < 100000; i++ {
		check(r.Uint64())
	}
}

// TestEqualFoldLower checks the word-at-a-time comparison against
// strings.EqualFold for names of every length up to 20 against the lowercase
// constants the parser uses, including near misses in every position.
func TestEqualFoldLower(t *testing.T) {
	lowers := []string{"te", "host", "close", "expect", "chunked", "keep-alive", "connection", "content-length", "transfer-encoding", "x-0123456789-abcdefg"}
	var tokens []byte
	for c := range 256 {
		if tchar[c] {
			tokens = append(tokens, byte(c))
		}
	}
	for _, lower := range lowers {
		for _, s := range []string{lower, strings.ToUpper(lower), strings.ToTitle(lower[:1]) + lower[1:], lower + "s", lower[1:]} {
			if got, want := equalFoldLower(s, lower), strings.EqualFold(s, lower); got != want {
				t.Errorf("equalFoldLower(%q, %q) = %v, want %v", s, lower, got, want)
			}
		}
		for i := range len(lower) {
			for _, c := range tokens {
				s := lower[:i] + string(c) + lower[i+1:]
				if got, want := equalFoldLower(s, lower), strings.EqualFold(s, lower); got != want {
					t.Fatalf("equalFoldLower(%q, %q) = %v, want %v", s, lower, got, want)
				}
			}
		}
	}
}

// TestScanTarget checks the word-at-a-time request-target scan against a
// byte loop, with every byte value at every position of a 24-byte target.
func TestScanTarget(t *testing.T) {
	b := make([]byte, 24)
	for v := range 256 {
		for pos := range len(b) {
			for i := range b {
				b[i] = 'a' + byte(i%26)
			}
			b[pos] = byte(v)
			for from := range 3 {
				want := from
				for want < len(b) && b[want] > ' ' && b[want] < 0x7f {
					want++
				}
				if got := scanTarget(b, from); got != want {
					t.Fatalf("byte 0x%02x at %d: scanTarget from %d = %d, want %d", v, pos, from, got, want)
				}
			}
		}
	}
}
