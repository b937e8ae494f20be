// Package tlstext says the reports of the TLS demos (tlsdemo's WriteText
// functions), which tlsdemo writes in English, in the learner's language,
// line by line through the catalogue of internal/i18n:
//
//	r, _ := tlsdemo.Sniff(ctx, tlsdemo.SniffOptions{TLS: true})
//	tlstext.Write(os.Stdout, i18n.New("zh"), r.WriteText)
//	// 客户端和服务器之间有一个窃听点，它转发每一个字节，并留一份副本。
//	// ...
//
// Lines of bytes (the tap's copy, records, hex dumps, certificate
// fingerprints) pass through as they are.
package tlstext

import (
	"bytes"
	"io"
	"regexp"
	"strings"

	"github.com/wirelab/wirelab/internal/i18n"
)

// keys are the report's lines and the texts inside them, the longer forms
// first (see i18n.Translator).
var keys = []i18n.Key{
	i18n.TLSTap, i18n.TLSLogin, i18n.TLSSawPlain, i18n.TLSSawServer, i18n.TLSPasswordVisible, i18n.TLSAnyone,
	i18n.TLSNegotiated, i18n.TLSSawTLS, i18n.TLSStillVisible, i18n.TLSSizesTiming, i18n.TLSEverythingAfter,
	i18n.TLSAppData, i18n.TLSPasswordVisibleTLS, i18n.TLSPasswordNotFound, i18n.TLSKeysNever, i18n.TLSWants,
	i18n.TLSCase, i18n.TLSPresented, i18n.TLSAccepted, i18n.TLSPlainNoProof, i18n.TLSMallory, i18n.TLSRefused,
	i18n.TLSWhyIndented, i18n.TLSWhy, i18n.TLSServerSends, i18n.TLSRewrites, i18n.TLSFoundIBAN, i18n.TLSCannotFind,
	i18n.TLSTampered, i18n.TLSNoIntegrity, i18n.TLSUnchanged, i18n.TLSNothingDelivered, i18n.TLSCanStillCut,
	i18n.TLSInspectHead, i18n.TLSProtocol, i18n.TLSCipherSuite, i18n.TLSKeyExchange, i18n.TLSALPNNone, i18n.TLSALPN,
	i18n.TLSChain, i18n.TLSSubject, i18n.TLSIssuer, i18n.TLSNames, i18n.TLSValid, i18n.TLSKeyCA, i18n.TLSKey,
	i18n.TLSVerified, i18n.TLSNotVerified, i18n.TLSHybridHead, i18n.TLSStep1, i18n.TLSStep2, i18n.TLSStep3,
	i18n.TLSWhyHybrid,
	// Inside the lines.
	i18n.TLSCasePlainHTTP, i18n.TLSCaseUntrustedCA, i18n.TLSCaseWrongName, i18n.TLSCaseExpired, i18n.TLSCaseGenuine,
	i18n.TLSExplainUnknownCASelf, i18n.TLSExplainUnknownCA, i18n.TLSExplainHostname, i18n.TLSExplainExpired,
	i18n.TLSExplainBadMAC, i18n.TLSGroupHybrid, i18n.TLSGroupX25519, i18n.TLSGroupNIST,
}

// bytesLine is a line that shows bytes, not words: the tap's copy
// ("  | POST /login …"), a record ("  client → server  handshake …"), a
// hex dump or a fingerprint.
var bytesLine = regexp.MustCompile(`^(\s*\||\s+(client|server) → |\s+[0-9a-f]{8}  |\s+sha256 )`)

// Write runs write, a tlsdemo report writer, and writes what it wrote in
// p's language. It returns the lines it found no translation for (shown as
// they are), so a test can tell when tlsdemo says something new.
func Write(w io.Writer, p i18n.Printer, write func(io.Writer)) (missed []string, err error) {
	if p.Lang() == i18n.English {
		write(w)
		return nil, nil
	}
	var buf bytes.Buffer
	write(&buf)
	tr := p.Translator(keys...)
	var b strings.Builder
	for _, line := range strings.SplitAfter(buf.String(), "\n") {
		body := strings.TrimSuffix(line, "\n")
		if strings.TrimSpace(body) == "" || bytesLine.MatchString(body) {
			b.WriteString(line)
			continue
		}
		s, ok := tr.Translate(body)
		if !ok {
			missed = append(missed, body)
		}
		b.WriteString(s + line[len(body):])
	}
	_, err = io.WriteString(w, b.String())
	return missed, err
}
