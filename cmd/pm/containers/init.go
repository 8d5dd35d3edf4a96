package containers

import (
	"context"
	"errors"

	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newInitCommand, Sub: "init", Top: "init"})
}

func newInitCommand(name string) *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   name + " [options] CONTAINER [CONTAINER...]",
		Short: "Initialize one or more containers",
		Long: `Create each container in the OCI runtime (conmon and "runtime create")
without starting it, so that "pm start" only has to run it.`,
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
			names, err := targets(cmd.Context(), eng, args, all, false)
			if err != nil {
				return err
			}
			return forEach(cmd.Context(), names, func(ctx context.Context, n string) (string, error) {
				if _, err := eng.ContainerInit(ctx, n); err != nil {
					if all && errors.Is(err, define.ErrInvalidState) {
						return "", nil
					}
					return "", err
				}
				return n, nil
			})
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "Initialize all containers")
	return cmd
}
