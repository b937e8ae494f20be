package websocket

import (
	"bufio"
	"strings"
	"testing"

	"github.com/wirelab/wirelab/httpcore"
)

// chromeUpgrade is what Chrome sends to open ws://127.0.0.1:9998/echo from
// a page on the same origin (the request of bench/upgrade_test.go).
const chromeUpgrade = "GET /echo HTTP/1.1\r\n" +
	"Host: 127.0.0.1:9998\r\n" +
	"Connection: Upgrade\r\n" +
	"Pragma: no-cache\r\n" +
	"Cache-Control: no-cache\r\n" +
	"User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36\r\n" +
	"Upgrade: websocket\r\n" +
	"Origin: http://127.0.0.1:9998\r\n" +
	"Sec-WebSocket-Version: 13\r\n" +
	"Accept-Encoding: gzip, deflate, br\r\n" +
	"Accept-Language: en-US,en;q=0.9\r\n" +
	"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
	"\r\n"

// chrome101 is the answer to chromeUpgrade (RFC 6455 §4.2.2 item 5).
const chrome101 = "HTTP/1.1 101 Switching Protocols\r\n" +
	"Upgrade: websocket\r\n" +
	"Connection: Upgrade\r\n" +
	"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n" +
	"\r\n"

func readRequest(t testing.TB, raw string) *httpcore.Request {
	t.Helper()
	r, err := httpcore.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
	if err != nil {
		t.Fatalf("ReadRequest: %v", err)
	}
	return r
}

func checkRequest(u *Upgrader, r *httpcore.Request) (checked, *HandshakeError) {
	return u.check(r.Method, r.ProtoMajor, r.ProtoMinor, r.Host, r.Header.Fields())
}

func TestCheckChrome(t *testing.T) {
	res, herr := checkRequest(&Upgrader{}, readRequest(t, chromeUpgrade))
	if herr != nil {
		t.Fatal(herr)
	}
	if got := string(appendResponse(nil, &res)); got != chrome101 {
		t.Errorf("101: got %q, want %q", got, chrome101)
	}
}

