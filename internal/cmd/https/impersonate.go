package https

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/tlsdemo"
)

// ImpersonateOptions are the flags of "wirelab https impersonate".
type ImpersonateOptions struct {
	IO    *iostreams.IOStreams
	Cases []string
	JSON  bool
}

// NewCmdImpersonate returns "wirelab https impersonate". runF replaces the
// behaviour in tests; nil runs runImpersonate.
func NewCmdImpersonate(ios *iostreams.IOStreams, runF func(*ImpersonateOptions) error) *cobra.Command {
	opts := &ImpersonateOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "impersonate [CASE...]",
		Short: i18n.Pair(i18n.HelpHTTPSImpersonateShort)[0],
		Long:  i18n.Pair(i18n.HelpHTTPSImpersonateLong)[0],
		Example: `  wirelab https impersonate
  wirelab https impersonate wrong-name expired --json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, a := range args {
				if !slices.Contains(tlsdemo.ImpersonateCases, a) {
					return fmt.Errorf("unknown case %q: want one of %s", a, strings.Join(tlsdemo.ImpersonateCases, ", "))
				}
			}
			opts.Cases = args
			if runF != nil {
				return runF(opts)
			}
			return runImpersonate(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, i18n.Pair(i18n.FlagCompareJSON)[0])
	return cmd
}

func runImpersonate(ctx context.Context, opts *ImpersonateOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	results, err := tlsdemo.Impersonate(ctx, opts.Cases...)
	if err != nil {
		return err
	}
	if opts.JSON {
		return writeJSON(opts.IO.Out, results)
	}
	tlsdemo.WriteImpersonateText(opts.IO.Out, results)
	return nil
}
