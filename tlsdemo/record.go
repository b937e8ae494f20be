package tlsdemo

import (
	"encoding/binary"
	"fmt"
)

// A Record is the header of one TLS record as seen on the wire (RFC 8446
// §5.1). Everything TLS sends travels in records:
//
//	16 03 01 00 f8  <248 bytes>    handshake, legacy version 0x0301, length 248
//	17 03 03 00 45  <69 bytes>     application_data: ciphertext and AEAD tag
//
// An observer sees the type, the version and the length of each record; in
// TLS 1.3 everything after the ServerHello is application_data whatever it
// really carries, so even the message types are hidden.
type Record struct {
	Type    uint8  `json:"type"`
	Version uint16 `json:"version"`
	Length  int    `json:"length"`
	// Offset is where the record starts in its direction's byte stream.
	Offset int `json:"offset"`
}

// TLS record content types (RFC 8446 §5.1, RFC 5246 §6.2.1).
const (
	RecordChangeCipherSpec = 20
	RecordAlert            = 21
	RecordHandshake        = 22
	RecordApplicationData  = 23
)

// TypeName returns the record type's name, such as "handshake".
func (r Record) TypeName() string {
	switch r.Type {
	case RecordChangeCipherSpec:
		return "change_cipher_spec"
	case RecordAlert:
		return "alert"
	case RecordHandshake:
		return "handshake"
	case RecordApplicationData:
		return "application_data"
	}
	return fmt.Sprintf("type %d", r.Type)
}

func (r Record) String() string {
	return fmt.Sprintf("%s (0x%02x), version 0x%04x, %d bytes", r.TypeName(), r.Type, r.Version, r.Length)
}

// ParseRecords splits a byte stream into TLS record headers. It stops at
// the first incomplete record and reports how many bytes it consumed.
func ParseRecords(b []byte) (recs []Record, n int) {
	for len(b)-n >= 5 {
		h := b[n : n+5]
		length := int(binary.BigEndian.Uint16(h[3:5]))
		if len(b)-n-5 < length {
			break
		}
		recs = append(recs, Record{Type: h[0], Version: binary.BigEndian.Uint16(h[1:3]), Length: length, Offset: n})
		n += 5 + length
	}
	return recs, n
}

// recordScanner follows the record boundaries of a stream that arrives in
// arbitrary pieces, calling fn with each whole record (header and body) so
// it can be changed in place before it is forwarded.
type recordScanner struct {
	buf []byte
	fn  func(typ uint8, rec []byte)
}

// feed adds bytes and returns the whole records now available, possibly
// changed by fn; a partial record is kept for the next call.
func (s *recordScanner) feed(b []byte) []byte {
	s.buf = append(s.buf, b...)
	recs, n := ParseRecords(s.buf)
	if n == 0 {
		return nil
	}
	for _, r := range recs {
		s.fn(r.Type, s.buf[r.Offset:r.Offset+5+r.Length])
	}
	out := append([]byte(nil), s.buf[:n]...)
	s.buf = append(s.buf[:0], s.buf[n:]...)
	return out
}

// rest returns what is left: an incomplete record at the end of the stream.
func (s *recordScanner) rest() []byte {
	b := s.buf
	s.buf = nil
	return b
}
