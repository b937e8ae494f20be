package websocket

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// jsonMessage returns a deterministic, real-looking JSON message of about
// size bytes: a chat/notification feed with user records, timestamps,
// numbers and free text, the kind of payload permessage-deflate is used
// for. The same seed and size always give the same bytes.
func jsonMessage(seed uint64, size int) []byte {
	r := rand.New(rand.NewPCG(seed, 0x7692))
	names := []string{"ada", "grace", "linus", "ken", "barbara", "edsger", "margaret", "dennis", "radia", "tim", "vint", "frances"}
	rooms := []string{"lobby", "general", "random", "ops-alerts", "release-2026", "design"}
	words := []string{"deploy", "finished", "the", "build", "is", "green", "again", "please", "review", "my", "patch",
		"latency", "dropped", "to", "12ms", "after", "cache", "warmup", "who", "owns", "this", "service", "?", "thanks", "ok", "merged"}
	var b bytes.Buffer
	b.WriteString(`{"type":"batch","events":[`)
	for i := 0; b.Len() < size-64; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		n := names[r.IntN(len(names))]
		fmt.Fprintf(&b, `{"id":%d,"ts":"2026-12-07T%02d:%02d:%02d.%03dZ","room":%q,"user":{"name":%q,"id":"u-%06x","online":%t},`,
			1_000_000+r.IntN(9_000_000), r.IntN(24), r.IntN(60), r.IntN(60), r.IntN(1000),
			rooms[r.IntN(len(rooms))], n, r.Uint32()&0xffffff, r.IntN(2) == 0)
		b.WriteString(`"text":"`)
		for w := 3 + r.IntN(12); w > 0; w-- {
			b.WriteString(words[r.IntN(len(words))])
			if w > 1 {
				b.WriteByte(' ')
			}
		}
		fmt.Fprintf(&b, `","reactions":%d,"score":%s}`, r.IntN(40), strconv.FormatFloat(r.Float64()*100, 'f', 3, 64))
	}
	b.WriteString(`],"next":null}`)
	return b.Bytes()
}

// corpusFiles are the benchmark corpus in testdata/deflate: messages of
// about 1 KiB and 16 KiB.
var corpusFiles = []struct {
	name       string
	seed, size uint64
}{
	{"json-1k.json", 1, 1 << 10},
	{"json-16k.json", 2, 16 << 10},
}

var update = flag.Bool("update", false, "rewrite testdata/deflate")

// TestCorpus keeps testdata/deflate in step with jsonMessage (rewrite with
// -update), so that peers in other languages can read the same corpus.
func TestCorpus(t *testing.T) {
	for _, f := range corpusFiles {
		path := filepath.Join("testdata", "deflate", f.name)
		want := jsonMessage(f.seed, int(f.size))
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -run TestCorpus -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from jsonMessage(%d, %d); run go test -run TestCorpus -update", path, f.seed, f.size)
		}
		if len(want) < int(f.size)*9/10 || len(want) > int(f.size)*11/10 {
			t.Errorf("%s: %d bytes, want about %d", f.name, len(want), f.size)
		}
	}
}
