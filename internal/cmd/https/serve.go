package https

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/httpcore/inspect"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/tlsdemo"
)

// ServeOptions are the flags of "wirelab https serve".
type ServeOptions struct {
	IO *iostreams.IOStreams
	// Addr is where HTTPS is served; port 0 picks a free port.
	Addr string
	// Dev serves a leaf from the development CA in CADir ("" means
	// tlsdemo.DefaultCADir()) for localhost, 127.0.0.1, ::1 and Names.
	Dev   bool
	CADir string
	Names []string
	// ACME is the directory URL of an ACME CA ("staging" and "production"
	// stand for Let's Encrypt's); Domains is the host allow-list.
	ACME     string
	Domains  []string
	CacheDir string
	Email    string
	// HTTPAddr serves HTTP-01 challenges and redirects to https (--acme).
	HTTPAddr string
	// ACMECAFiles are PEM roots trusted for the ACME server's own HTTPS
	// (Pebble's test CA); none means the system roots.
	ACMECAFiles []string
	Grace       time.Duration
}

// NewCmdServe returns "wirelab https serve". runF replaces the behaviour
// in tests; nil runs runServe.
func NewCmdServe(ios *iostreams.IOStreams, runF func(*ServeOptions) error) *cobra.Command {
	opts := &ServeOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "serve (--dev | --acme DIRECTORY_URL --domain NAME...)",
		Short: i18n.Pair(i18n.HelpHTTPSServeShort)[0],
		Long:  i18n.Pair(i18n.HelpHTTPSServeLong)[0],
		Example: `  wirelab https serve --dev
  curl --cacert ~/.config/wirelab/ca/rootCA.pem https://localhost:8443/hello
  wirelab https serve --acme staging --domain example.com --addr :443 --http-addr :80`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case opts.Dev && opts.ACME != "":
				return errors.New("--dev and --acme are exclusive: pick one source of certificates")
			case !opts.Dev && opts.ACME == "":
				return errors.New("choose a source of certificates: --dev or --acme DIRECTORY_URL")
			case opts.ACME != "" && len(opts.Domains) == 0:
				return errors.New("--acme needs at least one --domain: the host allow-list is required")
			case opts.Dev && len(opts.Domains) > 0:
				return errors.New("--domain goes with --acme; with --dev, add names with --name")
			}
			if runF != nil {
				return runF(opts)
			}
			return runServe(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Addr, "addr", "127.0.0.1:8443", i18n.Pair(i18n.FlagHTTPSServeAddr)[0])
	f.BoolVar(&opts.Dev, "dev", false, i18n.Pair(i18n.FlagHTTPSServeDev)[0])
	f.StringVar(&opts.CADir, "ca-dir", "", i18n.Pair(i18n.FlagHTTPSServeCADir)[0])
	f.StringArrayVar(&opts.Names, "name", nil, i18n.Pair(i18n.FlagHTTPSServeName)[0])
	f.StringVar(&opts.ACME, "acme", "", i18n.Pair(i18n.FlagHTTPSServeACME)[0])
	f.StringArrayVar(&opts.Domains, "domain", nil, i18n.Pair(i18n.FlagHTTPSServeDomain)[0])
	f.StringVar(&opts.CacheDir, "cache", "", i18n.Pair(i18n.FlagHTTPSServeCache)[0])
	f.StringVar(&opts.Email, "email", "", i18n.Pair(i18n.FlagHTTPSServeEmail)[0])
	f.StringVar(&opts.HTTPAddr, "http-addr", "127.0.0.1:8080", i18n.Pair(i18n.FlagHTTPSServeHTTPAddr)[0])
	f.StringArrayVar(&opts.ACMECAFiles, "acme-ca", nil, i18n.Pair(i18n.FlagHTTPSServeACMECA)[0])
	f.DurationVar(&opts.Grace, "grace", 5*time.Second, i18n.Pair(i18n.FlagHTTPServeGrace)[0])
	return cmd
}

// handshakeLogger logs each completed handshake:
//
//	tls 127.0.0.1:51234 TLS 1.3 TLS_AES_128_GCM_SHA256 X25519MLKEM768 alpn=http/1.1 sni=localhost
func handshakeLogger(w io.Writer) func(net.Addr, tls.ConnectionState) {
	return func(remote net.Addr, cs tls.ConnectionState) {
		alpn := cs.NegotiatedProtocol
		if alpn == "" {
			alpn = "-"
		}
		sni := cs.ServerName
		if sni == "" {
			sni = "-"
		}
		fmt.Fprintf(w, "tls %s %s %s %s alpn=%s sni=%s\n", remote, tls.VersionName(cs.Version),
			tls.CipherSuiteName(cs.CipherSuite), cs.CurveID, alpn, sni)
	}
}

