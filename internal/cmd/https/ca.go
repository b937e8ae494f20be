package https

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/spf13/cobra"
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
		Short: "Create the local development CA and issue certificates, like mkcert",
		Long: `Create a root CA for development, or load the one already there: rootCA.pem and
rootCA-key.pem (mode 0600) in the user config dir (` + "`wirelab/ca`" + `). It prints where
the CA is, its fingerprint, and how to trust it — for one program (curl
--cacert, SSL_CERT_FILE) or system-wide. Nothing touches a system trust store
unless --install is given.

With NAMEs (or --leaf), it also issues a leaf certificate for localhost,
127.0.0.1, ::1 and the NAMEs, written as NAME+N.pem and NAME+N-key.pem in
--out, as mkcert names them.`,
		Example: `  wirelab https ca
  wirelab https ca myapp.test           # writes localhost+3.pem, localhost+3-key.pem
  wirelab https ca --dir /tmp/ca --json
  wirelab https ca --install            # asks sudo to add the root to the system store`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Names = args
			if runF != nil {
				return runF(opts)
			}
			return runCA(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Dir, "dir", "", "directory of the CA (default: the user config dir's wirelab/ca)")
	f.BoolVar(&opts.Leaf, "leaf", false, "issue a leaf certificate for localhost, 127.0.0.1 and ::1 even without NAMEs")
	f.StringVar(&opts.Out, "out", ".", "directory for leaf certificate files")
	f.BoolVar(&opts.Install, "install", false, "add the root to the system trust store (runs sudo; changes your system)")
	f.BoolVar(&opts.JSON, "json", false, "print a JSON summary")
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
