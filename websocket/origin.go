package websocket

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// An Origin is a web origin (RFC 6454): a scheme, a host and a port. The
// zero Origin is the opaque origin, serialised as "null" — what a browser
// sends from a page opened from disk or a sandboxed iframe.
//
// Origins are comparable with ==: ParseOrigin lower-cases the scheme and
// host and fills in the scheme's default port.
type Origin struct {
	Scheme string // "http", "https", ...
	Host   string // lower-case name or IP; IPv6 without brackets
	Port   int
}

var defaultPorts = map[string]int{"http": 80, "https": 443, "ws": 80, "wss": 443}

// ParseOrigin parses the serialisation of an origin, as sent in the Origin
// header (RFC 6454 §7): "null", or scheme "://" host [ ":" port ]. A path,
// query, fragment or user info is an error.
func ParseOrigin(s string) (Origin, error) {
	if s == "null" {
		return Origin{}, nil
	}
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok || scheme == "" {
		return Origin{}, fmt.Errorf("websocket: origin %q has no scheme (want scheme://host[:port], RFC 6454 §6.2)", s)
	}
	for i := 0; i < len(scheme); i++ {
		c := scheme[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return Origin{}, fmt.Errorf("websocket: origin %q has an invalid scheme (RFC 3986 §3.1)", s)
		}
	}
	if strings.ContainsAny(rest, "/?#@") {
		return Origin{}, fmt.Errorf("websocket: origin %q has a path, query, fragment or user info; an origin is only scheme://host[:port] (RFC 6454 §6.2)", s)
	}
	o := Origin{Scheme: strings.ToLower(scheme)}
	host, port := rest, ""
	if strings.HasPrefix(rest, "[") {
		h, p, err := net.SplitHostPort(rest)
		if err != nil {
			if !strings.HasSuffix(rest, "]") {
				return Origin{}, fmt.Errorf("websocket: origin %q: %v", s, err)
			}
			h = rest[1 : len(rest)-1]
		}
		host, port = h, p
	} else if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		host, port = rest[:i], rest[i+1:]
		if port == "" {
			return Origin{}, fmt.Errorf("websocket: origin %q has an empty port", s)
		}
	}
	if host == "" {
		return Origin{}, fmt.Errorf("websocket: origin %q has no host", s)
	}
	o.Host = strings.ToLower(host)
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || port[0] == '+' {
			return Origin{}, fmt.Errorf("websocket: origin %q has an invalid port %q", s, port)
		}
		o.Port = n
	} else {
		o.Port = defaultPorts[o.Scheme]
	}
	return o, nil
}

// MustParseOrigin is ParseOrigin for literals; it panics on error.
func MustParseOrigin(s string) Origin {
	o, err := ParseOrigin(s)
	if err != nil {
		panic(err)
	}
	return o
}

// IsOpaque reports whether o is the opaque ("null") origin.
func (o Origin) IsOpaque() bool { return o == Origin{} }

// String serialises o as RFC 6454 §6.2 does: "null", or scheme://host with
// the port only when it is not the scheme's default.
func (o Origin) String() string {
	if o.IsOpaque() {
		return "null"
	}
	host := o.Host
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if o.Port == 0 || defaultPorts[o.Scheme] == o.Port {
		return o.Scheme + "://" + host
	}
	return o.Scheme + "://" + host + ":" + strconv.Itoa(o.Port)
}

// HostPort returns host:port as it would appear in a Host header.
func (o Origin) HostPort() string {
	return net.JoinHostPort(o.Host, strconv.Itoa(o.Port))
}

// An OriginPolicy decides which origins may open a connection (RFC 6455
// §10.2: the Origin header lets a server refuse scripts from pages it does
// not trust). Its zero value accepts a request with no Origin header
// (non-browser clients) and a request whose Origin's host and port equal the
// Host header (same origin), and nothing else.
type OriginPolicy struct {
	// Allow lists further origins to accept.
	Allow []Origin
	// AllowOpaque accepts "Origin: null" (local files, sandboxed frames).
	AllowOpaque bool
	// AllowAny accepts every origin. Demo servers only: any web page the
	// user visits could then talk to the server with the user's cookies.
	AllowAny bool
}

