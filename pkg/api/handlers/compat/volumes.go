package compat

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/moby/moby/api/types/volume"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/pm-project/pm/pkg/api/handlers"
)

func (a *api) volumeRoutes() []handlers.Route {
	return []handlers.Route{
		{Method: "GET", Path: "/volumes", Handler: a.volumeList},
		{Method: "POST", Path: "/volumes/create", Handler: a.volumeCreate},
		{Method: "POST", Path: "/volumes/prune", Handler: a.volumePrune},
		{Method: "GET", Path: "/volumes/{name}", Handler: a.volumeInspect},
		{Method: "DELETE", Path: "/volumes/{name}", Handler: a.volumeRemove},
	}
}

// dockerVolume is v in Docker's shape.
func dockerVolume(v *define.InspectVolumeData) volume.Volume {
	return volume.Volume{
		Name: v.Name, Driver: v.Driver, Mountpoint: v.Mountpoint,
		CreatedAt: v.CreatedAt.Format(time.RFC3339), Labels: nonNilMap(v.Labels),
		Scope: "local", Options: nonNilMap(v.Options),
	}
}

// volumeFilters maps Docker's volume filters onto pm's; they share
// name, label, driver and dangling.
func volumeFilters(r *http.Request) ([]string, error) {
	fs, err := handlers.QueryFilters(r)
	if err != nil {
		return nil, err
	}
	out := fs[:0]
	for _, f := range fs {
		k, _, _ := strings.Cut(f, "=")
		switch k {
		case "name", "label", "label!", "driver", "dangling":
			out = append(out, f)
		default:
			return nil, handlers.BadRequest("invalid filter %q: use name, label, driver or dangling", f)
		}
	}
	return out, nil
}

func (a *api) volumeList(w http.ResponseWriter, r *http.Request) error {
	filters, err := volumeFilters(r)
	if err != nil {
		return err
	}
	vols, err := a.eng.VolumeList(r.Context(), filters)
	if err != nil {
		return err
	}
	out := volume.ListResponse{Volumes: make([]volume.Volume, 0, len(vols)), Warnings: []string{}}
	for _, v := range vols {
		out.Volumes = append(out.Volumes, dockerVolume(v))
	}
	return handlers.WriteJSON(w, http.StatusOK, out)
}

func (a *api) volumeCreate(w http.ResponseWriter, r *http.Request) error {
	var b volume.CreateRequest
	if err := handlers.DecodeJSON(r, &b); err != nil {
		return err
	}
	if b.ClusterVolumeSpec != nil {
		return handlers.BadRequest("ClusterVolumeSpec is not supported: pm has no swarm cluster")
	}
	if b.Driver == "local" {
		b.Driver = ""
	}
	// Docker answers a create of an existing volume with that volume.
	name, err := a.eng.VolumeCreate(r.Context(), engine.VolumeCreateRequest{
		Name: b.Name, Driver: b.Driver, Labels: b.Labels, Options: b.DriverOpts, Ignore: b.Name != "",
	})
	if err != nil {
		return err
	}
	vs, err := a.eng.VolumeInspect(r.Context(), []string{name}, false)
	if err != nil || len(vs) == 0 {
		return noSuchVolume(err, name)
	}
	return handlers.WriteJSON(w, http.StatusCreated, dockerVolume(vs[0]))
}

// noSuchVolume rewrites a not-found error with Docker's message.
func noSuchVolume(err error, name string) error {
	if err == nil || errors.Is(err, define.ErrNotFound) {
		return define.Errorf(define.ErrNoSuchVolume, "get %s: no such volume", name)
	}
	return err
}

func (a *api) volumeInspect(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	vs, err := a.eng.VolumeInspect(r.Context(), []string{name}, false)
	if err != nil || len(vs) == 0 {
		return noSuchVolume(err, name)
	}
	return handlers.WriteJSON(w, http.StatusOK, dockerVolume(vs[0]))
}

func (a *api) volumeRemove(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	force, err := handlers.QueryBool(r, "force", false)
	if err != nil {
		return err
	}
	reps, err := a.eng.VolumeRemove(r.Context(), []string{name}, false, force, nil)
	if err != nil {
		return err
	}
	for _, rep := range reps {
		if rep.Err != nil {
			if errors.Is(rep.Err, define.ErrNotFound) {
				if force {
					break // Docker's force ignores a missing volume
				}
				return noSuchVolume(rep.Err, name)
			}
			return rep.Err
		}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
