package compat

import (
	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/volume"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/pm-project/pm/libpod/engine"
	"github.com/pm-project/pm/pkg/api/handlers"
)

// The prune routes: each hands Docker's filters to the engine's prune,
// which refuses a filter it does not know, and answers with what went
// and the bytes that freed.

// pruneDone answers a prune that ran: a failure on some objects, with
// others removed, is logged and the report sent, as Docker does.
func pruneDone(w http.ResponseWriter, r *http.Request, rep *engine.PruneReport, err error, body func(*engine.PruneReport) any) error {
	if rep == nil {
		return err
	}
	if err != nil {
		slog.Warn("prune could not remove everything", "path", r.URL.Path, "err", err)
	}
	return handlers.WriteJSON(w, http.StatusOK, body(rep))
}

func (a *api) containerPrune(w http.ResponseWriter, r *http.Request) error {
	filters, err := handlers.QueryFilters(r)
	if err != nil {
		return err
	}
	rep, err := a.eng.ContainerPrune(r.Context(), filters)
	return pruneDone(w, r, rep, err, func(rep *engine.PruneReport) any {
		return container.PruneReport{ContainersDeleted: nonNil(rep.Removed), SpaceReclaimed: rep.Reclaimed}
	})
}

func (a *api) imagePrune(w http.ResponseWriter, r *http.Request) error {
	filters, err := handlers.QueryFilters(r)
	if err != nil {
		return err
	}
	rep, err := a.eng.ImagePrune(r.Context(), engine.ImagePruneRequest{Filters: filters})
	return pruneDone(w, r, rep, err, func(rep *engine.PruneReport) any {
		del := []image.DeleteResponse{}
		for _, n := range rep.Untagged {
			del = append(del, image.DeleteResponse{Untagged: n})
		}
		for _, id := range rep.Removed {
			del = append(del, image.DeleteResponse{Deleted: sha(id)})
		}
		return image.PruneReport{ImagesDeleted: del, SpaceReclaimed: rep.Reclaimed}
	})
}

// volumePrune takes, from API 1.42 on, only anonymous volumes unless the
// filter all is true; before 1.42 every unused volume.
func (a *api) volumePrune(w http.ResponseWriter, r *http.Request) error {
	filters, err := handlers.QueryFilters(r)
	if err != nil {
		return err
	}
	req := engine.VolumePruneRequest{AnonymousOnly: versionAtLeast(r, "1.42")}
	seenAll := false
	for _, f := range filters {
		v, ok := strings.CutPrefix(f, "all=")
		if !ok {
			req.Filters = append(req.Filters, f)
			continue
		}
		if seenAll {
			return handlers.BadRequest("invalid filter 'all': only one value is expected")
		}
		seenAll = true
		all, err := strconv.ParseBool(v)
		if err != nil {
			return handlers.BadRequest("invalid filter 'all': %q is not a boolean", v)
		}
		req.AnonymousOnly = req.AnonymousOnly && !all
	}
	rep, err := a.eng.VolumePrune(r.Context(), req)
	return pruneDone(w, r, rep, err, func(rep *engine.PruneReport) any {
		return volume.PruneReport{VolumesDeleted: nonNil(rep.Removed), SpaceReclaimed: rep.Reclaimed}
	})
}

func (a *api) networkPrune(w http.ResponseWriter, r *http.Request) error {
	filters, err := handlers.QueryFilters(r)
	if err != nil {
		return err
	}
	rep, err := a.eng.NetworkPrune(r.Context(), filters)
	return pruneDone(w, r, rep, err, func(rep *engine.PruneReport) any {
		return network.PruneReport{NetworksDeleted: nonNil(rep.Removed)}
	})
}

// buildPrune removes the build cache. Docker's reserved-space (before
// 1.48 keep-storage) and max-used-space both keep the newest cache up to
// that size; min-free-space, which depends on the whole disk, pm refuses.
func (a *api) buildPrune(w http.ResponseWriter, r *http.Request) error {
	filters, err := handlers.QueryFilters(r)
	if err != nil {
		return err
	}
	if _, err := handlers.QueryBool(r, "all", false); err != nil {
		return err
	}
	req := engine.BuildCachePruneRequest{Filters: filters}
	for _, k := range []string{"reserved-space", "keep-storage", "max-used-space", "min-free-space"} {
		v := r.URL.Query().Get(k)
		if v == "" {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return handlers.BadRequest("%s is in bytes and expects a non-negative integer, got %q", k, v)
		}
		if k == "min-free-space" {
			if n > 0 {
				return handlers.BadRequest("min-free-space is not supported: pm's build cache can keep a size (reserved-space), not a free space")
			}
			continue
		}
		if req.KeepBytes == 0 || (n > 0 && n < req.KeepBytes) {
			req.KeepBytes = n
		}
	}
	rep, err := a.eng.BuildCachePrune(r.Context(), req)
	return pruneDone(w, r, rep, err, func(rep *engine.PruneReport) any {
		return build.CachePruneReport{CachesDeleted: nonNil(rep.Removed), SpaceReclaimed: rep.Reclaimed}
	})
}
