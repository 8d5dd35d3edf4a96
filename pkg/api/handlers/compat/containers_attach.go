package compat

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/pm-project/pm/libpod/engine"
	"github.com/pm-project/pm/pkg/api/handlers"
)

func (a *api) containerLogs(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	q := r.URL.Query()
	var req engine.LogsRequest
	var err error
	if req.Follow, err = handlers.QueryBool(r, "follow", false); err != nil {
		return err
	}
	if req.Timestamps, err = handlers.QueryBool(r, "timestamps", false); err != nil {
		return err
	}
	stdout, err := handlers.QueryBool(r, "stdout", false)
	if err != nil {
		return err
	}
	stderr, err := handlers.QueryBool(r, "stderr", false)
	if err != nil {
		return err
	}
	if !stdout && !stderr {
		return handlers.BadRequest("you must choose at least one stream (stdout, stderr)")
	}
	req.Tail = -1
	if t := q.Get("tail"); t != "" && t != "all" {
		n, err := strconv.Atoi(t)
		if err != nil {
			return handlers.BadRequest("invalid tail %q: use a number or all", t)
		}
		req.Tail = n
	}
	for k, dst := range map[string]*string{"since": &req.Since, "until": &req.Until} {
		if v := q.Get(k); v != "" && v != "0" {
			*dst = v
		}
	}
	d, err := a.inspectOne(r.Context(), id)
	if err != nil {
		return err
	}
	tty := d.Config != nil && d.Config.Tty
	if tty {
		w.Header().Set("Content-Type", "application/vnd.docker.raw-stream")
	} else {
		w.Header().Set("Content-Type", "application/vnd.docker.multiplexed-stream")
	}
	w.WriteHeader(http.StatusOK)
	handlers.Flush(w)
	outW, errW := handlers.OutputStreams(w, tty)
	if !stdout {
		outW = io.Discard
	}
	if !stderr {
		errW = io.Discard
	}
	return a.eng.ContainerLogs(r.Context(), []string{d.ID}, req, outW, errW)
}

// attachStreams is what an attach request hands over to be connected.
type attachStreams struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// started receives, from the start route, the channel on which the
	// attach session reports the start's result.
	started chan chan error
}

// attachRegistry connects attach requests made before start (docker run
// attaches, then starts) to the start request, which then starts the
// container already attached, so no output is lost. It also keeps the
// resizer of each attached session for the resize route.
type attachRegistry struct {
	mu       sync.Mutex
	pending  map[string]*attachStreams
	resizers map[string]engine.Resizer
}

func newAttachRegistry() *attachRegistry {
	return &attachRegistry{pending: map[string]*attachStreams{}, resizers: map[string]engine.Resizer{}}
}

// start starts id attached to a pending attach, if there is one; it
// reports whether there was.
func (ar *attachRegistry) start(ctx context.Context, id string) (bool, error) {
	ar.mu.Lock()
	p := ar.pending[id]
	delete(ar.pending, id)
	ar.mu.Unlock()
	if p == nil {
		return false, nil
	}
	// The attach request's handler runs the session; it reports back once
	// the container started, or failed to.
	res := make(chan error, 1)
	p.started <- res
	select {
	case err := <-res:
		return true, err
	case <-ctx.Done():
		return true, ctx.Err()
	}
}

func (ar *attachRegistry) setResizer(id string, rz engine.Resizer) {
	ar.mu.Lock()
	defer ar.mu.Unlock()
	if rz == nil {
		delete(ar.resizers, id)
	} else {
		ar.resizers[id] = rz
	}
}

func (ar *attachRegistry) resizer(id string) engine.Resizer {
	ar.mu.Lock()
	defer ar.mu.Unlock()
	return ar.resizers[id]
}

