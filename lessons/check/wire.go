package check

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"time"

	"github.com/wirelab/wirelab/internal/i18n"
)

// maxRecord bounds the bytes kept of each direction of a connection; no
// stage exchanges more than about 64 KiB each way.
const maxRecord = 1 << 20

// runner carries one stage's context, language and connections.
type runner struct {
	ctx        context.Context // the stage's deadline
	parent     context.Context
	addr       string
	lang       int // 0 en, 1 zh
	timeout    time.Duration
	strictMask bool   // frames from the server must be unmasked (from stage server-unmasked on)
	section    string // the stage's main rule, for failures to receive
	conns      []*wire
	echo       string // the HTTP stage's random value for X-Wirelab-Echo
}

// msg formats catalogue message k in the stage's language.
func (r *runner) msg(k i18n.Key, args ...any) string {
	return i18n.New([2]string{"en", "zh"}[r.lang]).Sprintf(k, args...)
}

// tr picks the text of a stage table's pair (an ltext) in the stage's
// language and formats it.
func (r *runner) tr(en, zh string, args ...any) string {
	f := en
	if r.lang == 1 {
		f = zh
	}
	if len(args) == 0 {
		return f
	}
	return fmt.Sprintf(f, args...)
}

func (r *runner) closeAll() {
	for _, w := range r.conns {
		w.close()
	}
}

// A stageFail is a stage's verdict of failure.
type stageFail struct {
	msg   string
	f     Failure
	cause error // the I/O error behind it, if any
}

func (e *stageFail) Error() string { return e.msg }

// failAt fails the stage at the byte off of w's received bytes (absolute,
// -1 for none), showing w's bytes from its mark on.
func (r *runner) failAt(w *wire, off int, section, msg, hint string) *stageFail {
	sent, recv := w.sent[w.sentFrom:], w.recv[w.recvFrom:]
	if off >= 0 {
		off -= w.recvFrom
		off = max(0, min(off, len(recv)))
	}
	sf := &stageFail{msg: msg, f: Failure{Sent: sent, Received: recv, Offset: off, Section: section, Hint: hint}}
	if w.sentFrom > 0 {
		// After a WebSocket handshake: explain the frames.
		sf.f.Notes = append(r.describeFrames(r.msg(i18n.ChkSent), sent), r.describeFrames(r.msg(i18n.ChkReceived), recv)...)
	}
	return sf
}

// failEnd fails the stage at the end of what w received: what is wrong is
// that nothing more, or nothing right, came.
func (r *runner) failEnd(w *wire, section, msg, hint string) *stageFail {
	return r.failAt(w, len(w.recv), section, msg, hint)
}

func (r *runner) failNoBytes(section, msg, hint string) *stageFail {
	return &stageFail{msg: msg, f: Failure{Offset: -1, Section: section, Hint: hint}}
}

// A wire is one TCP connection of a stage that records every byte sent and
// received. The recording is what a failure shows, and the offsets of the
// engine's errors are offsets into it.
type wire struct {
	c    net.Conn
	br   *bufio.Reader
	sent []byte
	recv []byte
	// sentFrom and recvFrom mark where the part shown in a failure starts.
	sentFrom, recvFrom int
	stop               func() bool
	closed             bool
	// answers counts the responses read whole, so a failure can say
	// after which one the server went quiet.
	answers int
}

type recorder struct{ w *wire }

func (rc recorder) Read(p []byte) (int, error) {
	n, err := rc.w.c.Read(p)
	if len(rc.w.recv) < maxRecord {
		rc.w.recv = append(rc.w.recv, p[:n]...)
	}
	return n, err
}

// dial connects to the server; failing, it explains why in the terms a
// learner needs (is the server running? on which port?).
func (r *runner) dial() (*wire, error) {
	var d net.Dialer
	c, err := d.DialContext(r.ctx, "tcp", r.addr)
	if err != nil {
		if r.parent.Err() != nil {
			return nil, r.parent.Err()
		}
		return nil, r.dialFail(err)
	}
	w := &wire{c: c}
	w.br = bufio.NewReaderSize(recorder{w}, 64<<10)
	if dl, ok := r.ctx.Deadline(); ok {
		c.SetDeadline(dl)
	}
	// Cancelling the parent unblocks any read or write at once.
	w.stop = context.AfterFunc(r.parent, func() { c.SetDeadline(time.Unix(1, 0)) })
	r.conns = append(r.conns, w)
	return w, nil
}

func (r *runner) dialFail(err error) *stageFail {
	host, port, _ := net.SplitHostPort(r.addr)
	const section = "RFC 9293 §3.5"
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return r.failNoBytes(section,
			r.msg(i18n.ChkConnectionRefusedNothingListening, r.addr),
			r.msg(i18n.ChkServerRunningListeningPort, port, host))
	case errors.As(err, &dnsErr):
		return r.failNoBytes("RFC 1035",
			r.msg(i18n.ChkCannotResolveHost, host, err),
			r.msg(i18n.ChkUseIpAddressSuch))
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return r.failNoBytes(section,
			r.msg(i18n.ChkNoAnswerTcpHandshake, r.addr, r.timeout),
			r.msg(i18n.ChkHostRightFirewallMay, port))
	}
	return r.failNoBytes(section,
		r.msg(i18n.ChkCannotConnect, r.addr, err),
		r.msg(i18n.ChkServerRunningListeningPort2, port))
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout() || errors.Is(err, os.ErrDeadlineExceeded)
}

// write sends p in one write call (one TCP segment on loopback).
func (w *wire) write(p []byte) error {
	n, err := w.c.Write(p)
	if len(w.sent) < maxRecord {
		w.sent = append(w.sent, p[:n]...)
	}
	return err
}

// consumed is the offset in recv of the next byte the parsers will read.
func (w *wire) consumed() int { return len(w.recv) - w.br.Buffered() }

// mark starts the part of the recording that failures show here.
func (w *wire) mark() {
	w.sentFrom = len(w.sent)
	w.recvFrom = w.consumed()
}

func (w *wire) close() {
	if w.closed {
		return
	}
	w.closed = true
	w.stop()
	w.c.Close()
}

// ioFail turns an I/O error met while waiting for what into a failure: a
// timeout, the server closing the connection, or a reset.
func (r *runner) ioFail(w *wire, err error, section, what, hint string) error {
	if r.parent.Err() != nil {
		return r.parent.Err()
	}
	var msg string
	switch {
	case isTimeout(err) || errors.Is(err, context.DeadlineExceeded):
		msg = r.msg(i18n.ChkTimedOutAfterWaiting, r.timeout, what)
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		msg = r.msg(i18n.ChkServerClosedConnectionWhile2, what)
	case errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE):
		msg = r.msg(i18n.ChkServerResetConnectionWhile, what)
	default:
		msg = r.msg(i18n.ChkWhileWaiting, err, what)
	}
	sf := r.failEnd(w, section, msg, hint)
	sf.cause = err
	return sf
}

// pause waits d, or until the stage's time runs out.
func (r *runner) pause(d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-r.ctx.Done():
		return r.ctx.Err()
	}
}
