//go:build !purego

package httpcore

import "golang.org/x/sys/cpu"

// classifyAVX2 classifies n bytes at p (n a multiple of 64) into ctl and nt,
// one uint64 per 64 bytes; see classify.go. Implemented in classify_amd64.s.
//
//go:noescape
func classifyAVX2(p *byte, n int, ctl, nt *uint64)

// hasAVX2 is read once at start-up. (An AVX-512 version measured slower
// inside the parser on a Xeon: 512-bit instructions lower the clock for the
// scalar code around them.)
var hasAVX2 = cpu.X86.HasAVX2

// classifierName is what Classifier reports.
func classifierName() string {
	if hasAVX2 {
		return "avx2"
	}
	return "generic"
}

func classify(p []byte, ctl, nt []uint64) {
	if hasAVX2 && len(p) >= 64 {
		classifyAVX2(&p[0], len(p), &ctl[0], &nt[0])
		return
	}
	classifyGeneric(p, ctl, nt)
}
