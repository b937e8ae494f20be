package httpcore

import (
	"bytes"
	"encoding/binary"
	"unsafe"
)

// b2s returns a string that shares b's memory. The caller guarantees that b
// is not modified while the string is in use.
func b2s(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

func le64(b []byte) uint64 { return binary.LittleEndian.Uint64(b) }

func indexLF(b []byte) int { return bytes.IndexByte(b, '\n') }

var crlfcrlf = []byte("\r\n\r\n")

// le64s is le64 for a string.
func le64s(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// le32s reads four bytes of a string, little-endian.
func le32s(s string) uint32 {
	_ = s[3]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}
