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

// teardownLocked deletes the runtime's record, unmounts the rootfs, tears
// down the network and saves c's (exited) state. What it cannot undo stays
// recorded (Mountpoint, Network) for a later cleanup or rm to retry, and
// its error is returned once the state is saved. The caller holds c's
// lock.
func (r *Runtime) teardownLocked(ctx context.Context, c *Container) error {
	if ort, err := r.runtimeOf(c); err == nil {
		if err := ort.Delete(ctx, c.ID(), true); err != nil {
			slog.Debug("deleting runtime state", "container", c.ID(), "err", err)
		}
	}
	r.releaseUserNSRootfs(c)
	errs := stepErrors{container: c.ID()}
	errs.add(r.unmountRun(c))
	errs.add(r.teardownNetwork(ctx, c))
	r.unshareHosts(c)
	errs.add(r.teardownShm(c))
	r.stopHealthScheduler(c.ID())
	c.State.Pid, c.State.ConmonPid = 0, 0
	if err := r.saveState(ctx, c); err != nil {
		return err
	}
	return errs.first
}

// leftovers reports whether c, not running, still holds what its run set
// up: a teardown failed, and a later cleanup or rm retries it.
func leftovers(c *Container) bool {
	return !c.State.Status.Active() && (c.State.Mountpoint != "" || c.State.Network != nil) && c.State.ConmonPid == 0
}

// unmountRun takes back the mount of c's root filesystem that its run
// holds (c.State.Mountpoint) and clears it. When storage cannot unmount,
// the mountpoint stays recorded: the mount is still there.
func (r *Runtime) unmountRun(c *Container) error {
	if c.State.Mountpoint == "" {
		return nil
	}
	store, err := r.Store()
	if err != nil {
		return err
	}
	// Not forced: a mount made by pm mount or a copy outlives the run.
	if _, err := store.Unmount(c.ID(), false); err != nil && !isGoneErr(err) {
		return fmt.Errorf("unmounting rootfs of %s: %w", c.Name(), err)
	}
	c.State.Mountpoint = ""
	return nil
}

// stepErrors collects the errors of the independent steps of a teardown,
// each of which runs whatever the others did: the first is the one
// returned, the others are logged.
type stepErrors struct {
	container string
	first     error
}

func (e *stepErrors) add(err error) {
	switch {
	case err == nil:
	case e.first == nil:
		e.first = err
	default:
		slog.Warn("teardown", "container", e.container, "err", err)
	}
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
	c, l, err := r.lockByID(ctx, c.ID())
	if errors.Is(err, define.ErrNoSuchCtr) {
		return nil
	}
	if err != nil {
		return err
	}
	err = r.cleanupLocked(ctx, c, l)
	r.afterMemberExit(ctx, c)
	r.afterServiceMemberExit(ctx, c)
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
	if leftovers(c) {
		// An earlier teardown failed: retry it.
		if err := r.teardownLocked(ctx, c); err != nil {
			return err
		}
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

// storageMetadata marks the storage containers pm makes, so that
// system prune can tell an orphan of pm's (a pm killed while removing)
// from a container another tool keeps in a shared store.
const storageMetadata = `{"CreatedBy":"pm"}`

// removeStorage unmounts and deletes a container's storage: its storage
// container, or, when a pm killed while creating it left only its
// read-write layer, that layer (its ID is the container's). Storage that
// does not exist is no error.
func (r *Runtime) removeStorage(id string) error {
	store, err := r.Store()
	if err != nil {
		return err
	}
	// Storage resolves id as a container's or as a layer's.
	if n, err := store.Mounted(id); err == nil && n > 0 {
		if _, err := store.Unmount(id, true); err != nil && !isGoneErr(err) {
			return fmt.Errorf("unmounting rootfs of %s: %w", id, err)
		}
	}
	err = r.storageDeletes.delete(store, id)
	if err == nil || !isGoneErr(err) {
		if err != nil {
			return fmt.Errorf("deleting storage of container %s: %w", id, err)
		}
		return nil
	}
	if _, lerr := store.Layer(id); lerr != nil {
		return nil
	}
	if err := store.DeleteLayer(id); err != nil && !isGoneErr(err) {
		return fmt.Errorf("deleting the layer of %s: %w", id, err)
	}
	return nil
}

func isGoneErr(err error) bool {
	return errors.Is(err, storage.ErrContainerUnknown) || errors.Is(err, stypes.ErrLayerUnknown) ||
		errors.Is(err, stypes.ErrNotAContainer) || errors.Is(err, os.ErrNotExist)
}
