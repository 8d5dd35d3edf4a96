package libpod

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pm-project/pm/libpod/define"
	"go.podman.io/storage/pkg/archive"
)

// Change is one changed path of a layer: Kind is "A" (added), "C"
// (changed) or "D" (deleted).
type Change struct {
	Kind string
	Path string
}

// Changes lists what a container's layer, or an image's top layer,
// changed against its parent. A name is looked up as a container first.
// With against set, the changes are those from against's layer to
// target's instead.
func (r *Runtime) Changes(ctx context.Context, target, against string) ([]Change, error) {
	to, isCtr, err := r.layerOf(ctx, target)
	if err != nil {
		return nil, err
	}
	from := ""
	if against != "" {
		if from, _, err = r.layerOf(ctx, against); err != nil {
			return nil, err
		}
	}
	store, err := r.Store()
	if err != nil {
		return nil, err
	}
	chs, err := store.Changes(from, to)
	if err != nil {
		return nil, fmt.Errorf("computing changes of %s: %w", target, err)
	}
	out := make([]Change, 0, len(chs))
	for _, ch := range chs {
		if isCtr && runMountpoints[ch.Path] {
			continue
		}
		k := "C"
		switch ch.Kind {
		case archive.ChangeAdd:
			k = "A"
		case archive.ChangeDelete:
			k = "D"
		}
		out = append(out, Change{Kind: k, Path: ch.Path})
	}
	slices.SortFunc(out, func(a, b Change) int { return strings.Compare(a.Path, b.Path) })
	return out, nil
}

// runMountpoints are the paths a container's run adds to its layer as
// mount points of pm's own (bind mounts of /etc/hosts and the like, the
// kernel's file systems) or writes itself (/etc/mtab). They are not the
// container's changes: diff leaves them out, as Podman's does.
var runMountpoints = map[string]bool{
	"/dev":               true,
	"/etc/hostname":      true,
	"/etc/hosts":         true,
	"/etc/mtab":          true,
	"/etc/resolv.conf":   true,
	"/proc":              true,
	"/run":               true,
	"/run/.containerenv": true,
	"/run/notify":        true,
	"/run/secrets":       true,
	"/sys":               true,
}

// layerOf returns the layer of a container, or the top layer of an image,
// and whether name is a container.
func (r *Runtime) layerOf(ctx context.Context, name string) (string, bool, error) {
	c, err := r.LookupContainer(ctx, name)
	if err == nil {
		l, err := r.storageLayer(c)
		return l, true, err
	}
	if !errors.Is(err, define.ErrNoSuchCtr) {
		return "", false, err
	}
	svc, ierr := r.Images()
	if ierr != nil {
		return "", false, ierr
	}
	img, ierr := svc.Lookup(name)
	if ierr != nil {
		if errors.Is(ierr, define.ErrNoSuchImage) {
			return "", false, define.Errorf(define.ErrNotFound, "%s not found: no such container or image: %w", name, define.ErrNoSuchCtr)
		}
		return "", false, ierr
	}
	return img.TopLayer(), false, nil
}
