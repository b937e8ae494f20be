//go:build !amd64 || purego

package httpcore

func classify(p []byte, ctl, nt []uint64) { classifyGeneric(p, ctl, nt) }

func classifierName() string { return "generic" }
