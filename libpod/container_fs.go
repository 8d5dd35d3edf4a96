package libpod

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/libpod/define"
)

// MountContainer mounts a container's root filesystem and returns the
// mountpoint. Storage counts mounts: each MountContainer needs one
// UnmountContainer, and the mount a running container holds is its own.
func (r *Runtime) MountContainer(ctx context.Context, idOrName string) (*Container, string, error) {
	c, l, err := r.lockContainer(ctx, idOrName)
	if err != nil {
		return nil, "", err
	}
	defer l.Unlock()
	if c.State.Status == define.StatusRemoving {
		return c, "", define.Errorf(define.ErrInvalidState, "container %s is being removed", c.ID())
	}
	store, err := r.Store()
	if err != nil {
		return c, "", err
	}
	mp, err := store.Mount(c.ID(), "")
	if err != nil {
		return c, "", fmt.Errorf("mounting rootfs of %s: %w", c.Name(), err)
	}
	return c, mp, nil
}

// UnmountContainer takes back one mount of a container's root filesystem;
// force takes back all of them. The mount of a running container is never
// taken: unmounting a running container that nobody else mounted is an
// error, as is forcing it.
func (r *Runtime) UnmountContainer(ctx context.Context, idOrName string, force bool) (*Container, error) {
	c, l, err := r.lockContainer(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	defer l.Unlock()
	if err := r.syncLocked(ctx, c); err != nil {
		return c, err
	}
	store, err := r.Store()
	if err != nil {
		return c, err
	}
	n, err := store.Mounted(c.ID())
	if err != nil {
		if isGoneErr(err) {
			return c, nil
		}
		return c, fmt.Errorf("counting mounts of %s: %w", c.Name(), err)
	}
	if c.State.Status.Active() || c.State.ConmonPid > 0 {
		if force {
			return c, define.Errorf(define.ErrInvalidState, "cannot force unmount running container %s: container state improper", c.ID())
		}
		if n <= 1 {
			return c, define.Errorf(define.ErrInvalidState, "can't unmount %s last mount, it is still in use: container state improper", c.ID())
		}
	}
	if n == 0 {
		return c, nil
	}
	if _, err := store.Unmount(c.ID(), force); err != nil && !isGoneErr(err) {
		return c, fmt.Errorf("unmounting rootfs of %s: %w", c.Name(), err)
	}
	return c, nil
}

// MountedContainer is a container whose root filesystem is mounted.
type MountedContainer struct {
	ID, Name   string
	Mountpoint string
}

// MountedContainers lists the containers whose root filesystem is
// mounted, oldest first.
func (r *Runtime) MountedContainers(ctx context.Context) ([]MountedContainer, error) {
	cs, err := r.Containers(ctx)
	if err != nil {
		return nil, err
	}
	store, err := r.Store()
	if err != nil {
		return nil, err
	}
	var out []MountedContainer
	for _, c := range cs {
		n, err := store.Mounted(c.ID())
		if err != nil || n == 0 {
			continue
		}
		sc, err := store.Container(c.ID())
		if err != nil {
			continue
		}
		l, err := store.Layer(sc.LayerID)
		if err != nil || l.MountPoint == "" {
			continue
		}
		out = append(out, MountedContainer{ID: c.ID(), Name: c.Name(), Mountpoint: l.MountPoint})
	}
	return out, nil
}

// withRootfs runs fn with the container's root filesystem mounted, and
// unmounts it (one count) afterwards.
func (r *Runtime) withRootfs(ctx context.Context, idOrName string, fn func(c *Container, root string) error) error {
	c, root, err := r.MountContainer(ctx, idOrName)
	if err != nil {
		return err
	}
	ferr := fn(c, root)
	if store, err := r.Store(); err == nil {
		if _, err := store.Unmount(c.ID(), false); err != nil && !isGoneErr(err) {
			if ferr == nil {
				return fmt.Errorf("unmounting rootfs of %s: %w", c.Name(), err)
			}
			slog.Warn("unmounting rootfs", "container", c.ID(), "err", err)
		}
	}
	return ferr
}

// processUser returns the uid and gid the container's process runs as.
func processUser(c *Container) (int, int) {
	var sp struct {
		Process *specs.Process `json:"process"`
	}
	if err := json.Unmarshal(c.Config.Spec, &sp); err != nil || sp.Process == nil {
		return 0, 0
	}
	return int(sp.Process.User.UID), int(sp.Process.User.GID)
}

// storageLayer returns the ID of the container's read-write layer.
func (r *Runtime) storageLayer(c *Container) (string, error) {
	store, err := r.Store()
	if err != nil {
		return "", err
	}
	sc, err := store.Container(c.ID())
	if err != nil {
		if isGoneErr(err) {
			return "", define.Errorf(define.ErrInvalidState, "container %s has no storage", c.Name())
		}
		return "", fmt.Errorf("reading storage of container %s: %w", c.Name(), err)
	}
	return sc.LayerID, nil
}
