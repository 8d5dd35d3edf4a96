package libpod

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
	"log/slog"
	"syscall"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/lock"
)

// StopContainer sends the container its stop signal, waits up to timeout
// seconds (nil: the container's stop timeout) for it to exit, then kills
// it, and cleans up. Stopping a container that is not running does
// nothing.
func (r *Runtime) StopContainer(ctx context.Context, idOrName string, timeout *uint) (*Container, error) {
	c, l, err := r.lockContainer(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	if err := r.syncLocked(ctx, c); err != nil {
		l.Unlock()
		return c, err
	}
	if !c.State.Status.Active() {
		l.Unlock()
		return c, nil
	}
	t := c.Config.StopTimeout
	if timeout != nil {
		t = *timeout
	}
	if err := r.stopLocked(ctx, c, t); err != nil {
		l.Unlock()
		return c, err
	}
	// stopLocked has recorded the exit in c, so cleanupLocked no longer
	// sees an active container to tear down; the exit command will find it
	// handled. Delete the runtime's record and unmount here, or a later
	// start fails with "container with given ID already exists".
	if err := r.teardownLocked(ctx, c); err != nil {
		l.Unlock()
		return c, err
	}
	return c, r.cleanupLocked(ctx, c, l)
}

// lockContainer finds a container, takes its lock and re-reads it.
func (r *Runtime) lockContainer(ctx context.Context, idOrName string) (*Container, *lock.Lock, error) {
	c, err := r.LookupContainer(ctx, idOrName)
	if err != nil {
		return nil, nil, err
	}
	l, err := r.locks.Lock(ctx, c.ID())
	if err != nil {
		return nil, nil, err
	}
	c, err = r.getContainer(ctx, c.ID())
	if errors.Is(err, define.ErrNoSuchCtr) {
		l.Remove() // removed meanwhile: its lock file goes with it
		return nil, nil, define.Errorf(define.ErrNoSuchCtr, "no container with name or ID %q found: %w", idOrName, define.ErrNoSuchCtr)
	}
	if err != nil {
		l.Unlock()
		return nil, nil, err
	}
	return c, l, nil
}

// stopLocked signals c and waits for its exit file, killing it after
// timeout seconds. The caller holds c's lock.
func (r *Runtime) stopLocked(ctx context.Context, c *Container, timeout uint) error {
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
	if sig == 0 {
		sig = syscall.SIGTERM
	}
	if timeout > 0 {
		if err := ort.Kill(ctx, c.ID(), sig, false); err != nil {
			slog.Debug("sending stop signal", "container", c.ID(), "err", err)
		}
		if r.waitExit(ctx, c, time.Duration(timeout)*time.Second) {
			return nil
		}
		slog.Warn(fmt.Sprintf("StopSignal %s failed to stop container %s in %d seconds, resorting to SIGKILL", signalName(sig), c.Name(), timeout))
	}
	if err := ort.Kill(ctx, c.ID(), syscall.SIGKILL, true); err != nil {
		slog.Debug("killing container", "container", c.ID(), "err", err)
		if err := ort.Kill(ctx, c.ID(), syscall.SIGKILL, false); err != nil {
			slog.Debug("killing container", "container", c.ID(), "err", err)
		}
	}
	if r.waitExit(ctx, c, 10*time.Second) {
		return nil
	}
	// The runtime lost track of it: kill the process and conmon directly.
	killProcess(c.State.Pid)
	r.killLeftovers(ctx, c, ort)
	if !r.waitExit(ctx, c, 5*time.Second) {
		return define.Errorf(define.ErrInvalidState, "container %s did not exit after SIGKILL", c.Name())
	}
	return nil
}

// waitExit waits up to d for c to exit (exit file or process gone).
func (r *Runtime) waitExit(ctx context.Context, c *Container, d time.Duration) bool {
	deadline := time.Now().Add(d)
	delay := 5 * time.Millisecond
	for {
		if r.observe(c) {
			return true
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return false
		}
		time.Sleep(delay)
		delay = min(2*delay, 100*time.Millisecond)
	}
}

// KillContainer sends sig to a running container's init process.
func (r *Runtime) KillContainer(ctx context.Context, idOrName string, sig syscall.Signal) (*Container, error) {
	c, l, err := r.lockContainer(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	defer l.Unlock()
	if err := r.syncLocked(ctx, c); err != nil {
		return c, err
	}
	if !c.State.Status.Active() {
		return c, define.Errorf(define.ErrInvalidState, "can only kill running containers. %s is in state %s: container state improper", c.ID(), c.State.Status)
	}
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
