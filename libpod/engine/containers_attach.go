package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/pm-project/pm/libpod"
	"github.com/pm-project/pm/libpod/define"
)

// AttachRequest says how ContainerAttach attaches to a running container.
type AttachRequest struct {
	NoStdin bool
	// DetachKeys is the detach sequence; nil means containers.conf's.
	DetachKeys *string
}

// AttachReport is the result of ContainerAttach.
type AttachReport struct {
	ExitCode int  // the container's, once it exited
	Detached bool // the user typed the detach keys
}

// ContainerAttach attaches o's streams to a running container until it
// exits (reporting its exit code) or the user detaches.
func (e *Engine) ContainerAttach(ctx context.Context, idOrName string, req AttachRequest, o AttachOptions) (*AttachReport, error) {
	keysStr := e.rt.Config().Engine.DetachKeys
	if req.DetachKeys != nil {
		keysStr = *req.DetachKeys
	}
	keys, err := libpod.ParseDetachKeys(keysStr)
	if err != nil {
		return nil, define.Invalidf("invalid --detach-keys %q: %v", keysStr, err)
	}
	c, err := e.rt.InspectContainer(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	if c.State.Status != define.StatusRunning {
		return nil, define.Errorf(define.ErrInvalidState, "you can only attach to running containers")
	}
	if c.Config.LogDriver == "passthrough" {
		return nil, define.Errorf(define.ErrUnsupported, "cannot attach to a container using the passthrough log driver")
	}
	s := libpod.Streams{Stdout: o.Stdout, Stderr: o.Stderr}
	if !req.NoStdin && c.Config.Stdin {
		s.Stdin = o.Stdin
	}
	if !c.Config.Terminal {
		keys = nil // detach keys need a terminal
	}
	claim := e.rt.ClaimCleanup(c.ID())
	defer claim.Release()
	att, err := libpod.AttachDetachable(e.rt.BundleDir(c.ID()), c.ID(), s, keys)
	if err != nil {
		return nil, fmt.Errorf("attaching to %s: %w", c.Name(), err)
	}
	if o.OnAttach != nil {
		o.OnAttach(att)
	}
	if o.SigProxy && !c.Config.Terminal {
		stop := e.proxySignals(ctx, c)
		defer stop()
	}
	if err := att.Wait(); err != nil {
		if errors.Is(err, libpod.ErrDetached) {
			return &AttachReport{Detached: true}, nil
		}
		return nil, fmt.Errorf("copying output of %s: %w", c.Name(), err)
	}
	code, err := e.rt.WaitClaimed(context.WithoutCancel(ctx), c.ID(), nil, 20*time.Millisecond, claim)
	if err != nil {
		return nil, err
	}
	return &AttachReport{ExitCode: code}, nil
}
