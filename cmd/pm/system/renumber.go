package system

import (
	"log/slog"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/spf13/cobra"
)

func init() {
	subcommands = append(subcommands, newRenumberCommand)
}

func newRenumberCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "renumber",
		Short: "Migrate lock numbers to handle a change in maximum number of locks",
		Long: `Verify and rebuild pm's lock files. pm's locks are files named after what
they lock, not numbers from a fixed pool: there is nothing to renumber, so
pm makes the lock directory sound, removes the lock files of containers,
pods, volumes and manifest lists that are gone, and gives every container
and pod its lock file.`,
		Args: cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
			if err != nil {
				return err
			}
			rep, err := eng.SystemRenumber(cmd.Context())
			if rep != nil {
				for _, f := range rep.Fixed {
					slog.Info("renumber: " + f)
				}
				for _, n := range rep.Removed {
					slog.Info("renumber: removed stale lock", "lock", n)
				}
				for _, n := range rep.Created {
					slog.Info("renumber: created lock", "lock", n)
				}
			}
			return err
		},
	}
}
