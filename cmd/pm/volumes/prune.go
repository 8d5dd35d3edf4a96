package volumes

import (
	"fmt"
	"os"
	"strings"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
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
				unused, err := eng.VolumeList(cmd.Context(), append([]string{"dangling=true"}, filters...))
				if err != nil {
					return err
				}
				warning := "WARNING! This will remove all volumes not used by at least one container. The following volumes will be removed:"
				for _, v := range unused {
					warning += "\n" + v.Name
				}
				if !confirm(os.Stdin, warning) {
					return nil
				}
			}
			names, err := eng.VolumePrune(cmd.Context(), filters)
			var b strings.Builder
			for _, n := range names {
				fmt.Fprintln(&b, n)
			}
			os.Stdout.WriteString(b.String())
			return err
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "Do not prompt for confirmation")
	cmd.Flags().StringArrayVar(&filters, "filter", nil, "Provide filter values (e.g. label=<key>=<value>)")
	return cmd
}
