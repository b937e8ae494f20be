package websocket

import (
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/wirelab/wirelab/httpcore"
)

// An Upgrader runs the server side of the opening handshake (RFC 6455
// §4.2). The zero value is ready to use: same-origin only, no subprotocols,
// no extensions.
type Upgrader struct {
	// Subprotocols are the application protocols the server speaks, in its
	// order of preference. The first one the client also offered is chosen.
	Subprotocols []string
	// Origins decides which browser origins may connect; see OriginPolicy.
	Origins OriginPolicy
	// Extensions, if set, is offered the client's extensions and returns
	// the Sec-WebSocket-Extensions value to answer (empty: none) and the
	// RSV bits the accepted extensions use. Without it, no extension is
	// accepted and any RSV bit fails the connection.
	Extensions func(offers []Extension) (accept string, rsv byte)
	// ReadLimit bounds received messages; 0 means DefaultReadLimit.
	ReadLimit int64
	// Compression, if set, accepts permessage-deflate (RFC 7692) when a
	// client offers it; nil declines it.
	Compression *Compression
}

// checked is the outcome of checking a handshake request.
type checked struct {
	key     string
	proto   string
	exts    string
	rsv     byte
	deflate *DeflateParams // permessage-deflate accepted with these
}

// handshakeFields is what one pass over a request's header fields found
// for the fields the opening handshake reads (RFC 6455 §4.2.1).
type handshakeFields struct {
	upgrade    bool // an Upgrade value lists "websocket"
	connection bool // a Connection value lists "upgrade"

	version, key, origin firstField

	protocol, extensions bool // Sec-WebSocket-Protocol, -Extensions present
}

// A firstField counts the fields of one name and keeps the first value.
type firstField struct {
	n     int
	value string
}

func (f *firstField) add(v string) {
	if f.n == 0 {
		f.value = v
	}
	f.n++
}

// scan classifies each field by the length of its name and its first
// letter, then compares the name case-insensitively (RFC 9110 §5.1) with
// the one name of that length the handshake reads, so each field costs one
// short comparison at most, and fields such as Pragma (the length of
// Origin) or User-Agent (the length of Connection) none.
func (hf *handshakeFields) scan(h fields) {
	for i := range h {
		f := &h[i]
		if len(f.Name) < len("Origin") {
			continue
		}
		// Each comparison first tries the spelling browsers send, against a
		// constant, which compiles to a few word compares and no call.
		switch c := f.Name[0] | 0x20; len(f.Name) {
		case len("Origin"):
			if c == 'o' && (f.Name == "Origin" || equalFoldASCII(f.Name, "Origin")) {
				hf.origin.add(f.Value)
			}
		case len("Upgrade"):
			if c == 'u' && !hf.upgrade && (f.Name == "Upgrade" || equalFoldASCII(f.Name, "Upgrade")) {
				hf.upgrade = f.Value == "websocket" || hasToken(f.Value, "websocket")
			}
		case len("Connection"):
			if c == 'c' && !hf.connection && (f.Name == "Connection" || equalFoldASCII(f.Name, "Connection")) {
				hf.connection = f.Value == "Upgrade" || hasToken(f.Value, "upgrade")
			}
		case len("Sec-WebSocket-Key"):
			if c == 's' && (f.Name == "Sec-WebSocket-Key" || equalFoldASCII(f.Name, "Sec-WebSocket-Key")) {
				hf.key.add(f.Value)
			}
		case len("Sec-WebSocket-Version"):
			if c == 's' && (f.Name == "Sec-WebSocket-Version" || equalFoldASCII(f.Name, "Sec-WebSocket-Version")) {
				hf.version.add(f.Value)
			}
		case len("Sec-WebSocket-Protocol"):
			hf.protocol = hf.protocol || c == 's' && equalFoldASCII(f.Name, "Sec-WebSocket-Protocol")
		case len("Sec-WebSocket-Extensions"):
			hf.extensions = hf.extensions || c == 's' && equalFoldASCII(f.Name, "Sec-WebSocket-Extensions")
		}
	}
}

