package containers

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newRmCommand, Sub: "rm", Aliases: []string{"remove"}, Top: "rm"})
}

func newRmCommand(name string) *cobra.Command {
	var all, force, ignore, volumes, depend bool
	var timeout uint
	var cidFiles []string
	cmd := &cobra.Command{
		Use:   name + " [options] CONTAINER [CONTAINER...]",
		Short: "Remove one or more containers",
		RunE: func(cmd *cobra.Command, args []string) (retErr error) {
			ids, err := cli.ReadIDFiles(cidFiles, "CIDFile", ignore)
			if err != nil {
				return err
			}
			if len(cidFiles) > 0 {
				// The files go with their containers, so that a unit's
				// next start can write them again.
				defer func() {
					for _, f := range cidFiles {
						if retErr == nil {
							os.Remove(f)
						}
					}
				}()
				if len(ids) == 0 {
					return nil
				}
			}
			args = append(args, ids...)
			if len(args) == 0 && !all {
				return define.Invalidf("%q requires at least 1 arg(s)", cmd.CommandPath())
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			var t *uint
			if cmd.Flags().Changed("time") {
				t = &timeout
			}
			names, err := targets(cmd.Context(), eng, args, all, false)
			if err != nil {
				return err
			}
			one := func(ctx context.Context, n string, depend bool) (string, error) {
				deps, err := eng.ContainerRemoveChecked(ctx, n, force, depend, volumes, t)
				for _, d := range deps {
					fmt.Println(d)
				}
				if err != nil {
					if errors.Is(err, define.ErrNoSuchCtr) {
						// --force also removes a storage container pm does
						// not manage, and is silent about a missing one.
						if force {
							if ok, err := eng.RemoveExternal(ctx, n); ok || err != nil {
								return n, err
							}
						}
						if ignore || force {
							return "", nil
						}
						return "", define.Errorf(define.ErrNoSuchCtr, "no container with name or ID %q found: %w", n, define.ErrNoSuchCtr)
					}
					return "", err
				}
				return n, nil
			}
			// A missing container exits 1 and a running or paused one 2, as
			// Podman; other refusals (an infra container) stay 125.
			running := func(err error) bool {
				return errors.Is(err, define.ErrInvalidState) && strings.Contains(err.Error(), "running or paused")
			}
			each := func(names []string, depend bool) error {
				return forEachParallel(cmd.Context(), eng, names, func(ctx context.Context, n string) (string, error) {
					id, err := one(ctx, n, depend)
					return id, cli.RemoveExit(err, running)
				})
			}
			if !all {
				return each(names, depend)
			}
			// With --all, as in Podman, a pod's infra container goes first
			// and takes its pod with it (rm --depend), so that all of a
			// pod's containers are removed, its members before it. The
			// members of a pod that stays (a member runs, without --force)
			// stay with it.
			var infra []string
			podOf := map[string]string{}
			withPod := map[string]bool{} // pods whose infra container is in names
			for _, n := range names {
				pod, isInfra, err := eng.ContainerPodOf(cmd.Context(), n)
				if err != nil && !errors.Is(err, define.ErrNoSuchCtr) {
					return err
				}
				podOf[n] = pod
				if isInfra {
					infra = append(infra, n)
					withPod[pod] = true
				}
			}
			errInfra := each(infra, true)
			var rest []string
			for _, n := range names {
				if pod := podOf[n]; pod == "" || !withPod[pod] {
					rest = append(rest, n)
				}
			}
			errRest := each(rest, depend)
			if errRest == nil {
				return errInfra
			}
			if errInfra != nil {
				fmt.Fprintf(os.Stderr, "Error: %s\n", errInfra)
			}
			return errRest
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&all, "all", "a", false, "Remove all containers")
	fs.BoolVarP(&force, "force", "f", false, "Force removal of a running or unusable container")
	fs.BoolVarP(&ignore, "ignore", "i", false, "Ignore errors when a specified container is missing")
	fs.BoolVarP(&volumes, "volumes", "v", false, "Remove anonymous volumes associated with the container")
	fs.BoolVar(&depend, "depend", false, "Remove container and all containers that depend on it")
	fs.StringArrayVar(&cidFiles, "cidfile", nil, "Read the container ID from the file")
	fs.UintVarP(&timeout, "time", "t", 10, "Seconds to wait for stop before killing the container")
	return cmd
}
