package engine

import (
	"context"
	"errors"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/events"
	"github.com/pm-project/pm/libpod/image"
)

// ImageTag adds the names targets to the image named by name.
func (e *Engine) ImageTag(ctx context.Context, name string, targets []string) error {
	svc, err := e.rt.Images()
	if err != nil {
		return err
	}
	if err := svc.Tag(ctx, name, targets); err != nil {
		return err
	}
	id := imageID(svc, name)
	for _, t := range targets {
		e.emitImage("tag", id, t)
	}
	return nil
}

// ImageUntag removes targets (all names when empty) from the image named by
// name and returns the names removed.
func (e *Engine) ImageUntag(ctx context.Context, name string, targets []string) ([]string, error) {
	svc, err := e.rt.Images()
	if err != nil {
		return nil, err
	}
	id := imageID(svc, name)
	names, err := svc.Untag(ctx, name, targets)
	for _, n := range names {
		e.emitImage("untag", id, n)
	}
	return names, err
}

// emitImage records an image event as Podman does: the image's full ID
// (or "" when it has none, as for an archive loaded), and as name the
// target of the action: the tag added or removed, the archive or
// destination written or read, the name pulled.
func (e *Engine) emitImage(action, id, target string) {
	e.emitSimple(events.Image, action, id, target)
}

// imageID is the ID of the local image name, "" when there is none.
func imageID(svc *image.Service, name string) string {
	img, err := svc.Lookup(name)
	if err != nil {
		return ""
	}
	return img.ID()
}

// ImageRemoveRequest says which images ImageRemove removes.
type ImageRemoveRequest struct {
	Names  []string
	All    bool // every image
	Force  bool // an image named by ID loses all its names
	Ignore bool // a missing image is not an error
	// NoPrune keeps the dangling images a removed image was built on
	// (rmi --no-prune, the API's noprune).
	NoPrune bool
	// Containers removes the containers using the images first, and the
	// pods whose infra container does: pm rmi --force, as in Podman
	// (Docker's force keeps them).
	Containers bool
}

// ImageRemoveReport lists the names removed and the images deleted, in order.
type ImageRemoveReport struct {
	Untagged []string
	Deleted  []string
}

// ImageRemove removes images; it goes on past failures, reporting what it
// did alongside the joined errors.
func (e *Engine) ImageRemove(ctx context.Context, req ImageRemoveRequest) (*ImageRemoveReport, error) {
	svc, err := e.rt.Images()
	if err != nil {
		return nil, err
	}
	if req.Containers {
		if err := e.removeImageUsers(ctx, svc, req); err != nil {
			return nil, err
		}
	}
	rep, err := svc.Remove(ctx, req.Names, image.RemoveOptions{Force: req.Force, All: req.All, Ignore: req.Ignore, NoPrune: req.NoPrune})
	out := &ImageRemoveReport{}
	if rep != nil {
		out.Untagged, out.Deleted = rep.Untagged, rep.Deleted
		for i, n := range rep.Untagged {
			e.emitImage("untag", rep.UntaggedFrom[i], n)
		}
		for _, id := range rep.Deleted {
			e.emitImage("delete", id, id) // Podman's "image remove ID ID"
		}
	}
	return out, err
}

// removeImageUsers removes, for rmi --force, the containers made from the
// images req names (every image with All), and the pods whose infra
// container is one of them.
func (e *Engine) removeImageUsers(ctx context.Context, svc *image.Service, req ImageRemoveRequest) error {
	ids := map[string]bool{}
	for _, n := range req.Names {
		if img, err := svc.Lookup(n); err == nil {
			ids[img.ID()] = true
		}
	}
	cs, err := e.rt.ListContainers(ctx)
	if err != nil {
		return err
	}
	pods := map[string]bool{}
	var ctrs []string
	for _, c := range cs {
		if !req.All && !ids[c.Config.Image.ID] {
			continue
		}
		if p, err := e.rt.LookupPod(ctx, c.Config.Pod); err == nil && p.Config.InfraID == c.ID() {
			pods[p.ID()] = true
		} else {
			ctrs = append(ctrs, c.ID())
		}
	}
	var errs []error
	for id := range pods {
		if _, err := e.PodRemove(ctx, id, true, nil); err != nil && !errors.Is(err, define.ErrNoSuchPod) {
			errs = append(errs, err)
		}
	}
	for _, id := range ctrs {
		if _, err := e.ContainerRemove(ctx, id, true, nil); err != nil && !errors.Is(err, define.ErrNoSuchCtr) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// ImagePruneRequest says which unused images ImagePrune removes.
type ImagePruneRequest struct {
	All bool // every image no container uses, not only dangling ones
	// Filters are label=, label!=, until= and dangling=; dangling=false
	// is All.
	Filters []string
}

// ImagePrune removes unused images that pass req's filters; it reports
// their IDs, the names they had and the bytes of the layers removed.
func (e *Engine) ImagePrune(ctx context.Context, req ImagePruneRequest) (*PruneReport, error) {
	pf, err := parsePruneFilter("image", req.Filters, "dangling", "label", "label!", "until")
	if err != nil {
		return nil, err
	}
	all := req.All || (pf.dangling != nil && !*pf.dangling)
	svc, err := e.rt.Images()
	if err != nil {
		return nil, err
	}
	irep, err := svc.Prune(ctx, image.PruneOptions{All: all, Match: func(en *image.Entry) bool {
		return pf.match(en.Image.ID(), en.Details.Config.Config.Labels, en.Created())
	}})
	if irep == nil {
		return nil, err
	}
	for _, id := range irep.Deleted {
		e.emitImage("delete", id, id)
	}
	rep := &PruneReport{Removed: irep.Deleted, Untagged: irep.Untagged, Reclaimed: irep.Reclaimed}
	e.emitPrune(events.Image, rep)
	return rep, err
}
