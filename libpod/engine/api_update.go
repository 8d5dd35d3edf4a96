package engine

import (
	"context"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/specgen"
)

// ContainerUpdateRequest is what may change on a container after create.
type ContainerUpdateRequest struct {
	// Restart is a --restart value (no, on-failure[:N], always,
	// unless-stopped); nil leaves the policy as it is.
	Restart *string
}

// ContainerUpdate applies req to a container and returns its ID.
func (e *Engine) ContainerUpdate(ctx context.Context, idOrName string, req ContainerUpdateRequest) (string, error) {
	c, err := e.rt.LookupContainer(ctx, idOrName)
	if err != nil {
		return "", err
	}
	if req.Restart == nil {
		return c.ID(), nil
	}
	p, err := specgen.ParseRestart(*req.Restart)
	if err != nil {
		return "", err
	}
	c, err = e.rt.UpdateRestartPolicy(ctx, c.ID(), define.RestartPolicy{Name: p.Name, MaxRetries: p.MaxRetries})
	if err != nil {
		return "", err
	}
	e.emitCtr(c, "update", map[string]string{"restartPolicy": *req.Restart})
	return c.ID(), nil
}
