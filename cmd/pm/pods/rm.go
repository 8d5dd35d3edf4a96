package pods

import (
	"context"
	"errors"
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newRmCommand) }

func newRmCommand() *cobra.Command {
	var all, force, ignore bool
	var timeout uint
	var idFiles []string
	cmd := &cobra.Command{
		Use:   "rm [options] POD [POD...]",
		Short: "Remove one or more pods",
		RunE: func(cmd *cobra.Command, args []string) (retErr error) {
			args, none, err := podArgs(args, idFiles, ignore)
			if err != nil || none {
				return err
			}
			// The files go with their pods, so that a unit's next start
			// can write them again.
			defer func() {
				for _, f := range idFiles {
					if retErr == nil {
						os.Remove(f)
					}
				}
			}()
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			var t *uint
			if cmd.Flags().Changed("time") {
				t = &timeout
			}
			return forEachPod(cmd, eng, args, all, func(ctx context.Context, n string) (string, error) {
				id, err := eng.PodRemove(ctx, n, force, t)
				if err != nil && (ignore || force) && errors.Is(err, define.ErrNoSuchPod) {
					return "", nil
				}
				// Exit 1 for a missing pod, 2 for one with running containers.
				return id, cli.RemoveExit(err, func(err error) bool { return errors.Is(err, define.ErrInvalidState) })
			})
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&all, "all", "a", false, "Remove all pods")
	fs.BoolVarP(&force, "force", "f", false, "Stop running containers, then remove the pod")
	fs.BoolVarP(&ignore, "ignore", "i", false, "Ignore errors when a specified pod is missing")
	fs.UintVarP(&timeout, "time", "t", 10, "Seconds to wait for the pod's containers to stop before killing them")
	fs.StringArrayVar(&idFiles, "pod-id-file", nil, "Read the pod ID from the file")
	return cmd
}
