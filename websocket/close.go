package websocket

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
)

// A CloseCode is the status code of a close frame (RFC 6455 §7.4).
type CloseCode uint16

// Close codes defined by RFC 6455 §7.4.1 and the IANA registry.
const (
	CloseNormal          CloseCode = 1000 // the purpose of the connection was fulfilled
	CloseGoingAway       CloseCode = 1001 // server shutting down, or page navigated away
	CloseProtocolError   CloseCode = 1002 // the peer broke the protocol
	CloseUnsupportedData CloseCode = 1003 // a message type the endpoint cannot accept
	CloseNoStatus        CloseCode = 1005 // never on the wire: the close frame had no code
	CloseAbnormal        CloseCode = 1006 // never on the wire: the TCP connection dropped
	CloseInvalidPayload  CloseCode = 1007 // data inconsistent with the type, e.g. bad UTF-8
	ClosePolicyViolation CloseCode = 1008 // a policy was violated
	CloseMessageTooBig   CloseCode = 1009 // a message too big to process
	CloseMandatoryExt    CloseCode = 1010 // client: the server did not negotiate a required extension
	CloseInternalError   CloseCode = 1011 // server: an unexpected condition
	CloseTLSHandshake    CloseCode = 1015 // never on the wire: TLS handshake failed
)

var closeNames = map[CloseCode]string{
	1000: "normal closure", 1001: "going away", 1002: "protocol error", 1003: "unsupported data",
	1005: "no status received", 1006: "abnormal closure", 1007: "invalid payload data",
	1008: "policy violation", 1009: "message too big", 1010: "mandatory extension",
	1011: "internal error", 1015: "TLS handshake",
}

func (c CloseCode) String() string {
	if s, ok := closeNames[c]; ok {
		return strconv.Itoa(int(c)) + " (" + s + ")"
	}
	return strconv.Itoa(int(c))
}

// ValidOnWire reports whether c may be sent in a close frame
// (RFC 6455 §7.4): 1000-1003 and 1007-1011 from the RFC, and 3000-4999 for
// libraries and applications. 1004 is reserved; 1005, 1006 and 1015 only
// describe what happened locally and never travel.
func (c CloseCode) ValidOnWire() bool {
	switch {
	case c >= 1000 && c <= 1003, c >= 1007 && c <= 1011, c >= 3000 && c <= 4999:
		return true
	}
	return false
}

// A CloseError is the close frame the peer sent, or the one the connection
// failed with. Reading from a Conn returns it once the close handshake
// starts.
type CloseError struct {
	Code   CloseCode
	Reason string
}

func (e *CloseError) Error() string {
	if e.Reason == "" {
		return "websocket: close " + e.Code.String()
	}
	return fmt.Sprintf("websocket: close %s: %s", e.Code, e.Reason)
}

// IsCloseError reports whether err is a CloseError with one of codes.
func IsCloseError(err error, codes ...CloseCode) bool {
	var ce *CloseError
	if !errors.As(err, &ce) {
		return false
	}
	for _, c := range codes {
		if ce.Code == c {
			return true
		}
	}
	return false
}

// FormatClose returns the payload of a close frame: the code in network byte
// order, then the UTF-8 reason (RFC 6455 §5.5.1). CloseNoStatus gives an
// empty payload.
func FormatClose(code CloseCode, reason string) []byte {
	if code == CloseNoStatus {
		return nil
	}
	b := make([]byte, 2+len(reason))
	binary.BigEndian.PutUint16(b, uint16(code))
	copy(b[2:], reason)
	return b
}

// maxReason is the longest close reason: a control payload is at most 125
// bytes, two of which hold the code.
const maxReason = 123

// ParseClose reads a received close payload as a Conn does (RFC 6455 §5.5.1,
// §7.4): empty is code 1005 (no status received); otherwise a 2-byte code
// that may be sent on the wire, then a UTF-8 reason:
//
//	03 e8 62 79 65   code 1000 (normal closure), reason "bye"
//
// The error is a *FrameError whose Offset is 0 when the code is at fault and
// 2 when the reason is.
func ParseClose(p []byte) (*CloseError, error) {
	ce, ferr := parseClose(p)
	if ferr != nil {
		return nil, ferr
	}
	return ce, nil
}

// parseClose validates a received close payload (RFC 6455 §5.5.1, §7.4).
func parseClose(p []byte) (*CloseError, *FrameError) {
	switch {
	case len(p) == 0:
		return &CloseError{Code: CloseNoStatus}, nil
	case len(p) == 1:
		return nil, frameErr(CloseProtocolError, 0, "§5.5.1", "1-byte close payload (a code takes 2 bytes)")
	}
	code := CloseCode(binary.BigEndian.Uint16(p))
	if !code.ValidOnWire() {
		return nil, frameErr(CloseProtocolError, 0, "§7.4.1", "close code %d is not allowed on the wire", code)
	}
	if !validUTF8(p[2:]) {
		return nil, frameErr(CloseInvalidPayload, 2, "§5.5.1", "close reason is not valid UTF-8")
	}
	return &CloseError{Code: code, Reason: string(p[2:])}, nil
}
