//go:build !purego

package httpcore

// classifiers lists the implementations this machine can run, so each one
// is tested, not only the one classify picks.
func classifiers() map[string]func(p []byte, ctl, nt []uint64) {
	m := map[string]func(p []byte, ctl, nt []uint64){"generic": classifyGeneric}
	if hasAVX2 {
		m["avx2"] = func(p []byte, ctl, nt []uint64) { classifyAVX2(&p[0], len(p), &ctl[0], &nt[0]) }
	}
	return m
}
