package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeCases(t *testing.T, text string) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), "cases.txt")
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestReadCasesOffers(t *testing.T) {
	offers, err := readCases(writeCases(t, "1.1.1\n"+
		"13.1.1 permessage-deflate client_no_context_takeover client_max_window_bits\n"+
		"13.5.3 permessage-deflate server_no_context_takeover server_max_window_bits=9 client_no_context_takeover client_max_window_bits\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(offers) != 3 {
		t.Fatalf("%d offers, want 3", len(offers))
	}
	if offers[0] != nil {
		t.Errorf("case 1.1.1 offers %+v, want no compression", offers[0])
	}
	want := []string{
		"permessage-deflate; client_no_context_takeover; client_max_window_bits",
		"permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; client_max_window_bits",
	}
	for i, w := range want {
		c := offers[i+1]
		if got := c.Offer(); !sameParams(got, w) {
			t.Errorf("line %d offers %q, want %q", i+2, got, w)
		}
		if c.Threshold >= 0 {
			t.Errorf("line %d: Threshold %d, want every message compressed", i+2, c.Threshold)
		}
	}
}

// sameParams compares two offers' parameters in any order.
func sameParams(a, b string) bool {
	set := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, p := range strings.Split(s, ";") {
			m[strings.TrimSpace(p)] = true
		}
		return m
	}
	x, y := set(a), set(b)
	if len(x) != len(y) {
		return false
	}
	for k := range x {
		if !y[k] {
			return false
		}
	}
	return true
}

func TestReadCasesErrors(t *testing.T) {
	for _, text := range []string{
		"13.1.1 x-webkit-deflate-frame\n",
		"13.3.1 permessage-deflate server_max_window_bits=7\n",
		"13.3.1 permessage-deflate server_max_window_bits=x\n",
		"13.3.1 permessage-deflate client_max_window\n",
		"1.1.1\n\n1.1.2\n",
	} {
		if _, err := readCases(writeCases(t, text)); err == nil {
			t.Errorf("readCases(%q): no error", text)
		} else if !strings.Contains(err.Error(), "cases.txt:") {
			t.Errorf("readCases(%q): %v does not name the file and line", text, err)
		}
	}
	if _, err := readCases(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("readCases of a missing file: no error")
	}
}
