package core

import "github.com/go-python/gopy/gopyh"

// The *H variants of the hot entry points (EncodeFrameH, DecodeFrameH,
// Conn.RecvH, Conn.SendH) trade gopy's wrapper objects for bare handles.
// Through the generated wrappers, every []byte argument and result is a
// Python object that registers a handle, increments it, and decrements it
// when garbage-collected: three calls across cgo, about a microsecond each.
// Here instead:
//
//   - an input is a fresh handle from Slice_byte_from_bytes, which the Go
//     side reads and releases itself (take), without a further call;
//   - an output is written into a []byte that Python keeps per thread and
//     reads with Slice_byte_to_bytes (output), reusing its capacity.
//
// So encoding a frame costs three calls instead of about ten. Handles are
// gopyh's, the package the generated code itself uses.

// take returns the []byte registered under handle h and unregisters it.
// h must come straight from Slice_byte_from_bytes, not owned by a Python
// wrapper object.
func take(h int) ([]byte, error) {
	v, err := gopyh.VarFromHandleTry(gopyh.CGoHandle(h), "[]byte")
	if err != nil {
		return nil, valueErr("wirelab: bad []byte handle %d: %v", h, err)
	}
	p, ok := v.(*[]byte)
	if !ok {
		return nil, valueErr("wirelab: handle %d holds %T, not []byte", h, v)
	}
	// A fresh handle has a count of 0: up to 1, down to 0 unregisters it.
	gopyh.IncRef(gopyh.CGoHandle(h))
	gopyh.DecRef(gopyh.CGoHandle(h))
	return *p, nil
}

// output returns the []byte registered under handle h, to be filled.
func output(h int) (*[]byte, error) {
	v, err := gopyh.VarFromHandleTry(gopyh.CGoHandle(h), "[]byte")
	if err != nil {
		return nil, valueErr("wirelab: bad []byte handle %d: %v", h, err)
	}
	p, ok := v.(*[]byte)
	if !ok {
		return nil, valueErr("wirelab: handle %d holds %T, not []byte", h, v)
	}
	return p, nil
}

// maxReuse is the largest output buffer kept for the next call.
const maxReuse = 1 << 20

// reuse returns the output slice emptied, or nil when it grew too large to
// keep.
func reuse(p *[]byte) []byte {
	if cap(*p) > maxReuse {
		return nil
	}
	return (*p)[:0]
}

// EncodeFrameH is EncodeFrame over handles: payload is a fresh []byte
// handle (released here), out a []byte handle that receives the frame. key
// is the masking key as a big-endian uint32, for MaskKey.
func EncodeFrameH(payload int, out int, flags int, mode int, key int) (err error) {
	defer guard(&err)
	p, err := take(payload)
	if err != nil {
		return err
	}
	dst, err := output(out)
	if err != nil {
		return err
	}
	var k []byte
	if mode == MaskKey {
		k = []byte{byte(key >> 24), byte(key >> 16), byte(key >> 8), byte(key)}
	}
	b, err := encodeFrame(reuse(dst), p, flags, mode, k)
	if err != nil {
		return err
	}
	*dst = b
	return nil
}

// DecodeFrameH is DecodeFrame over handles; the result, in DecodeFrame's
// layout, goes to out.
func DecodeFrameH(data int, out int, from int, rsvAllowed int) (err error) {
	defer guard(&err)
	d, err := take(data)
	if err != nil {
		return err
	}
	dst, err := output(out)
	if err != nil {
		return err
	}
	b, err := decodeFrame(reuse(dst), d, from, rsvAllowed)
	if err != nil {
		return err
	}
	*dst = b
	return nil
}

// RecvH is Recv with the payload alone in the output handle out. It
// returns len(payload)<<2 | type (1 text, 2 binary), so Python needs no
// slice to drop a type byte, and knows not to read out for an empty
// payload. It waits at most timeoutMs (0: not at all) and then returns
// statusNotYet; statusEnded once the connection is over and every queued
// message was read (State says how it ended). Neither is an error: see
// statusNotYet.
//
// The message's buffer becomes out's; out's old buffer goes back to the
// connection's reader for a later message, so a steady stream of messages
// allocates nothing.
func (c *Conn) RecvH(out int, timeoutMs int) (n int, err error) {
	defer guard(&err)
	dst, err := output(out)
	if err != nil {
		return 0, err
	}
	m, ok := c.next(timeoutMs)
	if !ok {
		if c.ended() {
			return statusEnded, nil
		}
		return statusNotYet, nil
	}
	if old := *dst; cap(old) > 0 && cap(old) <= maxReuse {
		select {
		case c.free <- old[:0]:
		default:
		}
	}
	*dst = m.b
	return len(m.b)<<2 | int(m.mt), nil
}

// SendH is Send with data as a fresh []byte handle (released here).
func (c *Conn) SendH(data int, opcode int) (err error) {
	defer guard(&err)
	d, err := take(data)
	if err != nil {
		return err
	}
	return c.Send(d, opcode)
}
