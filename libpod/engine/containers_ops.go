package engine

import (
	"context"
	"errors"
	"strconv"
	"syscall"
	"time"

	"github.com/pm-project/pm/libpod"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/events"
)

// ContainerStart starts a created or stopped container.
func (e *Engine) ContainerStart(ctx context.Context, idOrName string) (string, error) {
	notified := e.sdNotify(ctx, idOrName)
	c, err := e.rt.StartContainer(ctx, idOrName, e.startOptions(nil))
	if err != nil {
		notified(nil)
		return "", err
	}
	notified(c)
	e.emitCtr(c, "start", nil)
	return c.ID(), nil
}

// ContainerStop stops a container; timeout nil means its stop timeout.
func (e *Engine) ContainerStop(ctx context.Context, idOrName string, timeout *uint) (string, error) {
	return e.ContainerStopSignal(ctx, idOrName, timeout, 0)
}

// ContainerStopSignal is ContainerStop sending sig instead of the
// container's stop signal (0: that signal), Docker's stop ?signal=.
func (e *Engine) ContainerStopSignal(ctx context.Context, idOrName string, timeout *uint, sig syscall.Signal) (string, error) {
	c, err := e.rt.StopContainerWith(ctx, idOrName, timeout, sig)
	if err != nil {
		return "", err
	}
	e.emitCtr(c, "stop", nil)
	return c.ID(), nil
}

// ContainerKill sends sig to a running container.
func (e *Engine) ContainerKill(ctx context.Context, idOrName string, sig syscall.Signal) (string, error) {
	c, err := e.rt.KillContainer(ctx, idOrName, sig)
	if err != nil {
		return "", err
	}
	e.emitCtr(c, "kill", map[string]string{"signal": strconv.Itoa(int(sig))})
	return c.ID(), nil
}

// ContainerRestart stops (if running) and starts a container.
func (e *Engine) ContainerRestart(ctx context.Context, idOrName string, timeout *uint) (string, error) {
	return e.ContainerRestartSignal(ctx, idOrName, timeout, 0)
}

// ContainerRestartSignal is ContainerRestart stopping with sig (0: the
// container's stop signal).
func (e *Engine) ContainerRestartSignal(ctx context.Context, idOrName string, timeout *uint, sig syscall.Signal) (string, error) {
	c, err := e.rt.StopContainerWith(ctx, idOrName, timeout, sig)
	if err != nil {
		return "", err
	}
	return e.ContainerStart(ctx, c.ID())
}

// ContainerRemove removes a container; force stops a running one first,
// waiting timeout seconds (nil: none) before killing it.
func (e *Engine) ContainerRemove(ctx context.Context, idOrName string, force bool, timeout *uint) (string, error) {
	c, err := e.rt.RemoveContainer(ctx, idOrName, force, timeout)
	if err != nil {
		return "", err
	}
	e.emitCtr(c, "destroy", nil)
	return c.ID(), nil
}

// ContainerWait waits for a container to reach one of conds (default:
// any state but running or paused) and returns its exit code.
func (e *Engine) ContainerWait(ctx context.Context, idOrName string, conds []string, interval time.Duration) (int, error) {
	var cs []define.ContainerStatus
	for _, c := range conds {
		switch c {
		case "stopped":
			cs = append(cs, define.StatusStopped, define.StatusExited)
		case "configured", "created", "running", "exited", "paused", "removing", "stopping":
			cs = append(cs, define.ContainerStatus(c))
		default:
			return -1, define.Invalidf("invalid --condition %q: use configured, created, exited, paused, running or stopped", c)
		}
	}
	if len(cs) == 0 {
		// As in Podman, a container that is not running (one that never
		// ran included) is waited for at once: its recorded exit code.
		cs = []define.ContainerStatus{define.StatusExited, define.StatusStopped,
			define.StatusConfigured, define.StatusCreated}
	}
	return e.rt.WaitContainer(ctx, idOrName, cs, interval)
}

// ContainerCleanup records a container's exit and applies --rm and its
// restart policy: conmon's exit command.
func (e *Engine) ContainerCleanup(ctx context.Context, idOrName string) error {
	return e.rt.CleanupContainer(ctx, idOrName)
}

