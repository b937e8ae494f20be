//go:build !purego

package websocket

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// acceptSumAMD64 is in sha1_amd64.s. It needs BMI2 and reads 24 bytes at
// key.
//
//go:noescape
func acceptSumAMD64(key *byte, sum *[20]byte)

// cpuid7EBX returns EBX of CPUID leaf 7, subleaf 0 (sha1_amd64.s):
// golang.org/x/sys/cpu reads the SHA bit there but does not export it.
func cpuid7EBX() uint32

// hasSHANI reports the SHA extensions (CPUID.7.0:EBX bit 29) with what
// crypto/sha1's SHA-NI code also needs (crypto/sha1/sha1block_amd64.go):
// AVX, SSE4.1 and SSSE3.
func hasSHANI() bool {
	return cpuid7EBX()&(1<<29) != 0 && cpu.X86.HasAVX && cpu.X86.HasSSE41 && cpu.X86.HasSSSE3
}

// acceptImpl is chosen once at start-up: crypto/sha1 where the CPU has the
// SHA extensions (two blocks in about 165 ns on an AMD EPYC, against
// 290-330 ns for the assembly), the assembly where it has BMI2, else the
// Go rounds.
var acceptImpl = chooseAcceptImpl(hasSHANI(), cpu.X86.HasBMI2)

func chooseAcceptImpl(shani, bmi2 bool) acceptImplID {
	switch {
	case shani:
		return implStd
	case bmi2:
		return implBMI2
	}
	return implGo
}

// acceptSum returns SHA-1(key + acceptGUID) for a key of exactly 24 bytes.
func acceptSum(key string) [20]byte {
	_ = key[23]
	switch acceptImpl {
	case implStd:
		return acceptSumStd(key) // crypto/sha1 runs SHA-NI
	case implBMI2:
		return acceptSumBMI2(key)
	}
	return acceptSumGeneric(key)
}

// acceptSumBMI2 is the assembly; the caller checked BMI2.
func acceptSumBMI2(key string) [20]byte {
	_ = key[23]
	var sum [20]byte
	acceptSumAMD64(unsafe.StringData(key), &sum)
	return sum
}

// acceptImpls lists the implementations this CPU can run, for the tests
// and benchmarks: each is compared with crypto/sha1 and timed by name.
func acceptImpls() map[acceptImplID]func(string) [20]byte {
	m := map[acceptImplID]func(string) [20]byte{implGo: acceptSumGeneric, implStd: acceptSumStd}
	if cpu.X86.HasBMI2 {
		m[implBMI2] = acceptSumBMI2
	}
	return m
}
