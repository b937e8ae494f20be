// Package wstext says what the websocket engine writes in English, its
// explanation of frames (wsdecode.Decoding.WriteText) and its frame
// errors, in the learner's language, through the catalogue of
// internal/i18n. The engine keeps one language; "wirelab ws decode --lang
// zh" and the lessons' frame demos print through this package:
//
//	d, err := wsdecode.DecodeFrames(data, wsdecode.DecodeOptions{})
//	wstext.WriteDecoding(os.Stdout, d, i18n.New("zh"))
//	// 帧 1（从第 0 字节起）：text，最后一帧（FIN），无掩码，帧头 2 字节，载荷 5 字节
//	// ...
package wstext

import (
	"bytes"
	"io"
	"regexp"
	"strings"

	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/websocket"
	"github.com/wirelab/wirelab/websocket/wsdecode"
)

// The websocket engine explains frames in English only (engines carry only
// the engine); ws decode says the same explanation in the learner's
// language by translating each piece through the catalogue. The keys are
// tried in order and their %s match as little as they can, so a text built
// from texts ("%s; masked on the wire") is listed before its parts.
var (
	summaryKeys = []i18n.Key{
		i18n.WSFrameSummary, i18n.WSList, i18n.WSFin, i18n.WSNotFin, i18n.WSMasked, i18n.WSUnmasked,
		i18n.WSHeaderBytes, i18n.WSPayloadBytes, i18n.WSReservedOpcode,
	}
	noteKeys = []i18n.Key{
		i18n.WSNoteInvalidAfter, i18n.WSNoteInvalid, i18n.WSNoteEndsHere, i18n.WSNoteMaskedOnWire,
		i18n.WSNoteControlBetween, i18n.WSNoteCompressed, i18n.WSNoteNotMinimal7, i18n.WSNoteNotMinimal16,
		i18n.WSNoteFlagsControl, i18n.WSNoteFlags, i18n.WSFinFinal, i18n.WSFinMore,
		i18n.WSLen126, i18n.WSLen127, i18n.WSLen7, i18n.WSMask1, i18n.WSMask0,
		i18n.WSExtLen, i18n.WSForm16, i18n.WSForm64, i18n.WSKey, i18n.WSKeyBare,
		i18n.WSTruncHeader, i18n.WSTruncPayload, i18n.WSCloseEmpty, i18n.WSCloseStatus,
		i18n.WSNoReason, i18n.WSReason, i18n.WSUnmaskedSuffix, i18n.WSBytesColon, i18n.WSOneByteColon,
		i18n.WSCut, i18n.WSEmpty, i18n.WSReservedOpcode, i18n.WSCloseName,
		i18n.WSClose1000, i18n.WSClose1001, i18n.WSClose1002, i18n.WSClose1003, i18n.WSClose1005,
		i18n.WSClose1006, i18n.WSClose1007, i18n.WSClose1008, i18n.WSClose1009, i18n.WSClose1010,
		i18n.WSClose1011, i18n.WSClose1015, i18n.WSQuoted,
	}
	errorKeys = []i18n.Key{
		i18n.WSErrNotContinuation, i18n.WSErrControlTooLong, i18n.WSErrCloseOneByte, i18n.WSErrLen64MSB,
		i18n.WSErrRSV, i18n.WSErrRSV1Frame, i18n.WSErrInflateLimit, i18n.WSErrInflate, i18n.WSErrInflatedUTF8, i18n.WSErrRSVHex, i18n.WSErrCloseCode, i18n.WSErrReasonUTF8, i18n.WSErrNoMessage,
		i18n.WSErrFragmentedControl, i18n.WSErrUTF8Byte, i18n.WSErrMaskedFromServer,
		i18n.WSErrUnmaskedFromClient, i18n.WSErrReservedOpcode, i18n.WSErrTextEndsInside,
		i18n.WSErrTextNotUTF8, i18n.WSErrEndsFirstByte, i18n.WSErrEndsHeader, i18n.WSErrEndsPayload,
		i18n.WSReservedOpcode,
	}
	messageKeys = []i18n.Key{
		i18n.WSMessageFragmented, i18n.WSMessage, i18n.WSMsgBeforeError, i18n.WSMsgSoFar, i18n.WSEmpty,
		i18n.WSBytesColon, i18n.WSOneByteColon, i18n.WSCut, i18n.WSOneFrame, i18n.WSFrames, i18n.WSOneByte, i18n.WSBytes,
	}
)

