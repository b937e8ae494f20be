// Package https holds the "wirelab https" commands: ca, serve, inspect, and
// the three demos of what TLS fixes — sniff, impersonate and tamper. Each is
// a thin layer over package tlsdemo.
package https

import (
	"encoding/json"
	"io"
	"sync"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/iostreams"
)

// NewCmdHTTPS returns the "https" command group.
func NewCmdHTTPS(ios *iostreams.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "https <command>",
		Short: i18n.Pair(i18n.HelpHTTPSShort)[0],
		Long:  i18n.Pair(i18n.HelpHTTPSLong)[0],
	}
	cmd.AddCommand(NewCmdCA(ios, nil))
	cmd.AddCommand(NewCmdServe(ios, nil))
	cmd.AddCommand(NewCmdInspect(ios, nil))
	cmd.AddCommand(NewCmdSniff(ios, nil))
	cmd.AddCommand(NewCmdImpersonate(ios, nil))
	cmd.AddCommand(NewCmdTamper(ios, nil))
	return cmd
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// lockedWriter serialises writes from server goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
