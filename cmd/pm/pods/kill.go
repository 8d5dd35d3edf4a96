package pods

import (
	"context"

	"github.com/pm-project/pm/pkg/specgen"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newKillCommand) }

func newKillCommand() *cobra.Command {
	var all bool
	var signal string
	cmd := &cobra.Command{
		Use:   "kill [options] POD [POD...]",
		Short: "Send a signal to the containers of one or more pods",
		RunE: func(cmd *cobra.Command, args []string) error {
			sig, err := specgen.ParseSignal(signal)
			if err != nil {
				return err
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			return forEachPod(cmd, eng, args, all, func(ctx context.Context, n string) (string, error) {
				return eng.PodKill(ctx, n, sig)
			})
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "Kill all pods")
	cmd.Flags().StringVarP(&signal, "signal", "s", "KILL", "Signal to send to the pod's containers")
	return cmd
}
