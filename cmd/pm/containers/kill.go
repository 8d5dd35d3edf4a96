package containers

import (
	"context"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/specgen"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newKillCommand, Sub: "kill", Top: "kill"})
}

func newKillCommand(name string) *cobra.Command {
	var all bool
	var signal string
	cmd := &cobra.Command{
		Use:   name + " [options] CONTAINER [CONTAINER...]",
		Short: "Kill one or more running containers with a specific signal",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !all {
				return define.Invalidf("%q requires at least 1 arg(s)", cmd.CommandPath())
			}
			sig, err := specgen.ParseSignal(signal)
			if err != nil {
				return err
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			names, err := targets(cmd.Context(), eng, args, all, true)
			if err != nil {
				return err
			}
			return forEachParallel(cmd.Context(), eng, names, func(ctx context.Context, n string) (string, error) {
				if _, err := eng.ContainerKill(ctx, n, sig); err != nil {
					return "", err
				}
				return n, nil
			})
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&all, "all", "a", false, "Signal all running containers")
	fs.StringVarP(&signal, "signal", "s", "KILL", "Signal to send to the container")
	return cmd
}
