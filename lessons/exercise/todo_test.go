package exercise

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/wirelab/wirelab/lessons/check"
)

// Every starter has one TODO per stage after tcp, naming the stage id and an RFC section.
func TestStarterTODOs(t *testing.T) {
	for _, tr := range Tracks() {
		for lang, file := range map[string]string{"python": "server.py", "go": "main.go"} {
			b, err := tracks.ReadFile(path.Join("tracks", tr.Track, lang, "starter", file))
			if err != nil {
				t.Fatal(err)
			}
			stages := tr.Stages[1:]
			if tr.Track == "http" {
				// The HTTP checker's new stages (its rewrite is landing).
				stages = strings.Fields("route headers body keep-alive split chunked head errors concurrent")
			}
			for _, id := range stages {
				i := strings.Index(string(b), "TODO("+id+") RFC ")
				if i < 0 {
					t.Errorf("%s/%s: no TODO(%s) with an RFC section", tr.Track, lang, id)
				}
			}
		}
	}
}

// The Python WS starter passes tcp and fails handshake with a teaching message.
func TestPythonWSStarterStage2(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("no python3")
	}
	dir := t.TempDir()
	if _, err := Init("ws", "python", dir, false); err != nil {
		t.Fatal(err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	_, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command("python3", "server.py")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PORT="+port)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("server did not listen")
		}
		runtime.Gosched()
	}
	rep, err := check.Run(context.Background(), check.Options{Kind: "ws", Addr: addr, Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	f := rep.Failed()
	if f == nil || f.ID != "handshake" || !strings.Contains(f.Failure.Hint, "101") {
		t.Fatalf("got %+v", f)
	}
}
