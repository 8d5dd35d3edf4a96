package compat

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/pm-project/pm/pkg/api/handlers"
)

// commitConfig is the body of POST /commit: the container's config to
// change in the image, Docker's Config. The fields an image's config
// keeps become Dockerfile changes; those only a running container has
// (Hostname, Tty, ...) mean nothing in an image and are not kept.
type commitConfig = configBody

// changes turns the body into Dockerfile instructions, applied after the
// changes of the query.
func (c *commitConfig) changes() ([]string, error) {
	if c.Healthcheck != nil || len(c.OnBuild) > 0 || len(c.Shell) > 0 {
		return nil, handlers.BadRequest("Healthcheck, OnBuild and Shell of a commit's config are not supported: use a build")
	}
	var out []string
	js := func(v any) string {
		b, _ := json.Marshal(v)
		return string(b)
	}
	if c.Entrypoint != nil {
		out = append(out, "ENTRYPOINT "+js([]string(c.Entrypoint)))
	}
	if c.Cmd != nil {
		out = append(out, "CMD "+js([]string(c.Cmd)))
	}
	for _, kv := range c.Env {
		k, v, _ := strings.Cut(kv, "=")
		qk, qv := quoteWord(k), quoteWord(v)
		if k == "" || qk == "" || qv == "" {
			return nil, handlers.BadRequest("invalid environment variable %q", kv)
		}
		out = append(out, "ENV "+qk+"="+qv)
	}
	keys := make([]string, 0, len(c.Labels))
	for k := range c.Labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		qk, qv := quoteWord(k), quoteWord(c.Labels[k])
		if k == "" || qk == "" || qv == "" {
			return nil, handlers.BadRequest("invalid label %q", k+"="+c.Labels[k])
		}
		out = append(out, "LABEL "+qk+"="+qv)
	}
	ports := make(map[string]struct{}, len(c.ExposedPorts))
	for p := range c.ExposedPorts {
		ports[p.String()] = struct{}{}
	}
	for _, set := range []struct {
		instr string
		m     map[string]struct{}
	}{{"EXPOSE ", ports}, {"VOLUME ", c.Volumes}} {
		keys := make([]string, 0, len(set.m))
		for k := range set.m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if set.instr == "VOLUME " {
				k = js([]string{k})
			}
			out = append(out, set.instr+k)
		}
	}
	for _, f := range []struct{ instr, v string }{{"WORKDIR ", c.WorkingDir}, {"USER ", c.User}, {"STOPSIGNAL ", c.StopSignal}} {
		if f.v != "" {
			out = append(out, f.instr+f.v)
		}
	}
	return out, nil
}

// quoteWord quotes s for a change's KEY=VALUE, in the quotes it does not
// hold; "" when it holds both kinds.
func quoteWord(s string) string {
	switch {
	case !strings.Contains(s, `"`):
		return `"` + s + `"`
	case !strings.Contains(s, "'"):
		return "'" + s + "'"
	}
	return ""
}

// commit is POST /commit: an image of a container's changes, named
// repo:tag, with the query's changes and the body's config applied.
func (a *api) commit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	ctr := q.Get("container")
	if ctr == "" {
		return handlers.BadRequest("no container given (container)")
	}
	pause, err := handlers.QueryBool(r, "pause", true)
	if err != nil {
		return err
	}
	ref := q.Get("repo")
	if tag := q.Get("tag"); tag != "" {
		if ref == "" {
			return handlers.BadRequest("invalid reference: a tag needs a repository (repo)")
		}
		ref += ":" + tag
	}
	var body commitConfig
	if err := handlers.DecodeJSON(r, &body); err != nil {
		return err
	}
	bodyChanges, err := body.changes()
	if err != nil {
		return err
	}
	var changes []string
	for _, c := range q["changes"] {
		// The docker CLI sends each --change as one value; a value may
		// hold several lines.
		for _, line := range strings.Split(c, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				changes = append(changes, line)
			}
		}
	}
	d, err := a.inspectOne(r.Context(), ctr)
	if err != nil {
		return err
	}
	rep, err := a.eng.ContainerCommit(r.Context(), engine.ContainerCommitRequest{
		Container: d.ID, Reference: ref, Changes: append(changes, bodyChanges...),
		Author: q.Get("author"), Message: q.Get("comment"), Pause: pause, Format: "docker",
	})
	if err != nil {
		return err
	}
	return handlers.WriteJSON(w, http.StatusCreated, container.CommitResponse{ID: sha(rep.ID)})
}
