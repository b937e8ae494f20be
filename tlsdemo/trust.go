package tlsdemo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// TrustInstructions explains, for the operating system goos ("linux",
// "darwin", "windows"), how to make programs trust the root certificate at
// certPath. Nothing is changed: trusting a root is a decision for its owner,
// and wirelab only acts on it when asked (InstallTrust).
func TrustInstructions(certPath, goos string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "To trust this CA for one program only (safest):\n")
	fmt.Fprintf(&b, "  curl --cacert %s https://localhost:8443/\n", certPath)
	fmt.Fprintf(&b, "  SSL_CERT_FILE=%s some-go-program      # Go, OpenSSL\n", certPath)
	fmt.Fprintf(&b, "  NODE_EXTRA_CA_CERTS=%s node app.js\n", certPath)
	fmt.Fprintf(&b, "To trust it system-wide (run these yourself, or: wirelab https ca --install):\n")
	for _, argv := range TrustCommands(certPath, goos) {
		fmt.Fprintf(&b, "  %s\n", strings.Join(argv, " "))
	}
	fmt.Fprintf(&b, "Firefox keeps its own store: Settings → Privacy & Security → Certificates → Import.\n")
	fmt.Fprintf(&b, "Anyone holding the CA key can impersonate any site to this machine: never share %s.\n", CAKeyFile)
	return b.String()
}

// TrustCommands returns the commands that add the root certificate at
// certPath to the system trust store of goos. On Linux they are the
// Debian/Ubuntu ones when update-ca-certificates is installed, else the
// Fedora/RHEL ones.
func TrustCommands(certPath, goos string) [][]string {
	switch goos {
	case "darwin":
		return [][]string{{"sudo", "security", "add-trusted-cert", "-d", "-r", "trustRoot", "-k", "/Library/Keychains/System.keychain", certPath}}
	case "windows":
		return [][]string{{"certutil", "-addstore", "-user", "Root", certPath}}
	default:
		if _, err := exec.LookPath("update-ca-trust"); err == nil {
			if _, err := exec.LookPath("update-ca-certificates"); err != nil {
				return [][]string{
					{"sudo", "cp", certPath, "/etc/pki/ca-trust/source/anchors/wirelab-rootCA.pem"},
					{"sudo", "update-ca-trust"},
				}
			}
		}
		return [][]string{
			{"sudo", "cp", certPath, "/usr/local/share/ca-certificates/wirelab-rootCA.crt"},
			{"sudo", "update-ca-certificates"},
		}
	}
}

// InstallTrust runs TrustCommands: it changes the system trust store. Only
// call it when the user asked for it explicitly. run executes one command;
// nil runs it with os/exec, attached to the terminal (sudo may ask for a
// password).
func InstallTrust(ctx context.Context, certPath, goos string, run func(ctx context.Context, argv []string) error) error {
	if certPath == "" {
		return errors.New("tlsdemo: a CA in memory cannot be installed; save it first")
	}
	if run == nil {
		run = func(ctx context.Context, argv []string) error {
			cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
			cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
			return cmd.Run()
		}
	}
	for _, argv := range TrustCommands(certPath, goos) {
		if err := run(ctx, argv); err != nil {
			return fmt.Errorf("tlsdemo: %s: %w", strings.Join(argv, " "), err)
		}
	}
	return nil
}
