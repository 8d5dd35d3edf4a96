package pods

import (
	"context"

	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newStopCommand) }

func newStopCommand() *cobra.Command {
	var all bool
	var timeout uint
	cmd := &cobra.Command{
		Use:   "stop [options] POD [POD...]",
		Short: "Stop one or more pods",
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			var t *uint
			if cmd.Flags().Changed("time") {
				t = &timeout
			}
			return forEachPod(cmd, eng, args, all, func(ctx context.Context, n string) (string, error) {
				return eng.PodStop(ctx, n, t)
			})
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "Stop all pods")
	cmd.Flags().UintVarP(&timeout, "time", "t", 10, "Seconds to wait for the pod's containers to stop before killing them")
	return cmd
}
