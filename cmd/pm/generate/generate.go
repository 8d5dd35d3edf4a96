// Package generate holds pm generate: systemd units for containers and
// pods (pm generate systemd) and the quadlet generator (pm generate
// quadlet).
package generate

import (
	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

// verbs build the commands under `pm generate`; each verb's file appends
// its constructor in init().
var verbs []func() *cobra.Command

// Register adds `pm generate` with its subcommands to root.
func Register(root *cobra.Command) {
	gen := &cobra.Command{
		Use:   "generate",
		Short: "Generate structured data based on containers and pods",
	}
	for _, mk := range verbs {
		gen.AddCommand(mk())
	}
	root.AddCommand(gen)
}

func engineOf(cmd *cobra.Command) (*engine.Engine, error) {
	return cli.FromCmd(cmd).Engine(cmd.Context())
}
