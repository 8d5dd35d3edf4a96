// Package engine holds pm's use cases, with their request and report types.
// It is the one door both front ends (cmd/pm and pkg/api) walk through.
package engine

import (
	"context"

	"github.com/pm-project/pm/libpod"
	"github.com/pm-project/pm/pkg/config"
)

// Engine runs use cases against one Runtime.
type Engine struct {
	rt *libpod.Runtime
}

// New returns an Engine for cfg.
func New(ctx context.Context, cfg *config.Config) (*Engine, error) {
	rt, err := libpod.NewRuntime(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &Engine{rt: rt}, nil
}

// Config returns the configuration the engine runs with.
func (e *Engine) Config() *config.Config { return e.rt.Config() }

// Shutdown releases the runtime.
func (e *Engine) Shutdown(force bool) error { return e.rt.Shutdown(force) }

// ShutdownAtExit releases what the engine holds in a process about to
// exit (see Runtime.ShutdownAtExit).
func (e *Engine) ShutdownAtExit() error { return e.rt.ShutdownAtExit() }
