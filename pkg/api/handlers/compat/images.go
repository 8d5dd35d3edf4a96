package compat

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/api/types/registry"
	"github.com/moby/moby/api/types/storage"

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
	out := make([]any, 0, len(list))
	for _, i := range list {
		sum := image.Summary{
			ID: sha(i.ID), ParentID: i.ParentID, RepoTags: nonNil(i.RepoTags), RepoDigests: nonNil(i.RepoDigests),
			Created: i.Created, Size: i.Size, SharedSize: -1, Labels: nonNilMap(i.Labels), Containers: int64(i.Containers),
		}
		if versionAtLeast(r, "1.44") {
			out = append(out, sum)
			continue
		}
		old, err := withFields(sum, map[string]any{"VirtualSize": i.Size}) // removed in API 1.44
		if err != nil {
			return err
		}
		out = append(out, old)
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
	cfg := &dockerspec.DockerOCIImageConfig{}
	if i.Config != nil {
		cfg.ImageConfig = *i.Config
	}
	cfg.Labels = i.Labels
	cfg.Shell, cfg.OnBuild = i.Shell, i.OnBuild
	if h := i.Healthcheck; h != nil {
		cfg.Healthcheck = &dockerspec.HealthcheckConfig{Test: h.Test, Interval: h.Interval, Timeout: h.Timeout,
			StartPeriod: h.StartPeriod, StartInterval: h.StartInterval, Retries: h.Retries}
	}
	created := ""
	if i.Created != nil {
		created = i.Created.Format(time.RFC3339Nano)
	}
	out := image.InspectResponse{
		ID: sha(i.ID), RepoTags: nonNil(i.RepoTags), RepoDigests: nonNil(i.RepoDigests),
		Comment: i.Comment, Created: created, Author: i.Author,
		Config: cfg, Architecture: i.Architecture, Variant: i.Variant, Os: i.Os,
		Size:        i.Size,
		GraphDriver: &storage.DriverData{Name: i.GraphDriver.Name, Data: nonNilMap(i.GraphDriver.Data)},
		RootFS:      image.RootFS{Type: i.RootFS.Type, Layers: i.RootFS.Layers},
	}
	if versionAtLeast(r, "1.52") {
		return handlers.WriteJSON(w, http.StatusOK, out)
	}
	// Older versions always had these, empty or not.
	extra := map[string]any{"Parent": i.Parent, "Comment": i.Comment, "DockerVersion": "", "Author": i.Author}
	if !versionAtLeast(r, "1.50") {
		// Config was a container's Config, with fields no image sets.
		c, err := withFields(cfg, map[string]any{"Hostname": "", "Domainname": "", "AttachStdin": false, "AttachStdout": false,
			"AttachStderr": false, "Tty": false, "OpenStdin": false, "StdinOnce": false, "Image": "",
			"Cmd": cfg.Cmd, "Entrypoint": cfg.Entrypoint, "Env": cfg.Env, "Labels": nonNilMap(cfg.Labels), "OnBuild": cfg.OnBuild})
		if err != nil {
			return err
		}
		extra["Config"] = c
	}
	if !versionAtLeast(r, "1.45") {
		extra["Container"], extra["ContainerConfig"] = "", map[string]any{}
	}
	if !versionAtLeast(r, "1.44") {
		extra["VirtualSize"] = i.VirtualSize // removed in API 1.44
	}
	old, err := withFields(out, extra)
	if err != nil {
		return err
	}
	return handlers.WriteJSON(w, http.StatusOK, old)
}

func (a *api) imageHistory(w http.ResponseWriter, r *http.Request, name string) error {
	hist, err := a.eng.ImageHistory(r.Context(), name)
	if err != nil {
		return noSuchImage(err, name)
	}
	out := make([]image.HistoryResponseItem, 0, len(hist))
	for _, h := range hist {
		id := h.ID
		if id != "" && id != "<missing>" {
			id = sha(id)
		}
		out = append(out, image.HistoryResponseItem{ID: id, Created: h.Created.Unix(), CreatedBy: h.CreatedBy,
			Tags: nonNil(h.Tags), Size: h.Size, Comment: h.Comment})
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
	noprune, err := handlers.QueryBool(r, "noprune", false)
	if err != nil {
		return err
	}
	rep, err := a.eng.ImageRemove(r.Context(), engine.ImageRemoveRequest{Names: []string{name}, Force: force, NoPrune: noprune})
	if err != nil {
		return noSuchImage(err, name)
	}
	out := []image.DeleteResponse{}
	for _, u := range rep.Untagged {
		out = append(out, image.DeleteResponse{Untagged: u})
	}
	for _, d := range rep.Deleted {
		out = append(out, image.DeleteResponse{Deleted: sha(d)})
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
		out.Send(jsonstream.Message{Stream: msg})
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
	var ac registry.AuthConfig
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
			p.out.Send(jsonstream.Message{Status: line})
		}
	}
}

// errorMessage is a stream's last message when it fails: the module's
// Message with the top-level error that Docker still sends and older
// clients (docker-py, compose v1) read.
type errorMessage struct {
	jsonstream.Message
	ErrorText string `json:"error"`
}

// sendError ends a progress stream with Docker's error message.
func sendError(out handlers.JSONLines, err error) {
	out.Send(errorMessage{Message: jsonstream.Message{Error: &jsonstream.Error{Message: err.Error()}}, ErrorText: err.Error()})
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
	out.Send(jsonstream.Message{Status: "Pulling from " + from, ID: tagOr(tag)})
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
		out.Send(jsonstream.Message{Status: "Digest: " + sha(rep.IDs[0])})
	}
	out.Send(jsonstream.Message{Status: "Status: Downloaded newer image for " + ref})
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
	return handlers.JSONLines{W: w}.Send(jsonstream.Message{Status: sha(rep.ID)})
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
	out.Send(jsonstream.Message{Status: "The push refers to repository [" + name + "]"})
	rep, err := a.eng.ImagePush(r.Context(), engine.ImagePushRequest{RegistryAuth: auth, Name: ref, Progress: &progressLines{out: out}})
	if err != nil {
		sendError(out, err)
		return nil
	}
	tag := tagOr(r.URL.Query().Get("tag"))
	out.Send(jsonstream.Message{Status: tag + ": digest: " + rep.Digest})
	// The module describes no type for the push result; its fields are
	// Docker's (Tag, Digest, Size).
	aux, err := json.Marshal(map[string]any{"Tag": tag, "Digest": rep.Digest})
	if err != nil {
		return fmt.Errorf("encoding push result: %w", err)
	}
	out.Send(jsonstream.Message{Progress: &jsonstream.Progress{}, Aux: (*json.RawMessage)(&aux)})
	return nil
}
