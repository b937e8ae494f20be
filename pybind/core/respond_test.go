package core

import (
	"errors"
	"strings"
	"testing"
)

// TestRespondAndDialingResponse answers a handshake with process_request's
// kind of response (any status, header fields, a body) and checks that
// Dial's HandshakeError comes with that response, body included.
func TestRespondAndDialingResponse(t *testing.T) {
	s := listen(t, nil)
	go func() {
		p, err := s.Accept()
		if err != nil {
			return
		}
		if err := p.Respond(101, nil, nil); err == nil {
			t.Error("Respond(101) succeeded; the 101 is the handshake's own")
		}
		if err := p.Respond(401, []byte("WWW-Authenticate\x00Basic realm=\"x\""), []byte("who are you?\n")); err != nil {
			t.Errorf("Respond: %v", err)
		}
	}()
	d, err := Dial("ws://"+s.Addr()+"/", "", nil, 5000, nil)
	if err != nil {
		t.Fatal(err)
	}
	<-d.done
	var he *taggedError
	if _, err := d.Conn(); !errors.As(err, &he) || !strings.Contains(he.s, tagSep+KindHandshake+tagSep+"401"+tagSep) {
		t.Fatalf("Conn: %v, want a handshake error with 401", err)
	}
	ss, body := unpackForTest(t, d.Response())
	if ss[0] != "401" || string(body) != "who are you?\n" {
		t.Errorf("response %q, body %q", ss, body)
	}
	if len(ss) < 4 || !contains(ss[2:], "WWW-Authenticate", `Basic realm="x"`) {
		t.Errorf("header fields %q lack WWW-Authenticate", ss[2:])
	}
}

func contains(flat []string, name, value string) bool {
	for i := 0; i+1 < len(flat); i += 2 {
		if flat[i] == name && flat[i+1] == value {
			return true
		}
	}
	return false
}

func unpackForTest(t *testing.T, b []byte) ([]string, []byte) {
	t.Helper()
	if len(b) == 0 {
		t.Fatal("no response packed")
	}
	var out []string
	i := 0
	for b[i] != 0 {
		i++
	}
	n := 0
	for _, c := range b[:i] {
		n = n*10 + int(c-'0')
	}
	rest := b[i+1:]
	for range n {
		j := 0
		for j < len(rest) && rest[j] != 0 {
			j++
		}
		out = append(out, string(rest[:j]))
		rest = rest[min(j+1, len(rest)):]
	}
	return out, rest
}

// TestDrop closes TCP with no response: the client reads EOF, not a status.
func TestDrop(t *testing.T) {
	s := listen(t, nil)
	go func() {
		p, err := s.Accept()
		if err != nil {
			return
		}
		if err := p.Drop(); err != nil {
			t.Errorf("Drop: %v", err)
		}
	}()
	d, err := Dial("ws://"+s.Addr()+"/", "", nil, 5000, nil)
	if err != nil {
		t.Fatal(err)
	}
	<-d.done
	if _, err := d.Conn(); err == nil {
		t.Fatal("Conn succeeded after Drop")
	}
	if r := d.Response(); len(r) != 0 {
		t.Errorf("a dropped handshake has a response: %q", r)
	}
}
