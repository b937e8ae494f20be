package httpcore

import (
	"encoding/binary"
	"math/rand/v2"
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