// Allows reports whether an already-parsed origin is accepted by the
// policy's explicit rules: AllowAny, AllowOpaque and the Allow list. The
// same-host rule needs a Host header and is applied by Check only; this is
// the form postMessage receivers need, where there is no Host.
func (p *OriginPolicy) Allows(o Origin) bool {
	switch {
	case p.AllowAny:
		return true
	case o.IsOpaque():
		return p.AllowOpaque
	}
	for _, a := range p.Allow {
		if a == o {
			return true
		}
	}
	return false
}

// MarshalText serialises o as String does, so an Origin can be a JSON
// value or a flag.
func (o Origin) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// UnmarshalText parses a serialised origin with ParseOrigin.
func (o *Origin) UnmarshalText(b []byte) error {
	v, err := ParseOrigin(string(b))
	if err != nil {
		return err
	}
	*o = v
	return nil
}

// Check returns nil if a request with the given Origin and Host headers
// passes the policy, or an error that says why not.
func (p *OriginPolicy) Check(origin string, present bool, host string) error {
	if !present || p.AllowAny || isHostOrigin(origin, host) {
		return nil
	}
	return p.checkParsed(origin, host)
}

// checkParsed is Check for an Origin that is present: it parses the origin
// and applies the rules in order.
func (p *OriginPolicy) checkParsed(origin, host string) error {
	o, err := ParseOrigin(origin)
	if err != nil {
		return err
	}
	if o.IsOpaque() {
		if p.AllowOpaque {
			return nil
		}
		return fmt.Errorf("websocket: Origin \"null\" (an opaque origin) is not allowed (RFC 6455 §10.2)")
	}
	for _, a := range p.Allow {
		if a == o {
			return nil
		}
	}
	if sameHost(o, host) {
		return nil
	}
	return fmt.Errorf("websocket: Origin %q is neither the Host %q nor in the allow-list (RFC 6455 §10.2)", origin, host)
}

// isHostOrigin reports whether origin is "http://" or "https://" followed
// by host, where host is a plain name[:port]: letters, digits, '.' and '-',
// then optionally ':' and a port from 1 to 65535 in at most five digits.
// That is what a browser sends to a server on its page's own origin, and
// for such a pair ParseOrigin succeeds and sameHost holds, so Check accepts
// it without parsing either (RFC 6454 §5: same scheme-less host and port).
// Every other pair takes the full path.
func isHostOrigin(origin, host string) bool {
	var rest string
	switch {
	case len(origin) > len("http://") && origin[:len("http://")] == "http://":
		rest = origin[len("http://"):]
	case len(origin) > len("https://") && origin[:len("https://")] == "https://":
		rest = origin[len("https://"):]
	default:
		return false
	}
	if rest != host {
		return false
	}
	i := 0
	for i < len(host) && hostNameByte[host[i]] {
		i++
	}
	if i == 0 {
		return false // no name
	}
	if i == len(host) {
		return true // no port
	}
	port := host[i:]
	if port[0] != ':' || len(port) < 2 || len(port) > 6 {
		return false
	}
	n := 0
	for _, c := range []byte(port[1:]) {
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + int(c-'0')
	}
	return 1 <= n && n <= 65535
}

// hostNameByte is true for the bytes isHostOrigin accepts in a host name:
// ASCII letters, digits, '.' and '-'. Read-only.
var hostNameByte = func() (t [256]bool) {
	for _, c := range "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-" {
		t[c] = true
	}
	return t
}()

// sameHost reports whether origin o names the same host and port as the
// Host header value. A Host without a port matches only an origin on its
// scheme's default port.
func sameHost(o Origin, host string) bool {
	h, p, err := net.SplitHostPort(host)
	if err != nil {
		h, p = strings.Trim(host, "[]"), ""
	}
	if !strings.EqualFold(h, o.Host) {
		return false
	}
	if p == "" {
		return o.Port == defaultPorts[o.Scheme]
	}
	n, err := strconv.Atoi(p)
	return err == nil && n == o.Port
}
