package libpod

import (
	"log/slog"
	"strconv"

	"github.com/pm-project/pm/libpod/events"
)

// ImageName is the image a container was made from as the user knows it:
// its name, else the reference asked for, else its ID.
func (c *Container) ImageName() string {
	if c.Config.Image.Name != "" {
		return c.Config.Image.Name
	}
	if c.Config.Image.Asked != "" {
		return c.Config.Image.Asked
	}
	return c.Config.Image.ID
}

// ContainerEvent records action on c, with its name, image and labels as
// attributes; extra attributes are added. A journal that cannot be written
// never fails the operation it records.
func (r *Runtime) ContainerEvent(c *Container, action string, extra map[string]string) {
	attrs := make(map[string]string, len(c.Config.Labels)+len(extra))
	for k, v := range c.Config.Labels {
		attrs[k] = v
	}
	for k, v := range extra {
		attrs[k] = v
	}
	ev := events.Event{Type: events.Container, Action: action, ID: c.ID(), Name: c.Name(), Image: c.ImageName(), Attributes: attrs}
	if err := r.Journal().Write(ev); err != nil {
		slog.Warn("writing event", "type", ev.Type, "action", action, "err", err)
	}
}

// diedEvent records c's exit. It is written where the exit is handled,
// once per run, by whichever process handles it first (conmon's exit
// command, a pm waiting on the container, stop), so that it is in the
// journal before any of them returns.
func (r *Runtime) diedEvent(c *Container) {
	r.ContainerEvent(c, "die", map[string]string{"exitCode": strconv.Itoa(c.State.ExitCode)})
}
