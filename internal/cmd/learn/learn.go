// Package learn holds "wirelab learn", the interactive course.
package learn

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/internal/textwrap"
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
	// Width wraps the text at that many cells; 0 picks the terminal's
	// width, $COLUMNS or 80.
	Width int
}

// NewCmdLearn returns "wirelab learn". runF replaces the behaviour in tests;
// nil runs runLearn.
func NewCmdLearn(ios *iostreams.IOStreams, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: ios}
	cmd := &cobra.Command{
		Use:   "learn [LESSON]",
		Short: i18n.Pair(i18n.HelpLearnShort)[0],
		Long:  i18n.Pair(i18n.HelpLearnLong)[0],
		Example: `  wirelab learn
  wirelab learn 15 --lang zh
  wirelab learn --reset
  wirelab learn --width 60`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Lesson = args[0]
			}
			if _, err := lessons.ResolveLang(opts.Lang, os.Getenv); err != nil {
				return err
			}
			if opts.Width < 0 {
				return fmt.Errorf("--width %d: a width is a number of cells, 1 or more (0 picks the terminal's)", opts.Width)
			}
			if runF != nil {
				return runF(opts)
			}
			return runLearn(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Lang, "lang", "", i18n.Pair(i18n.FlagLang)[0])
	cmd.Flags().BoolVar(&opts.Reset, "reset", false, i18n.Pair(i18n.FlagLearnReset)[0])
	cmd.Flags().StringVar(&opts.ProgressFile, "progress-file", "", i18n.Pair(i18n.FlagProgressFile)[0])
	cmd.Flags().IntVar(&opts.Width, "width", 0, i18n.Pair(i18n.FlagLearnWidth)[0])
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
	prog, err := lessons.LoadProgress(path)
	if opts.Reset {
		// --reset forgets the course position and the quizzes; the
		// exercise stages are about the learner's server, and stay.
		fresh := &lessons.Progress{}
		if err == nil {
			fresh.Stages = prog.Stages
		}
		prog, err = fresh, nil
	}
	if err != nil {
		return err
	}
	if opts.Lesson != "" {
		l, err := c.Find(opts.Lesson)
		if err != nil {
			return err
		}
		prog.Lesson, prog.Step = l.ID, 0
	}
	width := lessons.Width(opts.Width, opts.IO.Out, os.Getenv)
	r, err := lessons.NewRenderer(width, opts.IO.IsTTY)
	if err != nil {
		return err
	}
	fmt.Fprintln(opts.IO.Out, textwrap.Wrap(i18n.New(lang).Sprintf(i18n.LearnBanner, c.Len(), path), width))
	t := &lessons.Tutor{
		Course:   c,
		Lang:     lang,
		In:       opts.IO.In,
		Out:      opts.IO.Out,
		Render:   r.Render,
		Width:    width,
		Progress: prog,
		Save:     func(p *lessons.Progress) error { return p.Save(path) },
	}
	if _, err := fmt.Fprintln(opts.IO.Out, textwrap.Wrap(prog.StageLine(lang), width)); err != nil {
		return err
	}
	return t.Run(ctx)
}
