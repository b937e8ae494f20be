package cmd

import (
	"strings"

	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/lessons"
)

// cliKeys are the English errors the command line may end with that are
// not the commands' own typed errors: cobra's and pflag's usage errors, and
// a few of the commands' usage errors.
var cliKeys = []i18n.Key{
	i18n.CLIUnknownCommandSuggest, i18n.CLIUnknownCommand, i18n.CLIInvalidArgSuggest, i18n.CLIInvalidArg,
	i18n.CLIAtLeast, i18n.CLIAtMost, i18n.CLIExactArgs, i18n.CLIRangeArgs, i18n.CLIRequiredFlags,
	i18n.CLIUnknownFlag, i18n.CLIUnknownShorthand, i18n.CLINeedsArgShort, i18n.CLINeedsArg,
	i18n.CLIInvalidFlagValue, i18n.CLIBadFlagSyntax, i18n.CLIBadLang, i18n.CLIUnknownStage,
	i18n.CLICheckExtraArg, i18n.CLICheckNeedAddr, i18n.CLICheckTimeout,
	i18n.CLINotUint, i18n.CLINotInt, i18n.CLINotBool, i18n.CLINotDuration, i18n.CLIOutOfRange,
}

// errorText is the last line wirelab prints for err, in p's language: a
// typed error that localizes itself (i18n.Localizer), else err's text
// translated when the catalogue knows it, else err's text as it is.
func errorText(err error, p i18n.Printer) string {
	if s := p.Error(err); s != err.Error() {
		return s
	}
	s, _ := p.Translate(strings.TrimRight(err.Error(), "\n"), cliKeys...)
	return s
}

// langOf returns the language for the command line's own messages: the
// --lang flag's when args carry one, else the environment's (as
// lessons.ResolveLang decides), and English for a --lang that is not a
// course language. It reads the flag before cobra does, so that cobra's
// own errors, which come before any command runs, are said in it too.
func langOf(args []string, getenv func(string) string) string {
	flag := ""
	for i, a := range args {
		if a == "--" {
			break
		}
		if v, ok := strings.CutPrefix(a, "--lang="); ok {
			flag = v
		} else if a == "--lang" && i+1 < len(args) {
			flag = args[i+1]
		}
	}
	lang, err := lessons.ResolveLang(flag, getenv)
	if err != nil {
		return "en"
	}
	return lang
}
