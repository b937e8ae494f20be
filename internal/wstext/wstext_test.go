package wstext

import (
	"bytes"
	"encoding/hex"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/websocket"
	"github.com/wirelab/wirelab/websocket/wsdecode"
)

// explainCorpus holds frames that make the decoder say each of its notes,
// good and bad.
var explainCorpus = []struct {
	hex  string
	from wsdecode.Sender
}{
	{"81 85 37 fa 21 3d 7f 9f 4d 51 58", wsdecode.SenderUnknown}, // RFC 6455 §5.7, masked
	{"01 03 48 65 6c 80 02 6c 6f", wsdecode.SenderUnknown},       // fragmented
	{"01 01 48 89 00 80 01 69", wsdecode.SenderUnknown},          // a ping between fragments
	{"88 02 03 e8", wsdecode.SenderUnknown},
	{"88 05 03 e8 62 79 65", wsdecode.SenderUnknown},
	{"88 82 01 02 03 04 02 ea", wsdecode.SenderUnknown},
	{"88 85 01 02 03 04 02 ea 61 7a 66", wsdecode.SenderUnknown},
	{"88 00", wsdecode.SenderUnknown},
	{"88 01 03", wsdecode.SenderUnknown},
	{"88 02 03 ed", wsdecode.SenderUnknown},
	{"88 03 03 e8 ff", wsdecode.SenderUnknown},
	{"82 7E 0100", wsdecode.SenderUnknown},
	{"81 00", wsdecode.SenderUnknown},
	{"01 03 48 65 6c", wsdecode.SenderUnknown},
	{"82 03 01 02 03", wsdecode.SenderUnknown},
	{"82 01 ff", wsdecode.SenderUnknown},
	{"82 14 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13", wsdecode.SenderUnknown},
	{"81 4c " + strings.Repeat("61 ", 76), wsdecode.SenderUnknown},
	{"81 7e 00 05 48 65 6c 6c 6f", wsdecode.SenderUnknown},
	{"82 7f 00 00 00 00 00 00 00 05 01 02 03 04 05", wsdecode.SenderUnknown},
	{"82 7f 00 00 00 00 00 00 01 00", wsdecode.SenderUnknown},
	{"82 7f 80 00 00 00 00 00 00 00", wsdecode.SenderUnknown},
	{"89 05 48 65 6c 6c 6f 8b 00", wsdecode.SenderUnknown},
	{"81 02 c3 28", wsdecode.SenderUnknown},
	{"81 01 e4", wsdecode.SenderUnknown},
	{"41 00", wsdecode.SenderUnknown},
	{"80 00", wsdecode.SenderUnknown},
	{"01 01 48 81 01 49", wsdecode.SenderUnknown},
	{"09 00", wsdecode.SenderUnknown},
	{"89 7e 00 7e " + strings.Repeat("00 ", 126), wsdecode.SenderUnknown},
	{"81", wsdecode.SenderUnknown},
	{"81 7e 00", wsdecode.SenderUnknown},
	{"81 85 37 fa", wsdecode.SenderUnknown},
	{"81 85 37 fa 21 3d 7f 9f 4d 51 58", wsdecode.SenderServer},
	{"81 05 48 65 6c 6c 6f", wsdecode.SenderClient},
}

// englishUI matches words of the decoder's English explanation that have
// no business in a Chinese one. Field kinds (fin-rsv-opcode), opcode names
// (text, close), FIN/RSV/MASK and the RFC's own "payload len" stay.
var englishUI = regexp.MustCompile(`\b(frame \d|message \d|at byte|bytes?\b|final|follow|masked|unmasked|header|invalid|truncated|present|empty|reason|status code|closure|input ends|network byte order|not minimal|form\b|the data)`)

// TestDecodeInChinese decodes every frame of the corpus with --lang zh: no
// text the decoder writes is left untranslated, and no line has an English
// word of the explanation outside quoted payloads.
func TestDecodeInChinese(t *testing.T) {
	zh := i18n.New("zh")
	for _, c := range explainCorpus {
		data, err := hex.DecodeString(strings.ReplaceAll(strings.ToLower(c.hex), " ", ""))
		if err != nil {
			t.Fatal(err)
		}
		d, derr := wsdecode.DecodeFrames(data, wsdecode.DecodeOptions{From: c.from})
		var out bytes.Buffer
		missed, err := WriteDecoding(&out, d, zh)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range missed {
			t.Errorf("%s: no translation for %q", c.hex, m)
		}
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		if derr != nil {
			lines = append(lines, Error(derr, zh).Error())
			var fe *websocket.FrameError
			if !errors.As(Error(derr, zh), &fe) {
				t.Errorf("%s: the translated error lost the *websocket.FrameError", c.hex)
			}
		}
		for _, l := range lines {
			if m := englishUI.FindString(unquoted(l)); m != "" {
				t.Errorf("%s: English %q in %q", c.hex, m, l)
			}
		}
	}
}

// unquoted drops from a line the quoted strings (payloads, reasons) and
// the field kinds (close-reason), which are names, not English.
func unquoted(s string) string {
	s = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`).ReplaceAllString(s, `""`)
	return regexp.MustCompile(`\b[a-z]+(-[a-z0-9]+)+\b`).ReplaceAllString(s, "kind")
}

func TestCloseCode(t *testing.T) {
	zh, en := i18n.New("zh"), i18n.New("en")
	for c, want := range map[websocket.CloseCode]string{1000: "1000（正常关闭）", 1009: "1009（消息过大）", 4000: "4000"} {
		if got := CloseCode(c, zh); got != want {
			t.Errorf("CloseCode(%d, zh) = %q, want %q", c, got, want)
		}
		if got := CloseCode(c, en); got != c.String() {
			t.Errorf("CloseCode(%d, en) = %q, want %q", c, got, c.String())
		}
	}
}
