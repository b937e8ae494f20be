package https

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/tlsdemo"
)

// TamperOptions are the flags of "wirelab https tamper".
type TamperOptions struct {
	IO       *iostreams.IOStreams
	HTTPOnly bool
	TLSOnly  bool
	JSON     bool
}

// NewCmdTamper returns "wirelab https tamper". runF replaces the behaviour
// in tests; nil runs runTamper.
func NewCmdTamper(ios *iostreams.IOStreams, runF func(*TamperOptions) error) *cobra.Command {
	opts := &TamperOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "tamper",
		Short: i18n.Pair(i18n.HelpHTTPSTamperShort)[0],
		Long:  i18n.Pair(i18n.HelpHTTPSTamperLong)[0],
		Example: `  wirelab https tamper
  wirelab https tamper --https --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runTamper(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&opts.HTTPOnly, "http", false, i18n.Pair(i18n.FlagHTTPSSniffHTTP)[0])
	f.BoolVar(&opts.TLSOnly, "https", false, i18n.Pair(i18n.FlagHTTPSSniffHTTPS)[0])
	f.BoolVar(&opts.JSON, "json", false, i18n.Pair(i18n.FlagCompareJSON)[0])
	cmd.MarkFlagsMutuallyExclusive("http", "https")
	return cmd
}

func runTamper(ctx context.Context, opts *TamperOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	var results []*tlsdemo.TamperResult
	for _, useTLS := range schemes(opts.HTTPOnly, opts.TLSOnly) {
		res, err := tlsdemo.Tamper(ctx, tlsdemo.TamperOptions{TLS: useTLS})
		if err != nil {
			return err
		}
		results = append(results, res)
	}
	if opts.JSON {
		return writeJSON(opts.IO.Out, results)
	}
	for i, r := range results {
		if i > 0 {
			opts.IO.Out.Write([]byte("\n" + rule + "\n\n"))
		}
		r.WriteText(opts.IO.Out)
	}
	return nil
}
