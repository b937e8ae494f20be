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

// Translate finds the first of keys whose English text formats to s and
// returns s said in p's language: the key's text with the pieces of s that
// the English verbs produced put where its verbs are. A piece formatted by
// %s or %v is itself translated with the same keys, so texts built from
// texts ("%s; masked on the wire") translate whole; numbers, %q strings
// and hex stay as they are. The keys are tried in order and their verbs
// match as little as they can, so list the longer forms first. It is for text that
// is English by design below the CLI (an engine's error message, cobra's
// errors): the engine keeps its one language, the catalogue carries the
// translation, and ok is false for a text no key matches, which is then
// best shown as it is.
func (p Printer) Translate(s string, keys ...Key) (out string, ok bool) {
	for _, k := range keys {
		t, found := Lookup(k)
		if !found {
			continue
		}
		ve, err := parseVerbs(t.EN)
		if err != nil {
			continue
		}
		re, err := pattern(t.EN, ve)
		if err != nil {
			continue
		}
		m := re.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		byArg := map[int]string{}
		for i, v := range ve {
			a := m[i+1]
			if (v.Verb == 's' || v.Verb == 'v') && len(a) < len(s) {
				a, _ = p.Translate(a, keys...)
			}
			byArg[v.Arg] = a
		}
		target := t.In(p.Lang())
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

// TranslateError returns err with its text said in p's language by
// Translate, still wrapping err for errors.Is and errors.As; err itself
// when no key matches or p is English.
func (p Printer) TranslateError(err error, keys ...Key) error {
	if err == nil || p.Lang() == English {
		return err
	}
	if s, ok := p.Translate(err.Error(), keys...); ok {
		return &wrapError{msg: s, err: err}
	}
	return err
}
