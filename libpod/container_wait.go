package libpod

import (
	"context"
	"errors"
	"time"

	"github.com/pm-project/pm/libpod/define"
)

// ListContainers returns every container with its state brought up to date
// from the exit files (without writing): one database read and a stat per
// running container.
func (r *Runtime) ListContainers(ctx context.Context) ([]*Container, error) {
	cs, err := r.Containers(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		r.observe(c)
	}
	return cs, nil
}

// InspectContainer returns one container with its observed state.
func (r *Runtime) InspectContainer(ctx context.Context, idOrName string) (*Container, error) {
	c, err := r.LookupContainer(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	r.observe(c)
	return c, nil
}

// WaitContainer waits until the container's status is one of conds
// (default: exited or stopped) and returns its exit code. A container
// that exits is cleaned up (with its policies) before WaitContainer
// returns; one removed by --rm while waited on reports the code of its
// exit file.
//
// While it waits it claims the container's cleanup (see CleanupClaim), so
// that conmon's exit command leaves the cleanup to it; WaitClaimed waits
// under a claim its caller took earlier.
func (r *Runtime) WaitContainer(ctx context.Context, idOrName string, conds []define.ContainerStatus, interval time.Duration) (int, error) {
	c, err := r.LookupContainer(ctx, idOrName)
	if err != nil {
		return -1, err
	}
	claim := r.ClaimCleanup(c.ID())
	defer claim.Release()
	return r.waitContainer(ctx, c, conds, interval, claim)
}

// WaitClaimed is WaitContainer under claim, the caller's claim on the
// container's cleanup (nil for none), which it still releases.
func (r *Runtime) WaitClaimed(ctx context.Context, idOrName string, conds []define.ContainerStatus, interval time.Duration, claim *CleanupClaim) (int, error) {
	c, err := r.LookupContainer(ctx, idOrName)
	if err != nil {
		return -1, err
	}
	return r.waitContainer(ctx, c, conds, interval, claim)
}

func (r *Runtime) waitContainer(ctx context.Context, c *Container, conds []define.ContainerStatus, interval time.Duration, claim *CleanupClaim) (int, error) {
	id := c.ID()
	if len(conds) == 0 {
		conds = []define.ContainerStatus{define.StatusExited, define.StatusStopped}
	}
	if interval <= 0 {
		interval = 100 * time.Millisecond
	}
	want := func(s define.ContainerStatus) bool {
		for _, w := range conds {
			if w == s {
				return true
			}
		}
		return false
	}
	// exited returns the exit code once the container exited, first
	// making sure, under a claim, that its cleanup is made (a stop may
	// have recorded the exit before anyone cleaned up), so that the exit
	// command can skip it.
	cleaned := false
	exited := func() (int, error) {
		st := c.State.Status
		if claim == nil || (st != define.StatusExited && st != define.StatusStopped) {
			return c.State.ExitCode, nil
		}
		if !cleaned && r.CleanupContainer(ctx, id) == nil {
			cleaned = true
		}
		if cleaned {
			claim.done()
		}
		return c.State.ExitCode, nil
	}
	// Woken by conmon writing an exit file, not only by the interval.
	w := newExitWatch(r.exitDir())
	defer w.close()
	for {
		if changed := r.observe(c); changed {
			err := r.CleanupContainer(ctx, id)
			if err != nil && !errors.Is(err, define.ErrInvalidState) {
				return -1, err
			}
			cleaned = err == nil
			if want(c.State.Status) {
				return exited()
			}
		}
		if want(c.State.Status) {
			return exited()
		}
		if w != nil {
			w.wait(interval)
		} else {
			select {
			case <-ctx.Done():
			case <-time.After(interval):
			}
		}
		if err := ctx.Err(); err != nil {
			return -1, err
		}
		nc, err := r.getContainer(ctx, id)
		if errors.Is(err, define.ErrNoSuchCtr) {
			// Removed: nothing is left to clean up.
			claim.done()
			if code, ok := r.ExitCodeOf(id); ok {
				return code, nil
			}
			return -1, define.Errorf(define.ErrNoSuchCtr, "no container with ID %s found: %w", id, define.ErrNoSuchCtr)
		}
		if err != nil {
			return -1, err
		}
		c = nc
	}
}
