package pods

import (
	"context"

	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newUnpauseCommand) }

func newUnpauseCommand() *cobra.Command {
	return simpleVerb("unpause", "Unpause one or more pods", func(ctx context.Context, eng *engine.Engine, n string) (string, error) {
		return eng.PodPause(ctx, n, true)
	})
}
