// adds to storage
// hack/storage-overlay.sh adds this file to the copy of
// go.podman.io/storage pm is built with (at the same path). It is pm's
// code, written against the storage version go.mod names; the script
// refuses a version that already has a file of this name.

package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"go.podman.io/storage/internal/tempdir"
	"go.podman.io/storage/pkg/system"
)

// DeleteContainers deletes the containers ids with their read-write
// layers, each as DeleteContainer does, in the same order of steps, but
// under one hold of the stores' locks: the layers' records are written
// twice (the marks that make an interrupted deletion finish at the next
// load, then the deletion) and the containers' once for all of them,
// where DeleteContainer writes them for every container. The result has
// the error of each id, nil when it was deleted; an id that names no
// container gets ErrNotAContainer.
func (s *store) DeleteContainers(ids []string) map[string]error {
	errs := make(map[string]error, len(ids))
	cs, ok := s.containerStore.(*containerStore)
	if !ok {
		for _, id := range ids {
			errs[id] = s.DeleteContainer(id)
		}
		return errs
	}
	cleanups := map[string][]tempdir.CleanupTempDirFunc{}
	err := s.writeToAllStores(func(rlstore rwLayerStore) error {
		ls, ok := rlstore.(*layerStore)
		if !ok {
			return fmt.Errorf("internal error: layer store of type %T", rlstore)
		}
		deleteContainersLocked(s, cs, ls, ids, errs, cleanups)
		return nil
	})
	for _, id := range ids {
		if err != nil && errs[id] == nil {
			errs[id] = err
		}
		if cerr := tempdir.CleanupTemporaryDirectories(cleanups[id]...); cerr != nil {
			errs[id] = errors.Join(cerr, errs[id])
		}
	}
	return errs
}

// deleteContainersLocked is DeleteContainers with the stores locked for
// writing. A step that fails for a container leaves the later steps of
// that container undone, as DeleteContainer does.
func deleteContainersLocked(s *store, cs *containerStore, ls *layerStore, ids []string, errs map[string]error, cleanups map[string][]tempdir.CleanupTempDirFunc) {
	type victim struct {
		id    string
		ctr   *Container
		layer *Layer // nil when the container's layer is gone
		err   error  // the step that failed; the later ones are skipped
		gone  bool   // its record is deleted
	}
	var victims []*victim
	for _, id := range ids {
		if _, seen := errs[id]; seen {
			continue
		}
		ctr, ok := cs.lookup(id)
		if !ok {
			errs[id] = ErrNotAContainer
			continue
		}
		errs[id] = nil
		v := &victim{id: id, ctr: ctr}
		victims = append(victims, v)
		if layer, ok := ls.lookup(ctr.LayerID); ok {
			v.layer = layer
			// As layerStore.deferredDelete: unmount before anything
			// is deleted.
			var err error
			for err == nil {
				_, err = ls.unmount(layer.ID, false, true)
			}
			if err != ErrLayerNotMounted {
				v.err = err
			}
		}
	}
	withLayer := func(v *victim) bool { return v.err == nil && v.layer != nil }
	// saveLayers writes the layer records of locs; when that fails, every
	// container whose layer was still being deleted gets the error.
	saveLayers := func(locs layerLocations) {
		if locs == 0 {
			return
		}
		if err := ls.save(locs, false); err != nil {
			for _, v := range victims {
				if withLayer(v) {
					v.err = err
				}
			}
		}
	}

	// The marks layerStore.internalDelete sets, in one write.
	var marked layerLocations
	for _, v := range victims {
		if withLayer(v) && !layerHasIncompleteFlag(v.layer) {
			if v.layer.Flags == nil {
				v.layer.Flags = make(map[string]any)
			}
			v.layer.Flags[incompleteFlag] = true
			marked |= v.layer.location
		}
	}
	saveLayers(marked)

	// The layers, then one write of their records.
	var deleted layerLocations
	for _, v := range victims {
		if !withLayer(v) {
			continue
		}
		cf, err := ls.internalDelete(v.layer.ID)
		cleanups[v.id] = append(cleanups[v.id], cf...)
		if err != nil {
			v.err = err
			continue
		}
		deleted |= v.layer.location
	}
	saveLayers(deleted)

	// The containers' directories and records, then one write of those.
	middleDir := s.graphDriverName + "-containers"
	var removed containerLocations
	for _, v := range victims {
		if v.err != nil {
			continue
		}
		id := v.ctr.ID
		for _, dir := range []string{s.GraphRoot(), s.RunRoot()} {
			if err := system.EnsureRemoveAll(filepath.Join(dir, middleDir, id)); err != nil && v.err == nil {
				v.err = err
			}
		}
		if v.err != nil {
			continue
		}
		// As containerStore.Delete, without its write.
		delete(cs.byid, id)
		_ = cs.idindex.Delete(id)
		delete(cs.bylayer, v.ctr.LayerID)
		for _, name := range v.ctr.Names {
			delete(cs.byname, name)
		}
		cs.containers = slices.DeleteFunc(cs.containers, func(c *Container) bool { return c.ID == id })
		removed |= containerLocation(v.ctr)
		v.gone = true
	}
	if removed != 0 {
		if err := cs.save(removed); err != nil {
			for _, v := range victims {
				if v.gone {
					v.err = err
				}
			}
		}
	}
	for _, v := range victims {
		if v.err == nil {
			v.err = os.RemoveAll(cs.datadir(v.ctr.ID))
		}
		errs[v.id] = v.err
	}
}
