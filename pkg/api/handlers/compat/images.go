package compat

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/pm-project/pm/pkg/api/handlers"
)

func (a *api) imageRoutes() []handlers.Route {
	return []handlers.Route{
		{Method: "GET", Path: "/images/json", Handler: a.imageList},
		{Method: "POST", Path: "/images/create", Handler: a.imageCreate},
		{Method: "GET", Path: "/images/search", Handler: a.imageSearch},
		{Method: "GET", Path: "/images/get", Handler: a.imageGet},
		{Method: "POST", Path: "/images/load", Handler: a.imageLoad},
		{Method: "POST", Path: "/images/prune", Handler: a.imagePrune},
		{Method: "POST", Path: "/build", Handler: a.build},
		{Method: "POST", Path: "/build/prune", Handler: a.buildPrune},
		// Image names hold slashes (registry:5000/ns/name), so the name
		// is the path up to the verb, split off by imageVerb.
		{Method: "GET", Path: "/images/{rest...}", Handler: a.imageVerb},
		{Method: "POST", Path: "/images/{rest...}", Handler: a.imageVerb},
		{Method: "DELETE", Path: "/images/{rest...}", Handler: a.imageRemove},
	}
}

// imageVerb dispatches /images/NAME/VERB.
func (a *api) imageVerb(w http.ResponseWriter, r *http.Request) error {
	rest := r.PathValue("rest")
	i := strings.LastIndex(rest, "/")
	if i <= 0 {
		return handlers.WithStatus(http.StatusNotFound, errors.New("page not found: "+r.URL.Path))
	}
	name, verb := rest[:i], rest[i+1:]
	switch r.Method + " " + verb {
	case "GET json":
		return a.imageInspect(w, r, name)
	case "GET history":
		return a.imageHistory(w, r, name)
	case "GET get":
		return a.saveImages(w, r, []string{name})
	case "POST tag":
		return a.imageTag(w, r, name)
	case "POST push":
		return a.imagePush(w, r, name)
	}
	return handlers.WithStatus(http.StatusNotFound, errors.New("page not found: "+r.Method+" "+r.URL.Path))
}

// noSuchImage rewrites a not-found error with Docker's message.
func noSuchImage(err error, name string) error {
	if errors.Is(err, define.ErrNotFound) {
		return define.Errorf(define.ErrNoSuchImage, "No such image: %s", name)
	}
	return err
}

func sha(id string) string {
	if strings.HasPrefix(id, "sha256:") {
		return id
	}
	return "sha256:" + id
}

func (a *api) imageList(w http.ResponseWriter, r *http.Request) error {
	all, err := handlers.QueryBool(r, "all", false)
	if err != nil {
		return err
	}
	filters, err := handlers.QueryFilters(r)
	if err != nil {
		return err
	}
	list, err := a.eng.ImageList(r.Context(), engine.ImageListRequest{All: all, Filters: filters})
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(list))
	for _, i := range list {
		m := map[string]any{
			"Id": sha(i.ID), "ParentId": i.ParentID, "RepoTags": nonNil(i.RepoTags), "RepoDigests": nonNil(i.RepoDigests),
			"Created": i.Created, "Size": i.Size, "SharedSize": -1,
			"Labels": nonNilMap(i.Labels), "Containers": i.Containers,
		}
		if !versionAtLeast(r, "1.44") {
			m["VirtualSize"] = i.Size // removed in API 1.44
		}
		out = append(out, m)
	}
	return handlers.WriteJSON(w, http.StatusOK, out)
}

func (a *api) imageInspect(w http.ResponseWriter, r *http.Request, name string) error {
	imgs, err := a.eng.ImageInspect(r.Context(), []string{name})
	if err != nil || len(imgs) == 0 {
		if err == nil {
			err = define.ErrNoSuchImage
		}
		return noSuchImage(err, name)
	}
	i := imgs[0]
	cfg := map[string]any{}
	if i.Config != nil {
		b, _ := json.Marshal(i.Config)
		json.Unmarshal(b, &cfg)
	}
	for _, k := range []string{"Env", "Cmd", "Entrypoint"} {
		if cfg[k] == nil {
			cfg[k] = nil
		}
	}
	cfg["Image"] = ""
	cfg["Labels"] = nonNilMap(i.Labels)
	if i.Healthcheck != nil {
		cfg["Healthcheck"] = i.Healthcheck
	}
	if i.Shell != nil {
		cfg["Shell"] = i.Shell
	}
	cfg["OnBuild"] = i.OnBuild
	created := ""
	if i.Created != nil {
		created = i.Created.Format("2006-01-02T15:04:05.999999999Z07:00")
	}
	out := map[string]any{
		"Id": sha(i.ID), "RepoTags": i.RepoTags, "RepoDigests": i.RepoDigests, "Parent": i.Parent,
		"Comment": i.Comment, "Created": created, "DockerVersion": "", "Author": i.Author,
		"Config": cfg, "Architecture": i.Architecture, "Variant": i.Variant, "Os": i.Os,
		"Size":        i.Size,
		"GraphDriver": map[string]any{"Name": i.GraphDriver.Name, "Data": nonNilMap(i.GraphDriver.Data)},
		"RootFS":      map[string]any{"Type": i.RootFS.Type, "Layers": i.RootFS.Layers},
		"Metadata":    map[string]any{"LastTagTime": "0001-01-01T00:00:00Z"},
	}
	if !versionAtLeast(r, "1.44") {
		out["VirtualSize"] = i.VirtualSize // removed in API 1.44
	}
	return handlers.WriteJSON(w, http.StatusOK, out)
}

