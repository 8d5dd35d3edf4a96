package libpod

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/lock"
	"github.com/pm-project/pm/libpod/state"
	"go.podman.io/storage"
)

// OrphanReport says what ReclaimOrphans removed.
type OrphanReport struct {
	Containers   []string // storage containers pm made that had no record
	Layers       []string // layers nothing referred to
	Images       []string // image records without a manifest
	ScratchBytes int64    // the bytes of leftovers in the scratch directory
}

// ReclaimOrphans removes what storage and pm's runtime directory hold
// for nothing, as a pm killed at the wrong moment leaves it: the scratch
// directory's leftovers, storage containers pm made that have no record
// (a pm killed while removing one), images a killed writer left without
// their manifest, layers no image, container or other
// layer refers to (a pull, load, commit or build killed before it made
// its image, a create killed before its storage container), and the lock
// and exit files of containers, pods and volumes that are gone. It waits
// for the pm processes that write images to finish first. The caller
// holds no lock.
func (r *Runtime) ReclaimOrphans(ctx context.Context) (*OrphanReport, error) {
	rep := &OrphanReport{}
	freed, err := r.SweepScratch(ctx, true, func() error {
		return r.reclaimStorage(ctx, rep)
	})
	rep.ScratchBytes = freed
	if err != nil {
		return rep, err
	}
	return rep, r.sweepRuntimeFiles(ctx)
}

// reclaimStorage removes the storage containers and layers that are
// orphans. The caller holds the scratch lock exclusively: no image is
// being written.
func (r *Runtime) reclaimStorage(ctx context.Context, rep *OrphanReport) error {
	store, err := r.Store()
	if err != nil {
		return err
	}
	known, err := r.containerIDs(ctx)
	if err != nil {
		return err
	}
	scs, err := store.Containers()
	if err != nil {
		return fmt.Errorf("listing storage containers: %w", err)
	}
	for _, sc := range scs {
		// Another tool's containers in a shared store are not pm's to
		// remove; they show in ps as "storage" and go with rm.
		if known[sc.ID] || sc.Metadata != storageMetadata {
			continue
		}
		removed, err := r.removeOrphanStorage(ctx, sc.ID)
		if err != nil {
			return err
		}
		if removed {
			rep.Containers = append(rep.Containers, sc.ID)
		}
	}
	// An image whose writer was killed between storage's first and last
	// write of it (storage saves the record with each of its items) has
	// no manifest: nothing can open it, and nothing writes images now.
	// One a container uses stays.
	all, err := store.Images()
	if err != nil {
		return fmt.Errorf("listing images: %w", err)
	}
	if scs, err = store.Containers(); err != nil {
		return fmt.Errorf("listing storage containers: %w", err)
	}
	inUse := map[string]bool{}
	for _, sc := range scs {
		inUse[sc.ImageID] = true
	}
	for _, img := range all {
		if img.ReadOnly || inUse[img.ID] || slices.Contains(img.BigDataNames, storage.ImageDigestBigDataKey) {
			continue
		}
		if _, err := store.DeleteImage(img.ID, true); err != nil && !isGoneErr(err) {
			return fmt.Errorf("deleting incomplete image %s: %w", img.ID, err)
		}
		slog.Debug("deleted an incomplete image", "image", img.ID)
		rep.Images = append(rep.Images, img.ID)
	}
	// Layers first, then what refers to them: storage writes a
	// container's layer and its record under one lock, so a layer listed
	// here has its container in the list read after.
	layers, err := store.Layers()
	if err != nil {
		return fmt.Errorf("listing layers: %w", err)
	}
	if scs, err = store.Containers(); err != nil {
		return fmt.Errorf("listing storage containers: %w", err)
	}
	imgs, err := store.Images()
	if err != nil {
		return fmt.Errorf("listing images: %w", err)
	}
	var used []string
	for _, sc := range scs {
		used = append(used, sc.LayerID)
	}
	for _, img := range imgs {
		used = append(used, img.TopLayer)
		used = append(used, img.MappedTopLayers...)
	}
	for _, id := range orphanLayers(layers, used) {
		if err := store.DeleteLayer(id); err != nil && !isGoneErr(err) {
			return fmt.Errorf("deleting orphan layer %s: %w", id, err)
		}
		slog.Debug("deleted an orphan layer", "layer", id)
		rep.Layers = append(rep.Layers, id)
	}
	return nil
}

