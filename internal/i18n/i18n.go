package i18n

import (
	"errors"
	"fmt"
	"io"
)

// A Lang is a language of the catalogue.
type Lang string

// The catalogue's languages.
const (
	English Lang = "en"
	Chinese Lang = "zh"
)

// A Key names one message of the catalogue. The keys are the constants in
// keys.go.
type Key int

// A Text is a message in both languages: fmt format strings.
type Text struct {
	EN, ZH string
}

// In returns the text in language l (English for anything but Chinese).
func (t Text) In(l Lang) string {
	if l == Chinese {
		return t.ZH
	}
	return t.EN
}

// Lookup returns the texts of key k; ok is false for a value that is not
// one of the keys.
func Lookup(k Key) (t Text, ok bool) {
	if k < 0 || k >= numKeys {
		return Text{}, false
	}
	return catalogue[k], true
}

// NumKeys is the number of keys: they run from 0 to NumKeys-1.
func NumKeys() int { return int(numKeys) }

// A Printer formats catalogue messages in one language. The zero Printer
// prints English. A Printer is a small value: pass it by value.
type Printer struct {
	lang Lang
}

// New returns the Printer for lang as the commands carry it ("en" or "zh",
// as lessons.ResolveLang returns it). Anything but "zh" prints English.
func New(lang string) Printer {
	if Lang(lang) == Chinese {
		return Printer{lang: Chinese}
	}
	return Printer{lang: English}
}

// Lang returns the Printer's language.
func (p Printer) Lang() Lang {
	if p.lang == "" {
		return English
	}
	return p.lang
}

// Sprintf formats message k with args, as fmt.Sprintf does with its text.
// An unknown key gives a visible "!(i18n key N)" instead of a panic.
func (p Printer) Sprintf(k Key, args ...any) string {
	t, ok := Lookup(k)
	if !ok {
		return fmt.Sprintf("!(i18n key %d)", int(k))
	}
	return fmt.Sprintf(t.In(p.Lang()), args...)
}

// Fprintf writes message k formatted with args to w.
func (p Printer) Fprintf(w io.Writer, k Key, args ...any) (int, error) {
	return io.WriteString(w, p.Sprintf(k, args...))
}

// Fprintln writes message k formatted with args to w, then a newline.
func (p Printer) Fprintln(w io.Writer, k Key, args ...any) (int, error) {
	return io.WriteString(w, p.Sprintf(k, args...)+"\n")
}

// Errorf returns an error with message k formatted with args; a %w verb
// in the text wraps its argument as fmt.Errorf does.
func (p Printer) Errorf(k Key, args ...any) error {
	t, ok := Lookup(k)
	if !ok {
		return fmt.Errorf("!(i18n key %d)", int(k))
	}
	return fmt.Errorf(t.In(p.Lang()), args...)
}

// Wrap returns an error whose text is message k formatted with args and
// which wraps err, so errors.Is and errors.As still find err; err's own
// text is not shown.
func (p Printer) Wrap(err error, k Key, args ...any) error {
	return &wrapError{msg: p.Sprintf(k, args...), err: err}
}

type wrapError struct {
	msg string
	err error
}

func (e *wrapError) Error() string { return e.msg }
func (e *wrapError) Unwrap() error { return e.err }

// A Localizer is an error that can say itself in a Printer's language: a
// typed error keeps its data and renders its text through the catalogue.
type Localizer interface {
	error
	Localize(p Printer) string
}

// Error returns err's text in p's language: the Localize text of the first
// Localizer in err's chain, else err.Error().
func (p Printer) Error(err error) string {
	if err == nil {
		return ""
	}
	var l Localizer
	if errors.As(err, &l) {
		return l.Localize(p)
	}
	return err.Error()
}

// ByLang returns k's texts by language code, {"en": …, "zh": …}, for
// values shaped that way (demo.Demo.Summary).
func ByLang(k Key) map[string]string {
	t, _ := Lookup(k)
	return map[string]string{string(English): t.EN, string(Chinese): t.ZH}
}

// Pair returns k's texts as {en, zh}, for tables and helpers shaped as
// pairs.
func Pair(k Key) [2]string {
	t, _ := Lookup(k)
	return [2]string{t.EN, t.ZH}
}

// LangAnnotation is the annotation of the root command that holds the
// learner's language ("en" or "zh") once the CLI has resolved it, for a
// command whose help is built when shown rather than translated.
const LangAnnotation = "wirelab/lang"
