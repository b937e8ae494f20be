package cmd

import (
	"bufio"
	"net"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/wirelab/wirelab/internal/cmd/root"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/lessons"
	lcheck "github.com/wirelab/wirelab/lessons/check"
)

// englishPhrases are English UI phrases that must not show under --lang
// zh: the literal runs of three or more words of every English text in the
// catalogue ("stages passed", "Progress saved: lesson"), and the leaks seen
// before the catalogue (the tutor's keys line, cobra's suggestions).
func englishPhrases() []string {
	out := []string{"[n]ext", "[b]ack", "[q]uit", "[h]int", "Did you mean", "Usage:", "Available Commands", "for more information"}
	words := regexp.MustCompile(`[A-Za-z][A-Za-z']*(?: [A-Za-z][A-Za-z']*){2,}`)
	verb := regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z]`)
	for k := 0; k < i18n.NumKeys(); k++ {
		t, _ := i18n.Lookup(i18n.Key(k))
		for _, lit := range verb.Split(t.EN, -1) {
			out = append(out, words.FindAllString(lit, -1)...)
		}
	}
	return out
}

// uiWords are the words of the catalogue's English texts, four letters or
// longer, that are not also names on the wire or in the CLI: a Chinese line
// with "stage", "failed" or "frame" in it has leaked English.
func uiWords() map[string]bool {
	keep := map[string]bool{}
	for _, w := range strings.Fields("text binary close ping pong continuation payload opcode mask masked fin rsv " +
		"http https client server host port json bogus websocket socket flags") {
		keep[w] = true
	}
	// Names: lessons, demos, stages, commands and flags.
	var names []string
	c, err := lessons.New()
	if err != nil {
		panic(err)
	}
	for _, l := range c.Lessons() {
		names = append(names, l.ID)
	}
	names = append(names, c.DemoIDs()...)
	for _, kind := range []string{lcheck.KindHTTP, lcheck.KindWebSocket} {
		ids, _ := lcheck.StageIDs(kind)
		names = append(names, ids...)
	}
	var walk func(*cobra.Command)
	walk = func(cmd *cobra.Command) {
		cmd.InitDefaultHelpFlag()
		names = append(names, cmd.Name())
		cmd.Flags().VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
		for _, sub := range cmd.Commands() {
			walk(sub)
		}
	}
	ios, _, _, _ := iostreams.Test()
	walk(root.NewCmdRoot(ios))
	for _, n := range names {
		for _, w := range strings.FieldsFunc(n, func(r rune) bool { return r == '-' || r == '_' }) {
			keep[strings.ToLower(w)] = true
		}
	}
	words := map[string]bool{}
	word := regexp.MustCompile(`\b[a-z]{4,}\b`)
	for k := 0; k < i18n.NumKeys(); k++ {
		t, _ := i18n.Lookup(i18n.Key(k))
		for _, w := range word.FindAllString(t.EN, -1) {
			if !keep[w] {
				words[w] = true
			}
		}
	}
	return words
}

// prose finds English prose outside quotes and code: five or more words in
// a row, as a sentence of UI text has and a header line, a hex dump or a
// protocol field does not.
var prose = regexp.MustCompile(`\b[A-Za-z]+(?:,? [a-z]+){4,}\b`)

// codeOrQuoted removes what is legitimately English in a Chinese page:
// quoted strings, code spans, the indented lines of code blocks (skipped
// whole)
// and command lines (wirelab lessons quiz dns).
var codeOrQuoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|` + "`[^`]*`" + `|\bwirelab(?: [a-z][a-z0-9-]*)*`)

var (
	guardOnce    sync.Once
	guardPhrases []string
	guardVocab   map[string]bool
)

// zhGuard returns the English phrases and words to look for, computed once.
func zhGuard() ([]string, map[string]bool) {
	guardOnce.Do(func() { guardPhrases, guardVocab = englishPhrases(), uiWords() })
	return guardPhrases, guardVocab
}

// checkChinese fails on English in out. content is true for a lesson page,
// whose Chinese prose names APIs and fields (close(code, reason), data:
// lines) that are the same words as UI English; there only phrases and
// sentences count.
func checkChinese(t *testing.T, what, out string, content bool) {
	t.Helper()
	phrases, vocab := zhGuard()
	for n, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "    ") || strings.HasPrefix(line, "\t") || wireLine.MatchString(line) {
			continue // a code block, a hex dump or bytes on the wire
		}
		text := codeOrQuoted.ReplaceAllString(line, `""`)
		bare := codeOrQuoted.ReplaceAllString(compound.ReplaceAllString(line, ""), `""`)
		for _, p := range phrases {
			if strings.Contains(text, p) {
				t.Errorf("%s, line %d: English UI phrase %q in %q", what, n+1, p, line)
			}
		}
		for _, w := range wordRe.FindAllString(bare, -1) {
			if vocab[w] && !content {
				t.Errorf("%s, line %d: English UI word %q in %q", what, n+1, w, line)
			}
		}
		if m := prose.FindString(text); m != "" {
			t.Errorf("%s, line %d: English prose %q in %q", what, n+1, m, line)
		}
	}
}

// zhRun runs wirelab with args and stdin in a Chinese environment and
// returns what it wrote to stdout and stderr.
func zhRun(t *testing.T, stdin, args string) (string, int) {
	t.Helper()
	t.Setenv("LANG", "zh_CN.UTF-8")
	t.Setenv("WIRELAB_PROGRESS", filepath.Join(t.TempDir(), "progress"))
	ios, in, out, errOut := iostreams.Test()
	in.WriteString(stdin)
	code := run(ios, strings.Fields(args), func(k string) string {
		return map[string]string{"LANG": "zh_CN.UTF-8"}[k]
	})
	return out.String() + errOut.String(), code
}

