package lessons

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
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
		Short: "List the lessons in course order",
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
	cmd.Flags().BoolVar(&opts.JSON, "json", false, `print [{"id","title","concepts","languages"}] as JSON`)
	return cmd
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
	list := c.List(lang)
	if opts.JSON {
		b, err := json.Marshal(list)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(opts.IO.Out, "%s\n", b)
		return err
	}
	for i, l := range list {
		fmt.Fprintf(opts.IO.Out, "%2d  %-20s  %s\n", i+1, l.ID, l.Title)
		fmt.Fprintf(opts.IO.Out, "    %-20s  %s\n", "", strings.Join(l.Concepts, " · "))
	}
	return nil
}