// check applies RFC 6455 §4.2.1 to a request. It reads the header fields
// once (handshakeFields.scan) and allocates nothing on success; a failure
// looks the fields up again to quote them in the error.
func (u *Upgrader) check(method string, major, minor int, host string, h fields) (checked, *HandshakeError) {
	var r checked
	// §4.2.1 item 1: an HTTP/1.1 or higher GET request.
	if method != "GET" {
		return r, hsErr(405, "", "", "§4.2.1", "the opening handshake must be a GET request, not %s", method)
	}
	if major < 1 || major == 1 && minor < 1 {
		return r, hsErr(400, "", "", "§4.2.1", "the opening handshake needs HTTP/1.1 or higher, not HTTP/%d.%d", major, minor)
	}
	// item 2: a Host header.
	if host == "" {
		return r, hsErr(400, "Host", "", "§4.2.1", "is missing")
	}
	var hf handshakeFields
	hf.scan(h)
	// item 3 and 4: Upgrade contains websocket, Connection contains Upgrade.
	if !hf.upgrade {
		return r, hsErr(400, "Upgrade", strings.Join(h.values("Upgrade"), ", "), "§4.2.1", "does not contain \"websocket\"")
	}
	if !hf.connection {
		return r, hsErr(400, "Connection", strings.Join(h.values("Connection"), ", "), "§4.2.1", "does not contain \"upgrade\"")
	}
	// item 6: Sec-WebSocket-Version: 13, else 426 naming the version we speak.
	if hf.version.n != 1 || hf.version.value != "13" && strings.TrimSpace(hf.version.value) != "13" {
		return r, hsErr(426, "Sec-WebSocket-Version", strings.Join(h.values("Sec-WebSocket-Version"), ", "), "§4.2.2", "is not 13, the only version this server speaks")
	}
	// item 5: Sec-WebSocket-Key is base64 of 16 bytes.
	if hf.key.n != 1 {
		return r, hsErr(400, "Sec-WebSocket-Key", strings.Join(h.values("Sec-WebSocket-Key"), ", "), "§4.2.1", "must appear exactly once")
	}
	// httpcore and net/http hand over values without surrounding
	// whitespace; TrimSpace is for other callers of check.
	r.key = hf.key.value
	if len(r.key) != 24 {
		r.key = strings.TrimSpace(r.key)
	}
	if !validKey(r.key) {
		return r, hsErr(400, "Sec-WebSocket-Key", r.key, "§4.2.1", "is not the base64 encoding of 16 bytes")
	}
	// Origin (§4.2.2 item 4, §10.2).
	if hf.origin.n > 1 {
		return r, hsErr(400, "Origin", strings.Join(h.values("Origin"), ", "), "§4.2.1", "must appear at most once")
	}
	if hf.origin.n == 1 {
		if err := u.Origins.Check(hf.origin.value, true, host); err != nil {
			return r, &HandshakeError{Status: 403, Header: "Origin", Value: hf.origin.value, Section: "§10.2", Msg: "is not allowed: " + strings.TrimPrefix(err.Error(), "websocket: ")}
		}
	}
	// Subprotocol: the server's first preference that the client offered.
	if hf.protocol {
		for _, s := range u.Subprotocols {
			if h.offers("Sec-WebSocket-Protocol", s) {
				r.proto = s
				break
			}
		}
	}
	if u.Compression != nil && hf.extensions {
		// An offer list that does not parse is declined as a whole; the
		// handshake goes on without compression.
		if offers, err := ParseExtensions(h.values("Sec-WebSocket-Extensions")...); err == nil {
			if resp, p, ok, _ := u.Compression.Accept(offers); ok {
				r.exts, r.rsv, r.deflate = resp, rsv1, &p
			}
		}
	}
	if u.Extensions != nil && hf.extensions && r.deflate == nil {
		if offers := parseExtensions(h); len(offers) > 0 {
			r.exts, r.rsv = u.Extensions(offers)
		}
	}
	return r, nil
}

