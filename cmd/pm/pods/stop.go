package pods

import (
	"context"

	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs,
		func() *cobra.Command {
			return newTimedVerb("stop", "Stop", (*engine.Engine).PodStop)
		},
		func() *cobra.Command {
			return newTimedVerb("restart", "Restart", (*engine.Engine).PodRestart)
		})
}

// newTimedVerb is pod stop or pod restart: a verb on pods (or --all) that
// waits --time seconds for their containers to stop.
func newTimedVerb(name, title string, fn func(*engine.Engine, context.Context, string, *uint) (string, error)) *cobra.Command {
	var all bool
	var timeout uint
	var idFiles []string
	cmd := &cobra.Command{
		Use:   name + " [options] POD [POD...]",
		Short: title + " one or more pods",
		RunE: func(cmd *cobra.Command, args []string) error {
			args, none, err := podArgs(args, idFiles, false)
			if err != nil || none {
				return err
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			var t *uint
			if cmd.Flags().Changed("time") {
				t = &timeout
			}
			return forEachPod(cmd, eng, args, all, func(ctx context.Context, n string) (string, error) {
				return fn(eng, ctx, n, t)
			})
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, title+" all pods")
	cmd.Flags().UintVarP(&timeout, "time", "t", 10, "Seconds to wait for the pod's containers to stop before killing them")
	cmd.Flags().StringArrayVar(&idFiles, "pod-id-file", nil, "Read the pod ID from the file")
	return cmd
}
