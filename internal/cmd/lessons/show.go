package lessons

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/lessons"
)

// ShowOptions are the arguments and flags of "wirelab lessons show".
type ShowOptions struct {
	IO     *iostreams.IOStreams
	Lesson string
	Lang   string
	// Raw prints the Markdown source instead of rendering it.
	Raw bool
	// Width wraps the text at that many cells; 0 picks the terminal's
	// width, $COLUMNS or 80.
	Width int
}

// NewCmdShow returns "wirelab lessons show". runF replaces the behaviour in
// tests; nil runs runShow.
func NewCmdShow(ios *iostreams.IOStreams, runF func(*ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "show LESSON",
		Short: i18n.Pair(i18n.HelpShowShort)[0],
		Example: `  wirelab lessons show 3
  wirelab lessons show ws-frames --lang zh
  wirelab lessons show dns --raw
  wirelab lessons show 14 --lang zh --width 60`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Lesson = args[0]
			if err := validateLang(opts.Lang); err != nil {
				return err
			}
			if opts.Width < 0 {
				return fmt.Errorf("--width %d: a width is a number of cells, 1 or more (0 picks the terminal's)", opts.Width)
			}
			if runF != nil {
				return runF(opts)
			}
			return runShow(opts)
		},
	}
	addLangFlag(cmd, &opts.Lang)
	cmd.Flags().BoolVar(&opts.Raw, "raw", false, i18n.Pair(i18n.FlagRaw)[0])
	addWidthFlag(cmd, &opts.Width)
	return cmd
}

func runShow(opts *ShowOptions) error {
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
	md := ShowMarkdown(c, l, lang)
	if opts.Raw {
		_, err = fmt.Fprint(opts.IO.Out, md)
		return err
	}
	r, err := renderer(opts.IO, opts.Width)
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(opts.IO.Out, r.Render(md))
	return err
}

// ShowMarkdown is the whole lesson as one Markdown page: title, concepts,
// body, how to run its demos, its quiz questions (without the answers) and
// the exercise stages it prepares.
func ShowMarkdown(c *lessons.Course, l *lessons.Lesson, lang string) string {
	pg := l.Page(lang)
	p := i18n.New(lang)
	zh := lang == "zh"
	var b strings.Builder
	fmt.Fprintf(&b, "# %d. %s\n\n", l.Number, pg.Title)
	label, sep := p.Sprintf(i18n.ShowConcepts), ": "
	if zh {
		sep = "："
	}
	fmt.Fprintf(&b, "*%s%s%s*\n\n", label, sep, strings.Join(pg.Concepts, " · "))
	b.WriteString(pg.Body)
	if len(l.Demos) > 0 {
		fmt.Fprintf(&b, "\n---\n\n%s\n", p.Sprintf(i18n.ShowRunDemo, l.ID, strings.Join(l.Demos, ", ")))
	}
	fmt.Fprintf(&b, "\n%s\n\n", p.Sprintf(i18n.ShowQuiz, l.ID))
	for i, q := range pg.Quiz {
		// A backslash at the end of a line is a hard line break: each
		// choice stays on a line of its own.
		fmt.Fprintf(&b, "%d. %s\\\n", i+1, q.Text)
		if q.Live != "" {
			p.Fprintln(&b, i18n.ShowTyped)
		}
		for j, ch := range q.Choices {
			end := "\\\n"
			if j == len(q.Choices)-1 {
				end = "\n"
			}
			fmt.Fprintf(&b, "   %c) %s%s", 'a'+j, ch, end)
		}
	}
	writeExercises(&b, l, p)
	return b.String()
}

// writeExercises names the exercise stages the lesson prepares and the
// commands that start them.
func writeExercises(b *strings.Builder, l *lessons.Lesson, p i18n.Printer) {
	ex := l.Exercises()
	if len(ex) == 0 {
		return
	}
	var names, cmds []string
	seen := map[string]bool{}
	for _, s := range ex {
		names = append(names, "`"+s.String()+"`")
		if !seen[s.Track] {
			seen[s.Track] = true
			initCmd, watchCmd := lessons.ExerciseCommands(s.Track, "python", "")
			cmds = append(cmds, "    "+initCmd, "    "+watchCmd)
		}
	}
	p.Fprintln(b, i18n.ShowExercises, strings.Join(names, p.Sprintf(i18n.ListSep)), strings.Join(cmds, "\n"))
}
