package manifests

import (
	"context"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newExistsCommand) }

func newExistsCommand() *cobra.Command {
	return cli.ExistsCommand("manifest", func(ctx context.Context, eng *engine.Engine, name string) (bool, error) {
		return eng.ManifestExists(ctx, name)
	})
}
