package containers

import (
	"context"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newPauseCommand, Sub: "pause", Top: "pause"})
}

func newPauseCommand(name string) *cobra.Command {
	return pauseCommand(name, "Pause all the processes in one or more containers", "Pause all running containers",
		define.StatusRunning, (*engine.Engine).ContainerPause)
}

// pauseCommand builds pause and unpause, which differ in the action and in
// which containers --all means.
func pauseCommand(name, short, allHelp string, allStatus define.ContainerStatus,
	act func(*engine.Engine, context.Context, string) (string, error)) *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   name + " [options] CONTAINER [CONTAINER...]",
		Short: short,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !all {
				return define.Invalidf("%q requires at least 1 arg(s)", cmd.CommandPath())
			}
			if len(args) > 0 && all {
				return define.Invalidf("--all and a container name cannot be used together")
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			names := args
			if all {
				if names, err = eng.ContainerIDsWithStatus(cmd.Context(), allStatus); err != nil {
					return err
				}
			}
			return forEach(cmd.Context(), names, func(ctx context.Context, n string) (string, error) {
				if _, err := act(eng, ctx, n); err != nil {
					return "", err
				}
				return n, nil
			})
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, allHelp)
	return cmd
}
