// Package libpod holds pm's Runtime and its objects (containers, pods,
// volumes, images): their lifecycle and invariants. It is the only writer of
// pm's state.
package libpod

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"

	"github.com/pm-project/pm/libpod/lock"
	"github.com/pm-project/pm/libpod/state"
	"github.com/pm-project/pm/pkg/config"
	"go.podman.io/image/v5/signature"
	"go.podman.io/image/v5/types"
	"go.podman.io/storage"
)

// Runtime is one pm process's view of the user's state. Storage is opened
// on first use, since many commands never need it.
type Runtime struct {
	cfg *config.Config

	storeOnce sync.Once
	store     storage.Store
	storeErr  error
	// storageDeletes batches the deletions of storage containers.
	storageDeletes deleteBatcher

	dbOnce sync.Once
	db     *state.DB
	dbErr  error

	locks *lock.Manager
}

// NewRuntime returns a Runtime for cfg. It opens nothing yet.
func NewRuntime(ctx context.Context, cfg *config.Config) (*Runtime, error) {
	return &Runtime{cfg: cfg, locks: lock.New(filepath.Join(cfg.TmpDir, "locks"))}, nil
}

// DB returns the state database, opening it on first use. It records the
// storage paths it was created with and refuses others.
func (r *Runtime) DB() (*state.DB, error) {
	r.dbOnce.Do(func() {
		r.db, r.dbErr = state.Open(r.cfg.DatabasePath, state.Paths{
			GraphRoot:  r.cfg.Storage.GraphRoot,
			RunRoot:    r.cfg.Storage.RunRoot,
			VolumePath: r.cfg.VolumePath,
		})
	})
	return r.db, r.dbErr
}

// Locks returns the cross-process lock manager (lock files under TmpDir).
func (r *Runtime) Locks() *lock.Manager { return r.locks }

// Config returns the configuration the runtime was made with.
func (r *Runtime) Config() *config.Config { return r.cfg }

// Store returns the containers/storage store, opening it on first use.
func (r *Runtime) Store() (storage.Store, error) {
	r.storeOnce.Do(func() {
		r.store, r.storeErr = openStore(r.cfg.Storage)
		if r.storeErr == nil {
			// What a killed pm left in the scratch directory goes now,
			// unless a pm is using it.
			if _, err := r.SweepScratch(context.Background(), false, nil); err != nil {
				slog.Debug("sweeping the scratch directory", "err", err)
			}
		}
	})
	return r.store, r.storeErr
}

// SystemContext returns the go.podman.io/image/v5 context built from the
// configuration: registries.conf, policy and auth files.
func (r *Runtime) SystemContext() *types.SystemContext { return r.cfg.SystemContext() }

// Policy returns the signature policy: policy.json when the configuration
// found one, else pm's built-in default, which accepts any image.
func (r *Runtime) Policy() (*signature.Policy, error) { return r.cfg.Policy() }

// Shutdown releases what the runtime opened. With force, storage unmounts
// layers still mounted by this process.
func (r *Runtime) Shutdown(force bool) error {
	if r.db != nil {
		r.db.Close()
	}
	return r.shutdownStore(force)
}

// ShutdownAtExit is Shutdown for a process about to exit: the state
// database is left for the exit to close, without the WAL checkpoint
// (two fsyncs) that closing the last connection makes on every pm
// command. What was committed is in the WAL already, as after a crash;
// SQLite checkpoints it when it grows past wal_autocheckpoint, in
// whichever process commits then.
func (r *Runtime) ShutdownAtExit() error {
	return r.shutdownStore(false)
}

func (r *Runtime) shutdownStore(force bool) error {
	if r.store != nil {
		// Running containers keep their layers mounted across pm
		// invocations: that is not a failure to shut down.
		if _, err := r.store.Shutdown(force); err != nil && !errors.Is(err, storage.ErrLayerUsedByContainer) {
			return fmt.Errorf("shutting down storage: %w", err)
		}
	}
	return nil
}

// SearchRegistries returns registries.conf's unqualified-search registries.
func (r *Runtime) SearchRegistries() ([]string, error) { return r.cfg.SearchRegistries() }
