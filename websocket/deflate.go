package websocket

import (
	"strconv"
	"strings"
)

// permessage-deflate (RFC 7692) compresses each message's payload with
// DEFLATE (RFC 1951). The client offers it, with parameters, in the
// handshake; the server accepts one offer by answering with the parameters
// it agrees to:
//
//	Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits   (offer, what every browser sends)
//	Sec-WebSocket-Extensions: permessage-deflate                            (response)

// DeflateName is the extension's token (RFC 7692 §7).
const DeflateName = "permessage-deflate"

// The four parameters of RFC 7692 §7.1.
const (
	paramServerNoContextTakeover = "server_no_context_takeover" // §7.1.1.1
	paramClientNoContextTakeover = "client_no_context_takeover" // §7.1.1.2
	paramServerMaxWindowBits     = "server_max_window_bits"     // §7.1.2.1
	paramClientMaxWindowBits     = "client_max_window_bits"     // §7.1.2.2
)

// DeflateParams are the parameters of one permessage-deflate offer or
// response (RFC 7692 §7.1).
type DeflateParams struct {
	// ServerNoContextTakeover: the server starts every message with an
	// empty LZ77 window, so the client's decompressor keeps no state.
	ServerNoContextTakeover bool
	// ClientNoContextTakeover: the same for the client's messages.
	ClientNoContextTakeover bool
	// ServerMaxWindowBits is the base-2 logarithm of the largest window the
	// server may compress with, 8 to 15; 0 when absent.
	ServerMaxWindowBits int
	// ClientMaxWindowBits is the same for the client, 8 to 15; 0 when
	// absent, and -1 in an offer for the parameter without a value (the
	// client only says that it can honour a limit, §7.1.2.2).
	ClientMaxWindowBits int
}

// String formats p as an extension element, parameters in the RFC's order:
//
//	permessage-deflate; server_no_context_takeover; client_max_window_bits=10
func (p DeflateParams) String() string {
	var b strings.Builder
	b.WriteString(DeflateName)
	if p.ServerNoContextTakeover {
		b.WriteString("; " + paramServerNoContextTakeover)
	}
	if p.ClientNoContextTakeover {
		b.WriteString("; " + paramClientNoContextTakeover)
	}
	if p.ServerMaxWindowBits > 0 {
		b.WriteString("; " + paramServerMaxWindowBits + "=" + strconv.Itoa(p.ServerMaxWindowBits))
	}
	switch {
	case p.ClientMaxWindowBits > 0:
		b.WriteString("; " + paramClientMaxWindowBits + "=" + strconv.Itoa(p.ClientMaxWindowBits))
	case p.ClientMaxWindowBits < 0:
		b.WriteString("; " + paramClientMaxWindowBits)
	}
	return b.String()
}

// serverBits and clientBits are the window sizes in force: 15 (32 KiB)
// unless a parameter lowered them.
func (p DeflateParams) serverBits() int { return windowBitsOr15(p.ServerMaxWindowBits) }
func (p DeflateParams) clientBits() int { return windowBitsOr15(p.ClientMaxWindowBits) }

func windowBitsOr15(b int) int {
	if b <= 0 {
		return 15
	}
	return b
}

// ParseDeflate checks the parameters of one permessage-deflate element, an
// offer (response false) or a response (response true), by RFC 7692 §7.1:
// each parameter at most once (§7.1), the two *_no_context_takeover
// parameters without a value (§7.1.1), the window bits a decimal integer
// from 8 to 15 without leading zeros (§7.1.2), server_max_window_bits always
// with a value, client_max_window_bits with a value in a response
// (§7.1.2.2), and no other parameter. The error is an *ExtensionError naming
// the parameter and the section.
func ParseDeflate(e Extension, response bool) (DeflateParams, error) {
	var p DeflateParams
	if !strings.EqualFold(e.Name, DeflateName) {
		return p, &ExtensionError{Extension: e.Name, Section: "RFC 7692 §7", Msg: "is not permessage-deflate"}
	}
	seen := make(map[string]bool, 4)
	for _, kv := range e.Params {
		name, val := strings.ToLower(kv[0]), kv[1]
		bad := func(section, msg string) error {
			return &ExtensionError{Extension: DeflateName, Param: kv[0], Value: val, Section: "RFC 7692 " + section, Msg: msg}
		}
		if seen[name] {
			return DeflateParams{}, bad("§7", "appears twice in one "+offerOrResponse(response))
		}
		seen[name] = true
		switch name {
		case paramServerNoContextTakeover, paramClientNoContextTakeover:
			if val != "" {
				return DeflateParams{}, bad("§7.1.1", "must not have a value")
			}
			if name == paramServerNoContextTakeover {
				p.ServerNoContextTakeover = true
			} else {
				p.ClientNoContextTakeover = true
			}
		case paramServerMaxWindowBits, paramClientMaxWindowBits:
			section := "§7.1.2.1"
			if name == paramClientMaxWindowBits {
				section = "§7.1.2.2"
			}
			bits := -1
			if val == "" {
				if name == paramServerMaxWindowBits || response {
					return DeflateParams{}, bad(section, "needs a value from 8 to 15 in "+aOfferOrResponse(response))
				}
			} else if bits = windowBits(val); bits == 0 {
				return DeflateParams{}, bad(section, "is not a decimal integer from 8 to 15")
			}
			if name == paramServerMaxWindowBits {
				p.ServerMaxWindowBits = bits
			} else {
				p.ClientMaxWindowBits = bits
			}
		default:
			return DeflateParams{}, bad("§7.1", "is not a parameter of permessage-deflate")
		}
	}
	return p, nil
}

