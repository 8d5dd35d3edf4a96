package libpod

import (
	"log/slog"
	"path/filepath"

	"github.com/pm-project/pm/libpod/events"
)

// Journal returns the event journal of the runtime's configuration:
// events_logfile_path (default TmpDir/events/events.log), rotated at
// events_logfile_max_size.
func (r *Runtime) Journal() *events.Journal {
	if r.cfg.Engine.EventsLogger == "none" {
		return events.Off()
	}
	if p := r.cfg.Engine.EventsLogFilePath; p != "" {
		return events.NewFile(p, int64(r.cfg.Engine.EventsLogFileMaxSize))
	}
	return events.New(filepath.Join(r.cfg.TmpDir, "events"), int64(r.cfg.Engine.EventsLogFileMaxSize))
}

// volumeEvent records that a volume was created or removed. Volumes are
// recorded here rather than by the engine, like the other objects, because
// their removal cascades inside libpod (rm -v, --rm, pod rm, rm -f of the
// containers of volume rm -f), out of the engine's sight. A journal that
// cannot be written never fails the operation it records.
func (r *Runtime) volumeEvent(action, name string) {
	if err := r.Journal().Write(events.Event{Type: events.Volume, Action: action, ID: name, Name: name}); err != nil {
		slog.Warn("writing event", "type", events.Volume, "action", action, "err", err)
	}
}