// appendResponse appends the 101 response (RFC 6455 §4.2.2 item 5).
func appendResponse(b []byte, r *checked) []byte {
	b = append(b, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "...)
	b = appendAccept(b, r.key)
	b = append(b, "\r\n"...)
	if r.proto != "" {
		b = append(b, "Sec-WebSocket-Protocol: "...)
		b = append(b, r.proto...)
		b = append(b, "\r\n"...)
	}
	if r.exts != "" {
		b = append(b, "Sec-WebSocket-Extensions: "...)
		b = append(b, r.exts...)
		b = append(b, "\r\n"...)
	}
	return append(b, "\r\n"...)
}

// Upgrade answers a handshake request on the httpcore server and returns the
// connection. On failure it answers the precise status (400, 403, 405, or
// 426 with Sec-WebSocket-Version: 13) and returns a *HandshakeError.
func (u *Upgrader) Upgrade(w *httpcore.ResponseWriter, r *httpcore.Request) (*Conn, error) {
	res, herr := u.check(r.Method, r.ProtoMajor, r.ProtoMinor, r.Host, r.Header.Fields())
	if herr != nil {
		writeHTTPError(w.Header().Set, func(code int) { w.WriteHeader(code) }, func(s string) { w.WriteString(s) }, herr)
		return nil, herr
	}
	// The Conn copies the bytes the client sent after the request, so the
	// server keeps its reader for another connection.
	nc, early, err := w.DetachBuffered()
	if err != nil {
		return nil, err
	}
	return u.finish(nc, early, &res)
}

// finish writes the 101 and wraps the connection; early is what the client
// sent after the request, which the Conn copies.
func (u *Upgrader) finish(nc net.Conn, early []byte, res *checked) (*Conn, error) {
	c := newConn(nc, nil, true, res.proto, res.exts)
	c.adoptBytes(early)
	c.rsvOK = res.rsv
	if res.deflate != nil {
		c.extras().dfl = newDeflateConn(*res.deflate, true, u.Compression)
	}
	if u.ReadLimit != 0 {
		c.readLimit = u.ReadLimit
	}
	// The 101 usually fits the control-frame buffer; the data write buffer
	// is allocated on the first write, so idle connections never hold one.
	if _, err := nc.Write(appendResponse(c.cbuf[:0], res)); err != nil {
		nc.Close()
		return nil, err
	}
	return c, nil
}

// UpgradeHTTP is Upgrade for net/http servers: it hijacks the connection
// through http.Hijacker.
func (u *Upgrader) UpgradeHTTP(w http.ResponseWriter, r *http.Request) (*Conn, error) {
	res, herr := u.check(r.Method, r.ProtoMajor, r.ProtoMinor, r.Host, netFields(r.Header))
	if herr != nil {
		writeHTTPError(w.Header().Set, w.WriteHeader, func(s string) { w.Write([]byte(s)) }, herr)
		return nil, herr
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		err := hsErr(500, "", "", "", "the http.ResponseWriter does not implement http.Hijacker")
		http.Error(w, err.Error(), 500)
		return nil, err
	}
	nc, brw, err := hj.Hijack()
	if err != nil {
		return nil, err
	}
	early, _ := brw.Reader.Peek(brw.Reader.Buffered()) // cannot fail: the bytes are buffered
	return u.finish(nc, early, &res)
}

func writeHTTPError(set func(k, v string), status func(int), write func(string), e *HandshakeError) {
	set("Content-Type", "text/plain; charset=utf-8")
	if e.Status == 426 {
		set("Sec-WebSocket-Version", "13")
		set("Upgrade", "websocket")
	}
	if e.Status == 405 {
		set("Allow", "GET")
	}
	set("Connection", "close")
	status(e.Status)
	write(strconv.Itoa(e.Status) + " " + httpcore.StatusText(e.Status) + ": " + e.Error() + "\n")
}

// netFields lists a net/http header's fields (net/http has already merged
// them by name, so arrival order across names is lost).
func netFields(h http.Header) fields {
	var fs fields
	for k, vs := range h {
		for _, v := range vs {
			fs = append(fs, httpcore.Field{Name: k, Value: v})
		}
	}
	return fs
}

// validKey reports whether key is the base64 encoding of 16 bytes: 22
// base64 characters and "==" (RFC 6455 §4.1 item 7).
func validKey(key string) bool {
	if len(key) != 24 || key[22:] != "==" {
		return false
	}
	all := byte(1)
	for i := 0; i < 22; i++ {
		all &= base64Alphabet[key[i]]
	}
	if all == 0 {
		return false
	}
	// The last character carries 2 bits of data and 4 bits of padding,
	// which must be zero.
	return strings.IndexByte("AQgw", key[21]) >= 0
}

// isBase64 reports whether c is in the base64 alphabet (RFC 4648 §4):
// A-Z, a-z, 0-9, '+' and '/'.
func isBase64(c byte) bool { return base64Alphabet[c] == 1 }

// base64Alphabet is 1 for the bytes of the base64 alphabet and 0 for the
// others, so that a run of bytes is checked with lookups and ANDs and no
// branch on the bytes' values. Read-only.
var base64Alphabet = func() (t [256]byte) {
	for _, c := range "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/" {
		t[c] = 1
	}
	return t
}()

// IsWebSocketUpgrade reports whether a request asks for a WebSocket upgrade.
func IsWebSocketUpgrade(r *httpcore.Request) bool {
	return r.Header.HasToken("Upgrade", "websocket") && r.Header.HasToken("Connection", "upgrade")
}