// windowBits parses "8" … "15" (§7.1.2.1: 1*DIGIT, no leading zero);
// anything else is 0.
func windowBits(s string) int {
	switch len(s) {
	case 1:
		if '8' <= s[0] && s[0] <= '9' {
			return int(s[0] - '0')
		}
	case 2:
		if s[0] == '1' && '0' <= s[1] && s[1] <= '5' {
			return 10 + int(s[1]-'0')
		}
	}
	return 0
}

func offerOrResponse(response bool) string {
	if response {
		return "response"
	}
	return "offer"
}

func aOfferOrResponse(response bool) string {
	if response {
		return "a response"
	}
	return "an offer"
}

// Compression configures permessage-deflate on an Upgrader or a Dialer.
// The zero value costs no memory between messages: it offers (on a Dialer)
// or imposes (on an Upgrader) server_no_context_takeover and
// client_no_context_takeover, as gorilla/websocket does, so that each
// message starts from an empty window and the flate state goes back to a
// pool. Context takeover compresses a stream of similar messages better but
// keeps, per connection, a compressor (about 800 KB at level 1 with
// klauspost/compress) and a 2^bits-byte window for the decompressor.
type Compression struct {
	// Threshold is the payload size in bytes under which a message goes
	// uncompressed: DEFLATE's block header and Huffman tables cost more
	// than they save on a few bytes. 0 means DefaultCompressionThreshold;
	// a negative value compresses every message.
	Threshold int
	// Level is the compress/flate level (1 fastest … 9 smallest); 0 means
	// DefaultCompressionLevel.
	Level int
	// ServerContextTakeover and ClientContextTakeover let the server's or
	// the client's LZ77 window carry over from one message to the next
	// (RFC 7692 §7.1.1); a peer can still refuse it with
	// *_no_context_takeover.
	ServerContextTakeover bool
	ClientContextTakeover bool
	// ServerMaxWindowBits and ClientMaxWindowBits (8 to 15; 0 for none)
	// limit the LZ77 window of the server's or the client's compressor.
	ServerMaxWindowBits int
	ClientMaxWindowBits int
}

// DefaultCompressionThreshold is the size under which messages go
// uncompressed when Compression.Threshold is 0.
const DefaultCompressionThreshold = 128

// DefaultCompressionLevel is the flate level when Compression.Level is 0:
// level 1, the fastest, which on JSON keeps most of the ratio of the
// higher levels (see the table in doc.go).
const DefaultCompressionLevel = 1

// Offer formats the client's offer for c: one permessage-deflate element
// that says the client can honour a client_max_window_bits limit.
func (c *Compression) Offer() string { return c.offer().String() }

func (c *Compression) offer() DeflateParams {
	p := DeflateParams{
		ServerNoContextTakeover: !c.ServerContextTakeover,
		ClientNoContextTakeover: !c.ClientContextTakeover,
		ServerMaxWindowBits:     c.ServerMaxWindowBits,
		ClientMaxWindowBits:     c.ClientMaxWindowBits,
	}
	if p.ClientMaxWindowBits == 0 {
		p.ClientMaxWindowBits = -1
	}
	return p
}

// Accept chooses, as a server configured by c, among a client's offers (RFC
// 7692 §5): the first permessage-deflate offer whose parameters are valid
// wins, and the others are declined. It returns the Sec-WebSocket-Extensions
// element to answer and the parameters in force, or ok false when no offer
// is acceptable; declined holds one error per declined permessage-deflate
// offer, so that a server can log why (a browser's offer is never among
// them).
//
// The response carries server_no_context_takeover and
// client_no_context_takeover when the client asked or c does not allow
// context takeover,
// server_max_window_bits when the offer limited it (the smaller of the offer
// and c) or c limits it, and client_max_window_bits only when the offer
// allows it (§7.1.2.2).
func (c *Compression) Accept(offers []Extension) (resp string, p DeflateParams, ok bool, declined []error) {
	for _, e := range offers {
		if !strings.EqualFold(e.Name, DeflateName) {
			continue
		}
		o, err := ParseDeflate(e, false)
		if err != nil {
			declined = append(declined, err)
			continue
		}
		p = DeflateParams{
			ServerNoContextTakeover: o.ServerNoContextTakeover || !c.ServerContextTakeover,
			ClientNoContextTakeover: o.ClientNoContextTakeover || !c.ClientContextTakeover,
			ServerMaxWindowBits:     minBits(o.ServerMaxWindowBits, c.ServerMaxWindowBits),
		}
		if o.ClientMaxWindowBits != 0 { // the client can honour a limit
			p.ClientMaxWindowBits = minBits(o.ClientMaxWindowBits, c.ClientMaxWindowBits)
		}
		return p.String(), p, true, declined
	}
	return "", DeflateParams{}, false, declined
}

