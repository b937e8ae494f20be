package httpcore

import (
	"errors"
	"fmt"
)

// A ProtocolError reports a message that breaks the HTTP grammar or a limit.
// Status is the response a server sends for it; Offset is the byte offset in
// the message where the problem was found (-1 when it does not apply); Section
// names the rule, such as "RFC 9112 §6.3".
//
// After a ProtocolError the connection cannot be trusted to be in sync, so a
// server always closes it after answering.
type ProtocolError struct {
	Status  int
	Offset  int
	Section string
	Msg     string
}

func (e *ProtocolError) Error() string {
	s := "httpcore: " + e.Msg
	if e.Offset >= 0 {
		s += fmt.Sprintf(" at byte %d", e.Offset)
	}
	if e.Section != "" {
		s += " (" + e.Section + ")"
	}
	return s
}

func perr(status, off int, section, format string, args ...any) *ProtocolError {
	return &ProtocolError{Status: status, Offset: off, Section: section, Msg: fmt.Sprintf(format, args...)}
}

// StatusOf returns the status a server should answer for err: the Status of a
// ProtocolError, or 400.
func StatusOf(err error) int {
	var pe *ProtocolError
	if errors.As(err, &pe) {
		return pe.Status
	}
	return 400
}

var (
	// ErrBodyNotAllowed is returned by ResponseWriter.Write for a response
	// that cannot have content: HEAD, 1xx, 204 and 304 (RFC 9110 §6.4.1).
	ErrBodyNotAllowed = errors.New("httpcore: response to HEAD, or with status 1xx, 204 or 304, has no content (RFC 9110 §6.4.1)")
	// ErrHijacked is returned by ResponseWriter methods after Hijack.
	ErrHijacked = errors.New("httpcore: connection has been hijacked")
	// ErrServerClosed is returned by Server.Serve after Shutdown or Close.
	ErrServerClosed = errors.New("httpcore: server closed")
	// ErrContentLength is returned by ResponseWriter.Write when the handler
	// writes more than the Content-Length it declared (RFC 9110 §8.6).
	ErrContentLength = errors.New("httpcore: wrote more than the declared Content-Length (RFC 9110 §8.6)")
)

// quote shortens b for an error message and quotes it.
func quote(b []byte) string {
	const max = 40
	if len(b) > max {
		return fmt.Sprintf("%q...", b[:max])
	}
	return fmt.Sprintf("%q", b)
}
