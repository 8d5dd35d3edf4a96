// Package native serves pm's own routes under /v1/pm/, for what Docker's
// API lacks. Replies are pm's JSON shapes (those of pm's --format json).
package native

import (
	"net/http"

	"github.com/pm-project/pm/libpod/engine"
	"github.com/pm-project/pm/pkg/api/handlers"
)

type api struct {
	eng *engine.Engine
}

// Routes returns pm's native routing table.
func Routes(eng *engine.Engine) []handlers.Route {
	a := &api{eng: eng}
	routes := []handlers.Route{
		{Method: "GET", Path: "/v1/pm/_ping", Handler: a.ping},
		{Method: "GET", Path: "/v1/pm/version", Handler: a.version},
		{Method: "GET", Path: "/v1/pm/info", Handler: a.info},
		{Method: "GET", Path: "/v1/pm/containers/json", Handler: a.containerList},
		{Method: "GET", Path: "/v1/pm/containers/{id}/json", Handler: a.containerInspect},
		{Method: "GET", Path: "/v1/pm/containers/{id}/exists", Handler: a.containerExists},
		{Method: "GET", Path: "/v1/pm/images/json", Handler: a.imageList},
		{Method: "GET", Path: "/v1/pm/images/{name...}", Handler: a.imageExists},
	}
	return append(routes, a.podRoutes()...)
}

func (a *api) ping(w http.ResponseWriter, r *http.Request) error {
	w.Write([]byte("OK"))
	return nil
}

func (a *api) version(w http.ResponseWriter, r *http.Request) error {
	return handlers.WriteJSON(w, http.StatusOK, engine.Version())
}

func (a *api) info(w http.ResponseWriter, r *http.Request) error {
	in, err := a.eng.Info(r.Context())
	if err != nil {
		return err
	}
	return handlers.WriteJSON(w, http.StatusOK, in)
}

func (a *api) containerList(w http.ResponseWriter, r *http.Request) error {
	all, err := handlers.QueryBool(r, "all", false)
	if err != nil {
		return err
	}
	filters := r.URL.Query()["filter"]
	list, err := a.eng.ContainerList(r.Context(), engine.ContainerListRequest{All: all, Last: -1, Filters: filters})
	if err != nil {
		return err
	}
	if list == nil {
		list = []engine.ContainerSummary{}
	}
	return handlers.WriteJSON(w, http.StatusOK, list)
}

func (a *api) containerInspect(w http.ResponseWriter, r *http.Request) error {
	size, err := handlers.QueryBool(r, "size", false)
	if err != nil {
		return err
	}
	ds, err := a.eng.ContainerInspect(r.Context(), []string{r.PathValue("id")}, size)
	if err != nil {
		return err
	}
	return handlers.WriteJSON(w, http.StatusOK, ds[0])
}

// containerExists answers 204 when the container exists, else 404.
func (a *api) containerExists(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	ok, err := a.eng.ContainerExists(r.Context(), id)
	if err != nil {
		return err
	}
	if !ok {
		return handlers.WithStatus(http.StatusNotFound, errNoSuch("container", id))
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *api) imageList(w http.ResponseWriter, r *http.Request) error {
	list, err := a.eng.ImageList(r.Context(), engine.ImageListRequest{Filters: r.URL.Query()["filter"]})
	if err != nil {
		return err
	}
	return handlers.WriteJSON(w, http.StatusOK, list)
}

// imageExists serves /v1/pm/images/NAME/exists: 204 or 404.
func (a *api) imageExists(w http.ResponseWriter, r *http.Request) error {
	rest := r.PathValue("name")
	name, ok := cutSuffix(rest, "/exists")
	if !ok {
		return handlers.WithStatus(http.StatusNotFound, errNoSuch("route", r.URL.Path))
	}
	exists, err := a.eng.ImageExists(r.Context(), name)
	if err != nil {
		return err
	}
	if !exists {
		return handlers.WithStatus(http.StatusNotFound, errNoSuch("image", name))
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
