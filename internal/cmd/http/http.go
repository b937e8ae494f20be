// Package http holds the "wirelab http" commands: serve, parse and get.
package http

import (
	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/iostreams"
)

// NewCmdHTTP returns the "http" command group.
func NewCmdHTTP(ios *iostreams.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "http <command>",
		Short: i18n.Pair(i18n.HelpHTTPShort)[0],
	}
	cmd.AddCommand(NewCmdServe(ios, nil))
	cmd.AddCommand(NewCmdParse(ios, nil))
	cmd.AddCommand(NewCmdGet(ios, nil))
	return cmd
}
