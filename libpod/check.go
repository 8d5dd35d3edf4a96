package libpod

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/lock"
	"github.com/pm-project/pm/libpod/state"
	"go.podman.io/storage"
)

// CheckOptions say what Check looks at and what it repairs.
type CheckOptions struct {
	// Quick skips the slow checks: layer digests and contents, and the
	// database's indexes.
	Quick bool
	// Repair removes damaged images and layers no container uses, storage
	// containers pm has no record of, and runtime files of removed
	// containers.
	Repair bool
	// RepairLossy also removes the containers (and pods) that are damaged
	// or use damaged images.
	RepairLossy bool
	// MaxAge is how old a layer no image or container uses, or a storage
	// container pm has no record of, must be to count as damage (left by
	// an interrupted pull, create or remove); nil is 24 hours.
	MaxAge *time.Duration
}

// defaultMaxAge is how old unreferenced storage must be to count as damage.
const defaultMaxAge = 24 * time.Hour

// CheckReport is what Check found and removed, by ID.
type CheckReport struct {
	Layers, ROLayers, Images, ROImages map[string][]string
	Containers, Pods                   map[string][]string
	// Database lists the state database's own problems.
	Database []string
	// StaleFiles are runtime files (bundles, exit files, network
	// namespaces) of containers that no longer exist, by ID.
	StaleFiles map[string][]string

	RemovedLayers, RemovedImages, RemovedContainers, RemovedPods []string
	// RemovedStale are the containers whose stale runtime files were removed.
	RemovedStale []string
}

// Damaged reports whether the report lists any damage.
func (r *CheckReport) Damaged() bool {
	return len(r.Layers)+len(r.ROLayers)+len(r.Images)+len(r.ROImages)+len(r.Containers)+len(r.Pods)+
		len(r.Database)+len(r.StaleFiles) > 0
}

func newCheckReport() *CheckReport {
	return &CheckReport{
		Layers: map[string][]string{}, ROLayers: map[string][]string{}, Images: map[string][]string{},
		ROImages: map[string][]string{}, Containers: map[string][]string{}, Pods: map[string][]string{},
		StaleFiles: map[string][]string{},
	}
}

// Check checks the consistency of storage (layers, images and containers,
// through go.podman.io/storage's own check), of pm's state database (SQLite's
// integrity check; every container has its storage container and its pod;
// every pod its infra container; every storage container is pm's), and of
// pm's runtime files; with Repair or RepairLossy it removes what is damaged.
func (r *Runtime) Check(ctx context.Context, opts CheckOptions) (*CheckReport, error) {
	rep := newCheckReport()
	store, err := r.Store()
	if err != nil {
		return nil, err
	}
	db, err := r.DB()
	if err != nil {
		return nil, err
	}
	err = db.View(ctx, func(tx *state.Tx) error {
		var err error
		rep.Database, err = tx.Integrity(opts.Quick)
		return err
	})
	if err != nil {
		return nil, err
	}
	what := storage.CheckEverything()
	if opts.Quick {
		what = &storage.CheckOptions{LayerMountable: true, LayerData: true, ImageData: true, ContainerData: true}
	}
	maxAge := defaultMaxAge
	if opts.MaxAge != nil {
		maxAge = *opts.MaxAge
	}
	what.LayerUnreferencedMaximumAge = &maxAge
	sr, err := store.Check(what)
	if err != nil {
		return nil, fmt.Errorf("checking storage: %w", err)
	}
	addErrors(rep.Layers, sr.Layers)
	addErrors(rep.ROLayers, sr.ROLayers)
	addErrors(rep.Images, sr.Images)
	addErrors(rep.ROImages, sr.ROImages)
	addErrors(rep.Containers, sr.Containers)

	ctrs, err := r.Containers(ctx)
	if err != nil {
		return nil, err
	}
	pods, err := r.Pods(ctx)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, c := range ctrs {
		known[c.ID()] = true
	}
	podIDs := map[string]bool{}
	for _, p := range pods {
		podIDs[p.ID()] = true
		if p.Config.InfraID != "" && !known[p.Config.InfraID] {
			rep.Pods[p.ID()] = append(rep.Pods[p.ID()], fmt.Sprintf("its infra container %s is missing", p.Config.InfraID))
		}
	}
	for _, c := range ctrs {
		if _, err := store.Container(c.ID()); errors.Is(err, storage.ErrContainerUnknown) {
			rep.Containers[c.ID()] = append(rep.Containers[c.ID()], "its storage container (root filesystem) is missing")
		} else if err != nil {
			return nil, fmt.Errorf("reading storage of container %s: %w", c.ID(), err)
		}
		if c.Config.Pod != "" && !podIDs[c.Config.Pod] {
			rep.Containers[c.ID()] = append(rep.Containers[c.ID()], fmt.Sprintf("its pod %s is missing", c.Config.Pod))
		}
	}
	orphans, err := r.orphanStorage(store, known, maxAge)
	if err != nil {
		return nil, err
	}
	for _, id := range orphans {
		rep.Containers[id] = append(rep.Containers[id], "pm has no record of this storage container (left by an interrupted create or remove)")
	}
	owners := maps.Clone(known)
	maps.Copy(owners, podIDs)
	if rep.StaleFiles, err = r.staleRuntimeFiles(owners); err != nil {
		return nil, err
	}
	if !opts.Repair && !opts.RepairLossy {
		return rep, nil
	}
	return rep, r.repair(ctx, store, rep, sr, opts, orphans)
}

