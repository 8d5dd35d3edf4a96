package libpod

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/state"
)

// SpecContext is what a spec generator learns about the container being
// made: its ID, its mounted root filesystem and its bundle directory.
type SpecContext struct {
	ID        string
	Rootfs    string // the mounted storage container, for reading /etc/passwd
	BundleDir string // where hosts, resolv.conf and hostname will be written
}

// SpecGenerator builds the container's OCI spec as JSON once its root
// filesystem exists. It may also fill in cfg's fields that depend on the
// spec (user, hostname, command).
type SpecGenerator func(ctx context.Context, sc SpecContext, cfg *define.ContainerConfig) ([]byte, error)

// NewID returns a new random 64-hex container ID.
func NewID() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b[:])
}

// CreateContainer records cfg as a new container, makes its storage
// container from cfg.Image.ID and generates its OCI spec with gen. The
// database row is written first, so the name is claimed atomically; any
// failure removes what was made. With keepMounted, the root filesystem
// mounted for gen stays mounted and is recorded as the run's mount
// (State.Mountpoint), which the container's start takes over.
func (r *Runtime) CreateContainer(ctx context.Context, cfg define.ContainerConfig, gen SpecGenerator, keepMounted bool) (_ *Container, retErr error) {
	if cfg.ID == "" {
		cfg.ID = NewID()
	}
	if cfg.Created.IsZero() {
		cfg.Created = time.Now()
	}
	db, err := r.DB()
	if err != nil {
		return nil, err
	}
	c := &Container{Config: cfg, State: define.ContainerState{Status: define.StatusConfigured}}
	if err := claimName(cfg.Name, func(name string) error {
		c.Config.Name = name
		return r.insert(ctx, db, c)
	}); err != nil {
		return nil, err
	}
	id := c.ID()
	defer func() {
		if retErr == nil {
			return
		}
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if err := r.removeStorage(id); err != nil {
			slog.Warn("rolling back container storage", "container", id, "err", err)
		}
		if err := db.Update(cctx, func(tx *state.Tx) error { return tx.RemoveContainer(id) }); err != nil {
			slog.Warn("rolling back container record", "container", id, "err", err)
		}
	}()

	store, err := r.Store()
	if err != nil {
		return nil, err
	}
	// The read-write layer's ID is the container's: storage writes the
	// layer before its container record, and a pm killed in between
	// leaves a layer that removeStorage still finds.
	if _, err := store.CreateContainer(id, []string{c.Config.Name}, cfg.Image.ID, id, storageMetadata, storageOptions(&cfg)); err != nil {
		return nil, fmt.Errorf("creating storage for container %s: %w", c.Config.Name, err)
	}
	if err := r.copySecrets(ctx, c); err != nil {
		return nil, err
	}
	mountpoint, err := store.Mount(id, "")
	if err != nil {
		return nil, fmt.Errorf("mounting rootfs of %s: %w", c.Config.Name, err)
	}
	spec, genErr := gen(ctx, SpecContext{ID: id, Rootfs: mountpoint, BundleDir: r.bundleDir(id)}, &c.Config)
	if keepMounted && genErr == nil {
		c.State.Mountpoint = mountpoint
	} else if _, err := store.Unmount(id, false); err != nil && genErr == nil {
		genErr = fmt.Errorf("unmounting rootfs of %s: %w", c.Config.Name, err)
	}
	if genErr != nil {
		return nil, genErr
	}
	c.Config.Spec = spec
	c.State.Status = define.StatusCreated
	c.State.StorageCreated = true
	cb, err := json.Marshal(c.Config)
	if err != nil {
		return nil, fmt.Errorf("encoding configuration of %s: %w", id, err)
	}
	sb, err := json.Marshal(c.State)
	if err != nil {
		return nil, fmt.Errorf("encoding state of %s: %w", id, err)
	}
	if err := db.Update(ctx, func(tx *state.Tx) error {
		if err := tx.SetContainerSpec(id, spec); err != nil {
			return err
		}
		return tx.UpdateContainer(id, cb, sb)
	}); err != nil {
		return nil, err
	}
	return c, nil
}

func (r *Runtime) insert(ctx context.Context, db *state.DB, c *Container) error {
	cb, err := json.Marshal(c.Config)
	if err != nil {
		return fmt.Errorf("encoding configuration: %w", err)
	}
	sb, err := json.Marshal(c.State)
	if err != nil {
		return fmt.Errorf("encoding state: %w", err)
	}
	return db.Update(ctx, func(tx *state.Tx) error {
		return tx.AddContainer(&state.ContainerRecord{
			ID: c.ID(), Name: c.Config.Name, PodID: c.Config.Pod, Config: cb, State: sb, Created: c.Config.Created, Spec: c.Config.Spec,
		})
	})
}
