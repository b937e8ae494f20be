package websocket

import "testing"

func TestParseOrigin(t *testing.T) {
	tests := []struct {
		in   string
		want string // serialisation, or "" for an error
	}{
		{"http://example.com", "http://example.com"},
		{"HTTP://EXAMPLE.com:80", "http://example.com"},
		{"https://example.com:443", "https://example.com"},
		{"https://example.com:8443", "https://example.com:8443"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"http://[::1]:9000", "http://[::1]:9000"},
		{"http://[::1]", "http://[::1]"},
		{"null", "null"},
		{"file://", ""},
		{"example.com", ""},
		{"http://example.com/path", ""},
		{"http://user@example.com", ""},
		{"http://example.com:", ""},
		{"http://example.com:99999", ""},
		{"http://example.com:+80", ""},
		{"1http://x", ""},
	}
	for _, tt := range tests {
		o, err := ParseOrigin(tt.in)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("ParseOrigin(%q) = %v, want an error", tt.in, o)
		case tt.want != "" && err != nil:
			t.Errorf("ParseOrigin(%q): %v", tt.in, err)
		case tt.want != "" && o.String() != tt.want:
			t.Errorf("ParseOrigin(%q).String() = %q, want %q", tt.in, o.String(), tt.want)
		}
	}
}

func TestOriginPolicy(t *testing.T) {
	allow := OriginPolicy{Allow: []Origin{MustParseOrigin("http://127.0.0.2:8000")}}
	tests := []struct {
		name    string
		p       OriginPolicy
		origin  string
		present bool
		host    string
		ok      bool
	}{
		{"no Origin header (not a browser)", OriginPolicy{}, "", false, "h:1", true},
		{"same host and port", OriginPolicy{}, "http://127.0.0.1:9998", true, "127.0.0.1:9998", true},
		{"same host, other port", OriginPolicy{}, "http://127.0.0.1:8000", true, "127.0.0.1:9998", false},
		{"host case differs", OriginPolicy{}, "http://LocalHost:9998", true, "localhost:9998", true},
		{"default port implied", OriginPolicy{}, "http://example.com", true, "example.com", true},
		{"default port vs other port", OriginPolicy{}, "http://example.com:8080", true, "example.com", false},
		{"null refused by default", OriginPolicy{}, "null", true, "h", false},
		{"null allowed", OriginPolicy{AllowOpaque: true}, "null", true, "h", true},
		{"allow-listed", allow, "http://127.0.0.2:8000", true, "127.0.0.1:9998", true},
		{"not allow-listed", allow, "http://127.0.0.3:8000", true, "127.0.0.1:9998", false},
		{"any", OriginPolicy{AllowAny: true}, "http://evil.example", true, "h", true},
		{"malformed", OriginPolicy{}, "http://x/y", true, "x", false},
	}
	for _, tt := range tests {
		err := tt.p.Check(tt.origin, tt.present, tt.host)
		if (err == nil) != tt.ok {
			t.Errorf("%s: Check(%q, host %q) = %v, want ok=%v", tt.name, tt.origin, tt.host, err, tt.ok)
		}
	}
}

func TestOriginAllowsAndText(t *testing.T) {
	p := OriginPolicy{Allow: []Origin{MustParseOrigin("http://127.0.0.2:8000")}}
	if !p.Allows(MustParseOrigin("HTTP://127.0.0.2:8000")) || p.Allows(MustParseOrigin("http://127.0.0.3:8000")) || p.Allows(Origin{}) {
		t.Error("Allows: wrong verdicts")
	}
	if !(&OriginPolicy{AllowOpaque: true}).Allows(Origin{}) {
		t.Error("Allows: opaque origin refused despite AllowOpaque")
	}
	var o Origin
	if err := o.UnmarshalText([]byte("https://Example.com:443")); err != nil {
		t.Fatal(err)
	}
	if b, _ := o.MarshalText(); string(b) != "https://example.com" {
		t.Errorf("MarshalText: %s", b)
	}
	if err := o.UnmarshalText([]byte("nope")); err == nil {
		t.Error("UnmarshalText accepted a malformed origin")
	}
}
