package pods

import (
	"context"
	"errors"

	"github.com/pm-project/pm/libpod/define"
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
	var all, ignore bool
	var timeout uint
	var idFiles []string
	cmd := &cobra.Command{
		Use:   name + " [options] POD [POD...]",
		Short: title + " one or more pods",
		RunE: func(cmd *cobra.Command, args []string) error {
			args, none, err := podArgs(args, idFiles, ignore)
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
				out, err := fn(eng, ctx, n, t)
				if err != nil && ignore && errors.Is(err, define.ErrNoSuchPod) {
					return "", nil
				}
				return out, err
			})
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, title+" all pods")
	cmd.Flags().UintVarP(&timeout, "time", "t", 10, "Seconds to wait for the pod's containers to stop before killing them")
	cmd.Flags().StringArrayVar(&idFiles, "pod-id-file", nil, "Read the pod ID from the file")
	if name == "stop" {
		cmd.Flags().BoolVarP(&ignore, "ignore", "i", false, "Ignore errors when a specified pod is missing")
	}
	return cmd
}
