//go:build !purego

package httpcore

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// classifiers lists the implementations this machine can run, so each one
// is tested, not only the one classify picks.
func classifiers() map[string]func(p []byte, ctl, nt []uint64) {
	m := map[string]func(p []byte, ctl, nt []uint64){"generic": classifyGeneric}
	if hasAVX2 {
		m["avx2"] = func(p []byte, ctl, nt []uint64) { classifyAVX2(&p[0], len(p), &ctl[0], &nt[0]) }
	}
	return m
}

// TestClassifyAsmIsVEX reads classify_amd64.s and fails on any instruction
// that names an X or Y register without being VEX-encoded (a mnemonic
// starting with V): mixing legacy SSE into AVX2 code costs a state
// transition on every call (see classify_amd64.s).
func TestClassifyAsmIsVEX(t *testing.T) {
	src, err := os.ReadFile("classify_amd64.s")
	if err != nil {
		t.Fatal(err)
	}
	simdReg := regexp.MustCompile(`\b[XY]\d+\b`)
	n := 0
	for i, line := range strings.Split(string(src), "\n") {
		code, _, _ := strings.Cut(line, "//")
		fields := strings.Fields(code)
		if len(fields) < 2 || strings.HasPrefix(fields[0], "#") || fields[0] == "DATA" || fields[0] == "GLOBL" || fields[0] == "TEXT" {
			continue
		}
		if !simdReg.MatchString(strings.Join(fields[1:], " ")) {
			continue
		}
		n++
		if !strings.HasPrefix(fields[0], "V") {
			t.Errorf("classify_amd64.s:%d: %s is a legacy SSE instruction in AVX2 code; use its VEX form (V%s)", i+1, strings.TrimSpace(code), fields[0])
		}
	}
	if n < 40 {
		t.Fatalf("found only %d SIMD instructions in classify_amd64.s; is the parser of this test broken?", n)
	}
}
