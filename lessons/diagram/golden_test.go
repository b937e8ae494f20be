package diagram

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// update rewrites the golden files from what the code draws now:
//
//	go test ./lessons/diagram -update
var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// golden compares got with testdata/name.golden, or writes it there with
// -update. Every line is also checked against the 80-column limit.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	for i, l := range strings.Split(string(got), "\n") {
		if w := width(l); w > 80 {
			t.Errorf("%s: line %d is %d cells wide, more than 80: %q", name, i+1, w, l)
		}
	}
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./lessons/diagram -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: the drawing changed (go test ./lessons/diagram -update rewrites it)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}
