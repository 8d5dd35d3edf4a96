package libpod

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/lock"
	"github.com/pm-project/pm/libpod/state"
)

// RemoveContainer removes a container: its processes (only with force
// when it runs), storage, bundle and record. timeout is the stop timeout
// with force (nil: 0, kill at once).
func (r *Runtime) RemoveContainer(ctx context.Context, idOrName string, force bool, timeout *uint) (*Container, error) {
	c, l, err := r.lockContainer(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	if err := r.refuseInfraRemoval(ctx, c); err != nil {
		l.Unlock()
		return c, err
	}
	if err := r.refuseServiceRemoval(ctx, c); err != nil {
		l.Unlock()
		return c, err
	}
	wasActive := c.State.Status.Active()
	if err := r.syncLocked(ctx, c); err != nil && !force {
		l.Unlock()
		return c, err
	}
	if c.State.Status.Active() {
		if !force {
			l.Unlock()
			return c, define.Errorf(define.ErrInvalidState,
				"cannot remove container %s as it is %s - running or paused containers cannot be removed without force: container state improper", c.ID(), c.State.Status)
		}
		var t uint
		if timeout != nil {
			t = *timeout
		}
		if err := r.stopLocked(ctx, c, t); err != nil {
			slog.Warn("stopping container before removal", "container", c.ID(), "err", err)
		}
	}
	if wasActive && !c.State.ExitHandled {
		// Its exit is handled here; the exit command finds it gone.
		r.diedEvent(c)
	}
	return c, r.removeLocked(ctx, c, l)
}

// removeLocked removes c, whatever its recorded state says: it kills any
// conmon found through the pid files, deletes the storage container (even
// if the record says it was never made), the bundle and the record. The
// caller holds c's lock l; removeLocked releases it.
func (r *Runtime) removeLocked(ctx context.Context, c *Container, l *lock.Lock) (retErr error) {
	defer func() {
		if retErr != nil {
			l.Unlock()
		}
	}()
	id := c.ID()
	c.State.Status = define.StatusRemoving
	if err := r.saveState(ctx, c); err != nil && !errors.Is(err, define.ErrNoSuchCtr) {
		return err
	}
	ort, _ := r.runtimeOf(c)
	r.killLeftovers(ctx, c, ort)
	r.forgetHealthScheduler(id)
	if err := r.removeStorage(id); err != nil {
		return err
	}
	r.teardownShm(c)
	if err := os.RemoveAll(r.bundleDir(id)); err != nil {
		return fmt.Errorf("removing bundle of %s: %w", id, err)
	}
	if !c.Config.AutoRemove {
		// An auto-removed container's exit file is kept for the pm that
		// waits on it (run, wait); that one deletes it.
		os.Remove(filepath.Join(r.exitDir(), id))
	}
	db, err := r.DB()
	if err != nil {
		return err
	}
	err = db.Update(ctx, func(tx *state.Tx) error { return tx.RemoveContainer(id) })
	if err != nil && !errors.Is(err, define.ErrNoSuchCtr) {
		return err
	}
	if err := l.Remove(); err != nil {
		slog.Debug("removing container lock", "container", id, "err", err)
	}
	if c.Config.AutoRemove {
		r.RemoveAnonymousVolumes(ctx, c) // --rm removes them, as in Podman
	}
	return nil
}

// ForgetExit deletes the exit file kept for an auto-removed container.
func (r *Runtime) ForgetExit(id string) {
	os.Remove(filepath.Join(r.exitDir(), id))
}

// ExitCodeOf returns the exit code in a container's exit file.
func (r *Runtime) ExitCodeOf(id string) (int, bool) {
	code, _, ok := r.readExitFile(id)
	return code, ok
}
