package demo

import (
	"context"
	"crypto/tls"
	"io"
	"net"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/httpcore/inspect"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/tlstext"
	"github.com/wirelab/wirelab/tlsdemo"
)

func httpsDemos() []Demo {
	return []Demo{{
		ID:      "https",
		Summary: i18n.ByLang(i18n.DemoSummaryHttps),
		Run:     demoHTTPS,
	}}
}

func demoHTTPS(ctx context.Context, e *Env) error {
	e.Tell(i18n.DemoHTTPSEavesdroppingTapCopiesEvery)
	var seen [2]bool
	for i, useTLS := range []bool{false, true} {
		r, err := tlsdemo.Sniff(ctx, tlsdemo.SniffOptions{TLS: useTLS})
		if err != nil {
			return err
		}
		tlstext.Write(e.Out, e.P(), r.WriteText)
		e.Printf("\n")
		seen[i] = r.PasswordSeen
	}
	if err := check(seen[0] && !seen[1], "password seen over http=%v, https=%v", seen[0], seen[1]); err != nil {
		return err
	}

	e.Tell(i18n.DemoHTTPSImpersonationWhoAnswering)
	res, err := tlsdemo.Impersonate(ctx)
	if err != nil {
		return err
	}
	tlstext.Write(e.Out, e.P(), func(w io.Writer) { tlsdemo.WriteImpersonateText(w, res) })
	for _, r := range res {
		want := r.Case == tlsdemo.CasePlainHTTP || r.Case == tlsdemo.CaseGenuine
		if err := check(r.Accepted == want, "impersonation case %s: accepted=%v", r.Case, r.Accepted); err != nil {
			return err
		}
	}

	e.Tell(i18n.DemoHTTPSTamperingManMiddleRewrites)
	var altered [2]bool
	for i, useTLS := range []bool{false, true} {
		r, err := tlsdemo.Tamper(ctx, tlsdemo.TamperOptions{TLS: useTLS})
		if err != nil {
			return err
		}
		tlstext.Write(e.Out, e.P(), r.WriteText)
		e.Printf("\n")
		altered[i] = r.Delivered && r.Altered
	}
	if err := check(altered[0] && !altered[1], "tampered body delivered over http=%v, https=%v", altered[0], altered[1]); err != nil {
		return err
	}

	e.Tell(i18n.DemoHTTPSHandshakeRealHttpsServer)
	ca, err := tlsdemo.NewCA("wirelab lesson CA")
	if err != nil {
		return err
	}
	cfg, _, err := tlsdemo.DevTLSConfig(ca)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", loopback)
	if err != nil {
		return err
	}
	srv := &httpcore.Server{Handler: inspect.Handler()}
	done := make(chan struct{})
	go func() { defer close(done); srv.Serve(tls.NewListener(ln, cfg)) }()
	defer func() { srv.Close(); <-done }()
	rep, err := tlsdemo.Inspect(ctx, ln.Addr().String(), tlsdemo.InspectOptions{RootCAs: ca.Pool()})
	if err != nil {
		return err
	}
	tlstext.Write(e.Out, e.P(), rep.WriteText)
	return check(rep.Verified && len(rep.Hybrid) > 0, "inspect: verified=%v", rep.Verified)
}
