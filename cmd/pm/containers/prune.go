package containers

import (
	"fmt"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newPruneCommand, Sub: "prune"})
}

func newPruneCommand(name string) *cobra.Command {
	var force bool
	var filters []string
	cmd := &cobra.Command{
		Use:   name + " [options]",
		Short: "Remove all non-running containers",
		Args:  cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !force {
				if !cli.Confirm("WARNING! This will remove all non running containers.") {
					return nil
				}
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			rep, err := eng.ContainerPrune(cmd.Context(), filters)
			if rep != nil {
				for _, id := range rep.Removed {
					fmt.Println(id)
				}
			}
			return err
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "Do not prompt for confirmation")
	cmd.Flags().StringArrayVar(&filters, "filter", nil, "Only containers that pass these filters: label=, label!=, until=")
	return cmd
}
