package compat

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync"

	"github.com/moby/moby/api/types/container"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/pm-project/pm/pkg/api/handlers"
)

// execSession is a Docker exec instance: created by one request, run by
// another. Sessions live in the server process only, as Docker's do in
// its daemon; the containers they run in are read from the engine.
type execSession struct {
	ID          string
	ContainerID string
	Config      container.ExecCreateRequest
	Running     bool
	ExitCode    *int
	Resizer     engine.Resizer
}

// execStore keeps the exec sessions of this server.
type execStore struct {
	mu sync.Mutex
	m  map[string]*execSession
}

func newExecStore() *execStore { return &execStore{m: map[string]*execSession{}} }

func (s *execStore) get(id string) (*execSession, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.m[id]
	if e == nil {
		return nil, define.Errorf(define.ErrNoSuchExec, "No such exec instance: %s", id)
	}
	return e, nil
}

func (a *api) execRoutes() []handlers.Route {
	return []handlers.Route{
		{Method: "POST", Path: "/containers/{id}/exec", Handler: a.execCreate},
		{Method: "POST", Path: "/exec/{id}/start", Handler: a.execStart},
		{Method: "POST", Path: "/exec/{id}/resize", Handler: a.execResize},
		{Method: "GET", Path: "/exec/{id}/json", Handler: a.execInspect},
	}
}

func (a *api) execCreate(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	var cfg container.ExecCreateRequest
	if err := handlers.DecodeJSON(r, &cfg); err != nil {
		return err
	}
	if len(cfg.Cmd) == 0 {
		return handlers.BadRequest("no exec command specified (Cmd)")
	}
	d, err := a.inspectOne(r.Context(), id)
	if err != nil {
		return err
	}
	if !d.State.Running {
		return define.Errorf(define.ErrInvalidState, "Container %s is not running", id)
	}
	var b [32]byte
	rand.Read(b[:])
	s := &execSession{ID: hex.EncodeToString(b[:]), ContainerID: d.ID, Config: cfg}
	a.execs.mu.Lock()
	a.execs.m[s.ID] = s
	a.execs.mu.Unlock()
	return handlers.WriteJSON(w, http.StatusCreated, container.ExecCreateResponse{ID: s.ID})
}

func (a *api) execStart(w http.ResponseWriter, r *http.Request) error {
	s, err := a.execs.get(r.PathValue("id"))
	if err != nil {
		return err
	}
	var body container.ExecStartRequest
	if err := handlers.DecodeJSON(r, &body); err != nil {
		return err
	}
	a.execs.mu.Lock()
	if s.Running || s.ExitCode != nil {
		a.execs.mu.Unlock()
		return define.Errorf(define.ErrConflict, "exec %s has already run", s.ID)
	}
	s.Running = true
	a.execs.mu.Unlock()
	cfg := s.Config
	req := engine.ExecRequest{Command: cfg.Cmd, Env: cfg.Env, User: cfg.User, WorkDir: cfg.WorkingDir,
		Interactive: cfg.AttachStdin, Tty: cfg.Tty || body.Tty, Privileged: cfg.Privileged, Detach: body.Detach}
	if cfg.DetachKeys != "" {
		req.DetachKeys = &cfg.DetachKeys
	} else {
		none := ""
		req.DetachKeys = &none
	}
	finish := func(code int) {
		a.execs.mu.Lock()
		s.Running, s.ExitCode, s.Resizer = false, &code, nil
		a.execs.mu.Unlock()
	}
	if body.Detach {
		rep, err := a.eng.ContainerExec(r.Context(), s.ContainerID, req, engine.AttachOptions{})
		if err != nil {
			finish(-1)
			return err
		}
		_ = rep
		w.WriteHeader(http.StatusOK)
		return nil
	}
	h, err := handlers.Hijack(w, r, req.Tty)
	if err != nil {
		finish(-1)
		return err
	}
	defer h.Close()
	outW, errW := handlers.OutputStreams(h.Out, req.Tty)
	// The terminal's first size: start's, else create's.
	size := cmp.Or(body.ConsoleSize, cfg.ConsoleSize)
	o := engine.AttachOptions{Stdout: outW, Stderr: errW, OnAttach: func(rz engine.Resizer) {
		a.execs.mu.Lock()
		s.Resizer = rz
		a.execs.mu.Unlock()
		if size != nil && size[0] > 0 && size[1] > 0 && req.Tty {
			if err := rz.Resize(uint16(size[0]), uint16(size[1])); err != nil {
				slog.Debug("exec: setting the console size", "container", s.ContainerID, "err", err)
			}
		}
	}}
	if !cfg.AttachStdout {
		o.Stdout = io.Discard
	}
	if !cfg.AttachStderr {
		o.Stderr = io.Discard
	}
	if cfg.AttachStdin {
		o.Stdin = h.In
	}
	rep, err := a.eng.ContainerExec(context.WithoutCancel(r.Context()), s.ContainerID, req, o)
	if err != nil {
		finish(126)
		if !errors.Is(err, io.EOF) {
			slog.Debug("exec failed", "container", s.ContainerID, "err", err)
			io.WriteString(errW, err.Error()+"\n")
		}
		return nil
	}
	finish(rep.ExitCode)
	return nil
}

func (a *api) execResize(w http.ResponseWriter, r *http.Request) error {
	s, err := a.execs.get(r.PathValue("id"))
	if err != nil {
		return err
	}
	hgt, err := handlers.QueryInt(r, "h", 0)
	if err != nil {
		return err
	}
	wid, err := handlers.QueryInt(r, "w", 0)
	if err != nil {
		return err
	}
	a.execs.mu.Lock()
	rz := s.Resizer
	a.execs.mu.Unlock()
	if rz != nil {
		if err := rz.Resize(uint16(hgt), uint16(wid)); err != nil {
			return err
		}
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

func (a *api) execInspect(w http.ResponseWriter, r *http.Request) error {
	s, err := a.execs.get(r.PathValue("id"))
	if err != nil {
		return err
	}
	a.execs.mu.Lock()
	defer a.execs.mu.Unlock()
	cmd := s.Config.Cmd
	priv := s.Config.Privileged
	return handlers.WriteJSON(w, http.StatusOK, container.ExecInspectResponse{
		ID: s.ID, ContainerID: s.ContainerID, Running: s.Running, ExitCode: s.ExitCode,
		OpenStdin: s.Config.AttachStdin, OpenStdout: s.Config.AttachStdout, OpenStderr: s.Config.AttachStderr,
		DetachKeys: []byte(s.Config.DetachKeys),
		ProcessConfig: &container.ExecProcessConfig{Entrypoint: cmd[0], Arguments: nonNil(cmd[1:]), Tty: s.Config.Tty,
			Privileged: &priv, User: s.Config.User},
	})
}
