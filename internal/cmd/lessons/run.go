package lessons

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/wirelab/wirelab/lessons/demo"
	"os"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/lessons"
)

// RunOptions are the arguments and flags of "wirelab lessons run".
type RunOptions struct {
	IO     *iostreams.IOStreams
	Lesson string
	// All runs the demos of every lesson.
	All  bool
	Lang string
	JSON bool
	// Width wraps the demos' prose at that many cells; 0 picks the
	// terminal's width, $COLUMNS or 80.
	Width int
}

// NewCmdRun returns "wirelab lessons run". runF replaces the behaviour in
// tests; nil runs runRun.
func NewCmdRun(ios *iostreams.IOStreams, runF func(*RunOptions) error) *cobra.Command {
	opts := &RunOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "run LESSON | --all",
		Short: i18n.Pair(i18n.HelpRunShort)[0],
		Example: `  wirelab lessons run 2
  wirelab lessons run ws-frames
  wirelab lessons run --all --json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if opts.All {
				return cobra.NoArgs(cmd, args)
			}
			if len(args) != 1 {
				return printer(opts.Lang).Errorf(i18n.RunNeedLesson)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Lesson = args[0]
			}
			if err := validateLang(opts.Lang); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.All, "all", false, i18n.Pair(i18n.FlagAll)[0])
	addLangFlag(cmd, &opts.Lang)
	addWidthFlag(cmd, &opts.Width)
	cmd.Flags().BoolVar(&opts.JSON, "json", false, i18n.Pair(i18n.FlagRunJSON)[0])
	return cmd
}

// DemoResult is one demo's outcome, as --json prints it.
type DemoResult struct {
	Lesson string `json:"lesson"`
	Demo   string `json:"demo"`
	Passed bool   `json:"passed"`
	Output string `json:"output"`
	Error  string `json:"error,omitempty"`
}

func runRun(ctx context.Context, opts *RunOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	lang, err := resolveLang(opts.Lang)
	if err != nil {
		return err
	}
	c, err := lessons.New()
	if err != nil {
		return err
	}
	var ls []*lessons.Lesson
	if opts.All {
		ls = c.Lessons()
	} else {
		l, err := c.Find(opts.Lesson)
		if err != nil {
			return err
		}
		ls = []*lessons.Lesson{l}
	}
	width := lessons.Width(opts.Width, opts.IO.Out, os.Getenv)
	var results []DemoResult
	failed := 0
	for _, l := range ls {
		for _, id := range l.Demos {
			var buf bytes.Buffer
			out := opts.IO.Out
			if opts.JSON {
				out = &buf
			}
			err := c.RunDemo(ctx, id, &demo.Env{Out: out, Lang: lang, Width: width})
			r := DemoResult{Lesson: l.ID, Demo: id, Passed: err == nil, Output: buf.String()}
			if err != nil {
				failed++
				r.Error = err.Error()
				if !opts.JSON {
					i18n.New(lang).Fprintln(opts.IO.ErrOut, i18n.RunDemoFailed, id, err)
				}
			}
			if !opts.JSON {
				fmt.Fprintln(opts.IO.Out)
			}
			results = append(results, r)
		}
	}
	if opts.JSON {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(results); err != nil {
			return err
		}
	}
	if failed > 0 {
		return i18n.New(lang).Errorf(i18n.RunDemosFailed, failed, len(results))
	}
	return nil
}
