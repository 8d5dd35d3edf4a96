package libpod

import (
	"context"
	"log/slog"

	"github.com/pm-project/pm/libpod/state"
)

// RenameContainer gives a container a new name, which must be free among
// containers and pods. The caller validates the name.
func (r *Runtime) RenameContainer(ctx context.Context, idOrName, newName string) error {
	c, l, err := r.lockContainer(ctx, idOrName)
	if err != nil {
		return err
	}
	defer l.Unlock()
	if c.Name() == newName {
		return nil
	}
	db, err := r.DB()
	if err != nil {
		return err
	}
	if err := db.Update(ctx, func(tx *state.Tx) error { return tx.RenameContainer(c.ID(), newName) }); err != nil {
		return err
	}
	if store, err := r.Store(); err == nil {
		if err := store.SetNames(c.ID(), []string{newName}); err != nil {
			slog.Debug("renaming storage container", "container", c.ID(), "err", err)
		}
	}
	return nil
}
