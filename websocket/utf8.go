package websocket

import "encoding/binary"

// utf8Validator checks UTF-8 incrementally, across frame boundaries, and
// fails as soon as a byte makes the text invalid, not at the end of the
// message (RFC 6455 §8.1: an endpoint fails the connection with 1007 when it
// receives invalid UTF-8 in a text message). It is Björn Höhrmann's DFA.
type utf8Validator struct{ state uint8 }

const (
	utf8Accept = 0
	utf8Reject = 12
)

// utf8Class maps each byte to its character class.
var utf8Class = func() (t [256]uint8) {
	set := func(lo, hi int, c uint8) {
		for i := lo; i <= hi; i++ {
			t[i] = c
		}
	}
	set(0x80, 0x8f, 1)
	set(0x90, 0x9f, 9)
	set(0xa0, 0xbf, 7)
	set(0xc0, 0xc1, 8)
	set(0xc2, 0xdf, 2)
	t[0xe0] = 10
	set(0xe1, 0xec, 3)
	t[0xed] = 4
	set(0xee, 0xef, 3)
	t[0xf0] = 11
	set(0xf1, 0xf3, 6)
	t[0xf4] = 5
	set(0xf5, 0xff, 8)
	return t
}()

// utf8Trans is the transition table: next = utf8Trans[state+class].
var utf8Trans = [108]uint8{
	0, 12, 24, 36, 60, 96, 84, 12, 12, 12, 48, 72,
	12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
	12, 0, 12, 12, 12, 12, 12, 0, 12, 0, 12, 12,
	12, 24, 12, 12, 12, 12, 12, 24, 12, 24, 12, 12,
	12, 12, 12, 12, 12, 12, 12, 24, 12, 12, 12, 12,
	12, 24, 12, 12, 12, 12, 12, 12, 12, 24, 12, 12,
	12, 12, 12, 12, 12, 12, 12, 36, 12, 36, 12, 12,
	12, 36, 12, 12, 12, 12, 12, 36, 12, 36, 12, 12,
	12, 36, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
}

// write feeds b and reports false as soon as the text so far cannot be the
// start of valid UTF-8.
func (v *utf8Validator) write(b []byte) bool {
	s := v.state
	i := 0
	for i < len(b) {
		if s == utf8Accept {
			// ASCII fast path, eight bytes at a time.
			for i+8 <= len(b) && binary.LittleEndian.Uint64(b[i:])&0x8080808080808080 == 0 {
				i += 8
			}
			if i == len(b) {
				break
			}
		}
		s = utf8Trans[s+utf8Class[b[i]]]
		if s == utf8Reject {
			v.state = s
			return false
		}
		i++
	}
	v.state = s
	return true
}

// complete reports whether the text ended on a character boundary.
func (v *utf8Validator) complete() bool { return v.state == utf8Accept }

func (v *utf8Validator) reset() { v.state = utf8Accept }

// A UTF8Validator checks the text of a message as it arrives, frame by
// frame, with the validator a Conn uses: Write fails at the first byte that
// cannot continue valid UTF-8, even before the message ends, and Complete
// tells whether the text ends on a character boundary (RFC 6455 §8.1). The
// zero value is ready for a new message.
type UTF8Validator struct{ v utf8Validator }

// Write adds p to the text and reports false once the text can no longer be
// valid UTF-8; after that it keeps reporting false until Reset.
func (u *UTF8Validator) Write(p []byte) bool { return u.v.state != utf8Reject && u.v.write(p) }

// Complete reports whether the text so far is valid UTF-8 that does not end
// inside a character.
func (u *UTF8Validator) Complete() bool { return u.v.complete() }

// Reset starts a new message.
func (u *UTF8Validator) Reset() { u.v.reset() }

// validUTF8 reports whether b is complete, valid UTF-8.
func validUTF8(b []byte) bool {
	var v utf8Validator
	return v.write(b) && v.complete()
}
