package containers

import (
	"context"
	"errors"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newStopCommand, Sub: "stop", Top: "stop"})
}

func newStopCommand(name string) *cobra.Command {
	var all, ignore bool
	var timeout uint
	var cidFiles, filters []string
	cmd := &cobra.Command{
		Use:   name + " [options] CONTAINER [CONTAINER...]",
		Short: "Stop one or more containers",
		RunE: func(cmd *cobra.Command, args []string) error {
			ids, err := cli.ReadIDFiles(cidFiles, "CIDFile", ignore)
			if err != nil {
				return err
			}
			if len(cidFiles) > 0 && len(ids) == 0 {
				return nil
			}
			args = append(args, ids...)
			if len(args) == 0 && !all && len(filters) == 0 {
				return define.Invalidf("%q requires at least 1 arg(s)", cmd.CommandPath())
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			var t *uint
			if cmd.Flags().Changed("time") || cmd.Flags().Changed("timeout") {
				t = &timeout
			}
			names, err := eng.ContainersToStop(cmd.Context(), args, all, filters)
			if err != nil {
				return err
			}
			return forEachParallel(cmd.Context(), eng, names, func(ctx context.Context, n string) (string, error) {
				_, err := eng.ContainerStop(ctx, n, t)
				if err != nil {
					if ignore && errors.Is(err, define.ErrNoSuchCtr) {
						return "", nil
					}
					return "", err
				}
				return n, nil
			})
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&all, "all", "a", false, "Stop all running containers")
	fs.BoolVarP(&ignore, "ignore", "i", false, "Ignore errors when a specified container is missing")
	fs.UintVarP(&timeout, "time", "t", 10, "Seconds to wait for stop before killing the container")
	fs.StringArrayVar(&cidFiles, "cidfile", nil, "Read the container ID from the file")
	fs.StringSliceVarP(&filters, "filter", "f", nil, "Filter the containers to stop, as pm ps's --filter")
	// Podman's older name of --time.
	fs.UintVar(&timeout, "timeout", 10, "Seconds to wait for stop before killing the container (same as --time)")
	_ = fs.MarkHidden("timeout")
	return cmd
}
