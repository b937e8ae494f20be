package diagram

import (
	"encoding/binary"
	"fmt"
	"io"
	"strings"

	"github.com/wirelab/wirelab/websocket"

	"github.com/wirelab/wirelab/internal/i18n"
)

// A field is one field of a frame header: its name as the RFC's diagram
// writes it, its width in bits and its bits as read from the frame.
type field struct {
	name  string
	bits  int
	value uint64 // the field's bits, right-aligned
	raw   []byte // the bytes of a byte-aligned field (length, key)
}

// bit returns bit i of f, counting from the most significant.
func (f field) bit(i int) byte {
	return byte(f.value>>(f.bits-1-i)) & 1
}

// headerFields reads the fields of the frame header at the start of b
// (RFC 6455 §5.2) and returns them with the header's length.
func headerFields(b []byte) ([]field, int, error) {
	if len(b) < 2 {
		return nil, 0, fmt.Errorf("diagram: a frame header is at least 2 bytes (RFC 6455 §5.2), got %d", len(b))
	}
	n := 2
	switch b[1] & 0x7f {
	case 126:
		n += 2
	case 127:
		n += 8
	}
	if b[1]&0x80 != 0 {
		n += 4
	}
	if len(b) < n {
		return nil, 0, fmt.Errorf("diagram: payload len %d and MASK %d make a %d-byte header (RFC 6455 §5.2), but only %d bytes were given: % x",
			b[1]&0x7f, b[1]>>7, n, len(b), b)
	}
	fs := []field{
		{name: "FIN", bits: 1, value: uint64(b[0] >> 7)},
		{name: "RSV1", bits: 1, value: uint64(b[0]>>6) & 1},
		{name: "RSV2", bits: 1, value: uint64(b[0]>>5) & 1},
		{name: "RSV3", bits: 1, value: uint64(b[0]>>4) & 1},
		{name: "opcode", bits: 4, value: uint64(b[0] & 0xf)},
		{name: "MASK", bits: 1, value: uint64(b[1] >> 7)},
		{name: "payload len", bits: 7, value: uint64(b[1] & 0x7f)},
	}
	i := 2
	switch b[1] & 0x7f {
	case 126:
		fs = append(fs, field{name: "extended payload length", bits: 16, value: uint64(binary.BigEndian.Uint16(b[2:])), raw: b[2:4]})
		i = 4
	case 127:
		fs = append(fs, field{name: "extended payload length", bits: 64, value: binary.BigEndian.Uint64(b[2:]), raw: b[2:10]})
		i = 10
	}
	if b[1]&0x80 != 0 {
		fs = append(fs, field{name: "masking key", bits: 32, value: uint64(binary.BigEndian.Uint32(b[i:])), raw: b[i : i+4]})
	}
	return fs, n, nil
}

// A segment is the part of a field that falls in one 32-bit row.
type segment struct {
	f      int // index of the field; -1 for the payload after the header
	from   int // the field's first bit in this segment
	bits   int
	pos    int // the segment's first bit in the row, 0 to 31
	cont   bool
	filler string
}

// rows lays the fields out 32 bits to a row, as the RFC draws them,
// splitting a field that crosses a row's end, and fills the last row with
// the start of the payload.
func rows(fs []field, payload string) [][]segment {
	var out [][]segment
	var row []segment
	pos := 0
	for i, f := range fs {
		for from := 0; from < f.bits; {
			n := min(f.bits-from, 32-pos)
			row = append(row, segment{f: i, from: from, bits: n, pos: pos, cont: from > 0})
			from += n
			pos += n
			if pos == 32 {
				out = append(out, row)
				row, pos = nil, 0
			}
		}
	}
	if pos > 0 {
		row = append(row, segment{f: -1, bits: 32 - pos, pos: pos, filler: payload})
		out = append(out, row)
	}
	return out
}

// frameText holds the words of the bit diagram in one language.
type frameText struct {
	cont string // "(continued)"
}

func frameWords(lang string) frameText {
	p := i18n.New(lang)
	return frameText{cont: p.Sprintf(i18n.DiagramContinued)}
}

// boxLeft is the margin before the diagram's left edge.
const boxLeft = 2

