package root

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/lessons"
	lcheck "github.com/wirelab/wirelab/lessons/check"
	lex "github.com/wirelab/wirelab/lessons/exercise"
)

// lessonArgCommands take a lesson, by number or id, as their first argument.
var lessonArgCommands = map[string]bool{
	"wirelab learn":        true,
	"wirelab lessons show": true,
	"wirelab lessons run":  true,
	"wirelab lessons quiz": true,
}

// addCompletions teaches shell completion (cobra's "wirelab completion
// bash|zsh|fish|powershell") the values wirelab knows, for every command
// under cmd:
//
//	wirelab lessons show <TAB>         the lesson ids, each with its number and title
//	wirelab lessons show 1<TAB>        the lesson numbers 1, 10, 11, …
//	wirelab learn --lang <TAB>         en, zh (and --ui-lang)
//	wirelab exercise init <TAB>        the tracks: http, ws
//	wirelab exercise init ws --lang    python, go
//	wirelab check http --stage <TAB>   the track's stage ids, in order
//	wirelab ws decode --from <TAB>     client, server, any
//
// The subcommands themselves ("wirelab check <TAB>": http, ws) cobra
// completes already. A completion a command registers itself is kept.
func addCompletions(cmd *cobra.Command) {
	for _, c := range cmd.Commands() {
		addCompletions(c)
	}
	path := cmd.CommandPath()
	if lessonArgCommands[path] && cmd.ValidArgsFunction == nil {
		cmd.ValidArgsFunction = completeLesson
	}
	if path == "wirelab exercise init" && cmd.ValidArgsFunction == nil {
		cmd.ValidArgsFunction = completeTrack
	}
	if path == "wirelab check" && !cmd.HasSubCommands() && cmd.ValidArgsFunction == nil {
		// "check KIND" taking the track as an argument, not a subcommand.
		cmd.ValidArgsFunction = cobra.FixedCompletions([]string{lcheck.KindHTTP, lcheck.KindWebSocket}, cobra.ShellCompDirectiveNoFileComp)
	}
	fixed := func(flag string, values ...string) {
		if cmd.Flags().Lookup(flag) == nil {
			return
		}
		if _, ok := cmd.GetFlagCompletionFunc(flag); ok {
			return
		}
		cmd.RegisterFlagCompletionFunc(flag, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
	}
	if path == "wirelab exercise init" {
		fixed("lang", "python", "go") // the language the learner writes in
	} else {
		fixed("lang", lessons.Languages...)
	}
	fixed("ui-lang", lessons.Languages...)
	if path == "wirelab ws decode" {
		fixed("from", "client", "server", "any")
	}
	if strings.HasPrefix(path, "wirelab check") && cmd.Flags().Lookup("stage") != nil {
		if _, ok := cmd.GetFlagCompletionFunc("stage"); !ok {
			cmd.RegisterFlagCompletionFunc("stage", completeStage)
		}
	}
}

// completeLesson offers the lessons for the first argument: ids with their
// number and title as the description, or, once a digit has been typed,
// numbers with the id and title. Titles are in the --lang language.
func completeLesson(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	c, err := lessons.New()
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	flag, _ := cmd.Flags().GetString("lang")
	lang, err := lessons.ResolveLang(flag, os.Getenv)
	if err != nil {
		lang = "en"
	}
	byNumber := toComplete != "" && toComplete[0] >= '0' && toComplete[0] <= '9'
	var out []string
	for _, l := range c.Lessons() {
		title := l.Page(lang).Title
		if byNumber {
			out = append(out, fmt.Sprintf("%d\t%s: %s", l.Number, l.ID, title))
		} else {
			out = append(out, fmt.Sprintf("%s\t%s %s", l.ID, strconv.Itoa(l.Number), title))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeTrack offers the exercise tracks for "exercise init TRACK", then
// directories for its DIR.
func completeTrack(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveFilterDirs
	}
	var out []string
	for _, t := range lex.Tracks() {
		out = append(out, fmt.Sprintf("%s\t%d stages: %s", t.Track, len(t.Stages), strings.Join(t.Stages, " ")))
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeStage offers the stage ids of the track "check KIND" checks: the
// command's name, or its first argument when the kind is given as one.
func completeStage(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	kind := cmd.Name()
	if _, err := lcheck.StageIDs(kind); err != nil && len(args) > 0 {
		kind = args[0]
	}
	ids, err := lcheck.StageIDs(kind)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return ids, cobra.ShellCompDirectiveNoFileComp
}
