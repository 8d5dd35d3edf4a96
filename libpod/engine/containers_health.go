package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"syscall"
	"time"

	"github.com/pm-project/pm/libpod/define"
)

// HealthcheckReport is the result of HealthcheckRun.
type HealthcheckReport struct {
	// Status is the container's health after the check: starting,
	// healthy or unhealthy.
	Status string
	// ExitCode and Output are the check's own.
	ExitCode int
	Output   string
	// Action is the --health-on-failure action taken, "" for none.
	Action string
}

// HealthcheckRun runs a container's healthcheck once now, records the
// result, emits a health_status event and, when the container turns
// unhealthy, applies its --health-on-failure action.
func (e *Engine) HealthcheckRun(ctx context.Context, idOrName string) (*HealthcheckReport, error) {
	return e.healthcheck(ctx, idOrName, true)
}

// healthcheck is one check; always says whether the event is recorded
// whatever the result (a check the user asked for) or only when the
// status changes (the scheduler's, which would otherwise fill the
// journal).
func (e *Engine) healthcheck(ctx context.Context, idOrName string, always bool) (*HealthcheckReport, error) {
	res, err := e.rt.RunHealthcheck(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	c := res.Container
	rep := &HealthcheckReport{Status: res.Status, ExitCode: res.Entry.ExitCode, Output: res.Entry.Output}
	if always || res.Status != res.Previous {
		e.emitCtr(c, "health_status", map[string]string{"health_status": res.Status})
	}
	if !res.TurnedUnhealthy() {
		return rep, nil
	}
	action := c.Config.HealthOnFailure
	switch action {
	case define.HealthActionKill:
		_, err = e.ContainerKill(ctx, c.ID(), syscall.SIGKILL)
	case define.HealthActionStop:
		_, err = e.ContainerStop(ctx, c.ID(), nil)
	case define.HealthActionRestart:
		_, err = e.ContainerRestart(ctx, c.ID(), nil)
	default:
		return rep, nil
	}
	rep.Action = action
	if err != nil {
		return rep, fmt.Errorf("applying --health-on-failure=%s to %s: %w", action, c.Name(), err)
	}
	return rep, nil
}

// healthWait is the time until the next check: StartInterval while the
// container is starting within its start period, else Interval.
func healthWait(hc *define.HealthConfig, started time.Time, status string) time.Duration {
	if hc.StartInterval > 0 && status == define.HealthStarting && time.Since(started) < hc.StartPeriod {
		return hc.StartInterval
	}
	return hc.Interval
}

// HealthcheckSchedule runs a container's healthcheck every interval for
// as long as the run it was started for lasts: the body of the detached
// scheduler process that a start leaves behind. It returns once the
// container stops, starts again (that run has its own scheduler), is
// removed, or had its --health-on-failure action applied.
func (e *Engine) HealthcheckSchedule(ctx context.Context, id string) error {
	hs, err := e.rt.AcquireHealthScheduler(ctx, id)
	if errors.Is(err, define.ErrInvalidState) || errors.Is(err, define.ErrNoSuchCtr) {
		return nil
	}
	if err != nil {
		return err
	}
	gone := false
	defer func() { hs.Release(gone) }()
	c := hs.Container
	started := c.State.StartedAt
	interval := c.Config.Healthcheck.Interval
	if interval <= 0 {
		return nil
	}
	hc, status := c.Config.Healthcheck, c.HealthStatus()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(healthWait(hc, started, status)):
		}
		// InspectContainer sees an exit whose cleanup has not run.
		c, err := e.rt.InspectContainer(ctx, id)
		if errors.Is(err, define.ErrNoSuchCtr) {
			gone = true
			return nil
		}
		if err != nil {
			slog.Warn("reading container for its healthcheck", "container", id, "err", err)
			continue
		}
		if !c.State.StartedAt.Equal(started) || !c.State.Status.Active() {
			return nil
		}
		if c.State.Status == define.StatusPaused {
			continue
		}
		rep, err := e.healthcheck(ctx, id, false)
		switch {
		case errors.Is(err, define.ErrNoSuchCtr):
			gone = true
			return nil
		case rep == nil && errors.Is(err, define.ErrInvalidState):
			// Paused, stopped or started again meanwhile: the next
			// round tells which.
			continue
		case err != nil:
			slog.Warn("healthcheck", "container", id, "err", err)
		}
		if rep != nil && rep.Action != "" {
			return nil
		}
		if rep != nil {
			status = rep.Status
		}
	}
}
