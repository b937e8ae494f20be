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
