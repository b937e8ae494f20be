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
	end := pos + len(b)
	// Rotate the key so that key[0] lines up with b[0].
	k32 := binary.LittleEndian.Uint32(key[:])
	k32 = bits.RotateLeft32(k32, -8*(pos&3))
	// Finish the bytes before b is word-aligned is unnecessary on amd64/arm64;
	// unaligned loads are fast. Work in 8-byte words.
	k64 := uint64(k32) | uint64(k32)<<32
	for len(b) >= 32 {
		v0 := binary.LittleEndian.Uint64(b[0:8]) ^ k64
		v1 := binary.LittleEndian.Uint64(b[8:16]) ^ k64
		v2 := binary.LittleEndian.Uint64(b[16:24]) ^ k64
		v3 := binary.LittleEndian.Uint64(b[24:32]) ^ k64
		binary.LittleEndian.PutUint64(b[0:8], v0)
		binary.LittleEndian.PutUint64(b[8:16], v1)
		binary.LittleEndian.PutUint64(b[16:24], v2)
		binary.LittleEndian.PutUint64(b[24:32], v3)
		b = b[32:]
	}
	for len(b) >= 8 {
		binary.LittleEndian.PutUint64(b, binary.LittleEndian.Uint64(b)^k64)
		b = b[8:]
	}
	for i := range b {
		b[i] ^= byte(k32 >> (8 * (i & 3)))
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
