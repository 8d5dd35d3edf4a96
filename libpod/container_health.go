package libpod

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/pm-project/pm/libpod/define"
)

// HealthResult is what RunHealthcheck did.
type HealthResult struct {
	// Container is the container as recorded after the check.
	Container *Container
	Entry     define.HealthLogEntry
	// Previous and Status are the health status before and after.
	Previous, Status string
}

// TurnedUnhealthy reports whether this check made the container unhealthy.
func (h *HealthResult) TurnedUnhealthy() bool {
	return h.Status == define.HealthUnhealthy && h.Previous != define.HealthUnhealthy
}

// HasHealthcheck reports whether c has a healthcheck.
func (c *Container) HasHealthcheck() bool {
	hc := c.Config.Healthcheck
	return hc != nil && len(hc.Test) > 0 && strings.ToUpper(hc.Test[0]) != "NONE"
}

// HealthStatus returns c's health status: starting, healthy, unhealthy,
// or "" for a container without a healthcheck.
func (c *Container) HealthStatus() string {
	if !c.HasHealthcheck() {
		return ""
	}
	if c.State.Health == nil || c.State.Health.Status == "" {
		return define.HealthStarting
	}
	return c.State.Health.Status
}

// healthOf is the State.Health of inspect.
func healthOf(c *Container) *define.HealthState {
	if !c.HasHealthcheck() {
		return nil
	}
	h := &define.HealthState{Status: c.HealthStatus(), Log: []define.HealthLogEntry{}}
	if c.State.Health != nil {
		h.FailingStreak = c.State.Health.FailingStreak
		h.Log = append(h.Log, c.State.Health.Log...)
	}
	return h
}

// resetHealth starts c's health over at a start: starting, no failures.
// The log of earlier runs is kept, as Docker keeps it.
func resetHealth(c *Container) {
	if !c.HasHealthcheck() {
		return
	}
	h := &define.HealthState{Status: define.HealthStarting}
	if c.State.Health != nil {
		h.Log = c.State.Health.Log
	}
	c.State.Health = h
}

// healthCommand is the command line of a healthcheck's test.
func healthCommand(test []string) ([]string, error) {
	if len(test) == 0 {
		return nil, define.Invalidf("empty healthcheck test")
	}
	switch strings.ToUpper(test[0]) {
	case "CMD-SHELL":
		if len(test) < 2 || strings.TrimSpace(test[1]) == "" {
			return nil, define.Invalidf("healthcheck test CMD-SHELL needs a command")
		}
		return []string{"/bin/sh", "-c", strings.Join(test[1:], " ")}, nil
	case "CMD":
		if len(test) < 2 {
			return nil, define.Invalidf("healthcheck test CMD needs a command")
		}
		return test[1:], nil
	}
	// Podman stores a bare command line as a shell command.
	return []string{"/bin/sh", "-c", strings.Join(test, " ")}, nil
}

// ApplyHealthResult records one check's result in h under Docker's and
// Podman's rules: a success makes the container healthy and clears the
// failing streak; a failure in the start period, before any success,
// does not count; retries failures in a row make it unhealthy. The log
// keeps the last define.HealthLogEntries results.
func ApplyHealthResult(h *define.HealthState, hc *define.HealthConfig, startedAt time.Time, e define.HealthLogEntry) {
	if h.Status == "" {
		h.Status = define.HealthStarting
	}
	if len(e.Output) > define.HealthOutputMax {
		e.Output = e.Output[:define.HealthOutputMax]
	}
	h.Log = append(h.Log, e)
	if n := len(h.Log); n > define.HealthLogEntries {
		h.Log = append([]define.HealthLogEntry{}, h.Log[n-define.HealthLogEntries:]...)
	}
	if e.ExitCode == 0 {
		h.FailingStreak = 0
		h.Status = define.HealthHealthy
		return
	}
	if h.Status == define.HealthStarting && e.Start.Sub(startedAt) < hc.StartPeriod {
		return
	}
	h.FailingStreak++
	retries := hc.Retries
	if retries <= 0 {
		retries = define.DefaultHealthRetries
	}
	if h.FailingStreak >= retries {
		h.Status = define.HealthUnhealthy
	}
}

