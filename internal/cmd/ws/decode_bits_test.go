package ws

import (
	"strings"
	"testing"

	"github.com/wirelab/wirelab/internal/iostreams"
)

// --bits adds each whole header's bit diagram, with the frame's bits; a
// header cut short gets the decoder's error and no drawing.
func TestDecodeBits(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	if err := runDecode(&DecodeOptions{IO: ios, Hex: "81 85 37 fa 21 3d 7f 9f 4d 51 58 88 80 00 00 00 00", From: "client", Bits: true}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"frame at byte 0:", "│1│0│0│0│0 0 0 1│1│0 0 0 0 1 0 1│0 0 1 1 0 1 1 1 1 1 1 1 1 0 1 0│",
		"frame at byte 11:", "│1│0│0│0│1 0 0 0│1│0 0 0 0 0 0 0│",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in:\n%s", want, out.String())
		}
	}

	ios, _, out, _ = iostreams.Test()
	err := runDecode(&DecodeOptions{IO: ios, Hex: "81 fe 01", Bits: true})
	if err == nil || !strings.Contains(err.Error(), "§5.2") {
		t.Errorf("a cut header: got %v, want the decoder's §5.2 error", err)
	}
	if strings.Contains(out.String(), "┌") {
		t.Errorf("a cut header was drawn:\n%s", out.String())
	}
}
