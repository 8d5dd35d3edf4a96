package networks

import (
	"fmt"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newPruneCommand) }

func newPruneCommand() *cobra.Command {
	var force bool
	var filters []string
	cmd := &cobra.Command{
		Use:   "prune [options]",
		Short: "Remove networks no container uses",
		Args:  cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !force {
				if !cli.Confirm("WARNING! This will remove all networks not used by at least one container.") {
					return nil
				}
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			rep, err := eng.NetworkPrune(cmd.Context(), filters)
			if rep != nil {
				for _, n := range rep.Removed {
					fmt.Println(n)
				}
			}
			return err
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "Do not prompt for confirmation")
	cmd.Flags().StringArrayVar(&filters, "filter", nil, "Only networks that pass these filters: label=, label!=, until=")
	return cmd
}
