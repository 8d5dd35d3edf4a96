// Package server is pm's REST API server: the listener, the router built
// from the handlers' routing tables, the middleware (API version, panic
// recovery, logging), the one mapping of errors to statuses, and the idle
// exit of `pm system service`.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/pm-project/pm/pkg/api/handlers"
	"github.com/pm-project/pm/pkg/api/handlers/compat"
	"github.com/pm-project/pm/pkg/api/handlers/native"
)

// Server serves the API on one listener until it is idle for too long or
// its context ends.
type Server struct {
	http *http.Server
	idle time.Duration // 0: never exit for idleness
	cors string        // the Access-Control-Allow-Origin answered; "" for none

	mu       sync.Mutex
	busy     int // requests in flight plus connections not idle
	conns    map[net.Conn]http.ConnState
	lastBusy time.Time
}

// New returns a server for eng that exits after idle without connections
// or requests (0: never).
func New(eng *engine.Engine, idle time.Duration) *Server {
	s := &Server{idle: idle, conns: map[net.Conn]http.ConnState{}, lastBusy: time.Now()}
	mux := http.NewServeMux()
	for _, rt := range compat.Routes(eng) {
		s.handle(mux, rt, true)
	}
	for _, rt := range native.Routes(eng) {
		s.handle(mux, rt, false)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, handlers.WithStatus(http.StatusNotFound, fmt.Errorf("page not found: %s %s", r.Method, r.URL.Path)))
	})
	s.http = &http.Server{
		Handler:           s.middleware(mux),
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       max(idle, 30*time.Second),
		ConnState:         s.connState,
		ErrorLog:          slog.NewLogLogger(slog.Default().Handler(), slog.LevelDebug),
	}
	return s
}

// AllowOrigin has every answer carry CORS headers allowing origin (e.g.
// "*"), and answers browsers' preflight OPTIONS requests, as Podman's
// --cors does. Call it before Serve.
func (s *Server) AllowOrigin(origin string) {
	s.cors = origin
}

func (s *Server) handle(mux *http.ServeMux, rt handlers.Route, compatRoute bool) {
	pattern := rt.Method + " " + rt.Path
	h := rt.Handler
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			writeError(w, r, err)
		}
	})
}

// writeError answers err as Docker does: {"message": ...} with the status
// of its class. After a streamed reply has begun, the error is only logged.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	status := handlers.StatusOf(err)
	slog.Debug("api request failed", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
	if rw, ok := w.(*recorder); ok && rw.wrote {
		return
	}
	if status == http.StatusNotModified {
		w.WriteHeader(status)
		return
	}
	handlers.WriteJSON(w, status, map[string]string{"message": err.Error()})
}

func (s *Server) connState(c net.Conn, st http.ConnState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, had := s.conns[c]
	wasBusy := had && (old == http.StateNew || old == http.StateActive)
	isBusy := st == http.StateNew || st == http.StateActive
	switch {
	case st == http.StateClosed || st == http.StateHijacked:
		delete(s.conns, c)
	default:
		s.conns[c] = st
	}
	if wasBusy && !isBusy {
		s.busy--
	} else if !wasBusy && isBusy {
		s.busy++
	}
	s.lastBusy = time.Now()
}

// track counts a request in flight (hijacked streams included) for the
// idle exit.
func (s *Server) track(delta int) {
	s.mu.Lock()
	s.busy += delta
	s.lastBusy = time.Now()
	s.mu.Unlock()
}

// Serve answers requests on l until ctx ends or the server was idle for
// its idle time; it then stops listening and waits for requests in flight.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	errc := make(chan error, 1)
	go func() {
		var err error
		defer func() { errc <- err }()
		defer define.Recover("serving the API", &err)
		err = s.http.Serve(l)
	}()
	var tick <-chan time.Time
	if s.idle > 0 {
		t := time.NewTicker(min(s.idle/4+time.Millisecond, 250*time.Millisecond))
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case err := <-errc:
			if errors.Is(err, http.ErrServerClosed) {
				return nil
			}
			return fmt.Errorf("serving API: %w", err)
		case <-ctx.Done():
			return s.shutdown()
		case <-tick:
			s.mu.Lock()
			idle := s.busy <= 0 && time.Since(s.lastBusy) >= s.idle
			s.mu.Unlock()
			if idle {
				slog.Debug("api service idle, exiting", "timeout", s.idle)
				return s.shutdown()
			}
		}
	}
}

func (s *Server) shutdown() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.http.Shutdown(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("shutting the API server down: %w", err)
	}
	return nil
}
