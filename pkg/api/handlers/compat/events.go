package compat

import (
	"net/http"
	"time"

	"github.com/moby/moby/api/types/events"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/pm-project/pm/pkg/api/handlers"
)

// events streams the event journal in Docker's shape: past events from
// since, then live ones until until passes or the client goes. Without
// since and until it only streams live events, as Docker does.
func (a *api) events(w http.ResponseWriter, r *http.Request) error {
	filters, err := handlers.QueryFilters(r)
	if err != nil {
		return err
	}
	now := time.Now()
	req := engine.EventsRequest{Filters: filters, Stream: true, Since: now}
	for _, p := range []struct {
		key string
		t   *time.Time
	}{{"since", &req.Since}, {"until", &req.Until}} {
		v := r.URL.Query().Get(p.key)
		if v == "" {
			continue
		}
		t, err := engine.ParseTime(v, now)
		if err != nil {
			return handlers.BadRequest("invalid %s %q: %v", p.key, v, err)
		}
		*p.t = t
	}
	if !req.Until.IsZero() && req.Until.Before(now) {
		req.Stream = false
	}
	// Validate the filters before the reply starts.
	if err := a.eng.Events(r.Context(), engine.EventsRequest{Filters: filters, Since: now.Add(time.Hour), Until: now.Add(time.Hour)}, func(engine.Event) error { return nil }); err != nil {
		return err
	}
	a.listeners.Add(1)
	defer a.listeners.Add(-1)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	handlers.Flush(w)
	out := handlers.JSONLines{W: w}
	return a.eng.Events(r.Context(), req, func(ev engine.Event) error {
		if ev.PodmanOnly() {
			return nil
		}
		m, err := dockerEvent(r, ev)
		if err != nil {
			return err
		}
		return out.Send(m)
	})
}

// nameActor are the image actions whose Docker actor is the image's name
// (the tag, the name pushed or loaded), not its ID; pm's journal records
// the ID of each image event and the name as its Name, as Podman does.
var nameActor = map[string]bool{"tag": true, "untag": true, "push": true, "save": true, "load": true, "loadfromarchive": true}

// dockerEvent is an event in Docker's shape and words (a removal is a
// destroy), with the old top-level status/id/from fields that clients of
// API versions before 1.52 read.
func dockerEvent(r *http.Request, ev engine.Event) (any, error) {
	attrs := map[string]string{}
	for k, v := range ev.Attributes {
		attrs[k] = v
	}
	if ev.Name != "" {
		attrs["name"] = ev.Name
	}
	if ev.Image != "" {
		attrs["image"] = ev.Image
	}
	id := ev.ID
	if id == "" || (ev.Type == "image" && nameActor[ev.Action] && ev.Name != "") {
		id = ev.Name
	}
	m := events.Message{
		Type:     events.Type(ev.Type),
		Action:   events.Action(ev.DockerAction()),
		Actor:    events.Actor{ID: id, Attributes: attrs},
		Scope:    "local",
		Time:     ev.TimeNano / int64(time.Second),
		TimeNano: ev.TimeNano,
	}
	if versionAtLeast(r, "1.52") || (ev.Type != "container" && ev.Type != "image") {
		return m, nil
	}
	// The top-level fields Docker sent until API 1.52.
	extra := map[string]any{"status": ev.DockerAction(), "id": id}
	if ev.Image != "" {
		extra["from"] = ev.Image
	}
	return withFields(m, extra)
}
