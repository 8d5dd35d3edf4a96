package libpod

import (
	"context"

	"github.com/pm-project/pm/libpod/define"
)

// InitContainer creates a container in the OCI runtime (conmon and
// `runtime create`) without starting it: it stays created, with a PID,
// until StartContainer runs it. Podman calls this state initialized.
func (r *Runtime) InitContainer(ctx context.Context, idOrName string, opts StartOptions) (*Container, error) {
	c, l, err := r.lockContainer(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	defer l.Unlock()
	if err := r.syncLocked(ctx, c); err != nil {
		return c, err
	}
	switch c.State.Status {
	case define.StatusCreated, define.StatusExited, define.StatusStopped:
	default:
		return c, define.Errorf(define.ErrInvalidState, "container %s has already been created in runtime: container state improper", c.ID())
	}
	if r.initialized(c) {
		return c, define.Errorf(define.ErrInvalidState, "container %s has already been created in runtime: container state improper", c.ID())
	}
	ort, err := r.runtimeOf(c)
	if err != nil {
		return c, err
	}
	if err := r.initLocked(ctx, c, ort, opts); err != nil {
		return c, err
	}
	c.State.Status = define.StatusCreated
	c.State.Error = ""
	if err := r.saveState(context.WithoutCancel(ctx), c); err != nil {
		r.failStart(ctx, c, ort, err)
		return c, err
	}
	return c, nil
}
