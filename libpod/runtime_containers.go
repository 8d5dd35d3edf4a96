package libpod

import (
	"context"

	"github.com/pm-project/pm/libpod/define"
)

// containerCounts counts the user's containers by state.
func (r *Runtime) containerCounts(ctx context.Context) (define.ContainerStore, error) {
	// Containers arrive with the state layer; until then there are none.
	return define.ContainerStore{}, nil
}
