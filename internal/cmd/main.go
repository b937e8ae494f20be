// Package cmd runs the wirelab command line.
package cmd

import (
	"context"
	"fmt"
	"os"

	"github.com/wirelab/wirelab/internal/cmd/root"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/iostreams"
)

// Main runs wirelab with the process's arguments and returns the exit code.
func Main() int {
	return run(iostreams.System(), os.Args[1:], os.Getenv)
}

// run runs wirelab with args; an error ends with one line on ErrOut, in the
// learner's language, and exit code 1.
func run(ios *iostreams.IOStreams, args []string, getenv func(string) string) int {
	p := i18n.New(langOf(args, getenv))
	rootCmd := root.NewCmdRoot(ios)
	localizeHelp(rootCmd, p)
	rootCmd.SetArgs(args)
	if err := rootCmd.ExecuteContext(context.Background()); err != nil {
		fmt.Fprintln(ios.ErrOut, "wirelab:", errorText(err, p))
		return 1
	}
	return 0
}
