// Package postmessage holds the "wirelab postmessage" commands.
package postmessage

import (
	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/iostreams"
)

// NewCmdPostMessage returns the "postmessage" command group.
func NewCmdPostMessage(ios *iostreams.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "postmessage <command>",
		Aliases: []string{"pm"},
		Short:   i18n.Pair(i18n.HelpPostMessageShort)[0],
	}
	cmd.AddCommand(NewCmdServe(ios, nil))
	return cmd
}
