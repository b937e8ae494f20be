package diagram

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

// Fixed frames: RFC 6455 §5.7's examples and the three length forms.
var goldenFrames = []struct {
	name string
	raw  []byte
	lang string
}{
	{"frame-hello-masked", []byte{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}, "en"},
	{"frame-hello-server", []byte{0x81, 0x05, 'H', 'e', 'l', 'l', 'o'}, "en"},
	{"frame-256-zh", []byte{0x82, 0x7e, 0x01, 0x00}, "zh"},
	{"frame-64k-masked", []byte{0x82, 0xff, 0, 0, 0, 0, 0, 1, 0, 0, 1, 2, 3, 4}, "en"},
	{"frame-close-fragment", []byte{0x08, 0x82, 0xaa, 0xbb, 0xcc, 0xdd}, "zh"},
}

func TestFrameHeaderGolden(t *testing.T) {
	for _, tc := range goldenFrames {
		var b bytes.Buffer
		if err := FrameHeader(&b, tc.raw, Options{Lang: tc.lang}); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		golden(t, tc.name, b.Bytes())
	}
}

// The bits in the boxes are the frame's: reading the bit rows back, left
// to right, gives the header's bytes.
func TestFrameHeaderBitsRoundTrip(t *testing.T) {
	for _, tc := range goldenFrames {
		var b bytes.Buffer
		if err := FrameHeader(&b, tc.raw, Options{Lang: tc.lang}); err != nil {
			t.Fatal(err)
		}
		// A row of bits: between the │s, boxes of bits one space apart
		// filling the box, or empty boxes (the payload).
		var bits []byte
		for _, l := range strings.Split(b.String(), "\n") {
			l = strings.TrimSpace(l)
			if !strings.HasPrefix(l, "│") || !strings.HasSuffix(l, "│") {
				continue
			}
			var row []byte
			ok := true
			for _, box := range strings.Split(strings.Trim(l, "│"), "│") {
				if strings.TrimSpace(box) == "" {
					continue
				}
				if !bitBox.MatchString(box) {
					ok = false
					break
				}
				for _, c := range strings.ReplaceAll(box, " ", "") {
					row = append(row, byte(c-'0'))
				}
			}
			if ok {
				bits = append(bits, row...)
			}
		}
		_, n, _ := headerFields(tc.raw)
		var got []byte
		for i := 0; i+8 <= len(bits); i += 8 {
			var c byte
			for _, bit := range bits[i : i+8] {
				c = c<<1 | bit
			}
			got = append(got, c)
		}
		if !bytes.Equal(got, tc.raw[:n]) {
			t.Errorf("%s: the boxes hold % x, the header is % x\n%s", tc.name, got, tc.raw[:n], b.String())
		}
	}
}

var bitBox = regexp.MustCompile(`^[01]( [01])*$`)

func TestFrameHeaderShort(t *testing.T) {
	for _, raw := range [][]byte{nil, {0x81}, {0x81, 0xfe, 0x01}, {0x82, 0x7f, 0, 0, 0}, {0x81, 0x85, 1, 2}} {
		err := FrameHeader(&bytes.Buffer{}, raw, Options{})
		if err == nil || !strings.Contains(err.Error(), "RFC 6455 §5.2") {
			t.Errorf("% x: got %v, want an error citing RFC 6455 §5.2", raw, err)
		}
	}
}
