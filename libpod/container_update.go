package libpod

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/state"
)

// UpdateOptions say what UpdateContainer changes; nil fields stay as they
// are.
type UpdateOptions struct {
	// Restart is the new restart policy; it applies from the container's
	// next exit.
	Restart *define.RestartPolicy
	// Resources changes the cgroup limits in place. A running container
	// gets them at once, through the OCI runtime; every container keeps
	// them in its spec for its next start.
	Resources func(*specs.LinuxResources)
	// NotByRunc names the flags of the change that runc's update does not
	// apply (it takes memory, CPU, pids and the block I/O weight only): a
	// running container under runc refuses them.
	NotByRunc []string
}

// UpdateContainer changes what may change after create: the restart policy
// and the cgroup limits. A container removed on exit (--rm) keeps restart
// policy "no". When the runtime refuses the limits nothing is changed.
func (r *Runtime) UpdateContainer(ctx context.Context, idOrName string, opts UpdateOptions) (*Container, error) {
	c, l, err := r.lockContainer(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	defer l.Unlock()
	if p := opts.Restart; p != nil && c.Config.AutoRemove && p.Name != "no" {
		return nil, define.Errorf(define.ErrConflict, "container %s is removed on exit: it cannot have restart policy %s", c.Name(), p.Name)
	}
	var spec []byte
	if opts.Resources != nil {
		if spec, err = r.updateResources(ctx, c, opts.Resources, opts.NotByRunc); err != nil {
			return nil, err
		}
	}
	if opts.Restart != nil {
		c.Config.Restart = *opts.Restart
	}
	cfg, err := json.Marshal(c.Config)
	if err != nil {
		return nil, fmt.Errorf("encoding configuration of container %s: %w", c.ID(), err)
	}
	st, err := json.Marshal(c.State)
	if err != nil {
		return nil, fmt.Errorf("encoding state of container %s: %w", c.ID(), err)
	}
	db, err := r.DB()
	if err != nil {
		return nil, err
	}
	err = db.Update(ctx, func(tx *state.Tx) error {
		if spec != nil {
			if err := tx.SetContainerSpec(c.ID(), spec); err != nil {
				return err
			}
		}
		return tx.UpdateContainer(c.ID(), cfg, st)
	})
	if err != nil {
		return nil, err
	}
	if spec != nil {
		c.Config.Spec = spec
	}
	return c, nil
}

// updateResources applies change to c's cgroup limits, and to its cgroup
// when it runs, and returns the spec to store. The caller holds c's lock.
func (r *Runtime) updateResources(ctx context.Context, c *Container, change func(*specs.LinuxResources), notByRunc []string) ([]byte, error) {
	var sp specs.Spec
	if err := json.Unmarshal(c.Config.Spec, &sp); err != nil {
		return nil, fmt.Errorf("decoding OCI spec of %s: %w", c.ID(), err)
	}
	if sp.Linux == nil || sp.Linux.Resources == nil || sp.Linux.CgroupsPath == "" {
		return nil, define.Errorf(define.ErrUnsupported, "container %s has no cgroup of its own: its resource limits cannot change", c.Name())
	}
	change(sp.Linux.Resources)
	if c.State.Status.Active() {
		ort, err := r.runtimeOf(c)
		if err != nil {
			return nil, err
		}
		if len(notByRunc) > 0 && filepath.Base(ort.Name) == "runc" {
			return nil, define.Errorf(define.ErrInvalidState, "runc cannot change %s of running container %s: stop it first, and the value applies at its next start",
				strings.Join(notByRunc, ", "), c.Name())
		}
		if err := ort.Update(ctx, c.ID(), sp.Linux.Resources); err != nil {
			return nil, fmt.Errorf("updating resources of container %s: %w", c.Name(), err)
		}
	}
	b, err := json.Marshal(&sp)
	if err != nil {
		return nil, fmt.Errorf("encoding OCI spec of %s: %w", c.ID(), err)
	}
	return b, nil
}
