package compat

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/pm-project/pm/pkg/api/handlers"
)

func (a *api) containerTop(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	var args []string
	if v := r.URL.Query().Get("ps_args"); v != "" {
		args = strings.Fields(v)
	}
	rep, err := a.eng.ContainerTop(r.Context(), id, args)
	if err != nil {
		return noSuchContainer(err, id)
	}
	return handlers.WriteJSON(w, http.StatusOK, handlers.TopOf(rep.Rows, rep.Raw))
}

func (a *api) containerChanges(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	changes, err := a.eng.ContainerDiff(r.Context(), id, "")
	if err != nil {
		return noSuchContainer(err, id)
	}
	kinds := map[string]container.ChangeType{"C": container.ChangeModify, "A": container.ChangeAdd, "D": container.ChangeDelete}
	out := make([]container.FilesystemChange, 0, len(changes))
	for _, c := range changes {
		out = append(out, container.FilesystemChange{Path: c.Path, Kind: kinds[c.Kind]})
	}
	return handlers.WriteJSON(w, http.StatusOK, out)
}

func (a *api) containerExport(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if _, err := a.inspectOne(r.Context(), id); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/x-tar")
	return a.eng.ContainerExport(r.Context(), id, w)
}

// containerStats reports one Docker-shaped sample (or one a second with
// stream). Rootless on cgroup v1 pm has no cgroup to read: the counters
// are zero, as Docker shows for a stopped container.

// statHeader sets X-Docker-Container-Path-Stat for path in the container.
func (a *api) statHeader(w http.ResponseWriter, r *http.Request) (*engine.PathStat, error) {
	id, path := r.PathValue("id"), r.URL.Query().Get("path")
	if path == "" {
		return nil, handlers.BadRequest("no path given (path)")
	}
	st, err := a.eng.ContainerStat(r.Context(), id, path)
	if err != nil {
		return nil, noSuchContainer(err, id)
	}
	b, err := json.Marshal(container.PathStat{Name: st.Name, Size: st.Size, Mode: st.Mode, Mtime: st.Mtime, LinkTarget: st.LinkTarget})
	if err != nil {
		return nil, fmt.Errorf("encoding the stat of %s: %w", path, err)
	}
	w.Header().Set("X-Docker-Container-Path-Stat", base64.StdEncoding.EncodeToString(b))
	return st, nil
}

func (a *api) archiveHead(w http.ResponseWriter, r *http.Request) error {
	if _, err := a.statHeader(w, r); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

func (a *api) archiveGet(w http.ResponseWriter, r *http.Request) error {
	if _, err := a.statHeader(w, r); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/x-tar")
	return a.eng.ContainerCopy(r.Context(), engine.ContainerCopyRequest{
		Source: engine.CopyEnd{Container: r.PathValue("id"), Path: r.URL.Query().Get("path")},
		Dest:   engine.CopyEnd{Path: "-"},
		Stdout: w,
	})
}

func (a *api) archivePut(w http.ResponseWriter, r *http.Request) error {
	id, path := r.PathValue("id"), r.URL.Query().Get("path")
	if path == "" {
		return handlers.BadRequest("no path given (path)")
	}
	noOverwrite, err := handlers.QueryBool(r, "noOverwriteDirNonDir", false)
	if err != nil {
		return err
	}
	keepIDs, err := handlers.QueryBool(r, "copyUIDGID", false)
	if err != nil {
		return err
	}
	err = a.eng.ContainerCopy(r.Context(), engine.ContainerCopyRequest{
		Source:    engine.CopyEnd{Path: "-"},
		Dest:      engine.CopyEnd{Container: id, Path: path},
		Archive:   !keepIDs,
		Overwrite: !noOverwrite,
		Stdin:     r.Body,
	})
	if err != nil {
		return noSuchContainer(err, id)
	}
	w.WriteHeader(http.StatusOK)
	return nil
}
