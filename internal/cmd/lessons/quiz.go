package lessons

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/lessons"
)

// QuizOptions are the arguments and flags of "wirelab lessons quiz".
type QuizOptions struct {
	IO     *iostreams.IOStreams
	Lesson string
	Lang   string
	JSON   bool
	// Seed, if not zero, fixes the order the choices are shuffled in.
	Seed uint64
}

// NewCmdQuiz returns "wirelab lessons quiz". runF replaces the behaviour in
// tests; nil runs runQuiz.
func NewCmdQuiz(ios *iostreams.IOStreams, runF func(*QuizOptions) error) *cobra.Command {
	opts := &QuizOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "quiz LESSON",
		Short: i18n.Pair(i18n.HelpQuizShort)[0],
		Long:  i18n.Pair(i18n.HelpQuizLong)[0],
		Example: `  wirelab lessons quiz 4
  printf '2\n1\n2\n' | wirelab lessons quiz http-message --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Lesson = args[0]
			if err := validateLang(opts.Lang); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runQuiz(opts)
		},
	}
	addLangFlag(cmd, &opts.Lang)
	cmd.Flags().Uint64Var(&opts.Seed, "seed", 0, i18n.Pair(i18n.FlagSeed)[0])
	cmd.Flags().BoolVar(&opts.JSON, "json", false, i18n.Pair(i18n.FlagQuizJSON)[0])
	return cmd
}

// QuizResult is the outcome of a quiz, as --json prints it.
type QuizResult struct {
	Lesson string `json:"lesson"`
	Right  int    `json:"right"`
	Total  int    `json:"total"`
	Passed bool   `json:"passed"`
}

func runQuiz(opts *QuizOptions) error {
	lang, err := resolveLang(opts.Lang)
	if err != nil {
		return err
	}
	c, err := lessons.New()
	if err != nil {
		return err
	}
	l, err := c.Find(opts.Lesson)
	if err != nil {
		return err
	}
	path, err := lessons.DefaultProgressPath(os.Getenv)
	if err != nil {
		return err
	}
	prog, err := lessons.LoadProgress(path)
	if err != nil {
		return err
	}
	saved := lessons.Progress{Lesson: prog.Lesson, Step: prog.Step, Done: slices.Clone(prog.Done)}
	t := &lessons.Tutor{Course: c, Lang: lang, In: opts.IO.In, Out: opts.IO.Out, Progress: prog,
		Width: lessons.Width(0, opts.IO.Out, os.Getenv)}
	if opts.Seed != 0 {
		t.Rand = lessons.NewQuizRand(opts.Seed)
	}
	if opts.JSON {
		t.Out = io.Discard
	}
	right, total, err := t.Quiz(l)
	if err != nil {
		return err
	}
	res := QuizResult{Lesson: l.ID, Right: right, Total: total, Passed: right == total}
	if res.Passed {
		// Keep the learner's place; only record the pass.
		saved.MarkDone(l.ID)
		if err := saved.Save(path); err != nil {
			return err
		}
	}
	if opts.JSON {
		b, err := json.Marshal(res)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(opts.IO.Out, "%s\n", b)
		return err
	}
	fmt.Fprintln(opts.IO.Out)
	i18n.New(lang).Fprintln(opts.IO.Out, i18n.QuizScore, right, total)
	return nil
}
