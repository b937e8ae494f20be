package bench

import (
	"strconv"
	"testing"

	"github.com/gobwas/ws"
	"github.com/wirelab/wirelab/websocket"
)

// BenchmarkMask compares wirelab's websocket.Mask (a 64-bit word at a time,
// pure Go) with gobwas/ws's ws.Cipher on the same buffers. Target from
// issue 3: ≥ 8 GB/s ("MB/s" here, from b.SetBytes). websocket/bench_test.go
// has the same measurement for more sizes and offsets.
func BenchmarkMask(b *testing.B) {
	key := [4]byte{0x37, 0xfa, 0x21, 0x3d}
	for _, n := range []int{4 << 10, 64 << 10} {
		buf := make([]byte, n)
		b.Run("wirelab/"+strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(n))
			for b.Loop() {
				websocket.Mask(key, 0, buf)
			}
		})
		b.Run("gobwas/"+strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(n))
			for b.Loop() {
				ws.Cipher(buf, key, 0)
			}
		})
	}
}
