//go:build !amd64 || purego

package httpcore

func classifiers() map[string]func(p []byte, ctl, nt []uint64) {
	return map[string]func(p []byte, ctl, nt []uint64){"generic": classifyGeneric}
}
