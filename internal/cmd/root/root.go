// Package root assembles the wirelab command tree.
package root

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/internal/build"
	checkcmd "github.com/wirelab/wirelab/internal/cmd/check"
	exercisecmd "github.com/wirelab/wirelab/internal/cmd/exercise"
	httpcmd "github.com/wirelab/wirelab/internal/cmd/http"
	httpscmd "github.com/wirelab/wirelab/internal/cmd/https"
	learncmd "github.com/wirelab/wirelab/internal/cmd/learn"
	lessonscmd "github.com/wirelab/wirelab/internal/cmd/lessons"
	pollcmd "github.com/wirelab/wirelab/internal/cmd/poll"
	pmcmd "github.com/wirelab/wirelab/internal/cmd/postmessage"
	wscmd "github.com/wirelab/wirelab/internal/cmd/ws"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/iostreams"
)

// NewCmdRoot returns the wirelab root command writing to ios.
func NewCmdRoot(ios *iostreams.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:           "wirelab <command>",
		Short:         i18n.Pair(i18n.HelpRootShort)[0],
		Long:          i18n.Pair(i18n.HelpRootLong)[0],
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	cmd.SetIn(ios.In)
	cmd.SetOut(ios.Out)
	cmd.SetErr(ios.ErrOut)
	cmd.AddCommand(newCmdVersion(ios))
	cmd.AddCommand(httpcmd.NewCmdHTTP(ios))
	cmd.AddCommand(httpscmd.NewCmdHTTPS(ios))
	cmd.AddCommand(wscmd.NewCmdWS(ios))
	cmd.AddCommand(pmcmd.NewCmdPostMessage(ios))
	cmd.AddCommand(learncmd.NewCmdLearn(ios, nil), lessonscmd.NewCmdLessons(ios))
	cmd.AddCommand(pollcmd.NewCmdPoll(ios), pollcmd.NewCmdCompare(ios, nil))
	cmd.AddCommand(checkcmd.NewCmdCheck(ios, nil))
	cmd.AddCommand(exercisecmd.NewCmdExercise(ios))
	// Add cobra's help and completion commands now, not at Execute, so
	// they too reject unknown names.
	cmd.InitDefaultHelpCmd()
	cmd.InitDefaultCompletionCmd()
	addCompletions(cmd)
	rejectUnknown(cmd)
	return cmd
}

func newCmdVersion(ios *iostreams.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: i18n.Pair(i18n.HelpVersionShort)[0],
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprintf(ios.Out, "wirelab %s\n", build.String())
			return err
		},
	}
}
