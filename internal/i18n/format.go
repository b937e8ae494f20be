package i18n

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
)

// A verb is one formatting directive of a text: f[Start:End] formats
// argument Arg (1-based) with Verb.
type verb struct {
	Start, End int
	Arg        int
	Verb       byte
}

// parseVerbs finds the verbs of a fmt format string, following explicit
// argument indexes (%[2]d). %% is not a verb.
func parseVerbs(f string) ([]verb, error) {
	var out []verb
	arg := 1
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			continue
		}
		start := i
		i++
		for i < len(f) && strings.IndexByte("+-# 0", f[i]) >= 0 {
			i++
		}
		index := func() error {
			if i < len(f) && f[i] == '[' {
				j := strings.IndexByte(f[i:], ']')
				if j < 0 {
					return errors.New("unclosed [ in " + strconv.Quote(f))
				}
				n, err := strconv.Atoi(f[i+1 : i+j])
				if err != nil || n < 1 {
					return errors.New("bad argument index in " + strconv.Quote(f))
				}
				arg = n
				i += j + 1
			}
			return nil
		}
		if err := index(); err != nil {
			return nil, err
		}
		for i < len(f) && ('0' <= f[i] && f[i] <= '9' || f[i] == '*' || f[i] == '.') {
			if f[i] == '*' {
				return nil, errors.New("* width in " + strconv.Quote(f) + ": write the width in the text")
			}
			i++
		}
		if err := index(); err != nil {
			return nil, err
		}
		if i >= len(f) {
			return nil, errors.New("a % at the end of " + strconv.Quote(f))
		}
		if f[i] == '%' {
			continue
		}
		out = append(out, verb{Start: start, End: i + 1, Arg: arg, Verb: f[i]})
		arg++
	}
	return out, nil
}

// pattern turns an English text into a regular expression matching what
// it formats, one group per verb.
func pattern(f string, vs []verb) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString(`(?s)^`)
	last := 0
	for _, v := range vs {
		b.WriteString(regexp.QuoteMeta(f[last:v.Start]))
		switch v.Verb {
		case 'd':
			b.WriteString(`(-?\d+)`)
		case 'x', 'X':
			b.WriteString(`([0-9a-fA-F ]+)`)
		case 'b':
			b.WriteString(`([01]+)`)
		case 'q':
			b.WriteString(`("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')`) // a string or a rune
		default:
			b.WriteString(`(.*?)`)
		}
		last = v.End
	}
	b.WriteString(regexp.QuoteMeta(f[last:]))
	b.WriteString(`$`)
	return regexp.Compile(b.String())
}

// A Translator says English texts from below the CLI in a Printer's
// language; see Printer.Translate. Make one with Printer.Translator and
// reuse it: it compiles its keys' English texts once.
type Translator struct {
	p    Printer
	keys []compiled
}

// compiled is one key's English text made ready to match.
type compiled struct {
	text  Text
	verbs []verb
	re    *regexp.Regexp // nil for a text without verbs, matched exactly
}

// Translator returns a Translator over keys, tried in order. Keys whose
// texts do not parse are left out (TestCatalogue keeps there being none).
func (p Printer) Translator(keys ...Key) *Translator {
	tr := &Translator{p: p}
	for _, k := range keys {
		t, ok := Lookup(k)
		if !ok {
			continue
		}
		vs, err := parseVerbs(t.EN)
		if err != nil {
			continue
		}
		c := compiled{text: t, verbs: vs}
		if len(vs) > 0 {
			if c.re, err = pattern(t.EN, vs); err != nil {
				continue
			}
		}
		tr.keys = append(tr.keys, c)
	}
	return tr
}

// Translate finds the first key whose English text formats to s and
// returns s said in the Translator's language: the key's text with the
// pieces of s that the English verbs produced put where its verbs are. A
// piece formatted by %s or %v is itself translated with the same keys, so
// texts built from texts ("%s; masked on the wire") translate whole;
// numbers, %q strings and hex stay as they are. The keys' verbs match as
// little as they can, so list the longer forms first. ok is false for a
// text no key matches, which is returned as it is: best shown so.
func (tr *Translator) Translate(s string) (out string, ok bool) {
	for _, c := range tr.keys {
		if c.re == nil {
			if s == c.text.EN {
				return strings.ReplaceAll(c.text.In(tr.p.Lang()), "%%", "%"), true
			}
			continue
		}
		m := c.re.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		byArg := map[int]string{}
		for i, v := range c.verbs {
			a := m[i+1]
			if (v.Verb == 's' || v.Verb == 'v') && len(a) < len(s) {
				a, _ = tr.Translate(a)
			}
			byArg[v.Arg] = a
		}
		target := c.text.In(tr.p.Lang())
		vt, err := parseVerbs(target)
		if err != nil {
			continue
		}
		var b strings.Builder
		last := 0
		for _, v := range vt {
			b.WriteString(strings.ReplaceAll(target[last:v.Start], "%%", "%"))
			b.WriteString(byArg[v.Arg])
			last = v.End
		}
		b.WriteString(strings.ReplaceAll(target[last:], "%%", "%"))
		return b.String(), true
	}
	return s, false
}

// Say returns s in the Translator's language, or s as it was when no key
// matches it.
func (tr *Translator) Say(s string) string {
	out, _ := tr.Translate(s)
	return out
}

// Translate says s, an English text from below the CLI (an engine's error
// message, cobra's errors), in p's language through the first of keys
// whose English text formats to it; see Translator.Translate. The engine
// keeps its one language and the catalogue carries the translation. To
// translate many texts, make one Translator and reuse it.
func (p Printer) Translate(s string, keys ...Key) (out string, ok bool) {
	return p.Translator(keys...).Translate(s)
}

// TranslateError returns err with its text said in p's language by
// Translate, still wrapping err for errors.Is and errors.As; err itself
// when no key matches or p is English.
func (p Printer) TranslateError(err error, keys ...Key) error {
	if err == nil || p.Lang() == English {
		return err
	}
	if s, ok := p.Translator(keys...).Translate(err.Error()); ok {
		return &wrapError{msg: s, err: err}
	}
	return err
}
