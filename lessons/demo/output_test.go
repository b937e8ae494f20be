package demo

import (
	"bytes"
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/wirelab/wirelab/internal/textwrap"
)

// TestDemoFigures checks figures the demos print against what happened:
// lesson 17's close codes are printed once each, not as "1000 1000", and
// the socket-vs-ws demo counts the bytes it really sent (13 + 14 = 27).
func TestDemoFigures(t *testing.T) {
	all := All()
	run := func(id string) string {
		var out bytes.Buffer
		if err := Exec(context.Background(), all[id], &Env{Out: &out, Lang: "en"}); err != nil {
			t.Fatalf("%s: %v\noutput:\n%s", id, err, out.String())
		}
		return out.String()
	}
	// Lesson 17's demos (the lessons package's content test checks that
	// every demo a lesson names exists).
	for _, id := range []string{"ws-close-ping"} {
		if out := run(id); strings.Contains(out, "1000 1000") {
			t.Errorf("%s prints the close code twice:\n%s", id, out)
		}
	}
	want := len("first message") + len("second message")
	if out := run("socket-vs-ws"); !strings.Contains(out, " 27 bytes arrived") || want != 27 {
		t.Errorf("socket-vs-ws should report %d bytes:\n%s", want, out)
	}
}

// TestDNSDumpsWhatItAnnounces: the DNS demo says how many bytes the A
// query had and dumps exactly that many, the EDNS(0) OPT record that Go's
// resolver adds included, and names every byte's part: "bytes 0-11",
// "bytes 12-29", "bytes 30-40" cover the query without gap or overlap.
func TestDNSDumpsWhatItAnnounces(t *testing.T) {
	for _, lang := range []string{"en", "zh"} {
		var out bytes.Buffer
		if err := Exec(context.Background(), All()["dns-resolve"], &Env{Out: &out, Lang: lang}); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		text := out.String()
		asked := regexp.MustCompile(`wirelab\.test\. A → (?:(\d+) bytes asked|问 (\d+) 字节)`).FindStringSubmatch(text)
		if asked == nil {
			t.Fatalf("%s: no line announces the A query's size:\n%s", lang, text)
		}
		announced, _ := strconv.Atoi(asked[1] + asked[2])
		lines := strings.Split(text, "\n")
		start := slices.IndexFunc(lines, func(l string) bool {
			return strings.Contains(l, "byte by byte") || strings.Contains(l, "逐字节")
		})
		if start < 0 {
			t.Fatalf("%s: no dump of the A query:\n%s", lang, text)
		}
		hexLine := regexp.MustCompile(`^    [0-9a-f]{4}  ((?:[0-9a-f]{2} ?)+)$`)
		dumped, end := 0, 0
		for _, l := range lines[start+1:] {
			m := hexLine.FindStringSubmatch(l)
			if m == nil {
				break
			}
			dumped += len(strings.Fields(m[1]))
		}
		for _, m := range regexp.MustCompile(`(?:bytes |第 )(\d+)-(\d+)`).FindAllStringSubmatch(text, -1) {
			from, _ := strconv.Atoi(m[1])
			to, _ := strconv.Atoi(m[2])
			if from != end {
				t.Errorf("%s: a part starts at byte %d, want %d (the end of the one before)", lang, from, end)
			}
			end = to + 1
		}
		if dumped != announced || end != announced {
			t.Errorf("%s: %d bytes announced, %d dumped, %d explained:\n%s", lang, announced, dumped, end, text)
		}
		if announced > 30 && !strings.Contains(text, "OPT") {
			t.Errorf("%s: the query has an additional section but the OPT record is not named:\n%s", lang, text)
		}
	}
}

// TestDemoProseWraps runs every demo in both languages at width 80: no
// line of prose (Say, Tell, the heading) is wider than 80 cells. The byte
// dumps, annotated tables and diagrams are not prose and keep their lines;
// a marker on the prose lines tells them apart.
func TestDemoProseWraps(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every demo")
	}
	const mark, width = "\x00prose:", 80
	var mu sync.Mutex
	prose := map[string]int{}
	t.Run("demos", func(t *testing.T) {
		for _, lang := range []string{"en", "zh"} {
			for id, d := range All() {
				t.Run(lang+"/"+id, func(t *testing.T) {
					t.Parallel()
					var out bytes.Buffer
					if err := Exec(context.Background(), d, &Env{Out: &out, Lang: lang, Width: width, proseMark: mark}); err != nil {
						t.Fatalf("%v", err)
					}
					for _, line := range strings.Split(out.String(), "\n") {
						text, ok := strings.CutPrefix(line, mark)
						if !ok {
							continue
						}
						mu.Lock()
						prose[lang]++
						mu.Unlock()
						if w := textwrap.Width(text); w > width {
							t.Errorf("a prose line of %d cells:\n%s", w, text)
						}
					}
				})
			}
		}
	})
	for _, lang := range []string{"en", "zh"} {
		if prose[lang] < 2*len(All()) {
			t.Errorf("%s: only %d prose lines in %d demos: the marker is not reaching them", lang, prose[lang], len(All()))
		}
	}
}

// TestFailoverCarriesCursor: the cursor the client sends to node B is the
// one it had on node A, node B continues right after it, and the tally
// counts every published message as received once.
func TestFailoverCarriesCursor(t *testing.T) {
	var out bytes.Buffer
	if err := Exec(context.Background(), All()["failover"], &Env{Out: &out, Lang: "en"}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	text := out.String()
	onA := regexp.MustCompile(`reads (\d+) messages; its cursor is now (\d+)`).FindStringSubmatch(text)
	sent := regexp.MustCompile(`Last-Event-ID: (\d+)`).FindStringSubmatch(text)
	onB := regexp.MustCompile(`reads (\d+) messages, sequences (\d+) to (\d+)`).FindStringSubmatch(text)
	tally := regexp.MustCompile(`Published (\d+), received (\d+): (\d+) lost, (\d+) duplicated`).FindStringSubmatch(text)
	if onA == nil || sent == nil || onB == nil || tally == nil {
		t.Fatalf("a line is missing (cursor on A, Last-Event-ID, reads on B, tally):\n%s", text)
	}
	n := func(s string) int { v, _ := strconv.Atoi(s); return v }
	if sent[1] != onA[2] {
		t.Errorf("the client sent Last-Event-ID %s to node B, but its cursor on node A was %s", sent[1], onA[2])
	}
	if n(onB[2]) != n(onA[2])+1 {
		t.Errorf("node B started at sequence %s, want %d (right after the cursor)", onB[2], n(onA[2])+1)
	}
	if read := n(onA[1]) + n(onB[1]); n(tally[1]) != read || n(tally[2]) != read || tally[3] != "0" || tally[4] != "0" {
		t.Errorf("tally %q after reading %d messages in all", tally[0], read)
	}
}
