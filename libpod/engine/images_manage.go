package engine

import (
	"context"

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
	for _, t := range targets {
		e.emitSimple(events.Image, "tag", "", t)
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
	names, err := svc.Untag(ctx, name, targets)
	for _, n := range names {
		e.emitSimple(events.Image, "untag", "", n)
	}
	return names, err
}

// ImageRemoveRequest says which images ImageRemove removes.
type ImageRemoveRequest struct {
	Names  []string
	All    bool // every image
	Force  bool // an image named by ID loses all its names
	Ignore bool // a missing image is not an error
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
	rep, err := svc.Remove(ctx, req.Names, image.RemoveOptions{Force: req.Force, All: req.All, Ignore: req.Ignore})
	out := &ImageRemoveReport{}
	if rep != nil {
		out.Untagged, out.Deleted = rep.Untagged, rep.Deleted
		for _, n := range rep.Untagged {
			e.emitSimple(events.Image, "untag", "", n)
		}
		for _, id := range rep.Deleted {
			e.emitSimple(events.Image, "delete", id, "")
		}
	}
	return out, err
}

// ImagePruneRequest says which unused images ImagePrune removes.
type ImagePruneRequest struct {
	All bool // every image no container uses, not only dangling ones
}

// ImagePrune removes unused images and returns their IDs.
func (e *Engine) ImagePrune(ctx context.Context, req ImagePruneRequest) ([]string, error) {
	svc, err := e.rt.Images()
	if err != nil {
		return nil, err
	}
	return svc.Prune(ctx, req.All)
}
