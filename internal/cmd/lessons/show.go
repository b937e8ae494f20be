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
}

// NewCmdShow returns "wirelab lessons show". runF replaces the behaviour in
// tests; nil runs runShow.
func NewCmdShow(ios *iostreams.IOStreams, runF func(*ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "show LESSON",
		Short: "Print a lesson: its text, its demos and its quiz questions",
		Example: `  wirelab lessons show 3
  wirelab lessons show ws-frames --lang zh
  wirelab lessons show dns --raw`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Lesson = args[0]
			if err := validateLang(opts.Lang); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runShow(opts)
		},
	}
	addLangFlag(cmd, &opts.Lang)
	cmd.Flags().BoolVar(&opts.Raw, "raw", false, "print the Markdown source")
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
	r, err := renderer(opts.IO)
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(opts.IO.Out, r.Render(md))
	return err
}

// ShowMarkdown is the whole lesson as one Markdown page: title, concepts,
// body, how to run its demos and its quiz questions (without the answers).
func ShowMarkdown(c *lessons.Course, l *lessons.Lesson, lang string) string {
	pg := l.Page(lang)
	p := i18n.New(lang)
	var b strings.Builder
	fmt.Fprintf(&b, "# %d. %s\n\n", l.Number, pg.Title)
	label := p.Sprintf(i18n.ShowConcepts)
	fmt.Fprintf(&b, "*%s: %s*\n\n", label, strings.Join(pg.Concepts, " · "))
	b.WriteString(pg.Body)
	if len(l.Demos) > 0 {
		fmt.Fprintf(&b, "\n---\n\n%s\n", p.Sprintf(i18n.ShowRunDemo, l.ID, strings.Join(l.Demos, ", ")))
	}
	fmt.Fprintf(&b, "\n%s\n\n", p.Sprintf(i18n.ShowQuiz, l.ID))
	for i, q := range pg.Quiz {
		fmt.Fprintf(&b, "%d. %s\n", i+1, q.Text)
		for j, ch := range q.Choices {
			fmt.Fprintf(&b, "   %c) %s\n", 'a'+j, ch)
		}
	}
	return b.String()
}
