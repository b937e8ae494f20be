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
	"github.com/wirelab/wirelab/internal/textwrap"
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
		Short: i18n.Pair(i18n.HelpCheckShort)[0],
		Long:  i18n.Pair(i18n.HelpCheckLong)[0],
		Example: `  wirelab check ws --addr 127.0.0.1:9001
  wirelab check http --watch --run 'python3 server.py' http-python
  wirelab check http --addr 8080 --stage keep-alive
  wirelab check ws --addr 127.0.0.1:9001 --json --lang zh`,
	}
	cmd.AddCommand(newCmdKind(ios, lcheck.KindWebSocket, runF))
	cmd.AddCommand(newCmdKind(ios, lcheck.KindHTTP, runF))
	return cmd
}

var contracts = map[string]i18n.Key{
	lcheck.KindWebSocket: i18n.HelpCheckContractWS,
	lcheck.KindHTTP:      i18n.HelpCheckContractHTTP,
}

// kindNames are the protocols the checkers test, as the help names them.
var kindNames = map[string]string{lcheck.KindWebSocket: "WebSocket (RFC 6455)", lcheck.KindHTTP: "HTTP/1.1 (RFC 9112)"}

// kindLong is the long help of "check KIND" in p's language, its stage
// table wrapped to width cells.
func kindLong(kind string, p i18n.Printer, width int) string {
	return p.Sprintf(i18n.HelpCheckKindLong, kindNames[kind], p.Sprintf(contracts[kind]), stageTable(kind, p, width), DefaultPorts[kind])
}

func newCmdKind(ios *iostreams.IOStreams, kind string, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: ios, Kind: kind}
	ids, _ := lcheck.StageIDs(kind)
	cmd := &cobra.Command{
		Use:     kind + " [--addr HOST:PORT] [--watch [--run CMD] [DIR]]",
		Short:   fmt.Sprintf(i18n.Pair(i18n.HelpCheckKindShort)[0], kindNames[kind], strings.Join(ids, " → ")),
		Long:    kindLong(kind, i18n.New("en"), helpWidth),
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
	// The stage table is data in both languages, so the help says it in the
	// learner's language when it is shown (see localizeHelp).
	cmd.SetHelpFunc(func(c *cobra.Command, args []string) {
		lang := c.Root().Annotations[i18n.LangAnnotation]
		if opts.Lang != "" {
			lang = opts.Lang
		}
		c.Long = kindLong(kind, i18n.New(lang), helpWidth)
		c.Root().HelpFunc()(c, args)
	})
	f := cmd.Flags()
	f.StringVar(&opts.Addr, "addr", "", fmt.Sprintf(i18n.Pair(i18n.FlagCheckAddr)[0], DefaultPorts[kind]))
	f.StringVar(&opts.Stage, "stage", "", i18n.Pair(i18n.FlagCheckStage)[0])
	f.BoolVar(&opts.JSON, "json", false, i18n.Pair(i18n.FlagCheckJSON)[0])
	f.StringVar(&opts.Lang, "lang", "", i18n.Pair(i18n.FlagCheckLang)[0])
	f.DurationVar(&opts.Timeout, "timeout", lcheck.DefaultTimeout, i18n.Pair(i18n.FlagCheckTimeout)[0])
	f.BoolVar(&opts.Watch, "watch", false, i18n.Pair(i18n.FlagCheckWatch)[0])
	f.StringVar(&opts.Run, "run", "", i18n.Pair(i18n.FlagCheckRun)[0])
	cmd.RegisterFlagCompletionFunc("stage", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return ids, cobra.ShellCompDirectiveNoFileComp
	})
	cmd.RegisterFlagCompletionFunc("lang", cobra.FixedCompletions([]string{"en", "zh"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// helpWidth is the width the stage table of the help is wrapped to.
const helpWidth = 80

// stageTable lists the stages with what each sends and expects, in p's
// language, the last column wrapped to width cells:
//
//	tcp               sends:   opens a TCP connection to ADDR
//	                  expects: the server accepts it (RFC 9293 §3.5)
func stageTable(kind string, p i18n.Printer, width int) string {
	st, _ := lcheck.Stages(kind, string(p.Lang()))
	sends, expects := p.Sprintf(i18n.HelpCheckSends), p.Sprintf(i18n.HelpCheckExpects)
	label := max(textwrap.Width(sends), textwrap.Width(expects)) + 1
	pad := func(s string) string { return s + strings.Repeat(" ", label-textwrap.Width(s)) }
	var b strings.Builder
	b.WriteString(p.Sprintf(i18n.HelpCheckStages) + "\n\n")
	for _, s := range st {
		b.WriteString(textwrap.Hang(fmt.Sprintf("  %-17s %s", s.ID, pad(sends)), s.Sends, width) + "\n")
		// The section is one unit: no-break spaces while wrapping.
		section := "(" + strings.ReplaceAll(s.Section, " ", "\u00a0") + ")"
		expect := textwrap.Hang(fmt.Sprintf("  %-17s %s", "", pad(expects)), s.Expects+" "+section, width)
		b.WriteString(strings.ReplaceAll(expect, "\u00a0", " ") + "\n")
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
		lang := lcheckLang(opts.Lang)
		lo.Progress = func(s lcheck.StageResult) { lcheck.WriteStage(out, s, lang) }
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
