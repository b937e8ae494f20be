package httptext

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/wirelab/wirelab/httpcore"
)

// TestStatusExplanation checks that every registered status is explained
// in both languages, on one line, and that nothing else is.
func TestStatusExplanation(t *testing.T) {
	for _, s := range httpcore.Statuses() {
		for _, lang := range []string{"en", "zh"} {
			e, ok := StatusExplanation(s.Code, lang)
			if !ok || strings.TrimSpace(e) == "" {
				t.Errorf("%d %s: no explanation", s.Code, lang)
				continue
			}
			if strings.ContainsAny(e, "\r\n") {
				t.Errorf("%d %s: explanation spans several lines", s.Code, lang)
			}
			if n := utf8.RuneCountInString(e); n > 120 {
				t.Errorf("%d %s: explanation is %d characters, want <= 120", s.Code, lang, n)
			}
			han := strings.IndexFunc(e, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
			if han != (lang == "zh") {
				t.Errorf("%d %s: %q has Chinese = %v", s.Code, lang, e, han)
			}
		}
	}
	if len(statusTexts) != len(httpcore.Statuses()) {
		t.Errorf("%d explanations for %d registered statuses", len(statusTexts), len(httpcore.Statuses()))
	}
	if _, ok := StatusExplanation(299, "en"); ok {
		t.Error("299 is not registered but has an explanation")
	}
}
