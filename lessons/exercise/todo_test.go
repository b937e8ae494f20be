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
			stages, _ := check.Stages(tr.Track, "en")
			for _, st := range stages[1:] {
				i := strings.Index(string(b), "TODO("+st.ID+") RFC ")
				if i < 0 {
					t.Errorf("%s/%s: no TODO(%s) with an RFC section", tr.Track, lang, st.ID)
					continue
				}
				// The HTTP TODOs name the rule the checker cites.
				line, _, _ := strings.Cut(string(b[i:]), "\n")
				if tr.Track == "http" && !strings.Contains(line, st.Section) {
					t.Errorf("%s/%s: %q does not name %s, the stage's rule", tr.Track, lang, line, st.Section)
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
