package compat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/pm-project/pm/pkg/api/handlers"
	"github.com/pm-project/pm/pkg/specgen"
)

func (a *api) containerRoutes() []handlers.Route {
	return []handlers.Route{
		{Method: "GET", Path: "/containers/json", Handler: a.containerList},
		{Method: "POST", Path: "/containers/create", Handler: a.containerCreate},
		{Method: "POST", Path: "/containers/prune", Handler: a.containerPrune},
		{Method: "GET", Path: "/containers/{id}/json", Handler: a.containerInspect},
		{Method: "POST", Path: "/containers/{id}/start", Handler: a.containerStart},
		{Method: "POST", Path: "/containers/{id}/stop", Handler: a.containerStop},
		{Method: "POST", Path: "/containers/{id}/restart", Handler: a.containerRestart},
		{Method: "POST", Path: "/containers/{id}/kill", Handler: a.containerKill},
		{Method: "POST", Path: "/containers/{id}/wait", Handler: a.containerWait},
		{Method: "DELETE", Path: "/containers/{id}", Handler: a.containerRemove},
		{Method: "POST", Path: "/containers/{id}/rename", Handler: a.containerRename},
		{Method: "POST", Path: "/containers/{id}/pause", Handler: a.containerPause},
		{Method: "POST", Path: "/containers/{id}/unpause", Handler: a.containerUnpause},
		{Method: "POST", Path: "/containers/{id}/update", Handler: a.containerUpdate},
		{Method: "GET", Path: "/containers/{id}/logs", Handler: a.containerLogs},
		{Method: "POST", Path: "/containers/{id}/attach", Handler: a.containerAttach},
		{Method: "POST", Path: "/containers/{id}/resize", Handler: a.containerResize},
		{Method: "GET", Path: "/containers/{id}/top", Handler: a.containerTop},
		{Method: "GET", Path: "/containers/{id}/changes", Handler: a.containerChanges},
		{Method: "GET", Path: "/containers/{id}/export", Handler: a.containerExport},
		{Method: "GET", Path: "/containers/{id}/stats", Handler: a.containerStats},
		{Method: "GET", Path: "/containers/{id}/archive", Handler: a.archiveGet},
		{Method: "HEAD", Path: "/containers/{id}/archive", Handler: a.archiveHead},
		{Method: "PUT", Path: "/containers/{id}/archive", Handler: a.archivePut},
		{Method: "POST", Path: "/commit", Handler: a.commit},
	}
}

// noSuchContainer rewrites a not-found error with Docker's message, which
// clients match on.
func noSuchContainer(err error, id string) error {
	if errors.Is(err, define.ErrNoSuchCtr) {
		return define.Errorf(define.ErrNoSuchCtr, "No such container: %s", id)
	}
	return err
}

func (a *api) containerList(w http.ResponseWriter, r *http.Request) error {
	all, err := handlers.QueryBool(r, "all", false)
	if err != nil {
		return err
	}
	limit, err := handlers.QueryInt(r, "limit", -1)
	if err != nil {
		return err
	}
	filters, err := handlers.QueryFilters(r)
	if err != nil {
		return err
	}
	for i, f := range filters {
		// Docker names containers with a leading slash; pm without.
		if v, ok := strings.CutPrefix(f, "name=/"); ok {
			filters[i] = "name=" + v
		}
	}
	list, err := a.eng.ContainerList(r.Context(), engine.ContainerListRequest{All: all, Last: limit, Filters: filters})
	if err != nil {
		return err
	}
	eps, err := a.eng.ContainerEndpoints(r.Context())
	if err != nil {
		return err
	}
	out := make([]container.Summary, 0, len(list))
	for _, c := range list {
		mode := "default"
		for name := range eps[c.ID] {
			mode = name
			break
		}
		names := make([]string, 0, len(c.Names))
		for _, n := range c.Names {
			names = append(names, "/"+n)
		}
		mounts := []container.MountPoint{}
		for _, m := range c.Mounts {
			mounts = append(mounts, container.MountPoint{Destination: m})
		}
		s := container.Summary{
			ID: c.ID, Names: names, Image: c.Image, ImageID: "sha256:" + c.ImageID,
			Command: strings.Join(c.Command, " "), Created: c.Created,
			Ports: dockerPorts(c.Ports), Labels: nonNilMap(c.Labels), State: container.ContainerState(c.State),
			Status:          c.DockerStatus,
			NetworkSettings: &container.NetworkSettingsSummary{Networks: dockerEndpoints(eps[c.ID])},
			Mounts:          mounts,
		}
		s.HostConfig.NetworkMode = mode
		out = append(out, s)
	}
	return handlers.WriteJSON(w, http.StatusOK, out)
}

func nonNilMap[V any](m map[string]V) map[string]V {
	if m == nil {
		return map[string]V{}
	}
	return m
}

// inspectOne returns pm's inspect data of one container.
func (a *api) inspectOne(ctx context.Context, id string) (*define.InspectContainerData, error) {
	ds, err := a.eng.ContainerInspect(ctx, []string{id}, false)
	if err != nil || len(ds) == 0 {
		if err == nil {
			err = define.ErrNoSuchCtr
		}
		return nil, noSuchContainer(err, id)
	}
	return ds[0], nil
}

