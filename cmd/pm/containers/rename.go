package containers

import (
	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newRenameCommand, Sub: "rename", Top: "rename"})
}

func newRenameCommand(name string) *cobra.Command {
	return &cobra.Command{
		Use:   name + " CONTAINER NAME",
		Short: "Rename an existing container",
		Args:  cli.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			return eng.ContainerRename(cmd.Context(), args[0], args[1])
		},
	}
}
