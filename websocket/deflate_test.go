package websocket

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseExtensions(t *testing.T) {
	pd := func(params ...[2]string) Extension { return Extension{Name: DeflateName, Params: params} }
	kv := func(k, v string) [2]string { return [2]string{k, v} }
	tests := []struct {
		name    string
		raw     []string // field lines
		want    []Extension
		wantErr string
	}{
		{name: "browser", raw: []string{"permessage-deflate; client_max_window_bits"},
			want: []Extension{pd(kv("client_max_window_bits", ""))}},
		{name: "two offers one line", raw: []string{"permessage-deflate; server_max_window_bits=10, permessage-deflate"},
			want: []Extension{pd(kv("server_max_window_bits", "10")), pd()}},
		{name: "across lines", raw: []string{"x-foo", "permessage-deflate;client_no_context_takeover"},
			want: []Extension{{Name: "x-foo"}, pd(kv("client_no_context_takeover", ""))}},
		{name: "empty elements and OWS", raw: []string{" , permessage-deflate \t; server_no_context_takeover ,, "},
			want: []Extension{pd(kv("server_no_context_takeover", ""))}},
		{name: "quoted value", raw: []string{`permessage-deflate; client_max_window_bits="10"`},
			want: []Extension{pd(kv("client_max_window_bits", "10"))}},
		{name: "spaces around =", raw: []string{"permessage-deflate; server_max_window_bits = 9"},
			want: []Extension{pd(kv("server_max_window_bits", "9"))}},
		{name: "empty", raw: []string{""}, want: nil},
		{name: "empty value", raw: []string{"permessage-deflate; server_max_window_bits="}, wantErr: "empty or malformed value"},
		{name: "quoted non-token", raw: []string{`permessage-deflate; a="b c"`}, wantErr: "empty or malformed value"},
		{name: "quoted escape", raw: []string{`permessage-deflate; a="\1\0"`}, want: []Extension{pd(kv("a", "10"))}},
		{name: "unclosed quote", raw: []string{`permessage-deflate; a="10`}, wantErr: "empty or malformed value"},
		{name: "no name", raw: []string{"; a"}, wantErr: "not a token"},
		{name: "stray char", raw: []string{"permessage-deflate / x"}, wantErr: `"/" where a comma`},
		{name: "param name not token", raw: []string{"permessage-deflate; =9"}, wantErr: "whose name is not a token"},
	}
	for _, tt := range tests {
		got, err := ParseExtensions(tt.raw...)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "RFC 6455 §9.1") {
				t.Errorf("%s: got error %v, want one containing %q and the section", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %+v, %v, want %+v", tt.name, got, err, tt.want)
		}
	}
}

// deflateErrTests are malformed offers: each error names the parameter and
// the section.
var deflateErrTests = []struct {
	name, raw, param, section string
	response                  bool
}{
	{"duplicate", "permessage-deflate; server_no_context_takeover; server_no_context_takeover", "server_no_context_takeover", "RFC 7692 §7", false},
	{"duplicate any case", "permessage-deflate; client_max_window_bits=9; CLIENT_MAX_WINDOW_BITS", "CLIENT_MAX_WINDOW_BITS", "RFC 7692 §7", false},
	{"value on flag", "permessage-deflate; client_no_context_takeover=1", "client_no_context_takeover", "RFC 7692 §7.1.1", false},
	{"bits 16", "permessage-deflate; server_max_window_bits=16", "server_max_window_bits", "RFC 7692 §7.1.2.1", false},
	{"bits 7", "permessage-deflate; client_max_window_bits=7", "client_max_window_bits", "RFC 7692 §7.1.2.2", false},
	{"leading zero", "permessage-deflate; server_max_window_bits=09", "server_max_window_bits", "RFC 7692 §7.1.2.1", false},
	{"not a number", `permessage-deflate; server_max_window_bits="x"`, "server_max_window_bits", "RFC 7692 §7.1.2.1", false},
	{"server bits without value", "permessage-deflate; server_max_window_bits", "server_max_window_bits", "RFC 7692 §7.1.2.1", false},
	{"unknown", "permessage-deflate; foo=bar", "foo", "RFC 7692 §7.1", false},
	{"client bits without value in response", "permessage-deflate; client_max_window_bits", "client_max_window_bits", "RFC 7692 §7.1.2.2", true},
}