func (a *api) containerStart(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	// A non-empty JSON object is at least 7 bytes; -1 is a chunked body.
	if r.ContentLength > 7 || r.ContentLength == -1 {
		return handlers.BadRequest("starting container with non-empty request body was deprecated since API v1.22 and removed in v1.24")
	}
	d, err := a.inspectOne(r.Context(), id)
	if err != nil {
		return err
	}
	if d.State.Running {
		return handlers.ErrNotModified
	}
	if claimed, err := a.attaches.start(r.Context(), d.ID); claimed {
		if err != nil {
			return startError(err)
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	if _, err := a.eng.ContainerStart(r.Context(), d.ID); err != nil {
		return startError(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// startError answers a start whose command cannot run (exit code 126 or
// 127: not found, not executable) as Docker does, with 400 and the
// runtime's message, from which its clients take their exit code: 127
// needs "executable file not found" or "no such file or directory",
// which crun spells otherwise.
func startError(err error) error {
	var ec *define.ExitCodeError
	if !errors.As(err, &ec) || (ec.Code != define.ExitCmdNotFound && ec.Code != define.ExitCannotRun) {
		return err
	}
	if msg := err.Error(); ec.Code == define.ExitCmdNotFound &&
		!strings.Contains(msg, "executable file not found") && !strings.Contains(msg, "no such file or directory") {
		err = fmt.Errorf("%w (executable file not found)", err)
	}
	return handlers.WithStatus(http.StatusBadRequest, err)
}

// stopSignal reads stop's and restart's signal (API 1.42 and newer; older
// versions had none, and Docker ignores it there).
func stopSignal(r *http.Request) (syscall.Signal, error) {
	v := r.URL.Query().Get("signal")
	if v == "" || !versionAtLeast(r, "1.42") {
		return 0, nil
	}
	return specgen.ParseSignal(v)
}

// timeoutParam reads Docker's stop timeout, t (or timeout) in seconds.
func timeoutParam(r *http.Request) (*uint, error) {
	for _, k := range []string{"t", "timeout"} {
		if v := r.URL.Query().Get(k); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, handlers.BadRequest("invalid %s %q: not an integer", k, v)
			}
			if n < 0 {
				n = 0
			}
			u := uint(n)
			return &u, nil
		}
	}
	return nil, nil
}

func (a *api) containerStop(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	t, err := timeoutParam(r)
	if err != nil {
		return err
	}
	sig, err := stopSignal(r)
	if err != nil {
		return err
	}
	d, err := a.inspectOne(r.Context(), id)
	if err != nil {
		return err
	}
	if !d.State.Running && !d.State.Paused {
		return handlers.ErrNotModified
	}
	if _, err := a.eng.ContainerStopSignal(r.Context(), d.ID, t, sig); err != nil {
		return noSuchContainer(err, id)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *api) containerRestart(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	t, err := timeoutParam(r)
	if err != nil {
		return err
	}
	sig, err := stopSignal(r)
	if err != nil {
		return err
	}
	if _, err := a.eng.ContainerRestartSignal(r.Context(), id, t, sig); err != nil {
		return noSuchContainer(err, id)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *api) containerKill(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	sigName := r.URL.Query().Get("signal")
	if sigName == "" {
		sigName = "KILL"
	}
	sig, err := specgen.ParseSignal(sigName)
	if err != nil {
		return err
	}
	if _, err := a.eng.ContainerKill(r.Context(), id, sig); err != nil {
		if errors.Is(err, define.ErrInvalidState) {
			return define.Errorf(define.ErrInvalidState, "Cannot kill container: %s: container %s is not running", id, id)
		}
		return noSuchContainer(err, id)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// containerWait answers as Docker does: the status line at once (clients
// wait for it before starting the container), the result when the
// condition holds.
func (a *api) containerWait(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	cond := r.URL.Query().Get("condition")
	var conds []string
	switch cond {
	case "", "not-running":
		conds = []string{"stopped", "configured", "created"}
	case "next-exit", "removed":
		conds = []string{"stopped"}
	default:
		return handlers.BadRequest("invalid condition %q: use not-running, next-exit or removed", cond)
	}
	d, err := a.inspectOne(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	handlers.Flush(w)
	ctx := r.Context()
	code, err := a.eng.ContainerWait(ctx, d.ID, conds, 50*time.Millisecond)
	if cond == "removed" && errors.Is(err, define.ErrNoSuchCtr) {
		// Removed before it was seen stopped (a --rm container whose
		// start failed): what was waited for has happened.
		err = nil
	} else if err == nil && cond == "removed" {
		for {
			ok, xerr := a.eng.ContainerExists(ctx, d.ID)
			if xerr != nil || !ok {
				err = xerr
				break
			}
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	res := container.WaitResponse{StatusCode: int64(code)}
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		res.Error = &container.WaitExitError{Message: err.Error()}
	}
	return json.NewEncoder(w).Encode(res)
}

func (a *api) containerRemove(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	force, err := handlers.QueryBool(r, "force", false)
	if err != nil {
		return err
	}
	if _, err := handlers.QueryBool(r, "v", false); err != nil {
		return err
	}
	var zero uint
	if _, err := a.eng.ContainerRemove(r.Context(), id, force, &zero); err != nil {
		if errors.Is(err, define.ErrInvalidState) || errors.Is(err, define.ErrConflict) {
			return define.Errorf(define.ErrConflict, "You cannot remove a running container %s. Stop the container before attempting removal or force remove: %v", id, err)
		}
		return noSuchContainer(err, id)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *api) containerRename(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	name := r.URL.Query().Get("name")
	if name == "" {
		return handlers.BadRequest("no new name given (name)")
	}
	if err := a.eng.ContainerRename(r.Context(), id, strings.TrimPrefix(name, "/")); err != nil {
		return noSuchContainer(err, id)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *api) containerPause(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if _, err := a.eng.ContainerPause(r.Context(), id); err != nil {
		return noSuchContainer(err, id)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *api) containerUnpause(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if _, err := a.eng.ContainerUnpause(r.Context(), id); err != nil {
		return noSuchContainer(err, id)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
