// Package check holds "wirelab check ws|http": a staged tester for a server
// the learner wrote, in any language.
package check

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/iostreams"
	lcheck "github.com/wirelab/wirelab/lessons/check"
)

// Options are the arguments and flags of "wirelab check ws" and
// "wirelab check http".
type Options struct {
	IO *iostreams.IOStreams
	// Kind is "ws" or "http", from the subcommand.
	Kind string
	// Addr is the server's HOST:PORT, normalised ("9001" → "127.0.0.1:9001").
	Addr string
	// Stage, if set, is the last stage to run.
	Stage string
	JSON  bool
	// Lang is "en" or "zh"; empty takes it from LC_ALL, LC_MESSAGES or LANG.
	Lang    string
	Timeout time.Duration

	// Watch re-checks in a loop: on every saved change under Dir when Run
	// is set, on Enter otherwise.
	Watch bool
	// Run is the command that starts the learner's server in Dir (with
	// --watch); the loop sets PORT in its environment.
	Run string
	// Dir is the server's folder, watched for changes (default ".").
	Dir string
	// ProgressFile is where the stages passed are recorded; "" means
	// $WIRELAB_PROGRESS or the course's default progress file.
	ProgressFile string
}

// DefaultPorts are the ports checked when --addr is not given: those the
// starters of "wirelab exercise init" listen on.
var DefaultPorts = map[string]string{lcheck.KindHTTP: "8080", lcheck.KindWebSocket: "9001"}

// NewCmdCheck returns the "check" command with its "ws" and "http"
// subcommands. runF replaces the behaviour in tests; nil runs runCheck.
func NewCmdCheck(ios *iostreams.IOStreams, runF func(*Options) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "check ws|http [--addr HOST:PORT] [--watch [--run CMD] [DIR]]",
		Short: "Test your own WebSocket or HTTP server, stage by stage, like the CodeCrafters testers",
		Long: `Test a server you wrote, in any language, stage by stage. Each stage sends
exact bytes over TCP and judges the answer with wirelab's own HTTP and
WebSocket parsers. The first stage that fails shows what was sent and
received as quoted bytes, a caret under the byte at fault, the RFC section
and a hint, and the command exits non-zero; the stages after it are not run.

With --watch it checks again and again, redrawing the result: with
--run 'python3 server.py' it starts your server in DIR, checks it, and
restarts it and checks again every time you save a file there; without
--run it re-checks the server you started yourself each time you press
Enter. Ctrl-C stops both. Stages passed are recorded with your course
progress, and "wirelab learn" and "wirelab lessons list" show them.

Run "wirelab check ws --help" or "wirelab check http --help" for the
stages and what your server must do to pass them.`,
		Example: `  wirelab check ws --addr 127.0.0.1:9001
  wirelab check http --watch --run 'python3 server.py' http-python
  wirelab check http --addr 8080 --stage keep-alive
  wirelab check ws --addr 127.0.0.1:9001 --json --lang zh`,
	}
	cmd.AddCommand(newCmdKind(ios, lcheck.KindWebSocket, runF))
	cmd.AddCommand(newCmdKind(ios, lcheck.KindHTTP, runF))
	return cmd
}

var contracts = map[string]string{
	lcheck.KindWebSocket: `Your server must accept the WebSocket opening handshake at "/" and echo
every data message back (same type, same bytes); answer a ping with a pong
and a close frame with a close frame, then close TCP. Every stage after tcp
opens its own connection and handshake.`,
	lcheck.KindHTTP: `Your server must answer GET / with 200 and a body, any other path with 404,
GET /headers with the request's X-Wirelab-Echo field echoed back (names
ignore case), POST /echo with the request body (framed by Content-Length or
chunked) as the response body framed by Content-Length, HEAD / like GET /
without the body, a malformed request line with 400 and HTTP/3.0 with 505.
Connections are persistent (HTTP/1.1), requests may be pipelined or arrive
in pieces, and several clients may be connected at once.`,
}

