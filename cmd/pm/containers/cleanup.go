package containers

import (
	"context"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newCleanupCommand, Sub: "cleanup"})
}

func newCleanupCommand(name string) *cobra.Command {
	var claim string
	cmd := &cobra.Command{
		Use:    name + " [options] CONTAINER [CONTAINER...]",
		Short:  "Clean up the network and mountpoints of exited containers",
		Hidden: false,
		// --latest (withLatest) stands for the arguments; without it,
		// Podman's words.
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return define.Invalidf("you must provide at least one name or id")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			// conmon's exit command: a waiting pm that claimed the cleanup
			// and made it leaves nothing to do, and nothing is opened.
			if claim != "" && len(args) == 1 && engine.CleanedByClaimant(cmd.Context(), claim) {
				return nil
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			return forEach(cmd.Context(), args, func(ctx context.Context, n string) (string, error) {
				// The engine treats a vanished container as cleaned up (the
				// exit command races --rm, and comes after a claimant that
				// removed the container and its claim file); a name the
				// user typed must exist.
				if ok, err := eng.ContainerExists(ctx, n); claim == "" && err == nil && !ok {
					return "", define.Errorf(define.ErrNoSuchCtr, "no container with name or ID %q found: %w", n, define.ErrNoSuchCtr)
				}
				if err := eng.ContainerCleanup(ctx, n); err != nil {
					return "", err
				}
				return "", nil
			})
		},
	}
	// Set by the exit command pm gives conmon: the container's cleanup
	// claim (libpod's CleanupClaim). Not for users.
	cmd.Flags().StringVar(&claim, "exit-claim", "", "cleanup claim file of a waiting pm")
	_ = cmd.Flags().MarkHidden("exit-claim")
	return cmd
}
