package containers

import (
	"context"

	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newRestartCommand, Sub: "restart", Top: "restart"})
}

func newRestartCommand(name string) *cobra.Command {
	var all, running bool
	var timeout uint
	cmd := &cobra.Command{
		Use:   name + " [options] CONTAINER [CONTAINER...]",
		Short: "Restart one or more containers",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !all {
				return define.Invalidf("%q requires at least 1 arg(s)", cmd.CommandPath())
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			var t *uint
			if cmd.Flags().Changed("time") {
				t = &timeout
			}
			names, err := targets(cmd.Context(), eng, args, all, running)
			if err != nil {
				return err
			}
			return forEach(cmd.Context(), names, func(ctx context.Context, n string) (string, error) {
				if _, err := eng.ContainerRestart(ctx, n, t); err != nil {
					return "", err
				}
				return n, nil
			})
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&all, "all", "a", false, "Restart all non-running containers")
	fs.BoolVar(&running, "running", false, "Restart only running containers")
	fs.UintVarP(&timeout, "time", "t", 10, "Seconds to wait for stop before killing the container")
	return cmd
}