// rawCut is how the raw column ends a long field: "...(+4 bytes)".
var rawCut = regexp.MustCompile(`\.\.\.\(\+\d+ bytes\)`)

// noteAndErrorKeys is what a field's note may hold: an invalid note quotes
// the engine's error message.
var noteAndErrorKeys = append(append([]i18n.Key{}, noteKeys...), errorKeys...)

// WriteDecoding writes d as wsdecode.Decoding.WriteText does, in p's
// language. It returns the texts it found no translation for (shown as
// they are), so a test can tell when the engine says something new.
func WriteDecoding(w io.Writer, d *wsdecode.Decoding, p i18n.Printer) (missed []string, err error) {
	if p.Lang() == i18n.English {
		return nil, d.WriteText(w)
	}
	var buf bytes.Buffer
	if err := d.WriteText(&buf); err != nil {
		return nil, err
	}
	lines := strings.SplitAfter(buf.String(), "\n")
	summaries, notes, messages, raws := p.Translator(summaryKeys...), p.Translator(noteAndErrorKeys...), p.Translator(messageKeys...), p.Translator(i18n.WSCut)
	tr := func(s string, t *i18n.Translator) string {
		out, ok := t.Translate(s)
		if !ok {
			missed = append(missed, s)
		}
		return out
	}
	var b strings.Builder
	n := 0
	next := func() string {
		if n >= len(lines) {
			return ""
		}
		n++
		return strings.TrimSuffix(lines[n-1], "\n")
	}
	for _, f := range d.Frames {
		b.WriteString(tr(next(), summaries) + "\n")
		for _, fl := range f.Fields {
			line := next()
			if fl.Note == "" || !strings.HasSuffix(line, fl.Note) {
				b.WriteString(line + "\n")
				continue
			}
			raw := rawCut.ReplaceAllStringFunc(strings.TrimSuffix(line, fl.Note), func(m string) string { return tr(m, raws) })
			b.WriteString(raw + tr(fl.Note, notes) + "\n")
		}
	}
	for range d.Messages {
		b.WriteString(tr(next(), messages) + "\n")
	}
	for n < len(lines) { // nothing, unless WriteText grows a line
		if l := next(); l != "" {
			b.WriteString(l + "\n")
		}
	}
	_, err = io.WriteString(w, b.String())
	return missed, err
}

// ErrorKeys are the keys of the engine's frame errors
// (websocket.FrameError), for a Translator.
func ErrorKeys() []i18n.Key {
	return append([]i18n.Key{i18n.WSFrameError}, errorKeys...)
}

// Error returns err, a *websocket.FrameError or an error wrapping one,
// with its text in p's language; errors.As still finds the FrameError.
func Error(err error, p i18n.Printer) error {
	return p.TranslateError(err, ErrorKeys()...)
}

// closeNameKeys name the close codes (RFC 6455 §7.4.1).
var closeNameKeys = []i18n.Key{
	i18n.WSCloseName, i18n.WSClose1000, i18n.WSClose1001, i18n.WSClose1002, i18n.WSClose1003,
	i18n.WSClose1005, i18n.WSClose1006, i18n.WSClose1007, i18n.WSClose1008, i18n.WSClose1009,
	i18n.WSClose1010, i18n.WSClose1011, i18n.WSClose1015,
}

// CloseCode says c as websocket.CloseCode.String does, "1000 (normal
// closure)", in p's language: "1000（正常关闭）".
func CloseCode(c websocket.CloseCode, p i18n.Printer) string {
	s, _ := p.Translate(c.String(), closeNameKeys...)
	return s
}