func (a *api) containerAttach(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	var flags [4]bool
	for i, k := range []string{"stream", "stdin", "stdout", "stderr"} {
		v, err := handlers.QueryBool(r, k, false)
		if err != nil {
			return err
		}
		flags[i] = v
	}
	stream, wantIn, wantOut, wantErr := flags[0], flags[1], flags[2], flags[3]
	d, err := a.inspectOne(r.Context(), id)
	if err != nil {
		return err
	}
	tty := d.Config != nil && d.Config.Tty
	// A client sends start as soon as the upgrade is answered: register
	// this attach first, so that start finds it and starts the container
	// attached, and no output is lost.
	var p *attachStreams
	if stream && !d.State.Running {
		p = &attachStreams{started: make(chan chan error, 1)}
		a.attaches.mu.Lock()
		a.attaches.pending[d.ID] = p
		a.attaches.mu.Unlock()
		defer func() {
			a.attaches.mu.Lock()
			if a.attaches.pending[d.ID] == p {
				delete(a.attaches.pending, d.ID)
			}
			a.attaches.mu.Unlock()
		}()
	}
	h, err := handlers.Hijack(w, r, tty)
	if err != nil {
		return err
	}
	defer h.Close()
	outW, errW := handlers.OutputStreams(h.Out, tty)
	if !wantOut {
		outW = io.Discard
	}
	if !wantErr {
		errW = io.Discard
	}
	var in io.Reader
	if wantIn {
		in = h.In
	}
	// The hijacked connection has no context: a client that hangs up is
	// seen as a read or write error.
	ctx := context.WithoutCancel(r.Context())
	if !stream {
		return a.eng.ContainerLogs(ctx, []string{d.ID}, engine.LogsRequest{Tail: -1}, outW, errW)
	}
	o := engine.AttachOptions{Stdin: in, Stdout: outW, Stderr: errW,
		OnAttach: func(rz engine.Resizer) { a.attaches.setResizer(d.ID, rz) }}
	defer a.attaches.setResizer(d.ID, nil)
	if p != nil {
		// Wait for the start request and start the container attached.
		res := a.waitStart(ctx, p, d.ID)
		if res != nil {
			// The start request answers with the start's own result:
			// once the container runs, or with why it could not start.
			o.OnStart = func(err error) {
				select {
				case res <- err:
				default:
				}
			}
			// The client's wait request reads the exit code too.
			o.KeepExitFile = true
			if _, err := a.eng.ContainerStartAttached(ctx, d.ID, o); err != nil {
				select {
				case res <- err:
				default:
				}
				slog.Debug("attached start failed", "container", d.ID, "err", err)
			}
			return nil
		}
		if d, err = a.inspectOne(ctx, id); err != nil || !d.State.Running {
			return nil
		}
	}
	_, err = a.eng.ContainerAttach(ctx, d.ID, engine.AttachRequest{NoStdin: !wantIn}, o)
	if err != nil && !errors.Is(err, io.EOF) {
		slog.Debug("attach ended", "container", d.ID, "err", err)
	}
	return nil
}

// waitStart waits until the start route claims p (it returns the channel
// for the start's result), or another process starts the container, or
// the container goes (it returns nil).
func (a *api) waitStart(ctx context.Context, p *attachStreams, id string) chan error {
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case res := <-p.started:
			return res
		case <-t.C:
			d, err := a.inspectOne(ctx, id)
			if err != nil || d.State.Running || d.State.Status == "exited" {
				return nil
			}
		}
	}
}

func (a *api) containerResize(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	hgt, err := handlers.QueryInt(r, "h", 0)
	if err != nil {
		return err
	}
	wid, err := handlers.QueryInt(r, "w", 0)
	if err != nil {
		return err
	}
	d, err := a.inspectOne(r.Context(), id)
	if err != nil {
		return err
	}
	if rz := a.attaches.resizer(d.ID); rz != nil {
		if err := rz.Resize(uint16(hgt), uint16(wid)); err != nil {
			return err
		}
	}
	w.WriteHeader(http.StatusOK)
	return nil
}
