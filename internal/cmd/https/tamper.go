package https

import (
	"context"

	"github.com/spf13/cobra"
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
		Short: "Rewrite a page in flight: delivered over HTTP, refused over HTTPS",
		Long: `A server sends a page with an IBAN; a man in the middle on 127.0.0.1 rewrites
the IBAN to its own in every byte it relays. Over HTTP the client receives the
altered page and has no way to tell. Over HTTPS the attacker cannot even find
the IBAN, flips a bit of ciphertext instead, and the client's TLS stack
detects it (bad record MAC) and fails the connection: altered data is never
delivered.`,
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
	f.BoolVar(&opts.HTTPOnly, "http", false, "run over plain HTTP only")
	f.BoolVar(&opts.TLSOnly, "https", false, "run over HTTPS only")
	f.BoolVar(&opts.JSON, "json", false, "print the results as JSON")
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
