package libpod

import (
	"context"

	"github.com/pm-project/pm/libpod/define"
)

// UpdateRestartPolicy changes a container's restart policy, the one part
// of its configuration that may change after create; it applies from the
// container's next exit. A container removed on exit (--rm) keeps "no".
func (r *Runtime) UpdateRestartPolicy(ctx context.Context, idOrName string, p define.RestartPolicy) (*Container, error) {
	c, l, err := r.lockContainer(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	defer l.Unlock()
	if c.Config.AutoRemove && p.Name != "no" {
		return nil, define.Errorf(define.ErrConflict, "container %s is removed on exit: it cannot have restart policy %s", c.Name(), p.Name)
	}
	c.Config.Restart = p
	return c, r.saveConfigAndState(ctx, c)
}
