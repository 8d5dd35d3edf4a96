package native

import (
	"context"
	"net/http"
	"strings"

	"github.com/pm-project/pm/libpod/engine"
	"github.com/pm-project/pm/pkg/api/handlers"
	"github.com/pm-project/pm/pkg/specgen"
)

// podRoutes are the pod routes: what `pm pod` does, over HTTP.
func (a *api) podRoutes() []handlers.Route {
	return []handlers.Route{
		{Method: "POST", Path: "/v1/pm/pods/create", Handler: a.podCreate},
		{Method: "GET", Path: "/v1/pm/pods/json", Handler: a.podList},
		{Method: "POST", Path: "/v1/pm/pods/prune", Handler: a.podPrune},
		{Method: "GET", Path: "/v1/pm/pods/stats", Handler: a.podStats},
		{Method: "GET", Path: "/v1/pm/pods/{name}/json", Handler: a.podInspect},
		{Method: "GET", Path: "/v1/pm/pods/{name}/exists", Handler: a.podExists},
		{Method: "GET", Path: "/v1/pm/pods/{name}/top", Handler: a.podTop},
		{Method: "GET", Path: "/v1/pm/pods/{name}/logs", Handler: a.podLogs},
		{Method: "POST", Path: "/v1/pm/pods/{name}/start", Handler: a.podVerb(func(ctx context.Context, n string, _ *http.Request) (string, error) {
			return a.eng.PodStart(ctx, n)
		})},
		{Method: "POST", Path: "/v1/pm/pods/{name}/stop", Handler: a.podVerb(func(ctx context.Context, n string, r *http.Request) (string, error) {
			t, err := queryTimeout(r)
			if err != nil {
				return "", err
			}
			return a.eng.PodStop(ctx, n, t)
		})},
		{Method: "POST", Path: "/v1/pm/pods/{name}/restart", Handler: a.podVerb(func(ctx context.Context, n string, r *http.Request) (string, error) {
			t, err := queryTimeout(r)
			if err != nil {
				return "", err
			}
			return a.eng.PodRestart(ctx, n, t)
		})},
		{Method: "POST", Path: "/v1/pm/pods/{name}/kill", Handler: a.podVerb(func(ctx context.Context, n string, r *http.Request) (string, error) {
			s := r.URL.Query().Get("signal")
			if s == "" {
				s = "KILL"
			}
			sig, err := specgen.ParseSignal(s)
			if err != nil {
				return "", err
			}
			return a.eng.PodKill(ctx, n, sig)
		})},
		{Method: "POST", Path: "/v1/pm/pods/{name}/pause", Handler: a.podVerb(func(ctx context.Context, n string, _ *http.Request) (string, error) {
			return a.eng.PodPause(ctx, n, false)
		})},
		{Method: "POST", Path: "/v1/pm/pods/{name}/unpause", Handler: a.podVerb(func(ctx context.Context, n string, _ *http.Request) (string, error) {
			return a.eng.PodPause(ctx, n, true)
		})},
		{Method: "DELETE", Path: "/v1/pm/pods/{name}", Handler: a.podVerb(func(ctx context.Context, n string, r *http.Request) (string, error) {
			force, err := handlers.QueryBool(r, "force", false)
			if err != nil {
				return "", err
			}
			t, err := queryTimeout(r)
			if err != nil {
				return "", err
			}
			return a.eng.PodRemove(ctx, n, force, t)
		})},
	}
}

// idReport is the answer of a verb: the ID of the pod it acted on, which
// is what the CLI prints.
type idReport struct {
	ID string `json:"Id"`
}

// podVerb serves a verb on one pod, answering 200 {"Id": ...}.
func (a *api) podVerb(fn func(ctx context.Context, name string, r *http.Request) (string, error)) handlers.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := fn(r.Context(), r.PathValue("name"), r)
		if err != nil {
			return err
		}
		return handlers.WriteJSON(w, http.StatusOK, idReport{ID: id})
	}
}

// queryTimeout reads t, the seconds to wait for a container to stop
// before killing it; nil when absent: each container's own stop timeout.
func queryTimeout(r *http.Request) (*uint, error) {
	if !r.URL.Query().Has("t") {
		return nil, nil
	}
	n, err := handlers.QueryInt(r, "t", 0)
	if err != nil {
		return nil, err
	}
	if n < 0 {
		return nil, handlers.BadRequest("invalid t %d: must not be negative", n)
	}
	t := uint(n)
	return &t, nil
}

func (a *api) podCreate(w http.ResponseWriter, r *http.Request) error {
	var body podCreateBody
	if err := decodeStrict(r, &body); err != nil {
		return err
	}
	spec, err := body.spec()
	if err != nil {
		return err
	}
	id, err := a.eng.PodCreate(r.Context(), spec)
	if err != nil {
		return err
	}
	return handlers.WriteJSON(w, http.StatusCreated, idReport{ID: id})
}

// podList answers what `pm pod ps --format json` prints, oldest first.
func (a *api) podList(w http.ResponseWriter, r *http.Request) error {
	list, err := a.eng.PodList(r.Context(), r.URL.Query()["filter"])
	if err != nil {
		return err
	}
	if list == nil {
		list = []engine.PodSummary{}
	}
	return handlers.WriteJSON(w, http.StatusOK, list)
}

// podInspect answers one element of what `pm pod inspect` prints.
func (a *api) podInspect(w http.ResponseWriter, r *http.Request) error {
	d, err := a.eng.PodInspect(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	return handlers.WriteJSON(w, http.StatusOK, d)
}

// podExists answers 204 when the pod exists, else 404.
func (a *api) podExists(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	ok, err := a.eng.PodExists(r.Context(), name)
	if err != nil {
		return err
	}
	if !ok {
		return handlers.WithStatus(http.StatusNotFound, errNoSuch("pod", name))
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// podPrune removes every pod with no running container and answers the
// IDs removed, as [{"Id": ...}].
func (a *api) podPrune(w http.ResponseWriter, r *http.Request) error {
	ids, err := a.eng.PodPrune(r.Context())
	if err != nil {
		return err
	}
	out := make([]idReport, 0, len(ids))
	for _, id := range ids {
		out = append(out, idReport{ID: id})
	}
	return handlers.WriteJSON(w, http.StatusOK, out)
}

// podTop answers {"Titles": [...], "Processes": [[...], ...]}, the shape
// of Podman's pod top; ps_args (repeatable, split at spaces) are
// `pm pod top`'s descriptors.
func (a *api) podTop(w http.ResponseWriter, r *http.Request) error {
	var args []string
	for _, v := range r.URL.Query()["ps_args"] {
		args = append(args, strings.Fields(v)...)
	}
	rep, err := a.eng.PodTop(r.Context(), r.PathValue("name"), args)
	if err != nil {
		return err
	}
	return handlers.WriteJSON(w, http.StatusOK, handlers.TopOf(rep.Rows, rep.Raw))
}
