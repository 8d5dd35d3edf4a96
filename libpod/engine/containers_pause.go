package engine

import (
	"context"

	"github.com/pm-project/pm/libpod/define"
)

// ContainerPause freezes a running container.
func (e *Engine) ContainerPause(ctx context.Context, idOrName string) (string, error) {
	c, err := e.rt.PauseContainer(ctx, idOrName)
	if err != nil {
		return "", err
	}
	e.emitCtr(c, "pause", nil)
	return c.ID(), nil
}

// ContainerUnpause thaws a paused container.
func (e *Engine) ContainerUnpause(ctx context.Context, idOrName string) (string, error) {
	c, err := e.rt.UnpauseContainer(ctx, idOrName)
	if err != nil {
		return "", err
	}
	e.emitCtr(c, "unpause", nil)
	return c.ID(), nil
}

// ContainerInit creates a container in the OCI runtime without starting
// it; ContainerStart then runs it.
func (e *Engine) ContainerInit(ctx context.Context, idOrName string) (string, error) {
	c, err := e.rt.InitContainer(ctx, idOrName, e.startOptions(nil))
	if err != nil {
		return "", err
	}
	return c.ID(), nil
}

// ContainerIDsWithStatus returns the IDs of the containers in status, for
// pause --all and unpause --all.
func (e *Engine) ContainerIDsWithStatus(ctx context.Context, status define.ContainerStatus) ([]string, error) {
	cs, err := e.rt.ListContainers(ctx)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, c := range cs {
		if c.State.Status == status {
			ids = append(ids, c.ID())
		}
	}
	return ids, nil
}
