package annot

import (
	"encoding/json"
	"unicode/utf8"
)

// A Segment is one piece of a message on the wire: Raw is
// data[Offset:Offset+len(Raw)], exactly as sent, Kind names the piece (such
// as "request-line" or "masking-key") and Note explains it, naming the RFC
// section that defines it.
type Segment struct {
	Offset int
	Kind   string
	Raw    []byte
	Note   string
}

// MarshalJSON encodes s with Raw as a string, so CR and LF show as "\r\n".
// When Raw is not valid UTF-8 (a binary body, a masked payload), raw_base64
// holds the exact bytes as well:
//
//	{"offset":0,"length":16,"kind":"request-line","raw":"GET / HTTP/1.1\r\n","note":"..."}
func (s Segment) MarshalJSON() ([]byte, error) {
	v := struct {
		Offset    int    `json:"offset"`
		Length    int    `json:"length"`
		Kind      string `json:"kind"`
		Raw       string `json:"raw"`
		RawBase64 []byte `json:"raw_base64,omitempty"`
		Note      string `json:"note"`
	}{Offset: s.Offset, Length: len(s.Raw), Kind: s.Kind, Raw: string(s.Raw), Note: s.Note}
	if !utf8.Valid(s.Raw) {
		v.RawBase64 = s.Raw
	}
	return json.Marshal(v)
}
