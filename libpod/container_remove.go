package libpod

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/lock"
	"github.com/pm-project/pm/libpod/state"
)

// RemoveContainer removes a container: its processes (only with force
// when it runs), storage, bundle and record. timeout is the stop timeout
// with force (nil: 0, kill at once).
func (r *Runtime) RemoveContainer(ctx context.Context, idOrName string, force bool, timeout *uint) (*Container, error) {
	c, l, claim, err := r.claimAndLock(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	defer claim.Release()
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
	if err := r.removeLocked(ctx, c, l); err != nil {
		return c, err
	}
	claim.done()
	return c, nil
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
	// The exit code is kept for whoever waits on the container (pm run
	// --rm, pm wait, the API's wait) once its exit file is gone.
	code, _, exited := r.readExitFile(id)
	if !exited && (c.State.Status == define.StatusExited || c.State.Status == define.StatusStopped || c.State.ExitCode != 0) {
		code, exited = c.State.ExitCode, true
	}
	c.State.Status = define.StatusRemoving
	if err := r.saveState(ctx, c); err != nil && !errors.Is(err, define.ErrNoSuchCtr) {
		return err
	}
	ort, _ := r.runtimeOf(c)
	// A network or /dev/shm that cannot be torn down keeps the record
	// (state "removing"), so that rm can try again.
	if err := r.killLeftovers(ctx, c, ort); err != nil {
		return err
	}
	if err := r.teardownShm(c); err != nil {
		return err
	}
	// rm -f of a running container stops it without a teardown.
	r.releaseUserNSRootfs(c)
	r.forgetHealthScheduler(id)
	if err := r.removeStorage(id); err != nil {
		return err
	}
	if err := r.removeRuntimeFiles(id); err != nil {
		return err
	}
	db, err := r.DB()
	if err != nil {
		return err
	}
	err = db.Update(ctx, func(tx *state.Tx) error {
		if exited {
			if err := tx.RecordExitCode(id, code, time.Now()); err != nil {
				return err
			}
		}
		return tx.RemoveContainer(id)
	})
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

// removeRuntimeFiles removes what a container keeps in pm's runtime
// directory besides its network's files and its lock: its bundle (attach
// socket, fifos, pid files, log), its exit file, a stale cleanup claim
// and the OCI runtime's state directory. The caller holds its lock.
func (r *Runtime) removeRuntimeFiles(id string) error {
	if err := os.RemoveAll(r.bundleDir(id)); err != nil {
		return fmt.Errorf("removing bundle of %s: %w", id, err)
	}
	if err := os.Remove(filepath.Join(r.exitDir(), id)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("removing exit file of %s: %w", id, err)
	}
	// conmon writes the exit file as ID.XXXXXX and renames it: a conmon
	// killed in between (rm -f, a failed start) leaves that.
	if partial, _ := filepath.Glob(filepath.Join(r.exitDir(), id+".*")); len(partial) > 0 {
		for _, p := range partial {
			if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("removing exit file of %s: %w", id, err)
			}
		}
	}
	// A claim a killed claimant left (see CleanupClaim); a live claimant
	// finds its file gone and keeps its flock.
	if err := os.Remove(r.ClaimPath(id)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("removing cleanup claim of %s: %w", id, err)
	}
	rts, _ := os.ReadDir(filepath.Join(r.cfg.TmpDir, "runtime"))
	for _, rt := range rts {
		// The runtime deleted its state; what a killed runtime left goes.
		if err := os.RemoveAll(filepath.Join(r.cfg.TmpDir, "runtime", rt.Name(), id)); err != nil {
			return fmt.Errorf("removing runtime state of %s: %w", id, err)
		}
	}
	return nil
}

// ForgetExit drops the exit code kept for a removed container, once the
// one waiting on it has read it.
func (r *Runtime) ForgetExit(id string) {
	os.Remove(filepath.Join(r.exitDir(), id))
	db, err := r.DB()
	if err != nil {
		return
	}
	if err := db.Update(context.Background(), func(tx *state.Tx) error { return tx.ForgetExitCode(id) }); err != nil {
		slog.Debug("forgetting an exit code", "container", id, "err", err)
	}
}

// ExitCodeOf returns the exit code in a container's exit file or, for a
// removed container, the one kept for it (for state.ExitCodeTTL).
func (r *Runtime) ExitCodeOf(id string) (int, bool) {
	if code, _, ok := r.readExitFile(id); ok {
		return code, true
	}
	db, err := r.DB()
	if err != nil {
		return 0, false
	}
	var code int
	err = db.View(context.Background(), func(tx *state.Tx) (err error) {
		code, err = tx.ExitCode(id)
		return err
	})
	return code, err == nil
}
