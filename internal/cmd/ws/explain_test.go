package ws

import (
	"strings"
	"testing"

	"github.com/wirelab/wirelab/internal/i18n"
)

func TestDecodeErrorsInChinese(t *testing.T) {
	zh := i18n.New("zh")
	for _, in := range []string{"8", "81 zz", "0x"} {
		_, err := parseHex(in)
		if got := decodeError(err, zh).Error(); !strings.Contains(got, "十六进制组") {
			t.Errorf("%q: got %q", in, got)
		}
	}
	if _, err := parseSender("both"); !strings.Contains(decodeError(err, zh).Error(), "应为 client、server 或 any") {
		t.Errorf("parseSender: got %v", decodeError(err, zh))
	}
}
