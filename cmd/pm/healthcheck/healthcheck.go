// Package healthcheck holds pm's healthcheck commands: pm healthcheck
// run, and the hidden command of the detached scheduler a start leaves
// for a container with a healthcheck.
package healthcheck

import (
	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

// verbs build the commands under `pm healthcheck`; each verb's file
// appends its constructor in init().
var verbs []func() *cobra.Command

// Register adds `pm healthcheck` with its subcommands to root.
func Register(root *cobra.Command) {
	hc := &cobra.Command{
		Use:   "healthcheck",
		Short: "Manage container healthchecks",
	}
	for _, mk := range verbs {
		hc.AddCommand(mk())
	}
	root.AddCommand(hc)
}

func engineOf(cmd *cobra.Command) (*engine.Engine, error) {
	return cli.FromCmd(cmd).Engine(cmd.Context())
}
