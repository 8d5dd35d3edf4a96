package volumes

import (
	"fmt"
	"os"
	"strings"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newPruneCommand) }

func newPruneCommand() *cobra.Command {
	var force bool
	var filters []string
	cmd := &cobra.Command{
		Use:   "prune [options]",
		Short: "Remove all unused volumes",
		Long:  "Remove every volume no container uses. Without --force it asks first, reading the answer from stdin.",
		Args:  cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			if !force {
				unused, err := eng.VolumePrune(cmd.Context(), engine.VolumePruneRequest{Filters: filters, DryRun: true})
				if err != nil {
					return err
				}
				warning := "WARNING! This will remove all volumes not used by at least one container. The following volumes will be removed:"
				for _, n := range unused.Removed {
					warning += "\n" + n
				}
				if !confirm(os.Stdin, warning) {
					return nil
				}
			}
			rep, err := eng.VolumePrune(cmd.Context(), engine.VolumePruneRequest{Filters: filters})
			var b strings.Builder
			if rep != nil {
				for _, n := range rep.Removed {
					fmt.Fprintln(&b, n)
				}
			}
			os.Stdout.WriteString(b.String())
			return err
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "Do not prompt for confirmation")
	cmd.Flags().StringArrayVar(&filters, "filter", nil, "Only volumes that pass these filters: label=, label!=, until=")
	return cmd
}
