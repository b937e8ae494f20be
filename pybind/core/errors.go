package core

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/websocket"
)

// Errors cross to Python as RuntimeError whose text is tagged:
//
//	wirelab \x1f kind \x1f code \x1f detail \x1f message
//
// kind names the Python exception to raise, code is a close code or an HTTP
// status (0 when none applies), detail is a header name for handshake
// errors or the close reason for closed connections, and message is the Go
// error's text. \x1f (ASCII unit separator) never appears in the parts:
// tag replaces it, and any invalid UTF-8, so Python can decode the text.
const tagSep = "\x1f"

// Error kinds, one per Python exception class.
const (
	KindProtocol  = "protocol"  // ProtocolError: bytes that break RFC 6455 or RFC 9112
	KindHandshake = "handshake" // HandshakeError: the opening handshake failed
	KindClosed    = "closed"    // ConnectionClosed: the connection is over
	KindValue     = "value"     // ValueError: a bad argument from Python
	KindTimeout   = "timeout"   // TimeoutError
	KindRefused   = "refused"   // ConnectionRefusedError
	KindOS        = "os"        // OSError: other network failures
	KindInternal  = "internal"  // WirelabError: a bug (a recovered panic)
)

// A taggedError is an error already in the tagged form.
type taggedError struct{ s string }

func (e *taggedError) Error() string { return e.s }

func clean(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), tagSep, " ")
}

func newTagged(kind string, code int, detail, msg string) error {
	return &taggedError{"wirelab" + tagSep + kind + tagSep + strconv.Itoa(code) + tagSep + clean(detail) + tagSep + clean(msg)}
}

func valueErr(format string, args ...any) error {
	return newTagged(KindValue, 0, "", fmt.Sprintf(format, args...))
}

// tag turns any error from the engine into a tagged one.
func tag(err error) error {
	if err == nil {
		return nil
	}
	var (
		te *taggedError
		fe *websocket.FrameError
		ce *websocket.CloseError
		he *websocket.HandshakeError
		pe *httpcore.ProtocolError
		ne net.Error
	)
	switch {
	case errors.As(err, &te):
		return te
	case errors.As(err, &fe):
		return newTagged(KindProtocol, int(fe.Code), "", err.Error())
	case errors.As(err, &ce):
		return newTagged(KindClosed, int(ce.Code), ce.Reason, err.Error())
	case errors.As(err, &he):
		return newTagged(KindHandshake, he.Status, he.Header, err.Error())
	case errors.As(err, &pe):
		return newTagged(KindProtocol, pe.Status, "", err.Error())
	case errors.Is(err, syscall.ECONNREFUSED):
		return newTagged(KindRefused, 0, "", err.Error())
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded),
		errors.As(err, &ne) && ne.Timeout():
		return newTagged(KindTimeout, 0, "", err.Error())
	case errors.Is(err, net.ErrClosed), errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ECONNRESET):
		return newTagged(KindClosed, int(websocket.CloseAbnormal), "", err.Error())
	}
	return newTagged(KindOS, 0, "", err.Error())
}

// guard recovers a panic into *err, so that it reaches Python as an
// exception instead of ending the interpreter. Every entry point defers it.
func guard(err *error) {
	if r := recover(); r != nil {
		*err = newTagged(KindInternal, 0, "", fmt.Sprintf("wirelab: internal error (Go panic): %v\n%s", r, debug.Stack()))
	}
}
