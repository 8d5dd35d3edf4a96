package pods

import (
	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newExistsCommand) }

func newExistsCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "exists POD",
		Short: "Exit 0 if a pod exists, 1 if not",
		Args:  cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			ok, err := eng.PodExists(cmd.Context(), args[0])
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
