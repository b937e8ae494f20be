package httpcore

import (
	"math/rand/v2"
	"testing"
)

// TestClassifyEveryByte puts each of the 256 byte values at each of the 64
// positions of a window and checks both masks against the byte tables.
func TestClassifyEveryByte(t *testing.T) {
	for name, classify := range classifiers() {
		t.Run(name, func(t *testing.T) { testClassifyEveryByte(t, classify) })
	}
}

func testClassifyEveryByte(t *testing.T, classify func(p []byte, ctl, nt []uint64)) {
	p := make([]byte, 64)
	ctl, nt := make([]uint64, 1), make([]uint64, 1)
	for v := range 256 {
		for pos := range 64 {
			for i := range p {
				p[i] = 'a' // a tchar, and allowed in a value
			}
			p[pos] = byte(v)
			classify(p, ctl, nt)
			wantCtl := byte(v) != '\t' && !vchar[v]
			if got := ctl[0] == 1<<pos; got != wantCtl || (!wantCtl && ctl[0] != 0) {
				t.Fatalf("byte 0x%02x at %d: ctl mask %064b, want ctl=%v", v, pos, ctl[0], wantCtl)
			}
			wantNT := !tchar[v]
			if got := nt[0] == 1<<pos; got != wantNT || (!wantNT && nt[0] != 0) {
				t.Fatalf("byte 0x%02x at %d: nt mask %064b, want nt=%v", v, pos, nt[0], wantNT)
			}
		}
	}
}

// TestClassifyMatchesGeneric compares each implementation with the portable
// one on random bytes, several windows at a time.
func TestClassifyMatchesGeneric(t *testing.T) {
	for name, classify := range classifiers() {
		t.Run(name, func(t *testing.T) { testClassifyMatchesGeneric(t, classify) })
	}
}

func testClassifyMatchesGeneric(t *testing.T, classify func(p []byte, ctl, nt []uint64)) {
	r := rand.New(rand.NewPCG(1, 2))
	p := make([]byte, 64*9)
	c1, n1 := make([]uint64, 9), make([]uint64, 9)
	c2, n2 := make([]uint64, 9), make([]uint64, 9)
	for range 2000 {
		for i := range p {
			p[i] = byte(r.Uint32())
		}
		w := 1 + r.IntN(9)
		classify(p[:w*64], c1[:w], n1[:w])
		classifyGeneric(p[:w*64], c2[:w], n2[:w])
		for k := range w {
			if c1[k] != c2[k] || n1[k] != n2[k] {
				t.Fatalf("window %d: classify ctl %x nt %x, generic ctl %x nt %x", k, c1[k], n1[k], c2[k], n2[k])
			}
		}
	}
}

// TestClassesNext checks the scans across windows and at the end of the
// buffer, including a buffer whose length is a multiple of 64.
func TestClassesNext(t *testing.T) {
	for _, n := range []int{1, 63, 64, 65, 127, 128, 300, 512} {
		b := make([]byte, n)
		for i := range b {
			b[i] = 'x'
		}
		b = pad(b)
		var c classes
		c.reset(b)
		if got := c.next(c.ctl, 0); got != n {
			t.Errorf("len %d, no ctl: next(ctl, 0) = %d, want %d", n, got, n)
		}
		if got := c.next(c.nt, n); got != n {
			t.Errorf("len %d: next(nt, len) = %d, want %d", n, got, n)
		}
		for _, at := range []int{0, n / 2, n - 1} {
			b[at] = '\r'
			c.reset(b)
			for from := 0; from <= n; from += 1 + n/7 {
				want := at
				if from > at {
					want = n
				}
				if got := c.next(c.ctl, from); got != want {
					t.Errorf("len %d, CR at %d: next(ctl, %d) = %d, want %d", n, at, from, got, want)
				}
				if got := c.next(c.nt, from); got != want {
					t.Errorf("len %d, CR at %d: next(nt, %d) = %d, want %d", n, at, from, got, want)
				}
			}
			b[at] = 'x'
		}
	}
}

func BenchmarkClassify(b *testing.B) {
	p := make([]byte, 512)
	ctl, nt := make([]uint64, 8), make([]uint64, 8)
	for name, classify := range classifiers() {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(512)
			for b.Loop() {
				classify(p, ctl, nt)
			}
		})
	}
}
