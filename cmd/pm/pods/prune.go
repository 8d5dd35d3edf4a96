package pods

import (
	"fmt"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newPruneCommand) }

func newPruneCommand() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "prune [options]",
		Short: "Remove all stopped pods and their containers",
		Args:  cobraNoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !force {
				if !cli.Confirm("WARNING! This will remove all stopped/exited pods..") {
					return nil
				}
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			ids, err := eng.PodPrune(cmd.Context())
			for _, id := range ids {
				fmt.Println(id)
			}
			return err
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "Do not ask for confirmation")
	return cmd
}
