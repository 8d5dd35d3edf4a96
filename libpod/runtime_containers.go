package libpod

import (
	"context"
	"encoding/json"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/state"
)

// containerCounts counts the user's containers by their recorded state.
func (r *Runtime) containerCounts(ctx context.Context) (define.ContainerStore, error) {
	var out define.ContainerStore
	db, err := r.DB()
	if err != nil {
		return out, err
	}
	err = db.View(ctx, func(tx *state.Tx) error {
		recs, err := tx.ListContainers()
		if err != nil {
			return err
		}
		for _, rec := range recs {
			out.Number++
			var st struct{ Status string }
			if json.Unmarshal(rec.State, &st) != nil {
				continue
			}
			switch st.Status {
			case "running":
				out.Running++
			case "paused":
				out.Paused++
			default:
				out.Stopped++
			}
		}
		return nil
	})
	return out, err
}
