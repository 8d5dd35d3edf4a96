package libpod

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
	"log/slog"
	"syscall"
	"time"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/lock"
)

// StopContainer sends the container its stop signal, waits up to timeout
// seconds (nil: the container's stop timeout) for it to exit, then kills
// it, and cleans up. Stopping a container that is not running does
// nothing.
func (r *Runtime) StopContainer(ctx context.Context, idOrName string, timeout *uint) (*Container, error) {
	return r.StopContainerWith(ctx, idOrName, timeout, 0)
}

// StopContainerWith is StopContainer sending sig instead of the
// container's stop signal (0: that signal).
func (r *Runtime) StopContainerWith(ctx context.Context, idOrName string, timeout *uint, sig syscall.Signal) (*Container, error) {
	if timeout != nil {
		if err := define.CheckStopTimeout("stop timeout", *timeout); err != nil {
			return nil, err
		}
	}
	c, l, claim, err := r.claimAndLock(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	defer claim.Release()
	if err := r.syncLocked(ctx, c); err != nil {
		l.Unlock()
		return c, err
	}
	if !c.State.Status.Active() {
		if r.exitPending(c) {
			// It exited on its own just before the stop got its lock,
			// and its exit command has not run yet: the user's stop
			// wins over its restart policy.
			c.State.StoppedByUser = true
			return c, r.cleanupLocked(ctx, c, l)
		}
		l.Unlock()
		return c, nil
	}
	t := c.Config.StopTimeout
	if timeout != nil {
		t = *timeout
	}
	// While it waits for the exit, the stop lets go of the lock, as
	// Podman's does: ps, inspect and a kill of the stopping container go
	// through at once instead of waiting out the timeout.
	var relockErr error
	wait := func(d time.Duration) bool {
		var exited bool
		exited, l, relockErr = r.waitExitUnlocked(ctx, c, l, d)
		return exited || relockErr != nil
	}
	err = r.stopWith(ctx, c, t, sig, wait)
	if errors.Is(relockErr, define.ErrNoSuchCtr) {
		// Removed while it stopped (its --rm, or a pm rm -f).
		return c, nil
	}
	if relockErr != nil {
		return c, relockErr
	}
	if err != nil {
		l.Unlock()
		return c, err
	}
	if c.State.Status.Active() || !c.State.ExitHandled {
		// stopWith has recorded the exit in c, so cleanupLocked no
		// longer sees an active container to tear down; the exit command
		// will find it handled. Delete the runtime's record and unmount
		// here, or a later start fails with "container with given ID
		// already exists". Where the exit command got there first (the
		// lock was free while the stop waited), it has done all this.
		if err := r.teardownLocked(ctx, c); err != nil {
			l.Unlock()
			return c, err
		}
	}
	if err := r.cleanupLocked(ctx, c, l); err != nil {
		return c, err
	}
	// The exit command the stop caused has nothing left to do: the
	// exit's consequences for the pod are the stop's to draw.
	claim.done()
	r.afterMemberExit(ctx, c)
	r.afterServiceMemberExit(ctx, c)
	return c, nil
}

// claimAndLock is lockContainer for a verb that ends its container's run
// and cleans up after it (stop, rm): it claims the cleanup first (see
// CleanupClaim), so that the exit command the verb causes waits for it
// instead of racing it. The claim may be nil; the caller releases it.
func (r *Runtime) claimAndLock(ctx context.Context, idOrName string) (*Container, *lock.Lock, *CleanupClaim, error) {
	c, err := r.LookupContainer(ctx, idOrName)
	if err != nil {
		return nil, nil, nil, err
	}
	var claim *CleanupClaim
	if c.State.Status.Active() {
		claim = r.ClaimCleanup(c.ID())
	}
	c, l, err := r.lockByID(ctx, c.ID())
	if errors.Is(err, define.ErrNoSuchCtr) {
		err = define.Errorf(define.ErrNoSuchCtr, "no container with name or ID %q found: %w", idOrName, define.ErrNoSuchCtr)
	}
	if err != nil {
		claim.Release()
		return nil, nil, nil, err
	}
	return c, l, claim, nil
}

// waitExitUnlocked is waitExit releasing c's lock l while it waits. It
// takes the lock again, re-reads c into *c and returns whether c has
// exited, with the lock now held. Where c was removed meanwhile, or the
// lock cannot be taken again, it returns the error (wrapping
// define.ErrNoSuchCtr for a removed c) and holds no lock.
func (r *Runtime) waitExitUnlocked(ctx context.Context, c *Container, l *lock.Lock, d time.Duration) (bool, *lock.Lock, error) {
	if err := l.Unlock(); err != nil {
		slog.Debug("releasing the lock of a stopping container", "container", c.ID(), "err", err)
	}
	r.waitExit(ctx, c, d)
	fresh, nl, err := r.lockByID(context.WithoutCancel(ctx), c.ID())
	if err != nil {
		return false, nil, fmt.Errorf("locking %s again while it stops: %w", c.Name(), err)
	}
	*c = *fresh
	if !c.State.Status.Active() {
		// Its exit command (or a kill and cleanup) recorded the exit.
		return true, nl, nil
	}
	return r.observe(c), nl, nil
}

// lockContainer finds a container, takes its lock and re-reads it.
func (r *Runtime) lockContainer(ctx context.Context, idOrName string) (*Container, *lock.Lock, error) {
	c, err := r.LookupContainer(ctx, idOrName)
	if err != nil {
		return nil, nil, err
	}
	c, l, err := r.lockByID(ctx, c.ID())
	if errors.Is(err, define.ErrNoSuchCtr) {
		return nil, nil, define.Errorf(define.ErrNoSuchCtr, "no container with name or ID %q found: %w", idOrName, define.ErrNoSuchCtr)
	}
	return c, l, err
}

// lockByID takes the lock of the container with full ID id and re-reads
// it. A container removed meanwhile is an error wrapping
// define.ErrNoSuchCtr, and its lock file, which taking the lock made
// again, is removed: a removed container leaves no lock file behind.
func (r *Runtime) lockByID(ctx context.Context, id string) (*Container, *lock.Lock, error) {
	l, err := r.locks.Lock(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	c, err := r.getContainer(ctx, id)
	if err != nil {
		if errors.Is(err, define.ErrNoSuchCtr) {
			if rerr := l.Remove(); rerr != nil {
				slog.Debug("removing the lock of a removed container", "container", id, "err", rerr)
			}
			return nil, nil, err
		}
		l.Unlock()
		return nil, nil, err
	}
	return c, l, nil
}

// stopLocked signals c and waits for its exit file, killing it after
// timeout seconds. The caller holds c's lock.
func (r *Runtime) stopLocked(ctx context.Context, c *Container, timeout uint) error {
	return r.stopLockedWith(ctx, c, timeout, 0)
}

// stopLockedWith is stopLocked sending sig (0: c's stop signal). The
// caller holds c's lock.
func (r *Runtime) stopLockedWith(ctx context.Context, c *Container, timeout uint, stopSig syscall.Signal) error {
	return r.stopWith(ctx, c, timeout, stopSig, func(d time.Duration) bool { return r.waitExit(ctx, c, d) })
}

// stopWith is stopLockedWith waiting for the exit with wait, which
// reports whether c exited (or is gone) within d.
func (r *Runtime) stopWith(ctx context.Context, c *Container, timeout uint, stopSig syscall.Signal, wait func(d time.Duration) bool) error {
	ort, err := r.runtimeOf(c)
	if err != nil {
		return err
	}
	if err := r.thawLocked(ctx, c, ort); err != nil {
		return err
	}
	c.State.StoppedByUser = true
	c.State.Status = define.StatusStopping // until it exits, as in Podman
	if err := r.saveState(ctx, c); err != nil {
		return err
	}
	sig := syscall.Signal(c.Config.StopSignal)
	if stopSig != 0 {
		sig = stopSig
	}
	if sig == 0 {
		sig = syscall.SIGTERM
	}
	if timeout > 0 {
		if err := ort.Kill(ctx, c.ID(), sig, false); err != nil {
			slog.Debug("sending stop signal", "container", c.ID(), "err", err)
		}
		if wait(time.Duration(timeout) * time.Second) {
			return nil
		}
		slog.Warn(fmt.Sprintf("StopSignal %s failed to stop container %s in %d seconds, resorting to SIGKILL", signalName(sig), c.Name(), timeout))
	}
	// In its own PID namespace the container ends with its init process.
	// Otherwise the runtime kills every process of its cgroup (--all),
	// which crun quietly skips where there is none (rootless on cgroup
	// v1): init is killed either way.
	if !ownPIDNamespace(c) {
		if err := ort.Kill(ctx, c.ID(), syscall.SIGKILL, true); err != nil {
			slog.Debug("killing container", "container", c.ID(), "err", err)
		}
	}
	if err := ort.Kill(ctx, c.ID(), syscall.SIGKILL, false); err != nil {
		slog.Debug("killing container", "container", c.ID(), "err", err)
	}
	if wait(10 * time.Second) {
		return nil
	}
	// The runtime lost track of it: kill the process and conmon directly.
	killProcess(c.State.Pid)
	if err := r.killLeftovers(ctx, c, ort); err != nil {
		// The teardown after the exit tries the network again.
		slog.Debug("killing a lost container", "container", c.ID(), "err", err)
	}
	if !wait(5 * time.Second) {
		return define.Errorf(define.ErrInvalidState, "container %s did not exit after SIGKILL", c.Name())
	}
	return nil
}

// exitPending reports whether c has exited and its exit command has not
// handled it yet (recorded the exit, applied --rm and the restart
// policy). The caller holds c's lock.
func (r *Runtime) exitPending(c *Container) bool {
	return (c.State.Status == define.StatusExited || c.State.Status == define.StatusStopped) && !c.State.ExitHandled
}

// ownPIDNamespace reports whether c's spec gives it a new PID namespace
// (not the host's or another container's). A pod's members may join the
// infra container's at start, and --pid container:ID another's, which the
// recorded spec does not show.
func ownPIDNamespace(c *Container) bool {
	var sp specs.Spec
	if c.Pod != "" || strings.HasPrefix(c.Config.PIDMode, "container:") || json.Unmarshal(c.Config.Spec, &sp) != nil || sp.Linux == nil {
		return false
	}
	for _, ns := range sp.Linux.Namespaces {
		if ns.Type == specs.PIDNamespace {
			return ns.Path == ""
		}
	}
	return false
}

// waitExit waits up to d for c to exit (exit file or process gone). It
// wakes when a file is written into the exit directory (inotify), and
// looks again at least every 100 ms for an exit no exit file tells (a
// conmon that was killed).
func (r *Runtime) waitExit(ctx context.Context, c *Container, d time.Duration) bool {
	deadline := time.Now().Add(d)
	w := newExitWatch(r.exitDir())
	defer w.close()
	delay := 5 * time.Millisecond
	for {
		if r.observe(c) {
			return true
		}
		left := time.Until(deadline)
		if left <= 0 || ctx.Err() != nil {
			return false
		}
		if w != nil {
			w.wait(min(left, 100*time.Millisecond))
			continue
		}
		time.Sleep(min(delay, left))
		delay = min(2*delay, 100*time.Millisecond)
	}
}

// exitWatch is an inotify watch on the exit directory: conmon writes a
// container's exit file there when it exits.
type exitWatch struct{ fd int }

// newExitWatch watches dir; nil where inotify is not available.
func newExitWatch(dir string) *exitWatch {
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		return nil
	}
	if _, err := unix.InotifyAddWatch(fd, dir, unix.IN_CLOSE_WRITE|unix.IN_MOVED_TO); err != nil {
		unix.Close(fd)
		return nil
	}
	return &exitWatch{fd: fd}
}

// wait returns when a file was written into the directory since the last
// wait, or after d.
func (w *exitWatch) wait(d time.Duration) {
	fds := []unix.PollFd{{Fd: int32(w.fd), Events: unix.POLLIN}}
	if n, _ := unix.Poll(fds, int(d.Milliseconds())+1); n > 0 {
		var buf [4096]byte
		for {
			if n, err := unix.Read(w.fd, buf[:]); n <= 0 || err != nil {
				break
			}
		}
	}
}

func (w *exitWatch) close() {
	if w != nil {
		unix.Close(w.fd)
	}
}

// KillContainer sends sig to a running container's init process.
func (r *Runtime) KillContainer(ctx context.Context, idOrName string, sig syscall.Signal) (*Container, error) {
	c, l, err := r.lockContainer(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	wasActive := c.State.Status.Active()
	if err := r.syncLocked(ctx, c); err != nil {
		l.Unlock()
		return c, err
	}
	if !c.State.Status.Active() {
		if wasActive && r.exitPending(c) {
			// Recorded running, it exited on its own just before the
			// kill got its lock: the kill has what it asked for, and its
			// restart policy yields to the user.
			c.State.StoppedByUser = true
			return c, r.cleanupLocked(ctx, c, l)
		}
		l.Unlock()
		return c, define.Errorf(define.ErrInvalidState, "can only kill running containers. %s is in state %s: container state improper", c.ID(), c.State.Status)
	}
	defer l.Unlock()
	ort, err := r.runtimeOf(c)
	if err != nil {
		return c, err
	}
	if err := r.thawLocked(ctx, c, ort); err != nil {
		return c, err
	}
	c.State.StoppedByUser = true
	if err := r.saveState(ctx, c); err != nil {
		return c, err
	}
	if err := ort.Kill(ctx, c.ID(), sig, false); err != nil {
		return c, err
	}
	return c, nil
}

// Signal sends sig to the container's process without touching its state:
// for --sig-proxy.
func (r *Runtime) Signal(ctx context.Context, c *Container, sig syscall.Signal) error {
	ort, err := r.runtimeOf(c)
	if err != nil {
		return err
	}
	return ort.Kill(ctx, c.ID(), sig, false)
}

func signalName(s syscall.Signal) string {
	if n := unix.SignalName(s); n != "" {
		return n
	}
	return strings.ToUpper(s.String())
}
