// Package ws holds the "wirelab ws" commands: serve, dial and decode.
package ws

import (
	"io"
	"sync"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/iostreams"
)

// NewCmdWS returns the "ws" command group.
func NewCmdWS(ios *iostreams.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ws <command>",
		Short: i18n.Pair(i18n.HelpWSShort)[0],
	}
	cmd.AddCommand(NewCmdServe(ios, nil))
	cmd.AddCommand(NewCmdDial(ios, nil))
	cmd.AddCommand(NewCmdDecode(ios, nil))
	return cmd
}

// lockedWriter serialises writes from several goroutines, so that each
// line, written by one Write call, stays whole.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
