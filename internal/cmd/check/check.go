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
}

// NewCmdCheck returns the "check" command with its "ws" and "http"
// subcommands. runF replaces the behaviour in tests; nil runs runCheck.
func NewCmdCheck(ios *iostreams.IOStreams, runF func(*Options) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "check ws|http --addr HOST:PORT",
		Short: "Test your own WebSocket or HTTP server, stage by stage, like the CodeCrafters testers",
		Long: `Test a server you wrote, in any language, stage by stage. Each stage sends
exact bytes over TCP and judges the answer with wirelab's own HTTP and
WebSocket parsers. The first stage that fails shows what was sent and
received as quoted bytes, a caret under the byte at fault, the RFC section
and a hint, and the command exits non-zero; the stages after it are not run.

Run "wirelab check ws --help" or "wirelab check http --help" for the
stages and what your server must do to pass them.`,
		Example: `  wirelab check ws --addr 127.0.0.1:9001
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
	lcheck.KindHTTP: `Your server must answer GET / with 200 and a non-empty body framed by
Content-Length, keep connections open (HTTP/1.1 is persistent), and answer
POST / with a chunked body by sending the decoded body back as the response
body (framed by Content-Length or chunked). Every stage opens its own
connection.`,
}

func newCmdKind(ios *iostreams.IOStreams, kind string, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: ios, Kind: kind}
	ids, _ := lcheck.StageIDs(kind)
	name := map[string]string{lcheck.KindWebSocket: "WebSocket (RFC 6455)", lcheck.KindHTTP: "HTTP/1.1 (RFC 9112)"}[kind]
	cmd := &cobra.Command{
		Use:   kind + " --addr HOST:PORT",
		Short: "Test your " + name + " server: " + strings.Join(ids, ", "),
		Long: "Test your " + name + " server stage by stage.\n\n" + contracts[kind] + "\n\n" +
			stageTable(kind) + `
--stage ID runs the stages in order up to and including ID (as CodeCrafters
does: build the server one stage at a time and re-check everything so far).
Each stage is bounded by --timeout, so a server that never answers fails the
stage instead of hanging the checker. A bare port ("9001") means 127.0.0.1.

Messages and hints are in English or Chinese (--lang, by default from
LC_ALL, LC_MESSAGES or LANG). The exit status is 0 only when every stage run
passed. --json prints {"passed":…,"stages":[{"id":…,"passed":…,"message":…}]};
a stage after the first failure has "skipped":true.`,
		Example: fmt.Sprintf("  wirelab check %[1]s --addr 127.0.0.1:9001\n  wirelab check %[1]s --addr 9001 --stage %[2]s\n  wirelab check %[1]s --addr 127.0.0.1:9001 --json", kind, ids[min(2, len(ids)-1)]),
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("unexpected argument %q: give the address with --addr, as in --addr %s", args[0], args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Addr == "" {
				return fmt.Errorf("--addr is required: the HOST:PORT your server listens on, such as --addr 127.0.0.1:9001")
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
			return runCheck(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Addr, "addr", "", "your server's `HOST:PORT` (required; a bare port means 127.0.0.1)")
	f.StringVar(&opts.Stage, "stage", "", "run the stages up to and including `ID`")
	f.BoolVar(&opts.JSON, "json", false, "print the report as JSON")
	f.StringVar(&opts.Lang, "lang", "", "language of messages and hints: `en` or zh (default from LANG)")
	f.DurationVar(&opts.Timeout, "timeout", lcheck.DefaultTimeout, "bound on each stage")
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
	if err != nil {
		return err
	}
	if f := rep.Failed(); f != nil {
		return i18n.New(rep.Lang).Wrap(ErrFailed, i18n.CheckFailed, opts.Kind, opts.Addr, f.ID)
	}
	return nil
}
