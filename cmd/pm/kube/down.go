package kube

import (
	"github.com/spf13/cobra"
)

// NewDownCommand returns `kube down`.
func NewDownCommand() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "down [options] FILE|-",
		Short: "Remove the pods and containers a kube play of the YAML created",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := readInput(cmd, args[0])
			if err != nil {
				return err
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			rep, err := eng.KubeDown(cmd.Context(), data, force)
			printDown(rep)
			return err
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "Also remove the volumes of the YAML's PersistentVolumeClaims")
	return cmd
}
