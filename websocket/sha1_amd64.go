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

// hasBMI2 is read once at start-up.
var hasBMI2 = cpu.X86.HasBMI2

// acceptSum returns SHA-1(key + acceptGUID) for a key of exactly 24 bytes.
func acceptSum(key string) [20]byte {
	_ = key[23]
	if !hasBMI2 {
		return acceptSumGeneric(key)
	}
	var sum [20]byte
	acceptSumAMD64(unsafe.StringData(key), &sum)
	return sum
}
