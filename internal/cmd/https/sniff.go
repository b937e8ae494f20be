package https

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/tlsdemo"
)

// SniffOptions are the flags of "wirelab https sniff".
type SniffOptions struct {
	IO       *iostreams.IOStreams
	HTTPOnly bool
	TLSOnly  bool
	Password string
	JSON     bool
}

// NewCmdSniff returns "wirelab https sniff". runF replaces the behaviour in
// tests; nil runs runSniff.
func NewCmdSniff(ios *iostreams.IOStreams, runF func(*SniffOptions) error) *cobra.Command {
	opts := &SniffOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "sniff",
		Short: i18n.Pair(i18n.HelpHTTPSSniffShort)[0],
		Long:  i18n.Pair(i18n.HelpHTTPSSniffLong)[0],
		Example: `  wirelab https sniff
  wirelab https sniff --http --password hunter2
  wirelab https sniff --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runSniff(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&opts.HTTPOnly, "http", false, i18n.Pair(i18n.FlagHTTPSSniffHTTP)[0])
	f.BoolVar(&opts.TLSOnly, "https", false, i18n.Pair(i18n.FlagHTTPSSniffHTTPS)[0])
	f.StringVar(&opts.Password, "password", "", i18n.Pair(i18n.FlagHTTPSSniffPassword)[0])
	f.BoolVar(&opts.JSON, "json", false, i18n.Pair(i18n.FlagCompareJSON)[0])
	cmd.MarkFlagsMutuallyExclusive("http", "https")
	return cmd
}

// schemes returns which runs to do: plain HTTP, then HTTPS, unless limited.
func schemes(httpOnly, tlsOnly bool) []bool {
	switch {
	case httpOnly:
		return []bool{false}
	case tlsOnly:
		return []bool{true}
	}
	return []bool{false, true}
}

func runSniff(ctx context.Context, opts *SniffOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	var results []*tlsdemo.SniffResult
	for _, useTLS := range schemes(opts.HTTPOnly, opts.TLSOnly) {
		res, err := tlsdemo.Sniff(ctx, tlsdemo.SniffOptions{TLS: useTLS, Password: opts.Password})
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

const rule = "────────────────────────────────────────────────────────────────────────"
