package engine

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/pm-project/pm/libpod"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/events"
)

// journal is the event journal of the engine's configuration.
func (e *Engine) journal() *events.Journal { return e.rt.Journal() }

// emit writes an event; a journal that cannot be written never fails the
// operation it records.
//
// The engine records the events of what it does; libpod records volume
// create and remove itself, since volumes are made and removed inside
// libpod's cascades (rm -v, --rm, pod rm). Removals are recorded in
// Podman's word, remove, except a container's, which pm has always
// recorded as Docker's destroy; the Docker API translates (DockerAction).
func (e *Engine) emit(ev events.Event) {
	if err := e.journal().Write(ev); err != nil {
		slog.Warn("writing event", "type", ev.Type, "action", ev.Action, "err", err)
	}
}

// emitContainer records action on the container idOrName, with its
// name, image and labels as attributes; extra attributes are added.
func (e *Engine) emitContainer(ctx context.Context, idOrName, action string, extra map[string]string) {
	c, err := e.rt.LookupContainer(ctx, idOrName)
	if err != nil {
		e.emit(events.Event{Type: events.Container, Action: action, ID: idOrName, Attributes: extra})
		return
	}
	e.emitCtr(c, action, extra)
}

func (e *Engine) emitCtr(c *libpod.Container, action string, extra map[string]string) {
	e.rt.ContainerEvent(c, action, extra)
}

// emitSimple records an image, network, volume or pod event.
func (e *Engine) emitSimple(typ, action, id, name string) {
	e.emit(events.Event{Type: typ, Action: action, ID: id, Name: name})
}

// emitRemoved records the removal of those of cs that are gone: the
// containers an operation removed on its way (volume rm -f, network rm
// -f, pod rm).
func (e *Engine) emitRemoved(ctx context.Context, cs []*libpod.Container) {
	for _, c := range cs {
		if _, err := e.rt.LookupContainer(ctx, c.ID()); errors.Is(err, define.ErrNoSuchCtr) {
			e.emitCtr(c, "destroy", nil)
		}
	}
}

// Event is one event of the journal; front ends take it from here, not
// from libpod/events.
type Event = events.Event

// EventsRequest is `pm events` and GET /events.
type EventsRequest struct {
	Since, Until time.Time
	// Filters are key=value: type, event (action, in Podman's or
	// Docker's word), container, image, network, volume, pod, label (KEY
	// or KEY=VALUE).
	Filters []string
	Stream  bool
}

// Events sends the recorded events that pass every filter kind (values
// of one kind are alternatives), then, with Stream, new ones until ctx
// ends or Until passes.
func (e *Engine) Events(ctx context.Context, req EventsRequest, send func(Event) error) error {
	keep, err := eventFilter(req.Filters)
	if err != nil {
		return err
	}
	o := events.ReadOptions{Since: req.Since, Until: req.Until, Follow: req.Stream}
	return e.journal().Read(ctx, o, func(ev events.Event) error {
		if !keep(&ev) {
			return nil
		}
		return send(ev)
	})
}

func eventFilter(filters []string) (func(*events.Event) bool, error) {
	by := map[string][]string{}
	for _, f := range filters {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return nil, define.Invalidf("invalid filter %q: use key=value", f)
		}
		if k == "status" {
			k = "event" // Podman's older name for it
		}
		switch k {
		case "type", "event", "container", "image", "network", "volume", "label", "pod":
		default:
			return nil, define.Invalidf("invalid filter %q: use type, event, container, image, network, volume, pod or label", f)
		}
		by[k] = append(by[k], v)
	}
	match := func(ev *events.Event, k, v string) bool {
		switch k {
		case "type":
			return ev.Type == v
		case "event":
			return ev.Action == v || ev.DockerAction() == v || ev.PodmanAction() == v
		case "container", "network", "volume", "pod":
			return ev.Type == k && (ev.Name == v || (v != "" && strings.HasPrefix(ev.ID, v)))
		case "image":
			return ev.Image == v || (ev.Type == events.Image && (ev.Name == v || strings.HasPrefix(ev.ID, v))) ||
				strings.TrimSuffix(ev.Image, ":latest") == v || strings.HasSuffix(ev.Image, "/"+v) || strings.HasSuffix(ev.Image, "/"+v+":latest")
		case "label":
			lk, lv, hasV := strings.Cut(v, "=")
			got, ok := ev.Attributes[lk]
			return ok && (!hasV || got == lv)
		}
		return false
	}
	return func(ev *events.Event) bool {
		for k, vs := range by {
			any := false
			for _, v := range vs {
				if match(ev, k, v) {
					any = true
					break
				}
			}
			if !any {
				return false
			}
		}
		return true
	}, nil
}