func runServe(ctx context.Context, opts *ServeOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	out := &lockedWriter{w: opts.IO.ErrOut}
	logger := log.New(out, "", 0)

	var (
		cfg     *tls.Config
		httpH   httpcore.Handler
		notes   []string
		httpsLn net.Listener
		httpLn  net.Listener
		err     error
	)
	httpsLn, err = net.Listen("tcp", opts.Addr)
	if err != nil {
		return fmt.Errorf("listen on %q: %w", opts.Addr, err)
	}
	defer httpsLn.Close()
	if opts.Dev {
		dir := opts.CADir
		if dir == "" {
			if dir, err = tlsdemo.DefaultCADir(); err != nil {
				return err
			}
		}
		ca, created, err := tlsdemo.LoadOrCreateCA(dir)
		if err != nil {
			return err
		}
		c, leaf, err := tlsdemo.DevTLSConfig(ca, opts.Names...)
		if err != nil {
			return err
		}
		cfg = c
		if created {
			notes = append(notes, "created a new development CA in "+dir)
		}
		_, port, _ := net.SplitHostPort(httpsLn.Addr().String())
		notes = append(notes,
			fmt.Sprintf("certificate for %s, issued by %q (%s)", strings.Join(tlsdemo.SANs(leaf.Leaf), ", "), ca.Cert.Subject.CommonName, ca.CertPath()),
			fmt.Sprintf("try: curl --cacert %s https://localhost:%s/hello", ca.CertPath(), port),
			fmt.Sprintf("     wirelab https inspect --ca %s 127.0.0.1:%s", ca.CertPath(), port),
			"clients that do not trust the CA will refuse the certificate: see \"wirelab https ca\"")
	} else {
		cache := opts.CacheDir
		if cache == "" {
			dir, err := os.UserCacheDir()
			if err != nil {
				return fmt.Errorf("no user cache dir for certificates: %w (pass --cache)", err)
			}
			cache = filepath.Join(dir, "wirelab", "autocert")
		}
		roots, err := tlsdemo.LoadCertPool(opts.ACMECAFiles...)
		if err != nil {
			return err
		}
		_, portStr, _ := net.SplitHostPort(httpsLn.Addr().String())
		port, _ := strconv.Atoi(portStr)
		a, err := tlsdemo.NewACME(tlsdemo.ACMEOptions{
			DirectoryURL:   tlsdemo.ResolveDirectory(opts.ACME),
			Hosts:          opts.Domains,
			CacheDir:       cache,
			Email:          opts.Email,
			DirectoryRoots: roots,
			HTTPSPort:      port,
			Log:            logger,
		})
		if err != nil {
			return err
		}
		cfg = a.TLSConfig()
		httpH = a.HTTPHandler()
		if httpLn, err = net.Listen("tcp", opts.HTTPAddr); err != nil {
			return fmt.Errorf("listen on %q: %w", opts.HTTPAddr, err)
		}
		defer httpLn.Close()
		notes = append(notes,
			fmt.Sprintf("certificates from %s for %s, cached in %s", a.Manager.Client.DirectoryURL, strings.Join(opts.Domains, ", "), cache),
			"the first handshake for a name obtains its certificate (TLS-ALPN-01 or HTTP-01)")
	}
	cfg = tlsdemo.LogHandshakes(cfg, handshakeLogger(out))

	// A script reads this line to learn the port: keep its shape.
	fmt.Fprintf(out, "listening on https://%s\n", httpsLn.Addr())
	if httpLn != nil {
		fmt.Fprintf(out, "listening on http://%s (HTTP-01 challenges; everything else redirects to https)\n", httpLn.Addr())
	}
	for _, n := range notes {
		fmt.Fprintln(out, n)
	}
	httpsSrv := &httpcore.Server{Handler: inspect.Handler(), ErrorLog: logger}
	servers := []*httpcore.Server{httpsSrv}
	errc := make(chan error, 2)
	go func() { errc <- httpsSrv.Serve(tls.NewListener(httpsLn, cfg)) }()
	if httpLn != nil {
		plain := &httpcore.Server{Handler: httpH, ErrorLog: logger}
		servers = append(servers, plain)
		go func() { errc <- plain.Serve(httpLn) }()
	}
	var serveErr error
	received := 0
	select {
	case serveErr = <-errc:
		received++
	case <-ctx.Done():
	}
	fmt.Fprintf(out, "shutting down: waiting up to %v for requests in progress\n", opts.Grace)
	sctx, cancel := context.WithTimeout(context.Background(), opts.Grace)
	defer cancel()
	for _, s := range servers {
		if err := s.Shutdown(sctx); errors.Is(err, context.DeadlineExceeded) {
			fmt.Fprintf(out, "closed connections still busy after %v\n", opts.Grace)
		}
	}
	for ; received < len(servers); received++ {
		if err := <-errc; serveErr == nil && !errors.Is(err, httpcore.ErrServerClosed) {
			serveErr = err
		}
	}
	if serveErr != nil && !errors.Is(serveErr, httpcore.ErrServerClosed) {
		return fmt.Errorf("serving on %s: %w", httpsLn.Addr(), serveErr)
	}
	fmt.Fprintln(out, "stopped")
	return nil
}
