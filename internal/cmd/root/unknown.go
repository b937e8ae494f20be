package root

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/lessons"
)

// rejectUnknown walks the tree under cmd and makes every command that only
// groups others (root, ws, http, lessons, …) refuse an argument that names
// none of its subcommands, instead of printing its help and exiting 0:
//
//	$ wirelab ws dail
//	wirelab: unknown command "dail" for "wirelab ws"; did you mean "dial"?
//
// Cobra checks this only for the root, and suggests only there. A group
// given no argument still prints its help.
func rejectUnknown(cmd *cobra.Command) {
	for _, c := range cmd.Commands() {
		rejectUnknown(c)
	}
	if cmd.Name() == "help" && cmd.HasParent() && !cmd.Parent().HasParent() && cmd.Run != nil {
		strictHelp(cmd)
		return
	}
	if !cmd.HasAvailableSubCommands() || cmd.Runnable() {
		return
	}
	cmd.Args = func(c *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		return unknownCommand(c, args[0], lessons.LangFromEnv(os.Getenv))
	}
	cmd.RunE = func(c *cobra.Command, _ []string) error { return c.Help() }
}

// strictHelp makes "wirelab help ws dail" fail as "wirelab ws dail" does,
// where cobra's help command would print the help of "wirelab ws".
func strictHelp(help *cobra.Command) {
	show := help.Run
	help.RunE = func(c *cobra.Command, args []string) error {
		target, rest, err := c.Root().Find(args)
		if err == nil && len(rest) > 0 && target.HasAvailableSubCommands() {
			return unknownCommand(target, rest[0], lessons.LangFromEnv(os.Getenv))
		}
		show(c, args)
		return nil
	}
}

// unknownCommand is the error for name under the group c, in lang: the
// commands within edit distance 2 (or sharing a prefix) as suggestions, or
// else the list of c's commands.
func unknownCommand(c *cobra.Command, name, lang string) error {
	path := c.CommandPath()
	if c.SuggestionsMinimumDistance <= 0 {
		c.SuggestionsMinimumDistance = 2 // cobra's default, set only on its own root path
	}
	if sugg := c.SuggestionsFor(name); len(sugg) > 0 {
		p := i18n.New(lang)
		return p.Errorf(i18n.RootUnknownSuggest, path, name, orList(quoteAll(sugg), p.Sprintf(i18n.ListSep), p.Sprintf(i18n.ListOr)))
	}
	var names []string
	for _, s := range c.Commands() {
		if s.IsAvailableCommand() {
			names = append(names, s.Name())
		}
	}
	p := i18n.New(lang)
	return p.Errorf(i18n.RootUnknownList, path, name, strings.Join(names, p.Sprintf(i18n.ListSep)))
}

// orList joins "a", "b", "c" as `"a", "b" or "c"` (with sep ", " and
// last " or ").
func orList(ss []string, sep, last string) string {
	if len(ss) < 2 {
		return strings.Join(ss, "")
	}
	return strings.Join(ss[:len(ss)-1], sep) + last + ss[len(ss)-1]
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}