// minBits is the smaller of two window sizes, where 0 and -1 mean no limit.
func minBits(a, b int) int {
	switch {
	case a <= 0 && b <= 0:
		return 0
	case a <= 0:
		return b
	case b <= 0:
		return a
	}
	return min(a, b)
}

// Verify checks, as a client that offered c.Offer(), the server's response;
// see VerifyDeflate.
func (c *Compression) Verify(accepted []Extension) (DeflateParams, bool, error) {
	return VerifyDeflate(c.offer(), accepted)
}

// VerifyDeflate checks, as a client that offered c, the server's
// Sec-WebSocket-Extensions response (RFC 7692 §5, §7.1) and returns the
// parameters in force. The client fails the connection (the error is an
// *ExtensionError) when the response
//   - names permessage-deflate more than once (§5: one element per
//     extension; a server accepts one offer),
//   - has a malformed parameter (ParseDeflate),
//   - omits server_no_context_takeover or server_max_window_bits that the
//     client asked for, or raises server_max_window_bits above the offer
//     (§7.1.1.1, §7.1.2.1: the server must accept with the same or a smaller
//     value, or decline),
//   - sets client_max_window_bits although the client did not offer it, or
//     above the client's own value (§7.1.2.2).
//
// The client can honour any client_no_context_takeover and any window size,
// so the response can add both. Extensions other than permessage-deflate are
// left to the caller. ok is false when the server declined compression.
func VerifyDeflate(c DeflateParams, accepted []Extension) (p DeflateParams, ok bool, err error) {
	for _, e := range accepted {
		if !strings.EqualFold(e.Name, DeflateName) {
			continue
		}
		if ok {
			return DeflateParams{}, false, &ExtensionError{Extension: DeflateName, Section: "RFC 7692 §5", Msg: "appears twice in the response: the server must accept one offer"}
		}
		if p, err = ParseDeflate(e, true); err != nil {
			return DeflateParams{}, false, err
		}
		ok = true
	}
	if !ok {
		return DeflateParams{}, false, nil
	}
	notHonoured := func(param, val, section, msg string) error {
		return &ExtensionError{Extension: DeflateName, Param: param, Value: val, Section: "RFC 7692 " + section, Msg: msg}
	}
	switch {
	case c.ServerNoContextTakeover && !p.ServerNoContextTakeover:
		return DeflateParams{}, false, notHonoured(paramServerNoContextTakeover, "", "§7.1.1.1", "was offered but is missing from the response")
	case c.ServerMaxWindowBits > 0 && p.ServerMaxWindowBits == 0:
		return DeflateParams{}, false, notHonoured(paramServerMaxWindowBits, "", "§7.1.2.1", "was offered as "+strconv.Itoa(c.ServerMaxWindowBits)+" but is missing from the response")
	case c.ServerMaxWindowBits > 0 && p.ServerMaxWindowBits > c.ServerMaxWindowBits:
		return DeflateParams{}, false, notHonoured(paramServerMaxWindowBits, strconv.Itoa(p.ServerMaxWindowBits), "§7.1.2.1", "is larger than the "+strconv.Itoa(c.ServerMaxWindowBits)+" offered")
	case p.ClientMaxWindowBits > 0 && c.ClientMaxWindowBits == 0:
		return DeflateParams{}, false, notHonoured(paramClientMaxWindowBits, strconv.Itoa(p.ClientMaxWindowBits), "§7.1.2.2", "is in the response but the client did not offer it")
	case p.ClientMaxWindowBits > 0 && c.ClientMaxWindowBits > 0 && p.ClientMaxWindowBits > c.ClientMaxWindowBits:
		return DeflateParams{}, false, notHonoured(paramClientMaxWindowBits, strconv.Itoa(p.ClientMaxWindowBits), "§7.1.2.2", "is larger than the "+strconv.Itoa(c.ClientMaxWindowBits)+" offered")
	}
	if c.ClientNoContextTakeover {
		p.ClientNoContextTakeover = true // the client keeps its own promise
	}
	if c.ClientMaxWindowBits > 0 && p.ClientMaxWindowBits == 0 {
		p.ClientMaxWindowBits = c.ClientMaxWindowBits
	}
	return p, true, nil
}
