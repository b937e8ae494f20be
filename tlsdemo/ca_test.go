package tlsdemo

import (
	"context"
	"crypto/x509"
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestLoadOrCreateCA(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ca") // never the real user config dir
	ca, created, err := LoadOrCreateCA(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !created {
		t.Fatal("first call: created = false")
	}
	if !ca.Cert.IsCA || ca.Cert.MaxPathLen != 0 || !ca.Cert.MaxPathLenZero {
		t.Errorf("root: IsCA %v MaxPathLen %d", ca.Cert.IsCA, ca.Cert.MaxPathLen)
	}
	if runtime.GOOS != "windows" {
		for file, want := range map[string]os.FileMode{CAKeyFile: 0o600, CACertFile: 0o644, "": 0o700} {
			fi, err := os.Stat(filepath.Join(dir, file))
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got != want {
				t.Errorf("%s: mode %v, want %v", filepath.Join(dir, file), got, want)
			}
		}
	}
	again, created, err := LoadOrCreateCA(dir)
	if err != nil || created {
		t.Fatalf("second call: created %v, err %v", created, err)
	}
	if again.Fingerprint() != ca.Fingerprint() {
		t.Errorf("reloaded CA differs: %s vs %s", again.Fingerprint(), ca.Fingerprint())
	}
}

func TestLoadCARefusesReadableKey(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes")
	}
	dir := t.TempDir()
	if _, _, err := LoadOrCreateCA(dir); err != nil {
		t.Fatal(err)
	}
	os.Chmod(filepath.Join(dir, CAKeyFile), 0o644)
	_, err := LoadCA(dir)
	if err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("got %v, want a refusal naming chmod 600", err)
	}
}

func TestLoadCAMissing(t *testing.T) {
	_, err := LoadCA(t.TempDir())
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("got %v, want fs.ErrNotExist", err)
	}
}

func TestIssueVerifies(t *testing.T) {
	ca, err := NewCA("test CA")
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := ca.Issue("wirelab.test")
	if err != nil {
		t.Fatal(err)
	}
	c := leaf.Leaf
	if got, want := strings.Join(SANs(c), ","), "localhost,wirelab.test,127.0.0.1,::1"; got != want {
		t.Errorf("SANs: got %s, want %s", got, want)
	}
	if c.NotAfter.Sub(c.NotBefore) > 398*24*time.Hour {
		t.Errorf("validity %v exceeds 398 days", c.NotAfter.Sub(c.NotBefore))
	}
	for _, name := range []string{"localhost", "wirelab.test", "127.0.0.1", "::1"} {
		if _, err := c.Verify(x509.VerifyOptions{Roots: ca.Pool(), DNSName: name}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := c.Verify(x509.VerifyOptions{Roots: ca.Pool(), DNSName: "other.test"}); err == nil {
		t.Error("other.test verified")
	}
	if _, err := c.Verify(x509.VerifyOptions{DNSName: "localhost"}); err == nil {
		t.Error("verified against the system roots, which do not hold the dev CA")
	}
	if _, err := ca.IssueLeaf(LeafRequest{Names: []string{"bad name"}}); err == nil {
		t.Error("a name with a space was accepted")
	}
	if ip := net.ParseIP("::1"); !c.IPAddresses[1].Equal(ip) {
		t.Errorf("IP SAN: %v", c.IPAddresses)
	}
}

func TestWriteLeaf(t *testing.T) {
	ca, _ := NewCA("")
	leaf, _ := ca.Issue("a.test")
	dir := t.TempDir()
	certPath, keyPath := LeafFiles(dir, []string{"localhost", "a.test"})
	if filepath.Base(certPath) != "localhost+1.pem" || filepath.Base(keyPath) != "localhost+1-key.pem" {
		t.Errorf("names: %s %s", certPath, keyPath)
	}
	if err := WriteLeaf(leaf, certPath, keyPath); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(keyPath); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("key mode %v", fi.Mode().Perm())
	}
	if _, err := LoadCertPool(certPath); err != nil {
		t.Error(err)
	}
}

func TestTrustInstructions(t *testing.T) {
	for _, goos := range []string{"linux", "darwin", "windows"} {
		s := TrustInstructions("/x/rootCA.pem", goos)
		if !strings.Contains(s, "curl --cacert /x/rootCA.pem") || !strings.Contains(s, "wirelab https ca --install") {
			t.Errorf("%s:\n%s", goos, s)
		}
	}
	var ran [][]string
	err := InstallTrust(t.Context(), "/x/rootCA.pem", "darwin", func(_ context.Context, argv []string) error {
		ran = append(ran, argv)
		return nil
	})
	if err != nil || len(ran) != 1 || ran[0][1] != "security" {
		t.Errorf("install: %v %v", ran, err)
	}
}
