package pods

import (
	"context"

	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newStartCommand) }

func newStartCommand() *cobra.Command {
	return simpleVerb("start", "Start one or more pods", func(ctx context.Context, eng *engine.Engine, n string) (string, error) {
		return eng.PodStart(ctx, n)
	})
}
