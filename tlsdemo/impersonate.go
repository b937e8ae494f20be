package tlsdemo

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/wirelab/wirelab/httpcore"
)

// The ways Impersonate lets an attacker pose as DemoHost.
const (
	// CasePlainHTTP: the attacker answers plain HTTP. Nothing can be checked.
	CasePlainHTTP = "http"
	// CaseUntrustedCA: the attacker made its own CA and issued itself a
	// certificate for DemoHost.
	CaseUntrustedCA = "untrusted-ca"
	// CaseWrongName: the attacker holds a genuine certificate from the
	// trusted CA, for its own name.
	CaseWrongName = "wrong-name"
	// CaseExpired: the attacker holds the bank's old certificate and key,
	// expired yesterday.
	CaseExpired = "expired"
	// CaseGenuine: the real bank, for comparison.
	CaseGenuine = "genuine"
)

// ImpersonateCases lists every case, in the order they are best shown.
var ImpersonateCases = []string{CasePlainHTTP, CaseUntrustedCA, CaseWrongName, CaseExpired, CaseGenuine}

var caseDescriptions = map[string]string{
	CasePlainHTTP:   "a fake server answers plain HTTP on the bank's address",
	CaseUntrustedCA: "a fake server presents a certificate for " + DemoHost + " signed by the attacker's own CA",
	CaseWrongName:   "a fake server presents a genuine certificate from the trusted CA, issued for mallory.test",
	CaseExpired:     "a fake server presents the bank's real certificate and key, which expired yesterday",
	CaseGenuine:     "the real bank presents its current certificate from the trusted CA",
}

// ImpersonateResult is what happened when the client met one server.
type ImpersonateResult struct {
	Case        string `json:"case"`
	Description string `json:"description"`
	// Presented is the certificate the server presented (none over HTTP).
	Presented *CertInfo `json:"presented,omitempty"`
	// Accepted reports whether the client went on to talk to the server.
	Accepted bool `json:"accepted"`
	// Body is what the server told the client, when accepted.
	Body string `json:"body,omitempty"`
	// Error is the client's error, exactly as crypto/tls returned it;
	// Kind classifies it (see Classify) and Explanation explains it.
	Error       string `json:"error,omitempty"`
	Kind        string `json:"kind,omitempty"`
	Explanation string `json:"explanation,omitempty"`
	Err         error  `json:"-"`
}

// Impersonate runs each case (all of ImpersonateCases when none is given):
// a server poses as DemoHost, and a client that trusts one CA — the one
// the real bank's certificate comes from — connects to it, expecting
// DemoHost. Every server listens on 127.0.0.1.
func Impersonate(ctx context.Context, cases ...string) ([]ImpersonateResult, error) {
	if len(cases) == 0 {
		cases = ImpersonateCases
	}
	trusted, err := NewCA("wirelab demo CA")
	if err != nil {
		return nil, err
	}
	var out []ImpersonateResult
	for _, c := range cases {
		r, err := impersonate(ctx, trusted, c)
		if err != nil {
			return out, err
		}
		out = append(out, *r)
	}
	return out, nil
}

const (
	fakeBody    = "Welcome to " + DemoHost + "! Please type your password. (This is Mallory's server.)\n"
	genuineBody = "Welcome to " + DemoHost + ". (This is the real bank.)\n"
)

func impersonate(ctx context.Context, trusted *CA, kase string) (*ImpersonateResult, error) {
	desc, ok := caseDescriptions[kase]
	if !ok {
		return nil, fmt.Errorf("tlsdemo: unknown impersonation case %q (want one of %s)", kase, strings.Join(ImpersonateCases, ", "))
	}
	res := &ImpersonateResult{Case: kase, Description: desc}
	var cert *tls.Certificate
	var err error
	body := fakeBody
	switch kase {
	case CaseUntrustedCA:
		var evil *CA
		if evil, err = NewCA("Mallory's CA"); err == nil {
			cert, err = evil.IssueLeaf(LeafRequest{Names: []string{DemoHost}})
		}
	case CaseWrongName:
		cert, err = trusted.IssueLeaf(LeafRequest{Names: []string{"mallory.test"}})
	case CaseExpired:
		now := time.Now()
		cert, err = trusted.IssueLeaf(LeafRequest{Names: []string{DemoHost}, NotBefore: now.Add(-LeafValidity), NotAfter: now.Add(-24 * time.Hour)})
	case CaseGenuine:
		cert, err = trusted.IssueLeaf(LeafRequest{Names: []string{DemoHost}})
		body = genuineBody
	}
	if err != nil {
		return nil, err
	}
	var serverCfg, clientCfg *tls.Config
	if cert != nil {
		serverCfg = ServerConfig(*cert)
		info := NewCertInfo(cert.Leaf)
		res.Presented = &info
		clientCfg = ClientConfig(trusted.Pool(), DemoHost)
	}
	srv, err := startServer(textHandler(body), serverCfg)
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	req := &httpcore.Request{Method: "GET", Target: "/", Host: DemoHost}
	_, got, err := exchange(ctx, srv.addr, clientCfg, req)
	if err != nil {
		res.Err = err
		res.Error = err.Error()
		res.Kind = Classify(err)
		res.Explanation = Explain(err)
		return res, nil
	}
	res.Accepted = true
	res.Body = string(got)
	return res, nil
}

// WriteImpersonateText tells the learner what happened in each case.
func WriteImpersonateText(w io.Writer, results []ImpersonateResult) {
	fmt.Fprintf(w, "The client wants %s and trusts exactly one CA, the one the real bank's certificate comes from.\n", DemoHost)
	for _, r := range results {
		fmt.Fprintf(w, "\n== %s: %s\n", r.Case, r.Description)
		if p := r.Presented; p != nil {
			fmt.Fprintf(w, "   presented: subject %q, issued by %q, for %s, valid %s to %s\n",
				p.Subject, p.Issuer, strings.Join(p.SANs, ", "), p.NotBefore.Format(time.DateOnly), p.NotAfter.Format(time.DateOnly))
		}
		if r.Accepted {
			fmt.Fprintf(w, "   ACCEPTED: the client talked to it and was told: %s", r.Body)
			if r.Case == CasePlainHTTP {
				fmt.Fprintf(w, "   Plain HTTP has no way to prove who answers: whoever receives the packets can reply,\n")
				fmt.Fprintf(w, "   and the client would now send its password to Mallory.\n")
			}
			continue
		}
		fmt.Fprintf(w, "   REFUSED: %s\n", r.Error)
		fmt.Fprintf(w, "   why: %s\n", r.Explanation)
	}
}