// orphanLayers returns the layers of the writable store that neither the
// used ones nor their parents are, children before their parents (the
// order they can be deleted in).
func orphanLayers(layers []storage.Layer, used []string) []string {
	byID := make(map[string]*storage.Layer, len(layers))
	for i := range layers {
		byID[layers[i].ID] = &layers[i]
	}
	keep := map[string]bool{}
	for _, id := range used {
		for id != "" && !keep[id] {
			keep[id] = true
			l := byID[id]
			if l == nil {
				break
			}
			id = l.Parent
		}
	}
	// Among the orphans, a parent comes after its children: count the
	// orphan children of each, and peel off those with none.
	children := map[string]int{}
	for _, l := range layers {
		if !keep[l.ID] && l.Parent != "" {
			children[l.Parent]++
		}
	}
	var ready, out []string
	for _, l := range layers {
		if !keep[l.ID] && children[l.ID] == 0 {
			ready = append(ready, l.ID)
		}
	}
	for len(ready) > 0 {
		id := ready[0]
		ready = ready[1:]
		l := byID[id]
		if l.ReadOnly {
			continue
		}
		out = append(out, id)
		if p := l.Parent; p != "" && !keep[p] {
			if children[p]--; children[p] == 0 {
				ready = append(ready, p)
			}
		}
	}
	return out
}

// removeOrphanStorage removes the storage of container id if it still has
// no record once its lock is held; a container whose lock is held is left
// for later.
func (r *Runtime) removeOrphanStorage(ctx context.Context, id string) (bool, error) {
	l, err := r.locks.TryLock(id)
	if errors.Is(err, lock.ErrLocked) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if _, err := r.getContainer(ctx, id); !errors.Is(err, define.ErrNoSuchCtr) {
		l.Unlock()
		return false, err
	}
	if err := r.removeStorage(id); err != nil {
		l.Unlock()
		return false, err
	}
	if err := l.Remove(); err != nil {
		slog.Debug("removing a container lock", "container", id, "err", err)
	}
	return true, nil
}

// containerIDs returns the IDs of every container in the database.
func (r *Runtime) containerIDs(ctx context.Context) (map[string]bool, error) {
	cs, err := r.Containers(ctx)
	if err != nil {
		return nil, err
	}
	ids := make(map[string]bool, len(cs))
	for _, c := range cs {
		ids[c.ID()] = true
	}
	return ids, nil
}

var fullID = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9a-f]{64}$`) })

// sweepRuntimeFiles removes the lock files of containers, pods and
// volumes that do not exist (the lock file is the one runtime file a pm
// killed while removing leaves: all others go before the record), the
// bridge attachments of containers that do not exist with the rootless
// network namespace nothing uses, and the exit files that no container
// has (left by an older pm). A lock
// file is removed only while held, which is safe whoever else uses it:
// a pm waiting on it takes a new one.
func (r *Runtime) sweepRuntimeFiles(ctx context.Context) error {
	db, err := r.DB()
	if err != nil {
		return err
	}
	ctrs, err := r.containerIDs(ctx)
	if err != nil {
		return err
	}
	exists := func(name string) (bool, error) {
		var err error
		switch {
		case fullID().MatchString(name):
			err = db.View(ctx, func(tx *state.Tx) error { _, err := tx.GetContainer(name); return err })
		case strings.HasPrefix(name, "pod-"):
			err = db.View(ctx, func(tx *state.Tx) error { _, err := tx.GetPod(strings.TrimPrefix(name, "pod-")); return err })
		case strings.HasPrefix(name, "vol-"):
			err = db.View(ctx, func(tx *state.Tx) error { _, err := tx.GetVolume(strings.TrimPrefix(name, "vol-")); return err })
		default:
			return true, nil // pm's own locks: they stay
		}
		if errors.Is(err, define.ErrNotFound) {
			return false, nil
		}
		return err == nil, err
	}
	ents, _ := os.ReadDir(filepath.Join(r.cfg.TmpDir, "locks"))
	for _, ent := range ents {
		name, ok := strings.CutSuffix(ent.Name(), ".lock")
		if !ok || ctrs[name] {
			continue
		}
		if ok, err := exists(name); err != nil || ok {
			if err != nil {
				return err
			}
			continue
		}
		l, err := r.locks.TryLock(name)
		if err != nil {
			continue // held: in use, or another sweeper's
		}
		// Whoever locks it next re-reads the record, so a record made
		// meanwhile is no harm: the lock file comes back.
		if err := l.Remove(); err != nil {
			slog.Debug("removing a stale lock file", "lock", name, "err", err)
		}
	}
	if err := r.sweepBridgeAttachments(ctx, exists); err != nil {
		return err
	}
	exits, _ := os.ReadDir(r.exitDir())
	for _, ent := range exits {
		// ID, or ID.XXXXXX that a conmon killed while it wrote the exit
		// file left.
		id, _, _ := strings.Cut(ent.Name(), ".")
		if ctrs[id] {
			continue
		}
		// A container that exited has its bundle until it is removed,
		// whichever graph root it belongs to.
		if _, err := os.Stat(r.bundleDir(id)); !errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err := os.Remove(filepath.Join(r.exitDir(), ent.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("removing a stale exit file: %w", err)
		}
	}
	return nil
}
