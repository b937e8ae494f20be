package tlstext_test

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/tlstext"
	"github.com/wirelab/wirelab/lessons"
	"github.com/wirelab/wirelab/lessons/demo"
)

// TestHTTPSDemoInChinese runs the https lesson's demo, which prints the TLS
// demos' four reports through Write, and wants no English words outside
// bytes, quoted values, Go's TLS errors and what a server answered.
func TestHTTPSDemoInChinese(t *testing.T) {
	c, err := lessons.New()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := c.RunDemo(context.Background(), "https", &demo.Env{Out: &out, Lang: "zh"}); err != nil {
		t.Fatal(err)
	}
	bytesLine := regexp.MustCompile(`^(\s*\||\s+(client|server) → |\s+[0-9a-f]{8}  |\s+sha256 )`)
	data := regexp.MustCompile(`"[^"]*"|(拒绝|连接失败了|得到的回答是|收到的是|发送)：.*$|CN=[^，]*`)
	english := regexp.MustCompile(`\b(the|client|server|certificate|bytes|records?|password|attacker|connection)\b`)
	for _, l := range strings.Split(out.String(), "\n") {
		if bytesLine.MatchString(l) {
			continue
		}
		if m := english.FindString(data.ReplaceAllString(l, "")); m != "" {
			t.Errorf("English %q in %q", m, l)
		}
	}
}

func TestWrite(t *testing.T) {
	report := func(w io.Writer) {
		io.WriteString(w, "Negotiated: TLS 1.3, TLS_AES_128_GCM_SHA256.\n  | GET / HTTP/1.1\nsomething tlsdemo never said\n")
	}
	var zh bytes.Buffer
	missed, err := tlstext.Write(&zh, i18n.New("zh"), report)
	want := "协商结果：TLS 1.3，TLS_AES_128_GCM_SHA256。\n  | GET / HTTP/1.1\nsomething tlsdemo never said\n"
	if err != nil || zh.String() != want || len(missed) != 1 || missed[0] != "something tlsdemo never said" {
		t.Errorf("zh: got %q, missed %q, %v; want %q", zh.String(), missed, err, want)
	}
	var en, raw bytes.Buffer
	report(&raw)
	if missed, err := tlstext.Write(&en, i18n.New("en"), report); err != nil || missed != nil || en.String() != raw.String() {
		t.Errorf("en: got %q, %q, %v", en.String(), missed, err)
	}
}
