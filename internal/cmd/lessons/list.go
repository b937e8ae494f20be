package lessons

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/lessons"
)

// ListOptions are the flags of "wirelab lessons list".
type ListOptions struct {
	IO   *iostreams.IOStreams
	Lang string
	JSON bool
}

// NewCmdList returns "wirelab lessons list". runF replaces the behaviour in
// tests; nil runs runList.
func NewCmdList(ios *iostreams.IOStreams, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "list",
		Short: i18n.Pair(i18n.HelpListShort)[0],
		Long:  i18n.Pair(i18n.HelpListLong)[0],
		Example: `  wirelab lessons list
  wirelab lessons list --lang zh
  wirelab lessons list --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := validateLang(opts.Lang); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runList(opts)
		},
	}
	addLangFlag(cmd, &opts.Lang)
	cmd.Flags().BoolVar(&opts.JSON, "json", false, i18n.Pair(i18n.FlagListJSON)[0])
	return cmd
}

// listEntry is a lesson as listed: the course's entry and the learner's
// progress on it. The fields after Languages were added later; the ones
// before keep their meaning.
type listEntry struct {
	lessons.ListEntry
	Done      bool            `json:"done"`
	Exercises []exerciseEntry `json:"exercises"`
}

type exerciseEntry struct {
	lessons.ExerciseStage
	Passed bool `json:"passed"`
}

func runList(opts *ListOptions) error {
	lang, err := resolveLang(opts.Lang)
	if err != nil {
		return err
	}
	c, err := lessons.New()
	if err != nil {
		return err
	}
	prog, err := lessons.LoadDefaultProgress(os.Getenv)
	if err != nil {
		fmt.Fprintf(opts.IO.ErrOut, "wirelab: progress not shown: %v\n", err)
	}
	var list []listEntry
	for i, e := range c.List(lang) {
		le := listEntry{ListEntry: e, Done: prog.IsDone(e.ID), Exercises: []exerciseEntry{}}
		for _, s := range c.Lesson(i + 1).Exercises() {
			le.Exercises = append(le.Exercises, exerciseEntry{s, prog.StagePassed(s.Track, s.Stage)})
		}
		list = append(list, le)
	}
	if opts.JSON {
		b, err := json.Marshal(list)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(opts.IO.Out, "%s\n", b)
		return err
	}
	done := 0
	for i, l := range list {
		mark := " "
		if l.Done {
			mark = "✓"
			done++
		}
		if l.ID == prog.Lesson {
			mark = "▶"
		}
		fmt.Fprintf(opts.IO.Out, "%s %2d  %-20s  %s\n", mark, i+1, l.ID, l.Title)
		fmt.Fprintf(opts.IO.Out, "     %-20s  %s\n", "", strings.Join(l.Concepts, " · "))
		if len(l.Exercises) > 0 {
			fmt.Fprintf(opts.IO.Out, "     %-20s  %s%s\n", "", i18n.New(lang).Sprintf(i18n.ListExercises), exerciseList(l.Exercises))
		}
	}
	i18n.New(lang).Fprintln(opts.IO.Out, i18n.ListFooter, done, len(list), prog.StageSummary())
	return nil
}

// exerciseList writes stages as "ws:handshake ✓ ws:accept-key".
func exerciseList(es []exerciseEntry) string {
	var parts []string
	for _, e := range es {
		p := e.String()
		if e.Passed {
			p += " ✓"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "  ")
}
