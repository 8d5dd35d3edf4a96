package system

import (
	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/pkg/rootless"
	"github.com/spf13/cobra"
)

func init() { subcommands = append(subcommands, newMigrateCommand) }

func newMigrateCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Stop the pause process so that pm picks up changed id mappings",
		Long: `Stop the pause process that holds pm's user namespace. The next pm command
starts a new one with the ranges now in /etc/subuid and /etc/subgid.`,
		Args: cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return rootless.StopPauseProcess()
		},
	}
}
