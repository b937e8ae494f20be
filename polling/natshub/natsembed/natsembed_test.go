package natsembed

import (
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestStartErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		o    Options
		want string
	}{
		{Options{Listen: "127.0.0.1:0"}, "no data directory"},
		{Options{Listen: "localhost", DataDir: dir}, `listen address "localhost"`},
		{Options{Listen: "127.0.0.1:http", DataDir: dir}, `port "http" is not a number`},
		{Options{Listen: "127.0.0.1:70000", DataDir: dir}, `port "70000" is not a number from 0 to 65535`},
	}
	for _, tt := range tests {
		_, err := Start(tt.o)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Start(%+v): got %v, want %q", tt.o, err, tt.want)
		}
	}
}

func TestStartJetStream(t *testing.T) {
	ns, err := Start(Options{Listen: "127.0.0.1:0", DataDir: t.TempDir(), Name: "t1"})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { ns.Shutdown(); ns.WaitForShutdown() }()
	if !ns.JetStreamEnabled() || ns.Name() != "t1" || !strings.HasPrefix(ns.ClientURL(), "nats://127.0.0.1:") {
		t.Errorf("JetStream %v, name %q, URL %q", ns.JetStreamEnabled(), ns.Name(), ns.ClientURL())
	}
}
