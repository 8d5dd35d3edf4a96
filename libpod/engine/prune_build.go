package engine

import (
	"context"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/image"
)

// BuildCachePruneRequest says which build cache images BuildCachePrune
// removes.
type BuildCachePruneRequest struct {
	Filters []string // until=, id=, label=, label!=
	// KeepBytes keeps the newest cache images up to this many bytes
	// (Docker's reserved-space, keep-storage and max-used-space); 0
	// keeps none.
	KeepBytes int64
}

// BuildCachePrune removes the images of the build cache (the unnamed
// images of build steps) that no container uses and that pass req's
// filters, oldest last kept first; it reports their IDs and the bytes of
// the layers removed with them.
func (e *Engine) BuildCachePrune(ctx context.Context, req BuildCachePruneRequest) (*PruneReport, error) {
	pf, err := parsePruneFilter("build cache", req.Filters, "until", "id", "label", "label!")
	if err != nil {
		return nil, err
	}
	if req.KeepBytes < 0 {
		return nil, define.Invalidf("invalid space to keep %d: must not be negative", req.KeepBytes)
	}
	cached := e.buildCacheImages()
	svc, err := e.rt.Images()
	if err != nil {
		return nil, err
	}
	var kept int64
	// Prune offers the images newest first: the newest fill what may
	// be kept.
	irep, err := svc.Prune(ctx, image.PruneOptions{Match: func(en *image.Entry) bool {
		if !cached[en.Image.ID()] || !pf.match(en.Image.ID(), en.Details.Config.Config.Labels, en.Created()) {
			return false
		}
		if req.KeepBytes > 0 && kept+en.Details.Size <= req.KeepBytes {
			kept += en.Details.Size
			return false
		}
		return true
	}})
	if irep == nil {
		return nil, err
	}
	for _, id := range irep.Deleted {
		e.emitImage("delete", id, id)
	}
	return &PruneReport{Removed: irep.Deleted, Reclaimed: irep.Reclaimed}, err
}