// TestChineseOutput runs the learner's commands under --lang zh and fails
// on an English UI phrase or a sentence of English prose in their output
// (protocol bytes, header names, RFC names and code are let through).
func TestChineseOutput(t *testing.T) {
	type zhCase struct {
		name, stdin, args string
		content           bool // the output shows lesson text or a demo's tables: phrases and prose only
	}
	cases := []zhCase{
		{"lessons list", "", "lessons list --lang zh", false},
		{"learn", "n\nb\nb\nb\nh\nl\nwhat\ng 99\nq\n", "learn 1 --lang zh", true},
		{"learn, quiz", strings.Repeat("\n", 40) + "h\n9\ns\ns\ns\ns\nq\n", "learn 3 --lang zh", true},
		{"lessons quiz", "h\n9\ns\n1\ns\ns\n", "lessons quiz 3 --seed 7 --lang zh", false},
		{"lessons run", "", "lessons run 1 --lang zh", false},
		{"lessons run http-message", "", "lessons run http-message --lang zh", true},
		{"lessons run body-length", "", "lessons run body-length --lang zh", true},
		{"lessons run ws-frames", "", "lessons run ws-frames --lang zh", true},
		{"lessons run ws-close-ping", "", "lessons run ws-close-ping --lang zh", true},
		{"ws decode, then an error", "", "ws decode --lang zh 01 03 48 65 6c 89 00 80 02 6c 6f 88 82 01 02 03 04 02 ea", false},
		{"ws decode error", "", "ws decode --lang zh 81 02 c3 28", false},
		{"usage error", "", "lessons show --lang zh", false},
		{"learn --help", "", "learn --help --lang zh", false},
		{"lessons list --help", "", "lessons list --help --lang zh", false},
		{"lessons show --help", "", "lessons show --help --lang zh", false},
		{"lessons run --help", "", "lessons run --help --lang zh", false},
		{"lessons quiz --help", "", "lessons quiz --help --lang zh", false},
		{"exercise list", "", "exercise list", false},
		{"exercise init", "", "exercise init http --lang python --ui-lang zh " + filepath.Join(t.TempDir(), "http-python"), false},
		{"ws decode --bits", "", "ws decode --bits --lang zh 81 85 37 fa 21 3d 7f 9f 4d 51 58", true},
		{"unknown subcommand error", "", "ws dail --lang zh", false},
	}
	for n := 1; n <= 24; n++ {
		cases = append(cases, zhCase{"lessons show " + strconv.Itoa(n), "", "lessons show --lang zh " + strconv.Itoa(n), true})
	}
	for _, c := range cases {
		out, code := zhRun(t, c.stdin, c.args)
		if wantFail := strings.Contains(c.name, "error"); (code != 0) != wantFail {
			t.Errorf("%s: exit code %d:\n%s", c.name, code, out)
		}
		if !hanRe.MatchString(out) {
			t.Errorf("%s: no Chinese at all:\n%s", c.name, out)
		}
		checkChinese(t, c.name, out, c.content)
	}
}

// wordRe finds the lowercase words of a line, once paths (/nope) and compound names
// (keep-alive, ws-frames, Content-Length, 0x8b, UTF-8) are left out.
var (
	wordRe   = regexp.MustCompile(`\b[a-z]+\b`)
	compound = regexp.MustCompile(`/[A-Za-z0-9_.\-/?=&]+|[A-Za-z0-9_.]+(?:[-_./][A-Za-z0-9_]+)+|\b[A-Za-z]*[0-9][A-Za-z0-9]*\b`)
)

// wireLine is a line of bytes that crossed the wire, as the demos quote
// them: "  > GET / HTTP/1.1\r\n", "  < HTTP/1.1 200 OK\r\n".
var wireLine = regexp.MustCompile(`^\s*[<>] `)

var hanRe = regexp.MustCompile(`\p{Han}`)

// TestChineseCheck runs wirelab check http --lang zh against a server that
// answers one request per connection, so the run fails with its evidence,
// its rule, its hint and its last line.
func TestChineseCheck(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					l, err := br.ReadString('\n')
					if err != nil || l == "\r\n" {
						break
					}
				}
				c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
			}()
		}
	}()
	for _, kind := range []string{"http", "ws"} {
		out, code := zhRun(t, "", "check "+kind+" --lang zh --timeout 2s --addr "+ln.Addr().String())
		if code != 1 || !strings.Contains(out, "未通过") {
			t.Fatalf("check %s: exit code %d, output:\n%s", kind, code, out)
		}
		checkChinese(t, "check "+kind, out, false)
	}
}

// TestChineseHelp runs --help of every command, cobra's own included, in a
// Chinese environment: the descriptions, the flags and the headings must
// all be Chinese.
func TestChineseHelp(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	var paths []string
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		paths = append(paths, strings.TrimPrefix(strings.TrimPrefix(c.CommandPath(), "wirelab"), " "))
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	root := root.NewCmdRoot(ios)
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	walk(root)
	if len(paths) < 30 {
		t.Fatalf("only %d commands found: %v", len(paths), paths)
	}
	for _, p := range paths {
		out, code := zhRun(t, "", strings.TrimSpace(p+" --help"))
		if code != 0 {
			t.Errorf("%s --help: exit code %d:\n%s", p, code, out)
		}
		if !hanRe.MatchString(out) {
			t.Errorf("%s --help: no Chinese at all:\n%s", p, out)
		}
		checkChinese(t, p+" --help", out, true)
	}
}
