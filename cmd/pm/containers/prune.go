package containers

import (
	"fmt"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{mk: newPruneCommand, sub: "prune"})
}

func newPruneCommand(name string) *cobra.Command {
	var force bool
	var filters []string
	cmd := &cobra.Command{
		Use:   name + " [options]",
		Short: "Remove all non-running containers",
		Args:  cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			// The engine's prune takes no filters yet: refuse rather than
			// remove every stopped container the filter was meant to spare.
			if len(filters) > 0 {
				return define.Errorf(define.ErrUnsupported, "container prune --filter is not supported yet")
			}
			if !force {
				if !cli.Confirm("WARNING! This will remove all non running containers.") {
					return nil
				}
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			ids, err := eng.ContainerPrune(cmd.Context())
			for _, id := range ids {
				fmt.Println(id)
			}
			return err
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "Do not prompt for confirmation")
	cmd.Flags().StringArrayVar(&filters, "filter", nil, "Provide filter values (e.g. 'label=<key>=<value>')")
	return cmd
}
