package tlsdemo

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// Kinds of TLS failure, as Classify names them.
const (
	KindUnknownAuthority = "unknown-authority" // the chain does not end at a trusted root
	KindHostname         = "hostname-mismatch" // the certificate is for another name
	KindExpired          = "expired"           // now is after NotAfter
	KindNotYetValid      = "not-yet-valid"     // now is before NotBefore
	KindInvalid          = "invalid"           // another x509 CertificateInvalidError
	KindBadRecordMAC     = "bad-record-mac"    // a record failed its integrity check
	KindRemoteAlert      = "remote-alert"      // the peer aborted with an alert
	KindNotTLS           = "not-tls"           // the peer did not answer in TLS
	KindOther            = "other"
)

// Classify names what kind of TLS failure err is (one of the Kind
// constants), or "" for nil.
func Classify(err error) string {
	if err == nil {
		return ""
	}
	var (
		ua  x509.UnknownAuthorityError
		he  x509.HostnameError
		ci  x509.CertificateInvalidError
		rhe tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &ua):
		return KindUnknownAuthority
	case errors.As(err, &he):
		return KindHostname
	case errors.As(err, &ci):
		if ci.Reason == x509.Expired {
			if ci.Cert != nil && time.Now().Before(ci.Cert.NotBefore) {
				return KindNotYetValid
			}
			return KindExpired
		}
		return KindInvalid
	case strings.Contains(err.Error(), "bad record MAC"):
		return KindBadRecordMAC
	case isRemoteAlert(err):
		return KindRemoteAlert
	case errors.As(err, &rhe):
		return KindNotTLS
	}
	return KindOther
}

// Explain says in plain words what a TLS error means and what to do about
// it: which certificate was refused and why, with the values that decided
// it. It handles the errors crypto/tls and crypto/x509 return while
// verifying a server (tls.CertificateVerificationError wrapping an
// x509.UnknownAuthorityError, HostnameError or CertificateInvalidError),
// integrity failures ("bad record MAC") and alerts from the peer.
func Explain(err error) string {
	if err == nil {
		return ""
	}
	var (
		ua  x509.UnknownAuthorityError
		he  x509.HostnameError
		ci  x509.CertificateInvalidError
		rhe tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &ua):
		var b strings.Builder
		b.WriteString("The server's certificate chain does not lead to any root certificate this client trusts. ")
		if c := ua.Cert; c != nil {
			fmt.Fprintf(&b, "The certificate for %s was issued by %q", describeNames(c), c.Issuer.CommonName)
			if c.Issuer.String() == c.Subject.String() {
				b.WriteString(" (it signed itself)")
			}
			b.WriteString(", which is not in the trust store. ")
		}
		b.WriteString("Anyone can create a CA and issue a certificate for any name; what makes a certificate worth something is a signature by a CA the client already trusts. " +
			"If this is your own development server, trust its CA for this client only (--ca rootCA.pem, curl --cacert); otherwise, someone may be impersonating the server.")
		return b.String()
	case errors.As(err, &he):
		var b strings.Builder
		fmt.Fprintf(&b, "The certificate is genuine but for another name: the client asked for %q, and the certificate covers %s. ",
			he.Host, describeNames(he.Certificate))
		b.WriteString("A trusted CA signs a binding between a key and a name; a certificate for one name proves nothing about another, " +
			"so a server holding a valid certificate for its own site still cannot pose as this one (RFC 6125, RFC 9110 §4.3.4).")
		return b.String()
	case errors.As(err, &ci):
		c := ci.Cert
		switch {
		case ci.Reason == x509.Expired && c != nil && time.Now().Before(c.NotBefore):
			return fmt.Sprintf("The certificate for %s is not valid yet: it starts %s and the client's clock says %s. "+
				"Check both clocks; a certificate dated in the future is refused like an expired one.",
				describeNames(c), c.NotBefore.UTC().Format(time.RFC3339), time.Now().UTC().Format(time.RFC3339))
		case ci.Reason == x509.Expired && c != nil:
			return fmt.Sprintf("The certificate for %s expired %s (%s ago). "+
				"A certificate is only vouched for during its validity period: after that, its key may have leaked with nobody left to revoke it. "+
				"The server must renew it (autocert does so 30 days before expiry).",
				describeNames(c), c.NotAfter.UTC().Format(time.RFC3339), time.Since(c.NotAfter).Round(time.Minute))
		case ci.Reason == x509.NotAuthorizedToSign:
			return "A certificate in the chain signed another but is not a CA (basicConstraints cA is false, RFC 5280 §4.2.1.9): an ordinary site certificate cannot vouch for others."
		case ci.Reason == x509.IncompatibleUsage:
			return "The certificate is not allowed for TLS servers (its extended key usage lacks serverAuth, RFC 5280 §4.2.1.12)."
		}
		return "The certificate is invalid: " + ci.Error() + "."
	case strings.Contains(err.Error(), "bad record MAC"):
		return "A TLS record failed its integrity check: its authentication tag did not match its contents, so somebody changed bytes in transit. " +
			"TLS does not deliver data it cannot authenticate; it aborts the connection (RFC 8446 §5.2: a record that fails to decrypt is a fatal bad_record_mac)."
	case isRemoteAlert(err):
		var oe *net.OpError
		errors.As(err, &oe)
		return fmt.Sprintf("The peer aborted the connection with the TLS alert %q: it refused something this side sent, often a certificate it does not trust.", oe.Err.Error())
	case errors.As(err, &rhe):
		return "The peer did not answer in TLS: its first bytes were not a TLS record. Is it a plain-HTTP port?"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "The connection timed out."
	}
	return err.Error()
}

// describeNames lists the names a certificate is valid for.
func describeNames(c *x509.Certificate) string {
	if c == nil {
		return "(unknown)"
	}
	names := SANs(c)
	if len(names) == 0 {
		if c.Subject.CommonName != "" {
			return fmt.Sprintf("%q (common name only, which clients ignore)", c.Subject.CommonName)
		}
		return "no name at all"
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

// SANs returns a certificate's subject alternative names: DNS names, then
// IP addresses, then URIs and e-mail addresses.
func SANs(c *x509.Certificate) []string {
	var out []string
	out = append(out, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		out = append(out, ip.String())
	}
	for _, u := range c.URIs {
		out = append(out, u.String())
	}
	out = append(out, c.EmailAddresses...)
	return out
}

// isRemoteAlert reports whether err is an alert received from the peer:
// crypto/tls returns those as a *net.OpError with Op "remote error"
// (tls.AlertError is used for QUIC only).
func isRemoteAlert(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "remote error" && oe.Err != nil
}