// CleanedByClaimant is the exit command's first step, taken before any
// engine exists: when a waiting pm claimed the container's cleanup (claim
// is its file), it waits for that pm and reports whether it cleaned up.
// False means the exit command cleans up itself.
func CleanedByClaimant(ctx context.Context, claim string) bool {
	return libpod.CleanedByClaimant(ctx, claim)
}

// ContainerExists reports whether a container exists.
func (e *Engine) ContainerExists(ctx context.Context, idOrName string) (bool, error) {
	_, err := e.rt.LookupContainer(ctx, idOrName)
	if errors.Is(err, define.ErrNoSuchCtr) {
		return false, nil
	}
	return err == nil, err
}

// ContainerPrune removes every container that is not running and passes
// filters (label=, label!=, until=); it reports the removed IDs and the
// size of their writable layers.
func (e *Engine) ContainerPrune(ctx context.Context, filters []string) (*PruneReport, error) {
	pf, err := parsePruneFilter("container", filters, "label", "label!", "until")
	if err != nil {
		return nil, err
	}
	cs, err := e.rt.ListContainers(ctx)
	if err != nil {
		return nil, err
	}
	rep := &PruneReport{}
	var errs []error
	for _, c := range cs {
		if c.State.Status.Active() || !pf.match(c.ID(), c.Config.Labels, c.Config.Created) {
			continue
		}
		size := e.rt.ContainerDiskSize(c)
		if _, err := e.rt.RemoveContainer(ctx, c.ID(), false, nil); err != nil {
			if !errors.Is(err, define.ErrNoSuchCtr) && !errors.Is(err, define.ErrInvalidState) {
				errs = append(errs, err)
			}
			continue
		}
		e.emitCtr(c, "destroy", nil)
		rep.Removed = append(rep.Removed, c.ID())
		rep.Reclaimed += uint64(max(size, 0))
	}
	e.emitPrune(events.Container, rep)
	return rep, errors.Join(errs...)
}

// ContainerIDs resolves names or IDs to full IDs (for --all and messages).
func (e *Engine) ContainerIDs(ctx context.Context, running bool) ([]string, error) {
	cs, err := e.rt.ListContainers(ctx)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, c := range cs {
		if running && !c.State.Status.Active() {
			continue
		}
		ids = append(ids, c.ID())
	}
	return ids, nil
}

// ContainersToStart selects what `start` starts: with all, every
// container that is not running or paused; else the named ones. Filters
// (ps's) narrow either selection. Names are returned as given, IDs for
// all.
func (e *Engine) ContainersToStart(ctx context.Context, names []string, all bool, filters []string) ([]string, error) {
	if all && len(names) > 0 {
		return nil, define.Invalidf("either start all containers or the container(s) provided in the arguments")
	}
	return e.selectContainers(ctx, names, all, filters, func(c *libpod.Container) bool {
		return c.State.Status != define.StatusRunning && c.State.Status != define.StatusPaused
	})
}

// ContainersToStop selects what `stop` stops: with all, every running or
// paused container; else the named ones. Filters (ps's) narrow either
// selection, and alone select among all running containers. Names are
// returned as given, IDs for all.
func (e *Engine) ContainersToStop(ctx context.Context, names []string, all bool, filters []string) ([]string, error) {
	if all && len(names) > 0 {
		return nil, define.Invalidf("--all and a container name cannot be used together")
	}
	return e.selectContainers(ctx, names, all, filters, func(c *libpod.Container) bool {
		return c.State.Status.Active()
	})
}

// selectContainers is the selection of start and stop: with all (or
// filters and no names), the containers for which candidate holds; else
// the named ones; filters narrow both.
func (e *Engine) selectContainers(ctx context.Context, names []string, all bool, filters []string, candidate func(*libpod.Container) bool) ([]string, error) {
	if !all && len(filters) == 0 {
		return names, nil
	}
	all = all || len(names) == 0 // filters alone select among all
	cs, err := e.rt.ListContainers(ctx)
	if err != nil {
		return nil, err
	}
	match, err := compileFilters(filters, cs)
	if err != nil {
		return nil, err
	}
	var out []string
	if all {
		for _, c := range cs {
			if candidate(c) && match(c) {
				out = append(out, c.ID())
			}
		}
		return out, nil
	}
	for _, n := range names {
		c, err := e.rt.InspectContainer(ctx, n)
		if err != nil {
			return nil, err
		}
		if match(c) {
			out = append(out, n)
		}
	}
	return out, nil
}
