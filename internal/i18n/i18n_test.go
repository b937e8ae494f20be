package i18n

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"strings"
	"testing"
	"unicode"
)

// keyNames maps each key to its name in keys.go, for failure messages.
func keyNames(t *testing.T) map[Key]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "keys.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	names := map[Key]string{}
	var k Key
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			for _, n := range s.(*ast.ValueSpec).Names {
				names[k] = n.Name
				k++
			}
		}
	}
	return names
}

func TestCatalogue(t *testing.T) {
	names := keyNames(t)
	if len(names) != NumKeys()+1 { // numKeys ends the block
		t.Fatalf("keys.go declares %d constants, want NumKeys()+1 = %d: keep every key in the one iota block", len(names), NumKeys()+1)
	}
	for k := Key(0); k < numKeys; k++ {
		name := names[k]
		tx, ok := Lookup(k)
		if !ok {
			t.Fatalf("%s: Lookup failed", name)
		}
		if strings.TrimSpace(tx.EN) == "" {
			t.Errorf("%s: no English text", name)
		}
		if strings.TrimSpace(tx.ZH) == "" {
			t.Errorf("%s: no Chinese text", name)
			continue
		}
		if hasLetters(tx.EN) && !hasHan(tx.ZH) {
			t.Errorf("%s: the Chinese text %q has no Chinese in it", name, tx.ZH)
		}
		ve, err := verbs(tx.EN)
		if err != nil {
			t.Errorf("%s: English: %v", name, err)
			continue
		}
		vz, err := verbs(tx.ZH)
		if err != nil {
			t.Errorf("%s: Chinese: %v", name, err)
			continue
		}
		if vs, _ := parseVerbs(tx.EN); true {
			if _, err := pattern(tx.EN, vs); err != nil {
				t.Errorf("%s: Translate cannot match the English text: %v", name, err)
			}
		}
		if ve != vz {
			t.Errorf("%s: the English text formats arguments as %s, the Chinese as %s:\n  en: %q\n  zh: %q", name, ve, vz, tx.EN, tx.ZH)
		}
	}
}

// hasLetters reports whether s has an English word once the format verbs
// are taken out.
func hasLetters(s string) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' {
			i++ // skip the verb's letter; a verb is not a word
			continue
		}
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
			n++
			if n >= 3 {
				return true
			}
		} else {
			n = 0
		}
	}
	return false
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// verbs describes what a format string does with each argument, by
// argument number: "1:d 2:s". Explicit indexes (%[2]d) are followed, so
// two texts that put the same arguments in a different order describe the
// same way.
func verbs(f string) (string, error) {
	vs, err := parseVerbs(f)
	if err != nil {
		return "", err
	}
	used := map[int]byte{}
	max := 0
	for _, v := range vs {
		if prev, ok := used[v.Arg]; ok && prev != v.Verb {
			return "", fmt.Errorf("argument %d formatted both as %%%c and %%%c", v.Arg, prev, v.Verb)
		}
		used[v.Arg] = v.Verb
		max = maxInt(max, v.Arg)
	}
	var b strings.Builder
	for n := 1; n <= max; n++ {
		if n > 1 {
			b.WriteByte(' ')
		}
		if v, ok := used[n]; ok {
			fmt.Fprintf(&b, "%d:%c", n, v)
		} else {
			fmt.Fprintf(&b, "%d:unused", n)
		}
	}
	return b.String(), nil
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func TestVerbs(t *testing.T) {
	tests := []struct {
		f, want string
		wantErr bool
	}{
		{"no verbs", "", false},
		{"100%% sure", "", false},
		{"%d of %d right: %s", "1:d 2:d 3:s", false},
		{"%[2]d 个中 %[1]d 个；%[3]s", "1:d 2:d 3:s", false},
		{"%-20s|%5.2f|%q|%x|% x|%w", "1:s 2:f 3:q 4:x 5:x 6:w", false},
		{"%[2]s only", "1:unused 2:s", false},
		{"%*d", "", true},
		{"ends with %", "", true},
		{"%[1]d and %[1]s", "", true},
	}
	for _, tt := range tests {
		got, err := verbs(tt.f)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("verbs(%q) = %q, %v; want %q, error %v", tt.f, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestPrinter(t *testing.T) {
	en, zh := New("en"), New("zh")
	if got := en.Sprintf(CheckSomeFailed, 3, 7, "keep-alive"); got != "3 of 7 stages passed; keep-alive failed." {
		t.Errorf("en: got %q", got)
	}
	if got := zh.Sprintf(CheckSomeFailed, 3, 7, "keep-alive"); got != "7 个阶段中通过 3 个；keep-alive 未通过。" {
		t.Errorf("zh: got %q", got)
	}
	// Numbers print as they cross the wire: no grouping.
	if got := zh.Sprintf(CheckCaretAt, 65536); !strings.Contains(got, "65536") {
		t.Errorf("zh: got %q, want 65536 ungrouped", got)
	}
	if New("").Lang() != English || New("fr").Lang() != English || (Printer{}).Lang() != English || zh.Lang() != Chinese {
		t.Error("New: only zh is Chinese; everything else is English")
	}
	if got := zh.Sprintf(Key(-1)); got != "!(i18n key -1)" {
		t.Errorf("unknown key: got %q", got)
	}
	if got := en.Sprintf(numKeys); !strings.HasPrefix(got, "!(i18n key") {
		t.Errorf("numKeys: got %q", got)
	}
}

func TestWrap(t *testing.T) {
	base := errors.New("failed")
	err := New("zh").Wrap(base, CheckFailed, "ws", "127.0.0.1:9001", "close")
	if !errors.Is(err, base) {
		t.Error("Wrap lost the wrapped error")
	}
	if got := err.Error(); got != "检查 ws 127.0.0.1:9001：阶段 close 未通过" {
		t.Errorf("got %q", got)
	}
	if err := New("en").Errorf(TutorDemoFailed, io.EOF); err.Error() != "The demo failed: EOF" {
		t.Errorf("Errorf: got %q", err)
	}
}

func TestTranslate(t *testing.T) {
	zh := New("zh")
	tests := []struct {
		s    string
		keys []Key
		want string
		ok   bool
	}{
		{"3 of 7 stages passed; keep-alive failed.", []Key{CheckAllPassed, CheckSomeFailed}, "7 个阶段中通过 3 个；keep-alive 未通过。", true},
		{"all 7 stages passed.", []Key{CheckSomeFailed, CheckAllPassed}, "全部 7 个阶段通过。", true},
		{"all seven stages passed.", []Key{CheckAllPassed}, "all seven stages passed.", false},
		{"Hint: a: b; c", []Key{TutorHint}, "提示：a: b; c", true},
		{"prefix all 7 stages passed.", []Key{CheckAllPassed}, "prefix all 7 stages passed.", false},
	}
	for _, tt := range tests {
		got, ok := zh.Translate(tt.s, tt.keys...)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Translate(%q) = %q, %v; want %q, %v", tt.s, got, ok, tt.want, tt.ok)
		}
	}
	// English gives the text back as it was.
	if got, ok := New("en").Translate("3 of 7 stages passed; x failed.", CheckSomeFailed); got != "3 of 7 stages passed; x failed." || !ok {
		t.Errorf("en: got %q, %v", got, ok)
	}
}

func TestPairAndByLang(t *testing.T) {
	p, m := Pair(ShowConcepts), ByLang(ShowConcepts)
	if p != [2]string{"Concepts", "概念"} || m["en"] != "Concepts" || m["zh"] != "概念" || len(m) != 2 {
		t.Errorf("Pair = %q, ByLang = %q", p, m)
	}
}
