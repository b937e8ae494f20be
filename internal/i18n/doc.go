// Package i18n is the message catalogue of the wirelab command line: every
// string the CLI shows a learner lives here once, with its English and
// Chinese text side by side, under a typed key.
//
// A command resolves the learner's language once (lessons.ResolveLang turns
// --lang, LC_ALL, LC_MESSAGES and LANG into "en" or "zh") and passes a
// Printer down explicitly; there is no package-level language and nothing
// in the package can be changed at run time:
//
//	p := i18n.New(lang)
//	p.Fprintf(out, i18n.CheckAllPassed, 7)
//	// en: all 7 stages passed.
//	// zh: 全部 7 个阶段通过。
//
// Keys are constants of type Key, so a misspelt key does not compile, and
// the texts are a keyed array indexed by them, so a key defined twice does
// not compile either. TestCatalogue fails when a key lacks a language, when
// a text is empty, when the Chinese text has no Chinese in it, or when the
// two texts do not format the same arguments with the same verbs. Chinese
// word order may differ from English: a text reorders its arguments with
// explicit indexes (%[2]d … %[1]d), and the test compares the verb each
// argument gets, not their order on the line.
//
// # Why a small table and not golang.org/x/text/message
//
// x/text/message was the first choice and was tried. Its Printer formats
// numbers for the locale: Sprintf("%d", 8080) prints "8,080" in English and
// "65,536" for 65536 in Chinese. wirelab's messages are full of numbers that
// must print exactly as they cross the wire (ports, close codes such as
// 1000, byte offsets, lengths such as 65536), so every one of them would
// need a "%v"-ish workaround. Its catalogues are also keyed by the English
// text or by free strings, which a typo does not catch at compile time, and
// a missing translation silently falls back to the key. A typed table of
// two strings per key, formatted with fmt, keeps numbers as they are, makes
// keys compile-time names, and lets one test see every key. Plural forms,
// the other thing x/text offers, are not needed: Chinese has none and the
// English texts are written to avoid them ("%d of %d stages passed").
//
// # English from below the CLI
//
// Engines carry only the engine: the websocket package explains frames in
// English, cobra reports usage errors in English. The CLI does not teach
// them a second language; it translates what they say. A key whose English
// text is the engine's format ("%s; masked on the wire") lets a Translator
// recognise that text and say it with the key's Chinese text, translating
// the %s pieces in turn and keeping numbers, quoted strings and hex as they
// are. ws decode --lang zh and the last line of a failed command work so.
//
// # Adding a message
//
// Add a constant to the Key block in keys.go, next to the others of its
// area, and its texts to the table in catalogue.go: {en, zh}. Then call
// p.Sprintf(i18n.YourKey, args...), or e.Tell in a demo and t.tell in the
// tutor. TestCatalogue tells what is missing.
package i18n
