package cmd

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/wirelab/wirelab/internal/i18n"
)

// helpHeadings are the English words of cobra's usage template, longest
// first where one contains another ("Global Flags:" before "Flags:").
var helpHeadings = []i18n.Key{
	i18n.CLIHelpUsage, i18n.CLIHelpAliases, i18n.CLIHelpExamples, i18n.CLIHelpAvailable,
	i18n.CLIHelpAdditional, i18n.CLIHelpGlobalFlags, i18n.CLIHelpFlags, i18n.CLIHelpTopics, i18n.CLIHelpMore,
}

// helpTexts are the commands' descriptions and flags, whose English in the
// catalogue is the commands' own text (cobra's for its completion and help
// commands).
var helpTexts = append([]i18n.Key{
	i18n.HelpLearnShort, i18n.HelpLearnLong, i18n.HelpLessonsShort, i18n.HelpLessonsLong,
	i18n.HelpListShort, i18n.HelpListLong, i18n.HelpShowShort, i18n.HelpRunShort, i18n.HelpQuizShort, i18n.HelpQuizLong,
	i18n.FlagLang, i18n.FlagReset, i18n.FlagProgressFile, i18n.FlagListJSON, i18n.FlagRunJSON,
	i18n.FlagQuizJSON, i18n.FlagAll, i18n.FlagSeed, i18n.FlagRaw, i18n.FlagDecodeLang,
}, keyRange(i18n.HelpRootShort, i18n.FlagWSServeSubprotocol)...)

// keyRange returns the keys from first to last, both included.
func keyRange(first, last i18n.Key) []i18n.Key {
	var ks []i18n.Key
	for k := first; k <= last; k++ {
		ks = append(ks, k)
	}
	return ks
}

// localizeHelp says the help of root and its commands in p's language:
// cobra's own words (the template's headings, the -h flag) and the
// descriptions and flags of the commands the catalogue knows (the course
// commands); the others stay as written.
func localizeHelp(root *cobra.Command, p i18n.Printer) {
	if root.Annotations == nil {
		root.Annotations = map[string]string{}
	}
	root.Annotations[i18n.LangAnnotation] = string(p.Lang())
	// Flags wrap at 80 columns instead of running on.
	tmpl := strings.ReplaceAll(root.UsageTemplate(), "FlagUsages |", "FlagUsagesWrapped 80 |")
	if p.Lang() == i18n.English {
		root.SetUsageTemplate(tmpl)
		return
	}
	for _, k := range helpHeadings {
		t, _ := i18n.Lookup(k)
		tmpl = strings.ReplaceAll(tmpl, t.EN, t.In(p.Lang()))
	}
	root.SetUsageTemplate(tmpl)
	tr := p.Translator(helpTexts...)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.InitDefaultHelpFlag()
		c.Short, _ = tr.Translate(c.Short)
		c.Long, _ = tr.Translate(c.Long)
		c.Flags().VisitAll(func(f *pflag.Flag) {
			f.Usage, _ = tr.Translate(f.Usage)
		})
		if f := c.Flags().Lookup("help"); f != nil {
			f.Usage = p.Sprintf(i18n.CLIHelpFor, c.Name())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
