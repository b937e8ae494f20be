// Package exercise holds "wirelab exercise list|init": the build-your-own
// server tracks of lessons/exercise.
package exercise

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/lessons"
	lex "github.com/wirelab/wirelab/lessons/exercise"
)

// NewCmdExercise returns the "exercise" command group.
func NewCmdExercise(ios *iostreams.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "exercise <command>",
		Short: "Build your own HTTP or WebSocket server, stage by stage, in Python or Go",
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
		Use: "list", Short: "List the tracks, their stages and languages", Args: cobra.NoArgs,
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
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the tracks as JSON")
	cmd.Flags().StringVar(&opts.UI, "ui-lang", "", "language of messages: `en` or zh (default from LANG)")
	return cmd
}

func runList(opts *ListOptions) error {
	ts := lex.Tracks()
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
		if ui == "zh" {
			fmt.Fprintf(opts.IO.Out, "%s（%d 个阶段）：%s\n", t.Track, len(t.Stages), strings.Join(t.Stages, " → "))
		} else {
			fmt.Fprintf(opts.IO.Out, "%s (%d stages): %s\n", t.Track, len(t.Stages), strings.Join(t.Stages, " → "))
		}
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
		Use: "init http|ws --lang python|go [DIR]", Short: "Write a runnable starter into DIR (default: the track's name)",
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
	cmd.Flags().StringVar(&opts.Lang, "lang", "", "the language you write the server in: `python` or go")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "overwrite files that exist")
	cmd.Flags().BoolVar(&opts.Solution, "solution", false, "write the reference solution instead (default DIR: TRACK-LANG-solution)")
	cmd.Flags().StringVar(&opts.UI, "ui-lang", "", "language of messages: `en` or zh (default from LANG)")
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
	if ui == "zh" {
		fmt.Fprintf(opts.IO.Out, "运行：cd %s && %s\n检查：wirelab check %s\n", opts.Dir, run, opts.Track)
	} else {
		fmt.Fprintf(opts.IO.Out, "run: cd %s && %s\ncheck: wirelab check %s\n", opts.Dir, run, opts.Track)
	}
	return nil
}
