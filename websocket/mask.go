package websocket

import (
	"encoding/binary"
	"math/bits"
)

// Mask XORs b in place with the 4-byte masking key, as if b started at
// offset pos of the payload, and returns the offset after b. Masking and
// unmasking are the same operation (RFC 6455 §5.3):
//
//	transformed[i] = original[i] XOR key[i mod 4]
//
// It works a 64-bit word at a time, 32 bytes per loop turn.
func Mask(key [4]byte, pos int, b []byte) int {
	return maskCopy(key, pos, b, b)
}

// maskCopy writes src XOR the key to dst, which is at least as long as src
// and may be src itself: one pass where a copy and a Mask would take two.
func maskCopy(key [4]byte, pos int, dst, src []byte) int {
	end := pos + len(src)
	dst = dst[:len(src)]
	// Rotate the key so that key[0] lines up with src[0].
	k32 := binary.LittleEndian.Uint32(key[:])
	k32 = bits.RotateLeft32(k32, -8*(pos&3))
	// Unaligned loads are fast on amd64 and arm64: no need to align first.
	k64 := uint64(k32) | uint64(k32)<<32
	n, i := len(src), 0
	for ; i+32 <= n; i += 32 {
		s, d := src[i:i+32:i+32], dst[i:i+32:i+32]
		v0 := binary.LittleEndian.Uint64(s[0:8]) ^ k64
		v1 := binary.LittleEndian.Uint64(s[8:16]) ^ k64
		v2 := binary.LittleEndian.Uint64(s[16:24]) ^ k64
		v3 := binary.LittleEndian.Uint64(s[24:32]) ^ k64
		binary.LittleEndian.PutUint64(d[0:8], v0)
		binary.LittleEndian.PutUint64(d[8:16], v1)
		binary.LittleEndian.PutUint64(d[16:24], v2)
		binary.LittleEndian.PutUint64(d[24:32], v3)
	}
	for ; i+8 <= n; i += 8 {
		binary.LittleEndian.PutUint64(dst[i:i+8], binary.LittleEndian.Uint64(src[i:i+8])^k64)
	}
	for ; i < n; i++ {
		dst[i] = src[i] ^ byte(k32>>(8*(i&3)))
	}
	return end
}

// maskBytes is the byte-at-a-time reference Mask is tested against.
func maskBytes(key [4]byte, pos int, b []byte) int {
	for i := range b {
		b[i] ^= key[(pos+i)&3]
	}
	return pos + len(b)
}