func newCmdKind(ios *iostreams.IOStreams, kind string, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: ios, Kind: kind}
	ids, _ := lcheck.StageIDs(kind)
	name := map[string]string{lcheck.KindWebSocket: "WebSocket (RFC 6455)", lcheck.KindHTTP: "HTTP/1.1 (RFC 9112)"}[kind]
	cmd := &cobra.Command{
		Use:   kind + " [--addr HOST:PORT] [--watch [--run CMD] [DIR]]",
		Short: "Test your " + name + " server: " + strings.Join(ids, ", "),
		Long: "Test your " + name + " server stage by stage.\n\n" + contracts[kind] + "\n\n" +
			stageTable(kind) + `
--stage ID runs the stages in order up to and including ID (as CodeCrafters
does: build the server one stage at a time and re-check everything so far).
Each stage is bounded by --timeout, so a server that never answers fails the
stage instead of hanging the checker. A bare port ("9001") means 127.0.0.1;
without --addr the port is ` + DefaultPorts[kind] + `, the one the starters listen on.

--watch checks again and again. With --run CMD it starts your server with
CMD in DIR (default ".", with PORT set to the port checked), waits for the
port, checks, and on every file you save under DIR restarts the server and
checks again. Without --run it checks the server you started yourself each
time you press Enter. Ctrl-C stops the loop and the server it started.

Messages and hints are in English or Chinese (--lang, by default from
LC_ALL, LC_MESSAGES or LANG). The exit status is 0 only when every stage run
passed. --json prints {"passed":…,"stages":[{"id":…,"passed":…,"message":…}]};
a stage after the first failure has "skipped":true.`,
		Example: fmt.Sprintf("  wirelab check %[1]s --addr 127.0.0.1:9001\n  wirelab check %[1]s --addr 9001 --stage %[2]s\n  wirelab check %[1]s --addr 127.0.0.1:9001 --json\n  wirelab check %[1]s --watch --run 'python3 server.py' %[1]s-python\n  wirelab check %[1]s --watch --run 'go run .' %[1]s-go", kind, ids[min(2, len(ids)-1)]),
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 && !opts.Watch {
				return fmt.Errorf("unexpected argument %q: give the address with --addr, as in --addr %s (a folder is given only with --watch --run)", args[0], args[0])
			}
			if len(args) > 1 {
				return fmt.Errorf("unexpected argument %q: --watch takes one folder", args[1])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Addr == "" {
				opts.Addr = DefaultPorts[kind]
			}
			if err := validateWatch(opts, args); err != nil {
				return err
			}
			addr, err := lcheck.NormalizeAddr(opts.Addr)
			if err != nil {
				return fmt.Errorf("--addr: %w", err)
			}
			opts.Addr = addr
			if opts.Stage != "" && !contains(ids, opts.Stage) {
				return &lcheck.UnknownStageError{Kind: kind, Stage: opts.Stage, Valid: ids}
			}
			if opts.Lang != "" && opts.Lang != "en" && opts.Lang != "zh" {
				return fmt.Errorf("--lang %q: want en or zh", opts.Lang)
			}
			if opts.Timeout <= 0 {
				return fmt.Errorf("--timeout %v: want a positive duration such as 5s", opts.Timeout)
			}
			if runF != nil {
				return runF(opts)
			}
			if opts.Watch {
				return runWatch(cmd.Context(), opts)
			}
			return runCheck(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Addr, "addr", "", "your server's `HOST:PORT` (default 127.0.0.1:"+DefaultPorts[kind]+"; a bare port means 127.0.0.1)")
	f.StringVar(&opts.Stage, "stage", "", "run the stages up to and including `ID`")
	f.BoolVar(&opts.JSON, "json", false, "print the report as JSON")
	f.StringVar(&opts.Lang, "lang", "", "language of messages and hints: `en` or zh (default from LANG)")
	f.DurationVar(&opts.Timeout, "timeout", lcheck.DefaultTimeout, "bound on each stage")
	f.BoolVar(&opts.Watch, "watch", false, "check again on every saved change (with --run) or on Enter")
	f.StringVar(&opts.Run, "run", "", "with --watch: the `command` that starts your server in DIR, such as 'python3 server.py'")
	cmd.RegisterFlagCompletionFunc("stage", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return ids, cobra.ShellCompDirectiveNoFileComp
	})
	cmd.RegisterFlagCompletionFunc("lang", cobra.FixedCompletions([]string{"en", "zh"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// stageTable lists the stages with what each sends and expects:
//
//	tcp               sends:   opens a TCP connection to ADDR
//	                  expects: the server accepts it (RFC 9293 §3.5)
func stageTable(kind string) string {
	st, _ := lcheck.Stages(kind, "en")
	var b strings.Builder
	b.WriteString("Stages, in order:\n\n")
	for _, s := range st {
		fmt.Fprintf(&b, "  %-17s sends:   %s\n  %-17s expects: %s (%s)\n", s.ID, s.Sends, "", s.Expects, s.Section)
	}
	return b.String()
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// ErrFailed is returned (wrapped) when a stage fails, so the command exits
// non-zero after printing the report.
var ErrFailed = errors.New("failed")

func runCheck(ctx context.Context, opts *Options) error {
	if ctx == nil {
		ctx = context.Background()
	}
	lo := lcheck.Options{Kind: opts.Kind, Addr: opts.Addr, Stage: opts.Stage, Lang: opts.Lang, Timeout: opts.Timeout}
	out := opts.IO.Out
	if !opts.JSON {
		fmt.Fprintf(out, "wirelab check %s %s\n\n", opts.Kind, opts.Addr)
		lo.Progress = func(s lcheck.StageResult) { lcheck.WriteStage(out, s) }
	}
	rep, err := lcheck.Run(ctx, lo)
	if rep == nil {
		return err
	}
	if opts.JSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if werr := enc.Encode(rep); werr != nil {
			return werr
		}
	} else if werr := rep.WriteSummary(out); werr != nil {
		return werr
	}
	recordStages(opts, rep)
	if err != nil {
		return err
	}
	if f := rep.Failed(); f != nil {
		return i18n.New(rep.Lang).Wrap(ErrFailed, i18n.CheckFailed, opts.Kind, opts.Addr, f.ID)
	}
	return nil
}
