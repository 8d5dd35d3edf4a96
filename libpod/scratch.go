package libpod

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/pm-project/pm/libpod/lock"
)

// scratchLock is held shared by every pm that writes in the scratch
// directory or makes image layers no image refers to yet (pull, load,
// import, save, push, commit, build), and exclusively by one that empties
// the directory or reclaims such layers (see SweepScratch).
const scratchLock = "scratch"

// scratchDir is where pm keeps its temporary files and the image
// library's: on the disk of the storage (layers being pulled, archives
// being loaded), not in the runtime directory's tmpfs nor in /var/tmp.
// Nothing in it outlives the command that made it: what a killed pm
// left there goes at the next sweep.
func (r *Runtime) scratchDir() string {
	return filepath.Join(r.cfg.Storage.GraphRoot, "pm", "tmp")
}

// HoldScratch takes the scratch lock shared and returns the scratch
// directory, for temporary files that live until release is called.
func (r *Runtime) HoldScratch(ctx context.Context) (dir string, release func(), err error) {
	l, err := r.locks.RLock(ctx, scratchLock)
	if err != nil {
		return "", nil, err
	}
	dir = r.scratchDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		l.Unlock()
		return "", nil, fmt.Errorf("creating the scratch directory: %w", err)
	}
	return dir, func() { l.Unlock() }, nil
}

// SweepScratch empties the scratch directory when no pm holds it, and
// returns the bytes it freed. With wait it waits for the holders (system
// prune); without, it gives up at once when there are some (any pm that
// opens storage sweeps that way). fn, if not nil, runs while the lock is
// held exclusively: no layer is being written meanwhile. The caller
// holds no other lock: only try-locks may be taken under this one.
func (r *Runtime) SweepScratch(ctx context.Context, wait bool, fn func() error) (int64, error) {
	var l *lock.Lock
	var err error
	if wait {
		l, err = r.locks.Lock(ctx, scratchLock)
	} else {
		l, err = r.locks.TryLock(scratchLock)
	}
	if errors.Is(err, lock.ErrLocked) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer l.Unlock()
	dir := r.scratchDir()
	ents, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return 0, fmt.Errorf("reading the scratch directory: %w", err)
	}
	var freed int64
	for _, ent := range ents {
		p := filepath.Join(dir, ent.Name())
		freed += treeSize(p)
		if err := os.RemoveAll(p); err != nil {
			return freed, fmt.Errorf("emptying the scratch directory: %w", err)
		}
	}
	if len(ents) > 0 {
		slog.Debug("emptied the scratch directory", "entries", len(ents), "bytes", freed)
	}
	if fn != nil {
		return freed, fn()
	}
	return freed, nil
}
