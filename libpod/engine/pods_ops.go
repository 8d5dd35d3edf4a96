package engine

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"syscall"

	"github.com/pm-project/pm/libpod"
	"github.com/pm-project/pm/libpod/define"
)

// podMembers finds a pod and its containers: the infra container first,
// then the others, oldest first.
func (e *Engine) podMembers(ctx context.Context, idOrName string) (*libpod.Pod, []*libpod.Container, error) {
	p, err := e.rt.LookupPod(ctx, idOrName)
	if err != nil {
		return nil, nil, err
	}
	cs, err := e.rt.PodContainers(ctx, p.ID())
	if err != nil {
		return nil, nil, err
	}
	out := make([]*libpod.Container, 0, len(cs))
	for _, c := range cs {
		if c.ID() == p.Config.InfraID {
			out = append([]*libpod.Container{c}, out...)
		} else {
			out = append(out, c)
		}
	}
	return p, out, nil
}

// PodStart starts a pod's infra container, then its other containers.
// Each container started records its start event, then the pod its own,
// as in Podman.
func (e *Engine) PodStart(ctx context.Context, idOrName string) (string, error) {
	p, cs, err := e.podMembers(ctx, idOrName)
	if err != nil {
		return "", err
	}
	if id := p.Config.ServiceContainer; id != "" {
		// kube play's service container runs while its pods do.
		if err := e.startKubeService(ctx, id); err != nil && !errors.Is(err, define.ErrNoSuchCtr) {
			return "", err
		}
	}
	var errs []error
	for _, c := range cs {
		active := c.State.Status.Active()
		started, err := e.rt.StartContainer(ctx, c.ID(), e.startOptions(nil))
		if err != nil {
			errs = append(errs, fmt.Errorf("starting container %s of pod %s: %w", c.Name(), p.Name(), err))
		} else if !active {
			e.emitCtr(started, "start", nil)
		}
	}
	if len(errs) > 0 {
		return "", errs[0]
	}
	e.emitPod(p.ID(), p.Name(), "start")
	return p.ID(), nil
}

// PodStop stops a pod's containers, the infra container last; timeout
// nil means each container's stop timeout.
func (e *Engine) PodStop(ctx context.Context, idOrName string, timeout *uint) (string, error) {
	p, cs, err := e.podMembers(ctx, idOrName)
	if err != nil {
		return "", err
	}
	var errs []error
	for i := len(cs) - 1; i >= 0; i-- {
		stopped, err := e.rt.StopContainer(ctx, cs[i].ID(), timeout)
		switch {
		case err != nil && !errors.Is(err, define.ErrNoSuchCtr):
			errs = append(errs, fmt.Errorf("stopping container %s of pod %s: %w", cs[i].Name(), p.Name(), err))
		case err == nil && cs[i].State.Status.Active():
			e.emitCtr(stopped, "stop", nil)
		}
	}
	if len(errs) > 0 {
		return "", errs[0]
	}
	e.emitPod(p.ID(), p.Name(), "stop")
	return p.ID(), nil
}

// PodRestart stops a pod, then starts it.
func (e *Engine) PodRestart(ctx context.Context, idOrName string, timeout *uint) (string, error) {
	if _, err := e.PodStop(ctx, idOrName, timeout); err != nil {
		return "", err
	}
	return e.PodStart(ctx, idOrName)
}

// PodKill sends sig to every running container of a pod.
func (e *Engine) PodKill(ctx context.Context, idOrName string, sig syscall.Signal) (string, error) {
	p, cs, err := e.podMembers(ctx, idOrName)
	if err != nil {
		return "", err
	}
	n := 0
	for i := len(cs) - 1; i >= 0; i-- {
		if !cs[i].State.Status.Active() {
			continue
		}
		killed, err := e.rt.KillContainer(ctx, cs[i].ID(), sig)
		if err != nil {
			return "", fmt.Errorf("killing container %s of pod %s: %w", cs[i].Name(), p.Name(), err)
		}
		e.emitCtr(killed, "kill", map[string]string{"signal": strconv.Itoa(int(sig))})
		n++
	}
	if n == 0 {
		return "", define.Errorf(define.ErrInvalidState, "no containers in pod %s are running", p.Name())
	}
	e.emitPod(p.ID(), p.Name(), "kill")
	return p.ID(), nil
}

// pauseAction names a pause or an unpause.
func pauseAction(unpause bool) string {
	if unpause {
		return "unpause"
	}
	return "pause"
}

// PodPause pauses (unpause: thaws) every running container of a pod.
func (e *Engine) PodPause(ctx context.Context, idOrName string, unpause bool) (string, error) {
	p, cs, err := e.podMembers(ctx, idOrName)
	if err != nil {
		return "", err
	}
	for _, c := range cs {
		want := define.StatusRunning
		if unpause {
			want = define.StatusPaused
		}
		if c.State.Status != want {
			continue
		}
		if unpause {
			_, err = e.rt.UnpauseContainer(ctx, c.ID())
		} else {
			_, err = e.rt.PauseContainer(ctx, c.ID())
		}
		if err != nil {
			return "", err
		}
		e.emitCtr(c, pauseAction(unpause), nil)
	}
	e.emitPod(p.ID(), p.Name(), pauseAction(unpause))
	return p.ID(), nil
}

// PodRemove removes a pod with its containers; without force a pod with
// running containers is refused. Each container removed records its
// removal, then the pod its own.
func (e *Engine) PodRemove(ctx context.Context, idOrName string, force bool, timeout *uint) (string, error) {
	_, cs, err := e.podMembers(ctx, idOrName)
	if err != nil {
		return "", err
	}
	p, err := e.rt.RemovePod(ctx, idOrName, force, timeout)
	e.emitRemoved(ctx, cs)
	if err != nil {
		return "", err
	}
	e.emitPod(p.ID(), p.Name(), "remove")
	return p.ID(), nil
}

// PodPrune removes every pod with no running container.
func (e *Engine) PodPrune(ctx context.Context) ([]string, error) {
	ps, err := e.rt.Pods(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	var errs []error
	for _, p := range ps {
		cs, err := e.rt.PodContainers(ctx, p.ID())
		if err != nil {
			errs = append(errs, err)
			continue
		}
		st := libpod.PodStatus(cs)
		if st != define.PodStateExited && st != define.PodStateCreated && st != define.PodStateStopped {
			continue
		}
		if _, err := e.PodRemove(ctx, p.ID(), false, nil); err != nil {
			if !errors.Is(err, define.ErrNoSuchPod) {
				errs = append(errs, err)
			}
			continue
		}
		out = append(out, p.ID())
	}
	return out, errors.Join(errs...)
}

// PodExists reports whether a pod exists.
func (e *Engine) PodExists(ctx context.Context, idOrName string) (bool, error) {
	_, err := e.rt.LookupPod(ctx, idOrName)
	if errors.Is(err, define.ErrNoSuchPod) {
		return false, nil
	}
	return err == nil, err
}

// PodIDs returns the IDs of every pod.
func (e *Engine) PodIDs(ctx context.Context) ([]string, error) {
	ps, err := e.rt.Pods(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(ps))
	for _, p := range ps {
		ids = append(ids, p.ID())
	}
	return ids, nil
}
