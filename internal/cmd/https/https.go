// Package https holds the "wirelab https" commands: ca, serve, inspect, and
// the three demos of what TLS fixes — sniff, impersonate and tamper. Each is
// a thin layer over package tlsdemo.
package https

import (
	"encoding/json"
	"io"
	"sync"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/internal/iostreams"
)

// NewCmdHTTPS returns the "https" command group.
func NewCmdHTTPS(ios *iostreams.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "https <command>",
		Short: "Serve and inspect HTTPS, and watch what TLS protects against",
		Long: `HTTP sends everything in the clear, proves nothing about who answers, and
cannot tell when a message was changed on the way. HTTPS = HTTP + encryption
+ authentication + integrity. These commands show each weakness live on
127.0.0.1, then TLS stopping it, and serve real HTTPS:

  sniff        a tap on the wire reads a password over HTTP, only ciphertext over HTTPS
  impersonate  a fake server is believed over HTTP, refused over HTTPS (and why)
  tamper       a man in the middle rewrites a page over HTTP; over HTTPS the connection fails
  ca           create the local development CA and issue certificates (like mkcert)
  serve        serve HTTPS with the development CA (--dev) or an ACME CA (--acme)
  inspect      show what a TLS server negotiates and the certificates it presents`,
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
