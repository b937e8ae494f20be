package https

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/tlsdemo"
)

// CAOptions are the flags and arguments of "wirelab https ca".
type CAOptions struct {
	IO *iostreams.IOStreams
	// Dir holds the CA; "" means tlsdemo.DefaultCADir().
	Dir string
	// Names, when given (or Leaf set), get a leaf certificate besides
	// localhost, 127.0.0.1 and ::1.
	Names []string
	Leaf  bool
	// Out is where leaf files are written.
	Out string
	// Install adds the root to the system trust store.
	Install bool
	JSON    bool
	// goos and run replace the platform and the command runner in tests.
	goos string
	run  func(ctx context.Context, argv []string) error
}

// CAReport is what "wirelab https ca --json" prints.
type CAReport struct {
	Dir       string      `json:"dir"`
	Cert      string      `json:"cert"`
	Key       string      `json:"key"`
	Created   bool        `json:"created"`
	Subject   string      `json:"subject"`
	SHA256    string      `json:"sha256"`
	NotAfter  time.Time   `json:"not_after"`
	Installed bool        `json:"installed"`
	Leaf      *LeafReport `json:"leaf,omitempty"`
}

// LeafReport describes a leaf certificate written by "wirelab https ca".
type LeafReport struct {
	Cert     string    `json:"cert"`
	Key      string    `json:"key"`
	Names    []string  `json:"names"`
	NotAfter time.Time `json:"not_after"`
}

// NewCmdCA returns "wirelab https ca". runF replaces the behaviour in
// tests; nil runs runCA.
func NewCmdCA(ios *iostreams.IOStreams, runF func(*CAOptions) error) *cobra.Command {
	opts := &CAOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "ca [NAME...]",
		Short: i18n.Pair(i18n.HelpHTTPSCAShort)[0],
		Long:  i18n.Pair(i18n.HelpHTTPSCALong)[0],
		Example: `  wirelab https ca
  wirelab https ca myapp.test           # writes localhost+3.pem, localhost+3-key.pem
  wirelab https ca --dir /tmp/ca --json
  wirelab https ca --install            # runs sudo (system trust store)`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Names = args
			if runF != nil {
				return runF(opts)
			}
			return runCA(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Dir, "dir", "", i18n.Pair(i18n.FlagHTTPSCADir)[0])
	f.BoolVar(&opts.Leaf, "leaf", false, i18n.Pair(i18n.FlagHTTPSCALeaf)[0])
	f.StringVar(&opts.Out, "out", ".", i18n.Pair(i18n.FlagHTTPSCAOut)[0])
	f.BoolVar(&opts.Install, "install", false, i18n.Pair(i18n.FlagHTTPSCAInstall)[0])
	f.BoolVar(&opts.JSON, "json", false, i18n.Pair(i18n.FlagHTTPSCAJSON)[0])
	return cmd
}

func runCA(ctx context.Context, opts *CAOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	dir := opts.Dir
	if dir == "" {
		var err error
		if dir, err = tlsdemo.DefaultCADir(); err != nil {
			return err
		}
	}
	ca, created, err := tlsdemo.LoadOrCreateCA(dir)
	if err != nil {
		return err
	}
	rep := CAReport{
		Dir: dir, Cert: ca.CertPath(), Key: ca.KeyPath(), Created: created,
		Subject: ca.Cert.Subject.String(), SHA256: ca.Fingerprint(), NotAfter: ca.Cert.NotAfter.UTC(),
	}
	if len(opts.Names) > 0 || opts.Leaf {
		leaf, err := ca.Issue(opts.Names...)
		if err != nil {
			return err
		}
		names := tlsdemo.SANs(leaf.Leaf)
		certPath, keyPath := tlsdemo.LeafFiles(opts.Out, names)
		if err := tlsdemo.WriteLeaf(leaf, certPath, keyPath); err != nil {
			return err
		}
		rep.Leaf = &LeafReport{Cert: certPath, Key: keyPath, Names: names, NotAfter: leaf.Leaf.NotAfter.UTC()}
	}
	goos := opts.goos
	if goos == "" {
		goos = runtime.GOOS
	}
	if opts.Install {
		if !opts.JSON {
			fmt.Fprintf(opts.IO.ErrOut, "adding %s to the system trust store (--install)\n", ca.CertPath())
		}
		if err := tlsdemo.InstallTrust(ctx, ca.CertPath(), goos, opts.run); err != nil {
			return err
		}
		rep.Installed = true
	}
	if opts.JSON {
		return writeJSON(opts.IO.Out, rep)
	}
	out := opts.IO.Out
	if created {
		fmt.Fprintf(out, "created a new development CA in %s\n", dir)
	} else {
		fmt.Fprintf(out, "using the development CA in %s\n", dir)
	}
	fmt.Fprintf(out, "  certificate  %s\n  key          %s (mode 0600: keep it secret)\n", rep.Cert, rep.Key)
	fmt.Fprintf(out, "  subject      %s\n  sha256       %s\n  valid until  %s\n", rep.Subject, rep.SHA256, rep.NotAfter.Format(time.DateOnly))
	if l := rep.Leaf; l != nil {
		fmt.Fprintf(out, "\nissued a leaf certificate for %v, valid until %s:\n  %s\n  %s\n", l.Names, l.NotAfter.Format(time.DateOnly), l.Cert, l.Key)
	}
	if rep.Installed {
		fmt.Fprintf(out, "\nthe root is now in the system trust store\n")
		return nil
	}
	fmt.Fprintf(out, "\n%s", tlsdemo.TrustInstructions(ca.CertPath(), goos))
	return nil
}
