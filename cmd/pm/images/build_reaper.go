package images

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newBuildReaperCommand, Top: engine.BuildReaperCommand})
}

// newBuildReaperCommand is the command of the reaper each build starts;
// no one else should run it.
func newBuildReaperCommand(name string) *cobra.Command {
	return &cobra.Command{
		Use:    name,
		Short:  "Remove the containers of a build that ended without removing them",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			signal.Ignore(syscall.SIGHUP, syscall.SIGINT, syscall.SIGTERM, syscall.SIGPIPE)
			left := engine.BuildReapNames(os.Stdin)
			if len(left) == 0 {
				return nil
			}
			eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
			if err != nil {
				return err
			}
			eng.BuildReap(context.Background(), left)
			return nil
		},
	}
}
