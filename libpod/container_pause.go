package libpod

import (
	"context"
	"fmt"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/oci"
)

// canFreeze refuses pause where the freezer cannot be used: rootless on
// cgroup v1, where containers get no cgroup of their own.
func (r *Runtime) canFreeze(verb string) error {
	if r.cfg.Rootless && oci.CgroupVersion() != "v2" {
		return define.Errorf(define.ErrUnsupported, "can not %s containers on rootless containers with cgroup V1", verb)
	}
	return nil
}

// PauseContainer freezes every process of a running container.
func (r *Runtime) PauseContainer(ctx context.Context, idOrName string) (*Container, error) {
	c, l, err := r.lockContainer(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	defer l.Unlock()
	if err := r.syncLocked(ctx, c); err != nil {
		return c, err
	}
	switch c.State.Status {
	case define.StatusRunning:
	case define.StatusPaused:
		return c, define.Errorf(define.ErrInvalidState, "%q is already paused: container state improper", c.ID())
	default:
		return c, define.Errorf(define.ErrInvalidState, "%q is not running, can't pause: container state improper", c.ID())
	}
	if err := r.canFreeze("pause"); err != nil {
		return c, err
	}
	ort, err := r.runtimeOf(c)
	if err != nil {
		return c, err
	}
	if err := ort.Pause(ctx, c.ID()); err != nil {
		return c, fmt.Errorf("pausing container %s: %w", c.Name(), err)
	}
	c.State.Status = define.StatusPaused
	return c, r.saveState(ctx, c)
}

// UnpauseContainer thaws a paused container.
func (r *Runtime) UnpauseContainer(ctx context.Context, idOrName string) (*Container, error) {
	c, l, err := r.lockContainer(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	defer l.Unlock()
	if err := r.syncLocked(ctx, c); err != nil {
		return c, err
	}
	if c.State.Status != define.StatusPaused {
		return c, define.Errorf(define.ErrInvalidState, "%q is not paused, can't unpause: container state improper", c.ID())
	}
	if err := r.canFreeze("unpause"); err != nil {
		return c, err
	}
	ort, err := r.runtimeOf(c)
	if err != nil {
		return c, err
	}
	return c, r.thawLocked(ctx, c, ort)
}

// thawLocked resumes a paused container and records it running; it does
// nothing to one that is not paused. Stop and kill thaw first, so that
// the signal is acted on. The caller holds c's lock.
func (r *Runtime) thawLocked(ctx context.Context, c *Container, ort *oci.Runtime) error {
	if c.State.Status != define.StatusPaused {
		return nil
	}
	if err := ort.Resume(ctx, c.ID()); err != nil {
		return fmt.Errorf("unpausing container %s: %w", c.Name(), err)
	}
	c.State.Status = define.StatusRunning
	return r.saveState(ctx, c)
}