// FrameHeader draws the header of the WebSocket frame at the start of b as
// the bit diagram of RFC 6455 §5.2 — the ruler of bit numbers, one box per
// field, 32 bits to a row — with the frame's real bits in the boxes, the
// value of each field under its bits, and a legend below that says what
// each field means, in opts.Lang ("en" or "zh"). Bytes after the header
// (the payload) are not drawn. The drawing is 67 columns wide.
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	┌─┬─┬─┬─┬───────┬─┬─────────────┬───────────────────────────────┐
//	│F│R│R│R│opcode │M│ payload len │          masking key          │
//	│1│0│0│0│0 0 0 1│1│0 0 0 0 1 0 1│0 0 1 1 0 1 1 1 1 1 1 1 1 0 1 0│
//
// A header cut short is an error that says how many bytes it needs.
func FrameHeader(w io.Writer, b []byte, opts Options) error {
	fs, n, err := headerFields(b)
	if err != nil {
		return err
	}
	words := frameWords(opts.Lang)
	length := fs[6].value
	if len(fs) > 7 && fs[7].name != "masking key" {
		length = fs[7].value
	}
	payload := i18n.New(opts.Lang).Sprintf(i18n.DiagramPayload, length)
	if length == 0 {
		payload = ""
	}
	rs := rows(fs, payload)

	var out strings.Builder
	line := func(s string) { out.WriteString(strings.TrimRight(s, " ") + "\n") }
	margin := strings.Repeat(" ", boxLeft)
	line(margin + " 0                   1                   2                   3")
	line(margin + " 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1")
	var above []segment
	for _, row := range rs {
		line(margin + border(above, row, fs))
		// The names: a one-bit field's name stands upright, one letter a
		// line, as in the RFC; wider ones are wrapped in their box.
		cells := make([][]string, len(row))
		height := 0
		for i, s := range row {
			cells[i] = segmentNames(s, fs, words)
			height = max(height, len(cells[i]))
		}
		for l := 0; l < height; l++ {
			c := newCanvas(boxLeft + 65)
			for i, s := range row {
				c.put(boxLeft+2*s.pos, "│")
				if l < len(cells[i]) {
					t := cells[i][l]
					c.put(boxLeft+2*s.pos+1+(2*s.bits-1-width(t))/2, t)
				}
			}
			c.put(boxLeft+64, "│")
			line(c.String())
		}
		// The bits, then what they add up to.
		bits, vals := newCanvas(boxLeft+65), newCanvas(boxLeft+65)
		for _, s := range row {
			x := boxLeft + 2*s.pos
			bits.put(x, "│")
			vals.put(x, "│")
			if s.f < 0 {
				continue
			}
			for i := 0; i < s.bits; i++ {
				bits.put(x+1+2*i, fmt.Sprint(fs[s.f].bit(s.from+i)))
			}
			if v := segmentValue(s, fs[s.f]); v != "" {
				vals.put(x+1+(2*s.bits-1-width(v))/2, v)
			}
		}
		bits.put(boxLeft+64, "│")
		vals.put(boxLeft+64, "│")
		line(bits.String())
		if strings.Trim(vals.String(), "│ ") != "" {
			line(vals.String())
		}
		above = row
	}
	line(margin + border(above, nil, fs))
	for _, l := range legend(fs, b[:n], opts.Lang) {
		line(l)
	}
	_, err = io.WriteString(w, out.String())
	return err
}

// border draws the line between two rows of boxes (above is nil for the
// top edge, below for the bottom one): ┬ ┴ ┼ where boxes start, and ╌
// over a field that carries on into the next row, as the RFC's dashes do.
func border(above, below []segment, fs []field) string {
	starts := func(row []segment) map[int]bool {
		m := map[int]bool{}
		for _, s := range row {
			m[s.pos] = true
		}
		return m
	}
	up, down := starts(above), starts(below)
	fieldAt := func(row []segment, bit int) (int, bool) {
		for _, s := range row {
			if bit >= s.pos && bit < s.pos+s.bits {
				return s.f, s.f >= 0
			}
		}
		return 0, false
	}
	var b strings.Builder
	for k := 0; k <= 32; k++ {
		u, d := up[k] || (k == 0 || k == 32) && above != nil, down[k] || (k == 0 || k == 32) && below != nil
		switch {
		case k == 0 && above == nil:
			b.WriteString("┌")
		case k == 0 && below == nil:
			b.WriteString("└")
		case k == 0:
			b.WriteString("├")
		case k == 32 && above == nil:
			b.WriteString("┐")
		case k == 32 && below == nil:
			b.WriteString("┘")
		case k == 32:
			b.WriteString("┤")
		case u && d:
			b.WriteString("┼")
		case u:
			b.WriteString("┴")
		case d:
			b.WriteString("┬")
		default:
			b.WriteString("─")
		}
		if k == 32 {
			break
		}
		fu, oku := fieldAt(above, k)
		fd, okd := fieldAt(below, k)
		if oku && okd && fu == fd {
			b.WriteString("╌")
		} else {
			b.WriteString("─")
		}
	}
	return b.String()
}

