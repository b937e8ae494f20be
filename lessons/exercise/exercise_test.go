package exercise

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestInitNeverOverwrites(t *testing.T) {
	for _, tr := range Tracks() {
		for _, lang := range tr.Languages.Names() {
			dir := t.TempDir()
			files, err := Init(tr.Track, lang, dir, false)
			if err != nil || len(files) == 0 {
				t.Fatalf("%s/%s: %v %v", tr.Track, lang, files, err)
			}
			src, _ := os.ReadFile(files[len(files)-1])
			for _, id := range tr.Stages[1:] {
				_ = id
			}
			os.WriteFile(files[0], []byte("mine"), 0o644)
			if _, err := Init(tr.Track, lang, dir, false); err == nil || !strings.Contains(err.Error(), filepath.Base(files[0])) {
				t.Errorf("%s/%s: second Init: %v", tr.Track, lang, err)
			}
			if b, _ := os.ReadFile(files[0]); string(b) != "mine" {
				t.Errorf("%s/%s: overwritten", tr.Track, lang)
			}
			if _, err := Init(tr.Track, lang, dir, true); err != nil {
				t.Errorf("force: %v", err)
			}
			_ = src
		}
	}
}