// TestCheck runs check on requests that differ from a minimal good one by
// the header lines in add (and without those named in drop), and compares
// the outcome: the chosen subprotocol, or the exact error and status.
func TestCheck(t *testing.T) {
	base := map[string]string{
		"Host":                  "example.com",
		"Upgrade":               "websocket",
		"Connection":            "Upgrade",
		"Sec-WebSocket-Version": "13",
		"Sec-WebSocket-Key":     "dGhlIHNhbXBsZSBub25jZQ==",
	}
	order := []string{"Host", "Upgrade", "Connection", "Sec-WebSocket-Version", "Sec-WebSocket-Key"}
	tests := []struct {
		name   string
		u      Upgrader
		drop   string // a base field to leave out
		add    string // raw field lines added after the base ones
		proto  string
		status int
		err    string
	}{
		{name: "minimal"},
		{name: "lower-case names", drop: "Sec-WebSocket-Key", add: "sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nORIGIN: http://example.com\r\n"},
		{name: "tokens in lists", drop: "Connection", add: "Connection: keep-alive, Upgrade\r\n"},
		{name: "upgrade in second field", drop: "Upgrade", add: "Upgrade: h2c\r\nUpgrade: foo, WebSocket\r\n"},
		{name: "no upgrade", drop: "Upgrade", status: 400, err: `websocket: Upgrade header "" does not contain "websocket" (RFC 6455 §4.2.1)`},
		{name: "upgrade h2c", drop: "Upgrade", add: "Upgrade: h2c\r\nupgrade: websocket2\r\n", status: 400, err: `websocket: Upgrade header "h2c, websocket2" does not contain "websocket" (RFC 6455 §4.2.1)`},
		{name: "connection keep-alive", drop: "Connection", add: "Connection: keep-alive\r\n", status: 400, err: `websocket: Connection header "keep-alive" does not contain "upgrade" (RFC 6455 §4.2.1)`},
		{name: "no version", drop: "Sec-WebSocket-Version", status: 426, err: `websocket: Sec-WebSocket-Version header "" is not 13, the only version this server speaks (RFC 6455 §4.2.2)`},
		{name: "two versions", add: "Sec-WebSocket-Version: 13\r\n", status: 426, err: `websocket: Sec-WebSocket-Version header "13, 13" is not 13, the only version this server speaks (RFC 6455 §4.2.2)`},
		{name: "version 8", drop: "Sec-WebSocket-Version", add: "Sec-WebSocket-Version: 8\r\n", status: 426, err: `websocket: Sec-WebSocket-Version header "8" is not 13, the only version this server speaks (RFC 6455 §4.2.2)`},
		{name: "no key", drop: "Sec-WebSocket-Key", status: 400, err: `websocket: Sec-WebSocket-Key header "" must appear exactly once (RFC 6455 §4.2.1)`},
		{name: "two keys", add: "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\n", status: 400, err: `websocket: Sec-WebSocket-Key header "dGhlIHNhbXBsZSBub25jZQ==, AAAAAAAAAAAAAAAAAAAAAA==" must appear exactly once (RFC 6455 §4.2.1)`},
		{name: "short key", drop: "Sec-WebSocket-Key", add: "Sec-WebSocket-Key: short\r\n", status: 400, err: `websocket: Sec-WebSocket-Key header "short" is not the base64 encoding of 16 bytes (RFC 6455 §4.2.1)`},
		{name: "two origins", add: "Origin: http://example.com\r\nOrigin: http://example.com\r\n", status: 400, err: `websocket: Origin header "http://example.com, http://example.com" must appear at most once (RFC 6455 §4.2.1)`},
		{name: "cross origin", add: "Origin: http://evil.example\r\n", status: 403, err: `websocket: Origin header "http://evil.example" is not allowed: Origin "http://evil.example" is neither the Host "example.com" nor in the allow-list (RFC 6455 §10.2) (RFC 6455 §10.2)`},
		{name: "origin https same host", add: "Origin: https://example.com\r\n"},
		{name: "origin other port", add: "Origin: http://example.com:81\r\n", status: 403, err: `websocket: Origin header "http://example.com:81" is not allowed: Origin "http://example.com:81" is neither the Host "example.com" nor in the allow-list (RFC 6455 §10.2) (RFC 6455 §10.2)`},
		{name: "origin allowed", u: Upgrader{Origins: OriginPolicy{Allow: []Origin{MustParseOrigin("http://app.example")}}}, add: "Origin: http://app.example\r\n"},
		{name: "protocol: server's preference", u: Upgrader{Subprotocols: []string{"chat.v2", "chat.v1"}}, add: "Sec-WebSocket-Protocol: chat.v1, chat.v2\r\n", proto: "chat.v2"},
		{name: "protocol in second field", u: Upgrader{Subprotocols: []string{"chat.v2", "chat.v1"}}, add: "Sec-WebSocket-Protocol: x\r\nsec-websocket-protocol:  , chat.v1 \r\n", proto: "chat.v1"},
		{name: "protocol is case-sensitive", u: Upgrader{Subprotocols: []string{"chat"}}, add: "Sec-WebSocket-Protocol: Chat\r\n"},
		{name: "protocol not asked for", add: "Sec-WebSocket-Protocol: chat\r\n"},
	}
	for _, tt := range tests {
		raw := "GET /chat HTTP/1.1\r\n"
		for _, k := range order {
			if k != tt.drop {
				raw += k + ": " + base[k] + "\r\n"
			}
		}
		raw += tt.add + "\r\n"
		res, herr := checkRequest(&tt.u, readRequest(t, raw))
		switch {
		case herr == nil && tt.err != "":
			t.Errorf("%s: got no error, want %d %q", tt.name, tt.status, tt.err)
		case herr != nil && (herr.Error() != tt.err || herr.Status != tt.status):
			t.Errorf("%s: got %d %q, want %d %q", tt.name, herr.Status, herr.Error(), tt.status, tt.err)
		case herr == nil && res.proto != tt.proto:
			t.Errorf("%s: got subprotocol %q, want %q", tt.name, res.proto, tt.proto)
		}
	}
}

// TestCheckExtensions checks that the Extensions callback sees every offer
// of every Sec-WebSocket-Extensions field, in order.
func TestCheckExtensions(t *testing.T) {
	var got []Extension
	u := &Upgrader{Extensions: func(offers []Extension) (string, byte) {
		got = offers
		return "permessage-deflate", 0x40
	}}
	raw := "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
		"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\nsec-websocket-extensions: x-foo\r\n\r\n"
	res, herr := checkRequest(u, readRequest(t, raw))
	if herr != nil {
		t.Fatal(herr)
	}
	if len(got) != 2 || got[0].Name != "permessage-deflate" || got[1].Name != "x-foo" {
		t.Errorf("offers: got %+v", got)
	}
	if res.exts != "permessage-deflate" || res.rsv != 0x40 {
		t.Errorf("got exts %q rsv %#x", res.exts, res.rsv)
	}
}

