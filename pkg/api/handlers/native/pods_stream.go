package native

import (
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/pm-project/pm/pkg/api/handlers"
)

// podLogs answers the lines `pm pod logs` prints, stdout and stderr
// together, as plain text; with follow, until the client goes.
func (a *api) podLogs(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	req := engine.LogsRequest{Tail: -1, Since: q.Get("since"), Until: q.Get("until")}
	var err error
	if req.Follow, err = handlers.QueryBool(r, "follow", false); err != nil {
		return err
	}
	if req.Timestamps, err = handlers.QueryBool(r, "timestamps", false); err != nil {
		return err
	}
	if t := q.Get("tail"); t != "" && t != "all" {
		if req.Tail, err = strconv.Atoi(t); err != nil {
			return handlers.BadRequest("invalid tail %q: use a number or all", t)
		}
	}
	out := &textReply{w: w}
	defer out.close()
	if req.Follow {
		// An unknown pod or member is found at once; past that, a client
		// following a quiet pod is told it is connected.
		t := time.AfterFunc(250*time.Millisecond, func() {
			defer define.Recover("starting a pod log stream", nil)
			out.begin()
		})
		defer t.Stop()
	}
	if err := a.eng.PodLogs(r.Context(), r.PathValue("name"), q.Get("container"), req, out, out); err != nil {
		return err
	}
	out.begin()
	return nil
}

// textReply is a plain-text reply whose head is written with the first
// output (or by begin), so that an error found before any output is still
// answered with its status. Writes are flushed at once.
type textReply struct {
	mu      sync.Mutex
	w       http.ResponseWriter
	started bool
	closed  bool // the handler returned: w is not ours any more
}

func (t *textReply) begin() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.beginLocked()
}

func (t *textReply) beginLocked() {
	if t.started || t.closed {
		return
	}
	t.started = true
	t.w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	t.w.WriteHeader(http.StatusOK)
	handlers.Flush(t.w)
}

func (t *textReply) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return 0, io.ErrClosedPipe
	}
	t.beginLocked()
	n, err := t.w.Write(p)
	handlers.Flush(t.w)
	return n, err
}

func (t *textReply) close() {
	t.mu.Lock()
	t.closed = true
	t.mu.Unlock()
}

// podStats answers the readings `pm pod stats` shows, as a JSON array of
// entries; with stream, one array a second, a line each, until the client
// goes.
func (a *api) podStats(w http.ResponseWriter, r *http.Request) error {
	all, err := handlers.QueryBool(r, "all", false)
	if err != nil {
		return err
	}
	stream, err := handlers.QueryBool(r, "stream", false)
	if err != nil {
		return err
	}
	req := engine.PodStatsRequest{Pods: r.URL.Query()["pods"], All: all}
	if all && len(req.Pods) > 0 {
		return handlers.BadRequest("all and pods cannot be used together")
	}
	prev := engine.Stats{}
	read := func() ([]engine.PodStatsEntry, error) {
		list, err := a.eng.PodStats(r.Context(), req, prev)
		if list == nil {
			list = []engine.PodStatsEntry{}
		}
		return list, err
	}
	list, err := read()
	if err != nil {
		return err
	}
	if !stream {
		return handlers.WriteJSON(w, http.StatusOK, list)
	}
	w.Header().Set("Content-Type", "application/json")
	out := handlers.JSONLines{W: w}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		if err := out.Send(list); err != nil {
			return nil // the client went
		}
		select {
		case <-r.Context().Done():
			return nil
		case <-tick.C:
		}
		if list, err = read(); err != nil {
			return err // only logged: the reply has begun
		}
	}
}
