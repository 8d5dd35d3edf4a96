package containers

import (
	"fmt"
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/cmd/pm/internal/createflags"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newCreateCommand, Sub: "create", Top: "create"})
}

func newCreateCommand(name string) *cobra.Command {
	var f createflags.Flags
	cmd := &cobra.Command{
		Use:   name + " [options] IMAGE [COMMAND [ARG...]]",
		Short: "Create but do not start a container",
		Args:  cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := f.Spec(cmd.Flags(), args)
			if err != nil {
				return err
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			rep, err := eng.ContainerCreate(cmd.Context(), s)
			if err != nil {
				return err
			}
			for _, w := range rep.Warnings {
				fmt.Fprintln(os.Stderr, w)
			}
			fmt.Println(rep.ID)
			return nil
		},
	}
	f.Bind(cmd.Flags())
	return cmd
}
