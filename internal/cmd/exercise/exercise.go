// Package exercise holds "wirelab exercise list|init": the build-your-own
// server tracks of lessons/exercise.
package exercise

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/lessons"
	lex "github.com/wirelab/wirelab/lessons/exercise"
)

// NewCmdExercise returns the "exercise" command group.
func NewCmdExercise(ios *iostreams.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "exercise <command>",
		Short: i18n.Pair(i18n.HelpExerciseShort)[0],
	}
	cmd.AddCommand(NewCmdList(ios, nil), NewCmdInit(ios, nil))
	return cmd
}

// ListOptions are the flags of "wirelab exercise list".
type ListOptions struct {
	IO   *iostreams.IOStreams
	JSON bool
	UI   string
}

// NewCmdList returns "wirelab exercise list".
func NewCmdList(ios *iostreams.IOStreams, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: ios}
	cmd := &cobra.Command{
		Use: "list", Short: i18n.Pair(i18n.HelpExerciseListShort)[0], Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := lessons.ResolveLang(opts.UI, os.Getenv); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runList(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, i18n.Pair(i18n.FlagExerciseListJSON)[0])
	cmd.Flags().StringVar(&opts.UI, "ui-lang", "", i18n.Pair(i18n.FlagExerciseInitUILang)[0])
	return cmd
}

// listTrack is a track as listed: lessons/exercise's Track and the stages
// the learner's server has passed ("passed" was added later; the other
// keys keep their meaning).
type listTrack struct {
	lex.Track
	Passed []string `json:"passed"`
}

func runList(opts *ListOptions) error {
	prog, err := lessons.LoadDefaultProgress(os.Getenv)
	if err != nil {
		fmt.Fprintf(opts.IO.ErrOut, "wirelab: progress not shown: %v\n", err)
	}
	var ts []listTrack
	for _, t := range lex.Tracks() {
		lt := listTrack{Track: t, Passed: []string{}}
		for _, id := range t.Stages {
			if prog.StagePassed(t.Track, id) {
				lt.Passed = append(lt.Passed, id)
			}
		}
		ts = append(ts, lt)
	}
	if opts.JSON {
		b, err := json.Marshal(ts)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(opts.IO.Out, "%s\n", b)
		return err
	}
	ui, _ := lessons.ResolveLang(opts.UI, os.Getenv)
	for _, t := range ts {
		stages := make([]string, len(t.Stages))
		for i, id := range t.Stages {
			stages[i] = id
			if slices.Contains(t.Passed, id) {
				stages[i] += " ✓"
			}
		}
		i18n.New(ui).Fprintln(opts.IO.Out, i18n.ExerciseListLine, t.Track.Track, len(t.Stages), len(t.Passed), strings.Join(stages, " → "))
		fmt.Fprintf(opts.IO.Out, "  python: %s   go: %s\n", t.Languages.Python.Run, t.Languages.Go.Run)
	}
	return nil
}

// InitOptions are the arguments and flags of "wirelab exercise init".
type InitOptions struct {
	IO    *iostreams.IOStreams
	Track string
	Lang  string
	Dir   string
	Force bool
	UI    string
	// Solution writes the reference solution instead of the starter.
	Solution bool
}

// NewCmdInit returns "wirelab exercise init http|ws --lang python|go [DIR]".
func NewCmdInit(ios *iostreams.IOStreams, runF func(*InitOptions) error) *cobra.Command {
	opts := &InitOptions{IO: ios}
	cmd := &cobra.Command{
		Use: "init http|ws --lang python|go [DIR]", Short: i18n.Pair(i18n.HelpExerciseInitShort)[0],
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Track = args[0]
			if opts.Track != "http" && opts.Track != "ws" {
				return fmt.Errorf("unknown track %q: want http or ws", opts.Track)
			}
			if opts.Lang != "python" && opts.Lang != "go" {
				return fmt.Errorf("--lang %q: want python or go", opts.Lang)
			}
			opts.Dir = opts.Track + "-" + opts.Lang
			if opts.Solution {
				opts.Dir += "-solution"
			}
			if len(args) == 2 {
				opts.Dir = args[1]
			}
			if _, err := lessons.ResolveLang(opts.UI, os.Getenv); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runInit(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Lang, "lang", "", i18n.Pair(i18n.FlagExerciseInitLang)[0])
	cmd.Flags().BoolVar(&opts.Force, "force", false, i18n.Pair(i18n.FlagExerciseInitForce)[0])
	cmd.Flags().BoolVar(&opts.Solution, "solution", false, i18n.Pair(i18n.FlagExerciseInitSolution)[0])
	cmd.Flags().StringVar(&opts.UI, "ui-lang", "", i18n.Pair(i18n.FlagExerciseInitUILang)[0])
	return cmd
}

func runInit(opts *InitOptions) error {
	write := lex.Init
	if opts.Solution {
		write = lex.InitSolution
	}
	files, err := write(opts.Track, opts.Lang, opts.Dir, opts.Force)
	if err != nil {
		return err
	}
	ui, _ := lessons.ResolveLang(opts.UI, os.Getenv)
	run := lex.RunCommand(opts.Lang)
	for _, f := range files {
		fmt.Fprintln(opts.IO.Out, f)
	}
	_, watch := lessons.ExerciseCommands(opts.Track, opts.Lang, opts.Dir)
	i18n.New(ui).Fprintln(opts.IO.Out, i18n.ExerciseInitNext, opts.Dir, run, opts.Track, watch)
	return nil
}
