package compat

import (
	"net/http"
	"time"

	"github.com/pm-project/pm/libpod/engine"
	"github.com/pm-project/pm/pkg/api/handlers"
)

// events streams pm's events. pm keeps no event journal yet, so the
// stream carries none: it stays open until the client goes or until
// passes, which is what clients that only watch need.
func (a *api) events(w http.ResponseWriter, r *http.Request) error {
	if _, err := handlers.QueryFilters(r); err != nil {
		return err
	}
	var until time.Time
	if v := r.URL.Query().Get("until"); v != "" {
		t, err := engine.ParseTime(v, time.Now())
		if err != nil {
			return handlers.BadRequest("invalid until %q: %v", v, err)
		}
		until = t
	}
	if v := r.URL.Query().Get("since"); v != "" {
		if _, err := engine.ParseTime(v, time.Now()); err != nil {
			return handlers.BadRequest("invalid since %q: %v", v, err)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	handlers.Flush(w)
	var stop <-chan time.Time
	if !until.IsZero() {
		stop = time.After(time.Until(until))
	}
	select {
	case <-r.Context().Done():
	case <-stop:
	}
	return nil
}
