package libpod

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/state"
)

// Container is one container as read from the state database: its fixed
// configuration and the state at the time of the read.
type Container struct {
	Config define.ContainerConfig
	State  define.ContainerState
	// Pod is the pod's ID, "" for none.
	Pod string
}

// ID returns the container's full ID.
func (c *Container) ID() string { return c.Config.ID }

// Name returns the container's name.
func (c *Container) Name() string { return c.Config.Name }

func decodeContainer(rec *state.ContainerRecord) (*Container, error) {
	c := &Container{Pod: rec.PodID}
	if err := json.Unmarshal(rec.Config, &c.Config); err != nil {
		return nil, fmt.Errorf("decoding configuration of container %s: %w", rec.ID, err)
	}
	if len(rec.State) > 0 {
		if err := json.Unmarshal(rec.State, &c.State); err != nil {
			return nil, fmt.Errorf("decoding state of container %s: %w", rec.ID, err)
		}
	}
	if c.Config.ID == "" {
		c.Config.ID = rec.ID
	}
	if len(rec.Spec) > 0 {
		c.Config.Spec = rec.Spec
	}
	c.Config.Name = rec.Name
	return c, nil
}

// LookupContainer finds a container by ID, unique ID prefix or name.
func (r *Runtime) LookupContainer(ctx context.Context, idOrName string) (*Container, error) {
	db, err := r.DB()
	if err != nil {
		return nil, err
	}
	var c *Container
	err = db.View(ctx, func(tx *state.Tx) error {
		rec, err := tx.LookupContainer(idOrName)
		if err != nil {
			return err
		}
		c, err = decodeContainer(rec)
		return err
	})
	return c, err
}

// Containers returns every container, oldest first, in one read.
//
// The containers of a list carry no Config.Spec; LookupContainer and a
// re-read by ID load it.
func (r *Runtime) Containers(ctx context.Context) ([]*Container, error) {
	return r.containersOf(ctx, (*state.Tx).ListContainers)
}

// ContainersJoiningNetNS returns the containers that joined another
// container's network namespace (network mode container:ID).
func (r *Runtime) ContainersJoiningNetNS(ctx context.Context) ([]*Container, error) {
	return r.containersOf(ctx, (*state.Tx).ContainersJoiningNetNS)
}

// ContainersJoining returns the containers that joined the network
// namespace of container id (network mode container:id).
func (r *Runtime) ContainersJoining(ctx context.Context, id string) ([]*Container, error) {
	return r.containersOf(ctx, func(tx *state.Tx) ([]*state.ContainerRecord, error) { return tx.ContainersJoining(id) })
}

func (r *Runtime) containersOf(ctx context.Context, list func(*state.Tx) ([]*state.ContainerRecord, error)) ([]*Container, error) {
	db, err := r.DB()
	if err != nil {
		return nil, err
	}
	var out []*Container
	err = db.View(ctx, func(tx *state.Tx) error {
		recs, err := list(tx)
		if err != nil {
			return err
		}
		for _, rec := range recs {
			c, err := decodeContainer(rec)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	return out, err
}

// getContainer re-reads a container by exact ID (after taking its lock).
func (r *Runtime) getContainer(ctx context.Context, id string) (*Container, error) {
	db, err := r.DB()
	if err != nil {
		return nil, err
	}
	var c *Container
	err = db.View(ctx, func(tx *state.Tx) error {
		rec, err := tx.GetContainer(id)
		if err != nil {
			return err
		}
		c, err = decodeContainer(rec)
		return err
	})
	return c, err
}

// saveState writes c's state. The caller holds c's lock.
func (r *Runtime) saveState(ctx context.Context, c *Container) error {
	b, err := json.Marshal(c.State)
	if err != nil {
		return fmt.Errorf("encoding state of container %s: %w", c.ID(), err)
	}
	db, err := r.DB()
	if err != nil {
		return err
	}
	return db.Update(ctx, func(tx *state.Tx) error {
		return tx.UpdateContainer(c.ID(), nil, b)
	})
}

// bundleDir is where a container's bundle, conmon's files and its log live.
func (r *Runtime) bundleDir(id string) string {
	return filepath.Join(r.cfg.TmpDir, "containers", id)
}

// BundleDir returns the directory of a container's bundle (attach socket,
// ctl fifo, pid files).
func (r *Runtime) BundleDir(id string) string { return r.bundleDir(id) }

// exitDir is where conmon writes exit files.
func (r *Runtime) exitDir() string { return filepath.Join(r.cfg.TmpDir, "exits") }