func TestParseDeflateRefuses(t *testing.T) {
	for _, tt := range deflateErrTests {
		exts, err := ParseExtensions(tt.raw)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		_, err = ParseDeflate(exts[0], tt.response)
		var ee *ExtensionError
		if !errors.As(err, &ee) || ee.Param != tt.param || ee.Section != tt.section {
			t.Errorf("%s: got %v, want an ExtensionError for %q citing %s", tt.name, err, tt.param, tt.section)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, `"`+tt.param+`"`) || !strings.Contains(msg, tt.section) {
			t.Errorf("%s: message %q does not name the parameter and section", tt.name, msg)
		}
	}
}

func TestParseDeflate(t *testing.T) {
	tests := []struct {
		raw      string
		response bool
		want     DeflateParams
	}{
		{"permessage-deflate", false, DeflateParams{}},
		{"permessage-deflate; client_max_window_bits", false, DeflateParams{ClientMaxWindowBits: -1}},
		{"Permessage-Deflate; Server_No_Context_Takeover; client_no_context_takeover; server_max_window_bits=8; client_max_window_bits=15", true,
			DeflateParams{ServerNoContextTakeover: true, ClientNoContextTakeover: true, ServerMaxWindowBits: 8, ClientMaxWindowBits: 15}},
	}
	for _, tt := range tests {
		exts, err := ParseExtensions(tt.raw)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseDeflate(exts[0], tt.response)
		if err != nil || got != tt.want {
			t.Errorf("%s: got %+v, %v, want %+v", tt.raw, got, err, tt.want)
		}
	}
}

func TestCompressionAccept(t *testing.T) {
	takeover := Compression{ServerContextTakeover: true, ClientContextTakeover: true}
	tests := []struct {
		name     string
		cfg      Compression
		raw      []string
		want     string // "" for declined
		declined int
	}{
		{name: "browser", raw: []string{"permessage-deflate; client_max_window_bits"},
			want: "permessage-deflate; server_no_context_takeover; client_no_context_takeover"},
		{name: "browser, takeover allowed", cfg: takeover, raw: []string{"permessage-deflate; client_max_window_bits"}, want: "permessage-deflate"},
		{name: "no deflate", raw: []string{"x-webkit-deflate-frame"}, want: ""},
		{name: "first supported of several", cfg: takeover, raw: []string{"permessage-deflate; server_max_window_bits=10; client_max_window_bits, permessage-deflate"},
			want: "permessage-deflate; server_max_window_bits=10"},
		{name: "bad first offer declined", cfg: takeover, raw: []string{"permessage-deflate; server_max_window_bits=16", "permessage-deflate; client_no_context_takeover"},
			want: "permessage-deflate; client_no_context_takeover", declined: 1},
		{name: "all bad", raw: []string{"permessage-deflate; foo, permessage-deflate; server_no_context_takeover=x"}, want: "", declined: 2},
		{name: "client refuses takeover", cfg: takeover,
			raw: []string{"permessage-deflate; server_no_context_takeover"}, want: "permessage-deflate; server_no_context_takeover"},
		{name: "server limits its window", cfg: Compression{ServerMaxWindowBits: 12, ServerContextTakeover: true, ClientContextTakeover: true}, raw: []string{"permessage-deflate; server_max_window_bits=14"},
			want: "permessage-deflate; server_max_window_bits=12"},
		{name: "client bits only when offered", cfg: Compression{ClientMaxWindowBits: 10, ServerContextTakeover: true, ClientContextTakeover: true}, raw: []string{"permessage-deflate"},
			want: "permessage-deflate"},
		{name: "client bits lowered", cfg: Compression{ClientMaxWindowBits: 10, ServerContextTakeover: true, ClientContextTakeover: true}, raw: []string{"permessage-deflate; client_max_window_bits=12"},
			want: "permessage-deflate; client_max_window_bits=10"},
		{name: "client bits without value", cfg: Compression{ClientMaxWindowBits: 9, ServerContextTakeover: true, ClientContextTakeover: true}, raw: []string{"permessage-deflate; client_max_window_bits"},
			want: "permessage-deflate; client_max_window_bits=9"},
	}
	for _, tt := range tests {
		offers, err := ParseExtensions(tt.raw...)
		if err != nil {
			t.Fatal(err)
		}
		resp, _, ok, declined := tt.cfg.Accept(offers)
		if resp != tt.want || ok != (tt.want != "") || len(declined) != tt.declined {
			t.Errorf("%s: got %q, ok %v, declined %v; want %q, %d declined", tt.name, resp, ok, declined, tt.want, tt.declined)
		}
	}
}