// segmentNames is what is written in a segment's box, one string a line.
func segmentNames(s segment, fs []field, words frameText) []string {
	if s.f < 0 {
		return wrap(s.filler, 2*s.bits-1)
	}
	name := fs[s.f].name
	if s.bits == 1 {
		var ls []string
		for _, r := range name {
			ls = append(ls, string(r))
		}
		return ls
	}
	if s.cont {
		name += " " + words.cont
	}
	return wrap(name, 2*s.bits-1)
}

// segmentValue is the value written under a segment's bits: the opcode
// and lengths as numbers, the bytes of a key or a long length in hex.
func segmentValue(s segment, f field) string {
	switch {
	case f.bits == 1:
		return ""
	case f.name == "opcode":
		return fmt.Sprintf("0x%x", f.value)
	case f.raw == nil || f.bits == 16:
		return fmt.Sprintf("= %d", f.value)
	}
	return fmt.Sprintf("% x", f.raw[s.from/8:(s.from+s.bits)/8])
}

// legend says what each field of the header means.
func legend(fs []field, header []byte, lang string) []string {
	p := i18n.New(lang)
	row := func(name, value, meaning string) string {
		return fmt.Sprintf("  %-12s %-12s %s", name, value, meaning)
	}
	var ls []string
	ls = append(ls, p.Sprintf(i18n.DiagramHeaderFields, len(header)))
	fin := p.Sprintf(i18n.DiagramMoreFramesMessageFollow)
	switch {
	case fs[0].value == 1:
		fin = p.Sprintf(i18n.DiagramLastFrameMessage)
	case websocket.Opcode(fs[4].value).IsControl():
		fin = p.Sprintf(i18n.DiagramFragmentedControlFrameProtocol)
	}
	ls = append(ls, row("FIN", fmt.Sprint(fs[0].value), fin))
	rsv := fmt.Sprintf("%d %d %d", fs[1].value, fs[2].value, fs[3].value)
	rsvMeaning := p.Sprintf(i18n.DiagramNoExtensionUse)
	if rsv != "0 0 0" {
		rsvMeaning = p.Sprintf(i18n.DiagramSetOnlyAgreedExtension)
	}
	ls = append(ls, row("RSV1-3", rsv, rsvMeaning))
	op := websocket.Opcode(fs[4].value)
	kind := p.Sprintf(i18n.DiagramDataFrame)
	switch {
	case op == websocket.OpContinuation:
		kind = p.Sprintf(i18n.DiagramCarriesMessageDataFrame)
	case op > 0xA || (op > 2 && op < 8):
		kind = p.Sprintf(i18n.DiagramReservedReceiverMustFail)
	case op.IsControl():
		kind = p.Sprintf(i18n.DiagramControlFrameMostBytes)
	}
	ls = append(ls, row("opcode", fmt.Sprintf("0x%x", byte(op)), op.String()+p.Sprintf(i18n.DiagramText)+kind))
	mask := p.Sprintf(i18n.DiagramMaskedServersFrame)
	if fs[5].value == 1 {
		mask = p.Sprintf(i18n.DiagramMaskedKeyBelowClients)
	}
	ls = append(ls, row("MASK", fmt.Sprint(fs[5].value), mask))
	pl := fs[6].value
	switch pl {
	case 126:
		ls = append(ls, row("payload len", "126", p.Sprintf(i18n.DiagramLengthNextBits)))
	case 127:
		ls = append(ls, row("payload len", "127", p.Sprintf(i18n.DiagramLengthNextBits2)))
	default:
		ls = append(ls, row("payload len", fmt.Sprint(pl), p.Sprintf(i18n.DiagramPayloadBytesBitForm, pl)))
	}
	for _, f := range fs[7:] {
		switch f.name {
		case "masking key":
			ls = append(ls, row("masking key", fmt.Sprintf("% x", f.raw), p.Sprintf(i18n.DiagramPayloadByteXoredKey)))
		default:
			ls = append(ls, row("ext. length", fmt.Sprint(f.value), p.Sprintf(i18n.DiagramPayloadBytesBitForm2, f.value, f.bits)))
		}
	}
	return ls
}
