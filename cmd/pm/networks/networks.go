// Package networks holds pm network and its verbs.
package networks

import (
	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

// verbs are added by each verb's file in init().
var verbs []func() *cobra.Command

// Register adds `pm network` and its verbs to root.
func Register(root *cobra.Command) {
	nw := &cobra.Command{
		Use:     "network",
		Aliases: []string{"networks"},
		Short:   "Manage networks",
	}
	for _, mk := range verbs {
		nw.AddCommand(mk())
	}
	root.AddCommand(nw)
}

func engineOf(cmd *cobra.Command) (*engine.Engine, error) {
	return cli.FromCmd(cmd).Engine(cmd.Context())
}