func TestVerifyDeflate(t *testing.T) {
	browser := DeflateParams{ClientMaxWindowBits: -1}
	tests := []struct {
		name    string
		offer   DeflateParams
		resp    string
		want    DeflateParams
		ok      bool
		wantErr string // a parameter or phrase the error names
	}{
		{name: "declined", offer: browser, resp: "", ok: false},
		{name: "plain", offer: browser, resp: "permessage-deflate", ok: true},
		{name: "server limits client", offer: browser, resp: "permessage-deflate; client_max_window_bits=10", ok: true,
			want: DeflateParams{ClientMaxWindowBits: 10}},
		{name: "server adds its own flags", offer: DeflateParams{}, resp: "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9", ok: true,
			want: DeflateParams{ServerNoContextTakeover: true, ClientNoContextTakeover: true, ServerMaxWindowBits: 9}},
		{name: "client bits not offered", offer: DeflateParams{}, resp: "permessage-deflate; client_max_window_bits=10", wantErr: "did not offer"},
		{name: "client bits above offer", offer: DeflateParams{ClientMaxWindowBits: 9}, resp: "permessage-deflate; client_max_window_bits=10", wantErr: "larger than the 9"},
		{name: "server bits missing", offer: DeflateParams{ServerMaxWindowBits: 10}, resp: "permessage-deflate", wantErr: "server_max_window_bits"},
		{name: "server bits above offer", offer: DeflateParams{ServerMaxWindowBits: 10}, resp: "permessage-deflate; server_max_window_bits=11", wantErr: "larger than the 10"},
		{name: "server takeover missing", offer: DeflateParams{ServerNoContextTakeover: true}, resp: "permessage-deflate", wantErr: "server_no_context_takeover"},
		{name: "twice", offer: browser, resp: "permessage-deflate, permessage-deflate", wantErr: "appears twice"},
		{name: "malformed", offer: browser, resp: "permessage-deflate; client_max_window_bits", wantErr: "needs a value"},
		{name: "unknown", offer: browser, resp: "permessage-deflate; x", wantErr: `"x"`},
	}
	for _, tt := range tests {
		exts, err := ParseExtensions(tt.resp)
		if err != nil {
			t.Fatal(err)
		}
		got, ok, err := VerifyDeflate(tt.offer, exts)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "RFC 7692 §") {
				t.Errorf("%s: got %v, want an error naming %q and the section", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil || ok != tt.ok || got != tt.want {
			t.Errorf("%s: got %+v, %v, %v; want %+v, %v", tt.name, got, ok, err, tt.want, tt.ok)
		}
	}
}

// TestOfferAcceptVerify runs the handshake's three steps end to end: what
// a Compression offers, another accepts, and the first verifies.
func TestOfferAcceptVerify(t *testing.T) {
	for _, c := range []Compression{{}, {ServerContextTakeover: true}, {ClientMaxWindowBits: 10, ServerMaxWindowBits: 9}, {ClientContextTakeover: true, ServerContextTakeover: true}} {
		offers, err := ParseExtensions(c.Offer())
		if err != nil {
			t.Fatal(err)
		}
		server := Compression{ClientMaxWindowBits: 12, ServerContextTakeover: true, ClientContextTakeover: true}
		resp, sp, ok, declined := server.Accept(offers)
		if !ok || len(declined) > 0 {
			t.Fatalf("%q: server declined: %v", c.Offer(), declined)
		}
		exts, _ := ParseExtensions(resp)
		cp, ok, err := c.Verify(exts)
		if !ok || err != nil {
			t.Fatalf("%q → %q: client refused: %v", c.Offer(), resp, err)
		}
		if sp.serverBits() != cp.serverBits() || sp.clientBits() != cp.clientBits() ||
			sp.ServerNoContextTakeover != cp.ServerNoContextTakeover || sp.ClientNoContextTakeover != cp.ClientNoContextTakeover {
			t.Errorf("%q → %q: server agreed %+v, client %+v", c.Offer(), resp, sp, cp)
		}
	}
}