func addErrors(dst map[string][]string, src map[string][]error) {
	for id, errs := range src {
		for _, e := range errs {
			dst[id] = append(dst[id], e.Error())
		}
	}
}

// orphanStorage returns the storage containers pm has no record of that
// are older than maxAge (younger ones may be in the middle of a create or
// of a build).
func (r *Runtime) orphanStorage(store storage.Store, known map[string]bool, maxAge time.Duration) ([]string, error) {
	scs, err := store.Containers()
	if err != nil {
		return nil, fmt.Errorf("listing storage containers: %w", err)
	}
	var out []string
	for _, sc := range scs {
		if !known[sc.ID] && time.Since(sc.Created) > maxAge {
			out = append(out, sc.ID)
		}
	}
	return out, nil
}

var idPrefix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9a-f]{12,64}`) })

// staleAge is how old a runtime file of a container pm has no record of
// must be to be stale: a container being removed keeps its exit file until
// the pm waiting on it has read it.
const staleAge = time.Minute

// staleRuntimeFiles returns the runtime files named after a container (or
// pod) pm has no record of, by ID.
func (r *Runtime) staleRuntimeFiles(known map[string]bool) (map[string][]string, error) {
	// Lock files are pm system renumber's to verify.
	dirs := []string{r.bundleDir(""), r.exitDir(), filepath.Join(r.cfg.TmpDir, "netns"), r.healthDir()}
	if rts, err := os.ReadDir(filepath.Join(r.cfg.TmpDir, "runtime")); err == nil {
		for _, d := range rts {
			dirs = append(dirs, filepath.Join(r.cfg.TmpDir, "runtime", d.Name()))
		}
	}
	// Some files carry only the short ID (slirp4netns's API socket).
	byShort := map[string]string{}
	for id := range known {
		byShort[id[:12]] = id
	}
	out := map[string][]string{}
	for _, dir := range dirs {
		ents, err := os.ReadDir(dir)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("reading %s: %w", dir, err)
		}
		for _, e := range ents {
			id := idPrefix().FindString(e.Name())
			if id == "" || known[id] || (len(id) < 64 && byShort[id[:12]] != "") {
				continue
			}
			if len(id) != 64 && len(id) != 12 {
				continue
			}
			if fi, err := e.Info(); err != nil || time.Since(fi.ModTime()) < staleAge {
				continue
			}
			out[id] = append(out[id], filepath.Join(dir, e.Name()))
		}
	}
	return out, nil
}

// repair removes what rep found damaged, as opts allow, and records it.
func (r *Runtime) repair(ctx context.Context, store storage.Store, rep *CheckReport, sr storage.CheckReport, opts CheckOptions, orphans []string) error {
	var errs []error
	if opts.RepairLossy {
		errs = append(errs, r.repairContainers(ctx, rep)...)
		for id := range sr.Containers {
			if _, err := store.Container(id); err != nil {
				delete(sr.Containers, id) // gone already: storage's repair must not trip on it
			}
		}
	}
	imagesBefore, err := store.Images()
	if err != nil {
		return fmt.Errorf("listing images before repairs: %w", err)
	}
	errs = append(errs, store.Repair(sr, &storage.RepairOptions{RemoveContainers: opts.RepairLossy})...)
	imagesAfter, err := store.Images()
	if err != nil {
		return fmt.Errorf("listing images after repairs: %w", err)
	}
	for _, img := range imagesBefore {
		if !slices.ContainsFunc(imagesAfter, func(a storage.Image) bool { return a.ID == img.ID }) {
			rep.RemovedImages = append(rep.RemovedImages, img.ID)
		}
	}
	for id := range rep.Layers {
		if _, err := store.Layer(id); err != nil {
			rep.RemovedLayers = append(rep.RemovedLayers, id)
		}
	}
	for _, id := range orphans {
		if err := r.removeStorage(id); err != nil {
			errs = append(errs, err)
			continue
		}
		rep.RemovedContainers = append(rep.RemovedContainers, id)
	}
	for id, files := range rep.StaleFiles {
		if err := r.removeStale(ctx, id, files); err != nil {
			errs = append(errs, err)
			continue
		}
		rep.RemovedStale = append(rep.RemovedStale, id)
	}
	for _, l := range [][]string{rep.RemovedLayers, rep.RemovedImages, rep.RemovedContainers, rep.RemovedPods, rep.RemovedStale} {
		sort.Strings(l)
	}
	return errors.Join(errs...)
}

// repairContainers removes the damaged pods and pm's damaged containers
// (those whose pod is the infra container's, with their pod).
func (r *Runtime) repairContainers(ctx context.Context, rep *CheckReport) []error {
	var errs []error
	for id := range rep.Pods {
		if _, err := r.RemovePod(ctx, id, true, nil); err != nil && !errors.Is(err, define.ErrNoSuchPod) {
			errs = append(errs, fmt.Errorf("removing damaged pod %s: %w", id, err))
			continue
		}
		rep.RemovedPods = append(rep.RemovedPods, id)
	}
	for id := range rep.Containers {
		c, err := r.LookupContainer(ctx, id)
		if errors.Is(err, define.ErrNoSuchCtr) {
			continue // storage's own, or gone with its pod
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := r.refuseInfraRemoval(ctx, c); err != nil {
			if _, err := r.RemovePod(ctx, c.Config.Pod, true, nil); err != nil {
				errs = append(errs, fmt.Errorf("removing the pod of damaged container %s: %w", id, err))
				continue
			}
			rep.RemovedPods = append(rep.RemovedPods, c.Config.Pod)
		} else if _, err := r.RemoveContainer(ctx, id, true, nil); err != nil && !errors.Is(err, define.ErrNoSuchCtr) {
			errs = append(errs, fmt.Errorf("removing damaged container %s: %w", id, err))
			continue
		}
		rep.RemovedContainers = append(rep.RemovedContainers, id)
	}
	return errs
}

// removeStale removes the runtime files of a container pm has no record
// of, under the container's lock, so that a create or remove going on is
// not disturbed.
func (r *Runtime) removeStale(ctx context.Context, id string, files []string) error {
	var l *lock.Lock
	if len(id) == 64 {
		var err error
		if l, err = r.locks.TryLock(id); err != nil {
			return fmt.Errorf("runtime files of container %s: %w", id, err)
		}
		if _, err := r.getContainer(ctx, id); !errors.Is(err, define.ErrNoSuchCtr) {
			l.Unlock()
			return nil // created meanwhile
		}
	}
	var errs []error
	for _, f := range files {
		if err := os.RemoveAll(f); err != nil {
			errs = append(errs, fmt.Errorf("removing %s: %w", f, err))
		}
	}
	if l != nil {
		if err := l.Remove(); err != nil {
			slog.Debug("removing stale lock", "container", id, "err", err)
		}
	}
	return errors.Join(errs...)
}