func (a *api) imageHistory(w http.ResponseWriter, r *http.Request, name string) error {
	hist, err := a.eng.ImageHistory(r.Context(), name)
	if err != nil {
		return noSuchImage(err, name)
	}
	out := make([]map[string]any, 0, len(hist))
	for _, h := range hist {
		id := h.ID
		if id != "" && id != "<missing>" {
			id = sha(id)
		}
		out = append(out, map[string]any{"Id": id, "Created": h.Created.Unix(), "CreatedBy": h.CreatedBy,
			"Tags": nonNil(h.Tags), "Size": h.Size, "Comment": h.Comment})
	}
	return handlers.WriteJSON(w, http.StatusOK, out)
}

func (a *api) imageTag(w http.ResponseWriter, r *http.Request, name string) error {
	repo, tag := r.URL.Query().Get("repo"), r.URL.Query().Get("tag")
	if repo == "" {
		return handlers.BadRequest("no repository given (repo)")
	}
	target := repo
	if tag != "" {
		target += ":" + tag
	}
	if err := a.eng.ImageTag(r.Context(), name, []string{target}); err != nil {
		return noSuchImage(err, name)
	}
	w.WriteHeader(http.StatusCreated)
	return nil
}

func (a *api) imageRemove(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("rest")
	force, err := handlers.QueryBool(r, "force", false)
	if err != nil {
		return err
	}
	rep, err := a.eng.ImageRemove(r.Context(), engine.ImageRemoveRequest{Names: []string{name}, Force: force})
	if err != nil {
		return noSuchImage(err, name)
	}
	out := []map[string]string{}
	for _, u := range rep.Untagged {
		out = append(out, map[string]string{"Untagged": u})
	}
	for _, d := range rep.Deleted {
		out = append(out, map[string]string{"Deleted": sha(d)})
	}
	return handlers.WriteJSON(w, http.StatusOK, out)
}

func (a *api) imageSearch(w http.ResponseWriter, r *http.Request) error {
	if r.URL.Query().Get("term") == "" {
		return handlers.BadRequest("no search term given (term)")
	}
	return handlers.WriteJSON(w, http.StatusOK, []any{})
}

func (a *api) imageGet(w http.ResponseWriter, r *http.Request) error {
	names := r.URL.Query()["names"]
	if len(names) == 0 {
		return handlers.BadRequest("no images given (names)")
	}
	return a.saveImages(w, r, names)
}

func (a *api) saveImages(w http.ResponseWriter, r *http.Request, names []string) error {
	for _, n := range names {
		if ok, err := a.eng.ImageExists(r.Context(), n); err != nil || !ok {
			return noSuchImage(define.ErrNoSuchImage, n)
		}
	}
	w.Header().Set("Content-Type", "application/x-tar")
	return a.eng.ImageSave(r.Context(), engine.ImageSaveRequest{Names: names, Writer: w, MultiImage: len(names) > 1})
}

func (a *api) imageLoad(w http.ResponseWriter, r *http.Request) error {
	rep, err := a.eng.ImageLoad(r.Context(), engine.ImageLoadRequest{Reader: r.Body})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	out := handlers.JSONLines{W: w}
	for _, n := range rep.Names {
		msg := "Loaded image: " + n + "\n"
		if strings.HasPrefix(n, "sha256:") {
			msg = "Loaded image ID: " + n + "\n"
		}
		out.Send(map[string]string{"stream": msg})
	}
	return nil
}

// registryAuth decodes the X-Registry-Auth header: base64 (URL or
// standard alphabet) JSON credentials.
func registryAuth(r *http.Request) (engine.RegistryAuth, error) {
	h := r.Header.Get("X-Registry-Auth")
	if h == "" {
		return engine.RegistryAuth{}, nil
	}
	b, err := base64.URLEncoding.DecodeString(h)
	if err != nil {
		if b, err = base64.StdEncoding.DecodeString(h); err != nil {
			if b, err = base64.RawURLEncoding.DecodeString(h); err != nil {
				return engine.RegistryAuth{}, handlers.BadRequest("invalid X-Registry-Auth header: not base64")
			}
		}
	}
	var ac authConfig
	if len(b) > 0 && string(b) != "{}" {
		if err := json.Unmarshal(b, &ac); err != nil {
			return engine.RegistryAuth{}, handlers.BadRequest("invalid X-Registry-Auth header: %v", err)
		}
	}
	return engine.RegistryAuth{Username: ac.Username, Password: ac.Password}, nil
}

