package containers

import (
	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newExistsCommand, Sub: "exists"})
}

func newExistsCommand(name string) *cobra.Command {
	return &cobra.Command{
		Use:   name + " CONTAINER",
		Short: "Exit 0 if a container exists, 1 if not",
		Args:  cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			ok, err := eng.ContainerExists(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if !ok {
				return &define.ExitCodeError{Code: 1}
			}
			return nil
		},
	}
}
