// Package cmd runs the wirelab command line.
package cmd

import (
	"context"
	"fmt"

	"github.com/wirelab/wirelab/internal/cmd/root"
	"github.com/wirelab/wirelab/internal/iostreams"
)

// Main runs wirelab with the process's arguments and returns the exit code.
func Main() int {
	ios := iostreams.System()
	rootCmd := root.NewCmdRoot(ios)
	if err := rootCmd.ExecuteContext(context.Background()); err != nil {
		fmt.Fprintln(ios.ErrOut, "wirelab:", err)
		return 1
	}
	return 0
}
