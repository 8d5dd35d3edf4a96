package pods

import (
	"context"

	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newPauseCommand) }

func newPauseCommand() *cobra.Command {
	return simpleVerb("pause", "Pause one or more pods", func(ctx context.Context, eng *engine.Engine, n string) (string, error) {
		return eng.PodPause(ctx, n, false)
	})
}
