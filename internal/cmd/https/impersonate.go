package https

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
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
		Short: "Pose as a server: believed over HTTP, refused over HTTPS with the exact reason",
		Long: `A client wants bank.test and trusts one CA. Fake servers on 127.0.0.1 try to
pass as the bank; each case prints what the client did, the exact
verification error crypto/x509 returned, and what it means:

  http          plain HTTP: nothing to check, the client believes the fake
  untrusted-ca  a certificate for bank.test from the attacker's own CA
  wrong-name    a genuine certificate from the trusted CA, for mallory.test
  expired       the bank's real certificate, expired yesterday
  genuine       the real bank, for comparison

With no CASE, all run.`,
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
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the results as JSON")
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
