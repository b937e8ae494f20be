package demo

import (
	"context"
	"crypto/tls"
	"net"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/httpcore/inspect"
	"github.com/wirelab/wirelab/tlsdemo"
)

func httpsDemos() []Demo {
	return []Demo{{
		ID:      "https",
		Summary: map[string]string{"en": "HTTP's three weaknesses shown live, then what TLS negotiates", "zh": "现场演示 HTTP 的三个弱点，再看 TLS 协商了什么"},
		Run:     demoHTTPS,
	}}
}

func demoHTTPS(ctx context.Context, e *Env) error {
	e.Say("== 1. Eavesdropping: a tap copies every byte between client and server", "== 1. 窃听：中间人复制客户端与服务器之间的每个字节")
	var seen [2]bool
	for i, useTLS := range []bool{false, true} {
		r, err := tlsdemo.Sniff(ctx, tlsdemo.SniffOptions{TLS: useTLS})
		if err != nil {
			return err
		}
		r.WriteText(e.Out)
		e.Printf("\n")
		seen[i] = r.PasswordSeen
	}
	if err := check(seen[0] && !seen[1], "password seen over http=%v, https=%v", seen[0], seen[1]); err != nil {
		return err
	}

	e.Say("== 2. Impersonation: who is answering?", "== 2. 冒充：到底是谁在回答？")
	res, err := tlsdemo.Impersonate(ctx)
	if err != nil {
		return err
	}
	tlsdemo.WriteImpersonateText(e.Out, res)
	for _, r := range res {
		want := r.Case == tlsdemo.CasePlainHTTP || r.Case == tlsdemo.CaseGenuine
		if err := check(r.Accepted == want, "impersonation case %s: accepted=%v", r.Case, r.Accepted); err != nil {
			return err
		}
	}

	e.Say("\n== 3. Tampering: a man in the middle rewrites the page", "\n== 3. 篡改：中间人改写页面内容")
	var altered [2]bool
	for i, useTLS := range []bool{false, true} {
		r, err := tlsdemo.Tamper(ctx, tlsdemo.TamperOptions{TLS: useTLS})
		if err != nil {
			return err
		}
		r.WriteText(e.Out)
		e.Printf("\n")
		altered[i] = r.Delivered && r.Altered
	}
	if err := check(altered[0] && !altered[1], "tampered body delivered over http=%v, https=%v", altered[0], altered[1]); err != nil {
		return err
	}

	e.Say("== 4. The handshake of a real HTTPS server: certificate, key exchange, symmetric cipher", "== 4. 一个真实 HTTPS 服务器的握手：证书、密钥交换、对称加密")
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
	rep.WriteText(e.Out)
	return check(rep.Verified && len(rep.Hybrid) > 0, "inspect: verified=%v", rep.Verified)
}
