package https

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"time"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/tlsdemo"
)

// InspectOptions are the flags and argument of "wirelab https inspect".
type InspectOptions struct {
	IO   *iostreams.IOStreams
	Addr string
	// CAFiles are PEM files of roots to trust instead of the system's.
	CAFiles    []string
	ServerName string
	ALPN       []string
	// TLS12 limits the client to TLS 1.2, to see a 1.2 suite negotiated.
	TLS12   bool
	Timeout time.Duration
	JSON    bool
}

// NewCmdInspect returns "wirelab https inspect". runF replaces the
// behaviour in tests; nil runs runInspect.
func NewCmdInspect(ios *iostreams.IOStreams, runF func(*InspectOptions) error) *cobra.Command {
	opts := &InspectOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "inspect HOST:PORT",
		Short: i18n.Pair(i18n.HelpHTTPSInspectShort)[0],
		Long:  i18n.Pair(i18n.HelpHTTPSInspectLong)[0],
		Example: `  wirelab https inspect 127.0.0.1:8443 --ca ~/.config/wirelab/ca/rootCA.pem
  wirelab https inspect example.com:443
  wirelab https inspect --tls12 --servername localhost 127.0.0.1:8443 --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Addr = args[0]
			if _, _, err := net.SplitHostPort(opts.Addr); err != nil {
				return fmt.Errorf("%q: want HOST:PORT, such as 127.0.0.1:8443", opts.Addr)
			}
			if runF != nil {
				return runF(opts)
			}
			return runInspect(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&opts.CAFiles, "ca", nil, i18n.Pair(i18n.FlagHTTPSInspectCA)[0])
	f.StringVar(&opts.ServerName, "servername", "", i18n.Pair(i18n.FlagHTTPSInspectServername)[0])
	f.StringSliceVar(&opts.ALPN, "alpn", []string{"h2", "http/1.1"}, i18n.Pair(i18n.FlagHTTPSInspectALPN)[0])
	f.BoolVar(&opts.TLS12, "tls12", false, i18n.Pair(i18n.FlagHTTPSInspectTLS12)[0])
	f.DurationVar(&opts.Timeout, "timeout", 10*time.Second, i18n.Pair(i18n.FlagHTTPSInspectTimeout)[0])
	f.BoolVar(&opts.JSON, "json", false, i18n.Pair(i18n.FlagCheckJSON)[0])
	return cmd
}

func runInspect(ctx context.Context, opts *InspectOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	roots, err := tlsdemo.LoadCertPool(opts.CAFiles...)
	if err != nil {
		return err
	}
	io := tlsdemo.InspectOptions{ServerName: opts.ServerName, RootCAs: roots, ALPN: opts.ALPN}
	if opts.TLS12 {
		io.MaxVersion = tls.VersionTLS12
	}
	rep, err := tlsdemo.Inspect(ctx, opts.Addr, io)
	if err != nil {
		return err
	}
	if opts.JSON {
		return writeJSON(opts.IO.Out, rep)
	}
	rep.WriteText(opts.IO.Out)
	return nil
}