// cappedBuffer keeps the first max bytes written to it and drops the rest.
type cappedBuffer struct {
	mu  sync.Mutex
	b   []byte
	max int
}

func (w *cappedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if room := w.max - len(w.b); room > 0 {
		w.b = append(w.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (w *cappedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.b)
}

// errNotRunning is the error of a check on a container that does not run.
func errNotRunning(c *Container) error {
	return define.Errorf(define.ErrInvalidState, "container %s is not running: container state improper", c.Name())
}

// RunHealthcheck runs a running container's healthcheck once, as an exec
// session bounded by the check's timeout, and records the result in the
// container's state. A check that cannot run (the command is missing) is
// a failed check; a container without a healthcheck, or that is not
// running, is an error.
func (r *Runtime) RunHealthcheck(ctx context.Context, idOrName string) (*HealthResult, error) {
	c, err := r.LookupContainer(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	if !c.HasHealthcheck() {
		return nil, define.Errorf(define.ErrInvalidArg, "container %s has no defined healthcheck", c.Name())
	}
	r.observe(c)
	if c.State.Status == define.StatusPaused {
		return nil, define.Errorf(define.ErrInvalidState, "container %s is paused: container state improper", c.Name())
	}
	if c.State.Status != define.StatusRunning {
		return nil, errNotRunning(c)
	}
	hc := c.Config.Healthcheck
	cmd, err := healthCommand(hc.Test)
	if err != nil {
		return nil, err
	}
	timeout := hc.Timeout
	if timeout <= 0 {
		timeout = define.DefaultHealthTimeout
	}
	startedAt := c.State.StartedAt
	out := &cappedBuffer{max: define.HealthOutputMax}
	e := define.HealthLogEntry{Start: time.Now()}
	res, err := r.ExecContainer(ctx, c.ID(), ExecConfig{Command: cmd, Timeout: timeout},
		&ExecAttach{Streams: Streams{Stdout: out, Stderr: out}})
	e.End = time.Now()
	var ec *define.ExitCodeError
	switch {
	case err == nil && res.TimedOut:
		e.ExitCode = -1
		e.Output = fmt.Sprintf("healthcheck command exceeded its timeout of %s", timeout)
	case err == nil:
		e.ExitCode = res.ExitCode
		// The log keeps the output without its final newline, as Podman's.
		e.Output = strings.TrimSuffix(out.String(), "\n")
	case errors.As(err, &ec):
		// The command could not be found or run: a failed check.
		e.ExitCode = ec.Code
		e.Output = err.Error()
	case errors.Is(err, define.ErrInvalidState):
		return nil, errNotRunning(c)
	default:
		return nil, fmt.Errorf("running the healthcheck of %s: %w", c.Name(), err)
	}
	return r.recordHealth(ctx, c.ID(), startedAt, e)
}

// recordHealth applies a check's result to the container's state, unless
// the container stopped or started again while the check ran.
func (r *Runtime) recordHealth(ctx context.Context, id string, startedAt time.Time, e define.HealthLogEntry) (*HealthResult, error) {
	c, l, err := r.lockContainer(context.WithoutCancel(ctx), id)
	if err != nil {
		return nil, err
	}
	defer l.Unlock()
	if err := r.syncLocked(ctx, c); err != nil {
		return nil, err
	}
	if !c.State.Status.Active() || !c.State.StartedAt.Equal(startedAt) || !c.HasHealthcheck() {
		return nil, errNotRunning(c)
	}
	if c.State.Health == nil {
		c.State.Health = &define.HealthState{Status: define.HealthStarting}
	}
	res := &HealthResult{Entry: e, Previous: c.State.Health.Status}
	ApplyHealthResult(c.State.Health, c.Config.Healthcheck, startedAt, e)
	res.Status = c.State.Health.Status
	if err := r.saveState(context.WithoutCancel(ctx), c); err != nil {
		return nil, err
	}
	res.Container = c
	return res, nil
}