// progressLines turns the engine's text progress into Docker's JSON
// {"status": ...} messages, one per line. The image library writes to it
// from each layer copy at once: writes are serialised, and a panic in
// one is logged rather than ending the service.
type progressLines struct {
	mu  sync.Mutex
	out handlers.JSONLines
	buf []byte
}

func (p *progressLines) Write(b []byte) (n int, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	defer define.Recover("writing pull progress", &err)
	p.buf = append(p.buf, b...)
	for {
		i := strings.IndexAny(string(p.buf), "\r\n")
		if i < 0 {
			return len(b), nil
		}
		line := strings.TrimSpace(string(p.buf[:i]))
		p.buf = p.buf[i+1:]
		if line != "" {
			p.out.Send(map[string]string{"status": line})
		}
	}
}

// sendError ends a progress stream with Docker's error message.
func sendError(out handlers.JSONLines, err error) {
	out.Send(map[string]any{"error": err.Error(), "errorDetail": map[string]string{"message": err.Error()}})
}

func (a *api) imageCreate(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	from, tag := q.Get("fromImage"), q.Get("tag")
	if src := q.Get("fromSrc"); src != "" {
		return a.imageImport(w, r, src)
	}
	if from == "" {
		return handlers.BadRequest("no image given (fromImage)")
	}
	auth, err := registryAuth(r)
	if err != nil {
		return err
	}
	ref := from
	if tag != "" {
		if strings.HasPrefix(tag, "sha256:") {
			ref += "@" + tag
		} else {
			ref += ":" + tag
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	out := handlers.JSONLines{W: w}
	out.Send(map[string]string{"status": "Pulling from " + from, "id": tagOr(tag)})
	req := engine.ImagePullRequest{RegistryAuth: auth, Name: ref, Progress: &progressLines{out: out}}
	if p := q.Get("platform"); p != "" {
		parts := strings.Split(p, "/")
		req.OS = parts[0]
		if len(parts) > 1 {
			req.Arch = parts[1]
		}
		if len(parts) > 2 {
			req.Variant = parts[2]
		}
	}
	rep, err := a.eng.ImagePull(r.Context(), req)
	if err != nil {
		sendError(out, err)
		return nil
	}
	if len(rep.IDs) > 0 {
		out.Send(map[string]string{"status": "Digest: " + sha(rep.IDs[0])})
	}
	out.Send(map[string]string{"status": "Status: Downloaded newer image for " + ref})
	return nil
}

func tagOr(tag string) string {
	if tag == "" {
		return "latest"
	}
	return tag
}

func (a *api) imageImport(w http.ResponseWriter, r *http.Request, src string) error {
	if src != "-" {
		return handlers.BadRequest("importing from a URL is not supported: use fromSrc=- with the tarball as body")
	}
	q := r.URL.Query()
	ref := q.Get("repo")
	if ref != "" && q.Get("tag") != "" {
		ref += ":" + q.Get("tag")
	}
	rep, err := a.eng.ImageImport(r.Context(), engine.ImageImportRequest{Source: "-", Reader: bufio.NewReader(r.Body),
		Reference: ref, Changes: q["changes"], Message: q.Get("message")})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	return handlers.JSONLines{W: w}.Send(map[string]string{"status": sha(rep.ID)})
}

func (a *api) imagePush(w http.ResponseWriter, r *http.Request, name string) error {
	auth, err := registryAuth(r)
	if err != nil {
		return err
	}
	ref := name
	if tag := r.URL.Query().Get("tag"); tag != "" {
		ref += ":" + tag
	}
	if ok, err := a.eng.ImageExists(r.Context(), ref); err != nil || !ok {
		return noSuchImage(define.ErrNoSuchImage, ref)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	out := handlers.JSONLines{W: w}
	out.Send(map[string]string{"status": "The push refers to repository [" + name + "]"})
	rep, err := a.eng.ImagePush(r.Context(), engine.ImagePushRequest{RegistryAuth: auth, Name: ref, Progress: &progressLines{out: out}})
	if err != nil {
		sendError(out, err)
		return nil
	}
	tag := tagOr(r.URL.Query().Get("tag"))
	out.Send(map[string]string{"status": tag + ": digest: " + rep.Digest})
	out.Send(map[string]any{"progressDetail": map[string]any{}, "aux": map[string]any{"Tag": tag, "Digest": rep.Digest}})
	return nil
}