// TestUpgradeAllocs pins the allocation budget of issue 3's upgrade: the
// check and the 101 allocate nothing; finish adds the Conn (newConn).
func TestUpgradeAllocs(t *testing.T) {
	u := &Upgrader{}
	r := readRequest(t, chromeUpgrade)
	nc := &pipeConn{r: strings.NewReader("")}
	var buf [256]byte
	if n := testing.AllocsPerRun(100, func() {
		res, herr := checkRequest(u, r)
		if herr != nil {
			t.Fatal(herr)
		}
		nc.w.Reset()
		nc.Write(appendResponse(buf[:0], &res))
	}); n != 0 {
		t.Errorf("check and 101: %v allocations, want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() {
		res, _ := checkRequest(u, r)
		nc.w.Reset()
		u.finish(nc, nil, &res)
	}); n > 1 {
		t.Errorf("check and finish: %v allocations, want at most 1 (the Conn)", n)
	}
	if nc.w.String() != chrome101 {
		t.Errorf("finish wrote %q, want %q", nc.w.String(), chrome101)
	}
}

// BenchmarkUpgradeServer isolates the server side of the handshake on a
// request httpcore has already parsed (chromeUpgrade):
//
//   - check: RFC 6455 §4.2.1's checks, origin included;
//   - check+101: check, then the 101 with Sec-WebSocket-Accept built and
//     written in one Write;
//   - finish: check+101 through Upgrader.finish, which also makes the Conn.
//
// Upgrade on httpcore is finish plus ResponseWriter.DetachBuffered.
func BenchmarkUpgradeServer(b *testing.B) {
	u := &Upgrader{}
	r := readRequest(b, chromeUpgrade)
	nc := &pipeConn{r: strings.NewReader("")}
	b.Run("check", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			checkRequest(u, r)
		}
	})
	b.Run("check+101", func(b *testing.B) {
		var buf [256]byte
		b.ReportAllocs()
		for b.Loop() {
			res, _ := checkRequest(u, r)
			nc.w.Reset()
			nc.Write(appendResponse(buf[:0], &res))
		}
	})
	b.Run("finish", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			res, _ := checkRequest(u, r)
			nc.w.Reset()
			u.finish(nc, nil, &res)
		}
	})
}

// TestIsHostOrigin checks Check's shortcut against the full path: every
// pair it accepts, checkParsed accepts too, and it takes the pairs a
// browser sends to its own origin.
func TestIsHostOrigin(t *testing.T) {
	hosts := []string{"example.com", "EXAMPLE.com", "127.0.0.1:9998", "h:1", "h:65535", "h:00080", "h:0", "h:65536", "h:123456", "h:", ":80",
		"h:+80", "h:8a", "a:b:c", "[::1]:80", "h_1", "h/x", "h?", "h@i", "h#", "é.example", "", "-.", "h:80:"}
	var p OriginPolicy
	for _, host := range hosts {
		for _, origin := range []string{"http://" + host, "https://" + host, "HTTP://" + host, "ws://" + host, "http://" + host + "/", "null"} {
			if isHostOrigin(origin, host) {
				if err := p.checkParsed(origin, host); err != nil {
					t.Errorf("isHostOrigin(%q, %q) is true, but the full check says %v", origin, host, err)
				}
			}
		}
	}
	for _, c := range [][2]string{{"http://127.0.0.1:9998", "127.0.0.1:9998"}, {"https://example.com", "example.com"}, {"http://a-b.example:8080", "a-b.example:8080"}} {
		if !isHostOrigin(c[0], c[1]) {
			t.Errorf("isHostOrigin(%q, %q): got false, want true", c[0], c[1])
		}
	}
}

func TestIsBase64(t *testing.T) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for c := 0; c < 256; c++ {
		if got, want := isBase64(byte(c)), strings.IndexByte(alphabet, byte(c)) >= 0; got != want {
			t.Errorf("isBase64(%q): got %v, want %v", byte(c), got, want)
		}
	}
}

func TestEqualFoldASCII(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"Sec-WebSocket-Key", "sec-websocket-key", true},
		{"SEC-WEBSOCKET-KEY", "Sec-WebSocket-Key", true},
		{"Sec-WebSocket-Key", "Sec-WebSocket-Ke", false},
		{"Sec\rWebSocket-Key", "Sec-WebSocket-Key", false},     // '\r'|0x20 == '-'
		{"Upgrade", "Upgrad@", false},                          // '@'|0x20 == '`'
		{"upgrade", "upgrad\x05", false},                       // 'E'-'@' == 0x05
		{"Sec-WebSoc\u212aet-Key", "Sec-WebSocket-Key", false}, // Kelvin sign: not a token
		{"", "", true},
	}
	for _, tt := range tests {
		if got := equalFoldASCII(tt.a, tt.b); got != tt.want {
			t.Errorf("equalFoldASCII(%q, %q): got %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
