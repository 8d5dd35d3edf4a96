package libpod

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/lock"
	"go.podman.io/storage"
	stypes "go.podman.io/storage/types"
)

// observe updates c in memory from the exit file without writing: a
// container recorded as running whose exit file exists, or whose process
// and conmon are both gone, has exited. It reports whether c changed.
// It costs a stat per running container and never runs the OCI runtime.
func (r *Runtime) observe(c *Container) bool {
	if !c.State.Status.Active() {
		return false
	}
	code, when, ok := r.readExitFile(c.ID())
	if !ok {
		if alive(c.State.Pid) || alive(c.State.ConmonPid) {
			return false
		}
		code, when = -1, time.Now()
	}
	c.State.Status = define.StatusExited
	c.State.ExitCode = code
	c.State.FinishedAt = when
	return true
}

// readExitFile reads conmon's exit file for id.
func (r *Runtime) readExitFile(id string) (int, time.Time, bool) {
	p := filepath.Join(r.exitDir(), id)
	b, err := os.ReadFile(p)
	if err != nil {
		return 0, time.Time{}, false
	}
	code, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0, time.Time{}, false
	}
	when := time.Now()
	if st, err := os.Stat(p); err == nil {
		when = st.ModTime()
	}
	return code, when, true
}

// syncLocked cleans up after a container that exited but whose cleanup has
// not run yet, without applying its restart policy or --rm. The caller
// holds c's lock.
func (r *Runtime) syncLocked(ctx context.Context, c *Container) error {
	if !c.State.Status.Active() {
		return nil
	}
	if !r.observe(c) {
		return nil
	}
	return r.teardownLocked(ctx, c)
}

// teardownLocked deletes the runtime's record, unmounts the rootfs and
// saves c's (exited) state. The caller holds c's lock.
func (r *Runtime) teardownLocked(ctx context.Context, c *Container) error {
	if ort, err := r.runtimeOf(c); err == nil {
		if err := ort.Delete(ctx, c.ID(), true); err != nil {
			slog.Debug("deleting runtime state", "container", c.ID(), "err", err)
		}
	}
	r.releaseUserNSRootfs(c)
	if c.State.Mountpoint != "" || c.State.StorageCreated {
		if store, err := r.Store(); err == nil {
			// Not forced: a mount made by pm mount or a copy outlives the run.
			if _, err := store.Unmount(c.ID(), false); err != nil && !isGoneErr(err) {
				slog.Warn("unmounting rootfs", "container", c.ID(), "err", err)
			}
		}
	}
	r.teardownNetwork(ctx, c)
	r.teardownShm(c)
	r.stopHealthScheduler(c.ID())
	c.State.Pid, c.State.ConmonPid, c.State.Mountpoint = 0, 0, ""
	return r.saveState(ctx, c)
}

// CleanupContainer records a container's exit, releases what it held and
// applies --rm and the restart policy: conmon's exit command. It is
// idempotent; a container that is gone is no error.
func (r *Runtime) CleanupContainer(ctx context.Context, idOrName string) error {
	c, err := r.LookupContainer(ctx, idOrName)
	if errors.Is(err, define.ErrNoSuchCtr) {
		return nil
	}
	if err != nil {
		return err
	}
	l, err := r.locks.Lock(ctx, c.ID())
	if err != nil {
		return err
	}
	c, err = r.getContainer(ctx, c.ID())
	if errors.Is(err, define.ErrNoSuchCtr) {
		l.Remove() // removed meanwhile: its lock file goes with it
		return nil
	}
	if err != nil {
		l.Unlock()
		return err
	}
	err = r.cleanupLocked(ctx, c, l)
	r.afterMemberExit(ctx, c)
	return err
}

// cleanupLocked is CleanupContainer with c's lock l held; it releases l.
func (r *Runtime) cleanupLocked(ctx context.Context, c *Container, l *lock.Lock) error {
	removed := false
	defer func() {
		if !removed {
			l.Unlock()
		}
	}()
	if c.State.Status.Active() {
		if !r.observe(c) {
			return define.Errorf(define.ErrInvalidState, "container %s is still running", c.Name())
		}
		if err := r.teardownLocked(ctx, c); err != nil {
			return err
		}
	}
	if c.State.Status != define.StatusExited && c.State.Status != define.StatusStopped {
		return nil
	}
	if c.State.ExitHandled {
		return nil
	}
	c.State.ExitHandled = true
	r.diedEvent(c)
	if c.Config.AutoRemove {
		removed = true
		if err := r.removeLocked(ctx, c, l); err != nil {
			return err
		}
		r.ContainerEvent(c, "destroy", nil)
		return nil
	}
	if !r.shouldRestart(c) {
		return r.saveState(ctx, c)
	}
	c.State.RestartCount++
	slog.Info("restarting container per its restart policy", "container", c.ID())
	if err := r.startLocked(ctx, c, StartOptions{}); err != nil {
		return fmt.Errorf("restarting container %s: %w", c.Name(), err)
	}
	return nil
}

// shouldRestart applies c's restart policy to its last exit.
func (r *Runtime) shouldRestart(c *Container) bool {
	if c.State.StoppedByUser {
		return false
	}
	switch c.Config.Restart.Name {
	case "always", "unless-stopped":
		return true
	case "on-failure":
		if c.State.ExitCode == 0 {
			return false
		}
		return c.Config.Restart.MaxRetries == 0 || c.State.RestartCount < c.Config.Restart.MaxRetries
	}
	return false
}

// removeStorage unmounts and deletes a container's storage; one that does
// not exist is no error.
func (r *Runtime) removeStorage(id string) error {
	store, err := r.Store()
	if err != nil {
		return err
	}
	if _, err := store.Unmount(id, true); err != nil && !isGoneErr(err) {
		slog.Debug("unmounting rootfs", "container", id, "err", err)
	}
	if err := store.DeleteContainer(id); err != nil && !isGoneErr(err) {
		return fmt.Errorf("deleting storage of container %s: %w", id, err)
	}
	return nil
}

func isGoneErr(err error) bool {
	return errors.Is(err, storage.ErrContainerUnknown) || errors.Is(err, stypes.ErrLayerUnknown) ||
		errors.Is(err, stypes.ErrNotAContainer) || errors.Is(err, os.ErrNotExist)
}
