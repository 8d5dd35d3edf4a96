package libpod

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/pm-project/pm/libpod/lock"
	stypes "go.podman.io/storage/types"
)

// RenumberReport lists what RenumberLocks changed.
type RenumberReport struct {
	Fixed   []string // the lock directory's own repairs
	Removed []string // stale lock files (of objects that are gone)
	Created []string // lock files made for existing objects
}

var hexID = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9a-f]{64}$`) })

// RenumberLocks is pm's system renumber. Podman numbers a fixed pool of
// locks; pm's locks are files named after what they lock (TmpDir/locks),
// made on first use, so there is nothing to renumber: instead it verifies
// and rebuilds them. The lock directory is made the user's, mode 0700; a
// lock path that is not a regular file is removed; the lock files of
// containers, pods, volumes and manifest lists that no longer exist are
// removed (each only while no one holds it); and every container and pod
// gets its lock file. Locks of other names are left as they are.
func (r *Runtime) RenumberLocks(ctx context.Context) (*RenumberReport, error) {
	rep := &RenumberReport{}
	fixed, err := r.locks.Verify()
	if err != nil {
		return nil, err
	}
	rep.Fixed = fixed
	ents, err := r.locks.Entries()
	if err != nil {
		return nil, err
	}
	ctrs, err := r.Containers(ctx)
	if err != nil {
		return nil, err
	}
	pods, err := r.Pods(ctx)
	if err != nil {
		return nil, err
	}
	vols, err := r.Volumes(ctx)
	if err != nil {
		return nil, err
	}
	live := map[string]bool{}
	for _, c := range ctrs {
		live[c.ID()] = true
	}
	for _, p := range pods {
		live["pod-"+p.ID()] = true
	}
	for _, v := range vols {
		live["vol-"+v.Name()] = true
	}
	have := map[string]bool{}
	var errs []error
	for _, e := range ents {
		if !e.Regular {
			if err := r.locks.Discard(e.Name); err != nil {
				errs = append(errs, err)
				continue
			}
			rep.Fixed = append(rep.Fixed, "removed "+e.Name+".lock, not a regular file")
			continue
		}
		have[e.Name] = true
		stale, err := r.staleLock(e.Name, live)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !stale {
			continue
		}
		l, err := r.locks.TryLock(e.Name)
		if errors.Is(err, lock.ErrLocked) {
			continue // held: its object is being made or removed right now
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := l.Remove(); err != nil {
			errs = append(errs, err)
			continue
		}
		rep.Removed = append(rep.Removed, e.Name)
	}
	for name := range live {
		if have[name] || strings.HasPrefix(name, "vol-") {
			continue
		}
		l, err := r.locks.TryLock(name)
		if errors.Is(err, lock.ErrLocked) {
			continue
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := l.Unlock(); err != nil {
			errs = append(errs, err)
			continue
		}
		rep.Created = append(rep.Created, name)
	}
	sort.Strings(rep.Removed)
	sort.Strings(rep.Created)
	return rep, errors.Join(errs...)
}

// staleLock reports whether the lock called name belongs to an object that
// no longer exists. Names pm does not know are never stale.
func (r *Runtime) staleLock(name string, live map[string]bool) (bool, error) {
	switch {
	case hexID().MatchString(name):
		return !live[name], nil
	case strings.HasPrefix(name, "pod-") && hexID().MatchString(name[4:]):
		return !live[name], nil
	case strings.HasPrefix(name, "vol-"):
		return !live[name], nil
	case strings.HasPrefix(name, "manifest-") && hexID().MatchString(name[9:]):
		store, err := r.Store()
		if err != nil {
			return false, err
		}
		if _, err := store.Image(name[9:]); errors.Is(err, stypes.ErrImageUnknown) {
			return true, nil
		} else if err != nil {
			return false, fmt.Errorf("looking up image %s: %w", name[9:], err)
		}
	}
	return false, nil
}
