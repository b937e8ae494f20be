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
func acceptSumAMD64(key *byte, sum *[20]byte, wk2 *[80]uint32)

// hasBMI2 is read once at start-up.
var hasBMI2 = cpu.X86.HasBMI2

// acceptBlock2K is acceptBlock2 with each round's constant added, the form
// the assembly rounds read. Read-only.
var acceptBlock2K = func() (wk [80]uint32) {
	for t, w := range acceptBlock2 {
		wk[t] = w + [4]uint32{sha1K0, sha1K1, sha1K2, sha1K3}[t/20]
	}
	return wk
}()

// acceptSum returns SHA-1(key + acceptGUID) for a key of exactly 24 bytes.
func acceptSum(key string) [20]byte {
	_ = key[23]
	if !hasBMI2 {
		return acceptSumGeneric(key)
	}
	var sum [20]byte
	acceptSumAMD64(unsafe.StringData(key), &sum, &acceptBlock2K)
	return sum
}
