// Package postmessage holds the "wirelab postmessage" commands.
package postmessage

import (
	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/internal/iostreams"
)

// NewCmdPostMessage returns the "postmessage" command group.
func NewCmdPostMessage(ios *iostreams.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "postmessage <command>",
		Aliases: []string{"pm"},
		Short:   "Serve window.postMessage between real origins: safe and vulnerable receivers, a WebSocket bridge",
	}
	cmd.AddCommand(NewCmdServe(ios, nil))
	return cmd
}
