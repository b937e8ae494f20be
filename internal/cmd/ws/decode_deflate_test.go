package ws

import (
	"strings"
	"testing"

	"github.com/wirelab/wirelab/internal/iostreams"
)

// rfc7692Hello is "Hello" compressed in one unmasked frame, from RFC 7692
// §7.2.3.1: RSV1 set, the 00 00 ff ff tail removed.
const rfc7692Hello = "c1 07 f2 48 cd c9 c9 07 00"

// --deflate reads RSV1 as permessage-deflate and shows the message
// inflated; without it RSV1 is a 1002, and RSV1 on a control frame is one
// even with it.
func TestDecodeDeflate(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	if err := runDecode(&DecodeOptions{IO: ios, Hex: rfc7692Hello, From: "any", Deflate: true}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"RFC 7692 §6", `5 bytes: "Hello"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("--deflate: no %q in:\n%s", want, out.String())
		}
	}

	ios, _, out, _ = iostreams.Test()
	if err := runDecode(&DecodeOptions{IO: ios, Hex: rfc7692Hello, From: "any", Deflate: true, Lang: "zh"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "这条消息经过压缩") || !strings.Contains(out.String(), `"Hello"`) {
		t.Errorf("--deflate --lang zh: got\n%s", out.String())
	}

	for _, tt := range []struct {
		hex     string
		deflate bool
		want    string
	}{
		{rfc7692Hello, false, "RSV bits 100"},
		{"c9 00", true, "RSV1 set on a ping frame"},
	} {
		ios, _, _, _ := iostreams.Test()
		err := runDecode(&DecodeOptions{IO: ios, Hex: tt.hex, From: "any", Deflate: tt.deflate})
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "RFC 6455 §5.2") {
			t.Errorf("%s (deflate %v): got %v, want %q", tt.hex, tt.deflate, err, tt.want)
		}
	}
}
