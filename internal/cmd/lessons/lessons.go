// Package lessons holds the "wirelab lessons" commands: list, show, run and
// quiz, over the course in the lessons package.
package lessons

import (
	"os"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/lessons"
)

// NewCmdLessons returns the "lessons" command group.
func NewCmdLessons(ios *iostreams.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "lessons <command>",
		Short: i18n.Pair(i18n.HelpLessonsShort)[0],
		Long:  i18n.Pair(i18n.HelpLessonsLong)[0],
	}
	cmd.AddCommand(NewCmdList(ios, nil))
	cmd.AddCommand(NewCmdShow(ios, nil))
	cmd.AddCommand(NewCmdRun(ios, nil))
	cmd.AddCommand(NewCmdQuiz(ios, nil))
	return cmd
}

// resolveLang turns the --lang flag into a course language.
func resolveLang(flag string) (string, error) { return lessons.ResolveLang(flag, os.Getenv) }

// renderer returns a renderer for the output: styled on a terminal, plain
// otherwise, wrapped to width cells (0: the terminal's width, $COLUMNS or
// 80).
func renderer(ios *iostreams.IOStreams, width int) (*lessons.Renderer, error) {
	return lessons.NewRenderer(lessons.Width(width, ios.Out, os.Getenv), ios.IsTTY)
}

// addWidthFlag adds --width, the width in cells to wrap text at.
func addWidthFlag(cmd *cobra.Command, p *int) {
	cmd.Flags().IntVar(p, "width", 0, i18n.Pair(i18n.FlagLearnWidth)[0])
}

// printer is the message printer for the --lang flag; English when the
// flag is not a course language (that error is reported on its own).
func printer(flag string) i18n.Printer {
	lang, _ := resolveLang(flag)
	return i18n.New(lang)
}

func addLangFlag(cmd *cobra.Command, p *string) {
	cmd.Flags().StringVar(p, "lang", "", i18n.Pair(i18n.FlagLang)[0])
}

// validateLang fails early on a --lang the course does not have.
func validateLang(s string) error {
	_, err := resolveLang(s)
	return err
}
