// Package cmdtest holds the helpers the tests of internal/cmd share: Execute
// runs a cobra command with its usage output discarded, and Lines is a log
// writer a test can wait on, line by line, instead of sleeping.
//
//	log := cmdtest.NewLines()
//	ios.ErrOut = log
//	go runServe(ctx, opts)
//	addr, _ := strings.CutPrefix(log.Next(t), "listening on http://")
//	log.WaitFor(t, "conn ") // skips lines up to the first "conn ..." line
//
// Lines never blocks its writer: every line is kept, however many a server
// logs before the test reads them.
package cmdtest

import (
	"context"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// Execute runs cmd with args (split on spaces) under a background context,
// its usage and error output discarded, and returns its error.
func Execute(cmd *cobra.Command, args string) error {
	return ExecuteArgs(cmd, strings.Fields(args)...)
}

// ExecuteArgs is Execute with the arguments given one by one, for those that
// hold spaces or come from variables.
func ExecuteArgs(cmd *cobra.Command, args ...string) error {
	if args == nil {
		args = []string{} // nil would make cobra read the test binary's os.Args
	}
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	return cmd.ExecuteContext(context.Background())
}
