// Package learn holds "wirelab learn", the interactive course.
package learn

import (
	"context"
	"os"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/lessons"
)

// Options are the arguments and flags of "wirelab learn".
type Options struct {
	IO *iostreams.IOStreams
	// Lesson, if set, is where to start instead of the saved position.
	Lesson string
	Lang   string
	// Reset forgets the saved position and passed quizzes.
	Reset bool
	// ProgressFile is where progress is kept; "" means $WIRELAB_PROGRESS
	// or the user config directory.
	ProgressFile string
}

// NewCmdLearn returns "wirelab learn". runF replaces the behaviour in tests;
// nil runs runLearn.
func NewCmdLearn(ios *iostreams.IOStreams, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: ios}
	cmd := &cobra.Command{
		Use:   "learn [LESSON]",
		Short: "Take the course step by step: read, run the real thing on loopback, answer the quiz",
		Long: `Walk through the course one step at a time, from TCP/IP layers to a WebSocket
server you write yourself. Each lesson explains one idea in plain words, runs
a demo that prints the real bytes, and ends with a short quiz.

Commands at the prompt:
  Enter, n   next step            b     back
  r          run the demo         h     hint
  g N        go to lesson N       l     list the lessons
  q          quit (progress is saved after every step)

Progress is kept in a plain text file, by default wirelab/learn-progress in
your config directory ($WIRELAB_PROGRESS or --progress-file overrides it).
LESSON, a number or an id, starts there instead of where you left off.`,
		Example: `  wirelab learn
  wirelab learn 15 --lang zh
  wirelab learn --reset`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Lesson = args[0]
			}
			if _, err := lessons.ResolveLang(opts.Lang, os.Getenv); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runLearn(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Lang, "lang", "", "language: `en` or zh (default from LC_ALL, LC_MESSAGES or LANG)")
	cmd.Flags().BoolVar(&opts.Reset, "reset", false, "start the course over, forgetting saved progress")
	cmd.Flags().StringVar(&opts.ProgressFile, "progress-file", "", "keep progress in this `file`")
	return cmd
}

func runLearn(ctx context.Context, opts *Options) error {
	if ctx == nil {
		ctx = context.Background()
	}
	lang, err := lessons.ResolveLang(opts.Lang, os.Getenv)
	if err != nil {
		return err
	}
	c, err := lessons.New()
	if err != nil {
		return err
	}
	path := opts.ProgressFile
	if path == "" {
		if path, err = lessons.DefaultProgressPath(os.Getenv); err != nil {
			return err
		}
	}
	prog := &lessons.Progress{}
	if !opts.Reset {
		if prog, err = lessons.LoadProgress(path); err != nil {
			return err
		}
	}
	if opts.Lesson != "" {
		l, err := c.Find(opts.Lesson)
		if err != nil {
			return err
		}
		prog.Lesson, prog.Step = l.ID, 0
	}
	width := 0
	if opts.IO.IsTTY {
		if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 20 {
			width = min(n, 120)
		}
	}
	r, err := lessons.NewRenderer(width, opts.IO.IsTTY)
	if err != nil {
		return err
	}
	i18n.New(lang).Fprintln(opts.IO.Out, i18n.LearnBanner, c.Len(), path)
	t := &lessons.Tutor{
		Course:   c,
		Lang:     lang,
		In:       opts.IO.In,
		Out:      opts.IO.Out,
		Render:   r.Render,
		Progress: prog,
		Save:     func(p *lessons.Progress) error { return p.Save(path) },
	}
	return t.Run(ctx)
}
