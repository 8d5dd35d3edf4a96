package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/pm-project/pm/libpod"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/specgen"
	"github.com/pm-project/pm/pkg/systemd"
)

// Resizer changes the size of an attached container's terminal.
type Resizer interface {
	Resize(height, width uint16) error
}

// AttachOptions say how a started container is attached to.
type AttachOptions struct {
	Stdin    io.Reader // nil: stdin is not forwarded
	Stdout   io.Writer
	Stderr   io.Writer
	SigProxy bool // forward the signals pm receives to the container
	// OnAttach is called once attached, with a handle for terminal resizes.
	OnAttach func(Resizer)
	// OnStart, for a start attached, is called with the start's result
	// once the container runs or could not start, before its output is
	// copied to the end.
	OnStart func(error)
	// DetachKeys, read from Stdin, detach pm and leave the container
	// running ("ctrl-p,ctrl-q"; "" disables detaching).
	DetachKeys string
	// KeepExitFile leaves an auto-removed container's exit code for other
	// waiters (the REST API's wait); by default the attached caller,
	// being the only one, deletes it.
	KeepExitFile bool
}

// RunReport is the result of ContainerRun.
type RunReport struct {
	ID       string
	ExitCode int // the container's, when run attached
}

// ContainerRun creates and starts a container; unless detach, it stays
// attached until the container exits and reports its exit code.
func (e *Engine) ContainerRun(ctx context.Context, s *specgen.Spec, detach bool, o AttachOptions) (*RunReport, error) {
	// The start below takes over the mount the creation made.
	cr, err := e.containerCreate(ctx, s, true)
	if errors.Is(err, errNoHostUser) {
		// Podman finds it when the container starts: 126.
		return nil, &define.ExitCodeError{Code: define.ExitCannotRun, Err: err}
	}
	if err != nil {
		return nil, err
	}
	for _, w := range cr.Warnings {
		fmt.Fprintln(os.Stderr, w)
	}
	rep := &RunReport{ID: cr.ID}
	if detach {
		notified := e.sdNotify(ctx, cr.ID)
		c, err := e.rt.StartContainer(ctx, cr.ID, e.startOptions(nil))
		if err != nil {
			notified(nil)
			e.removeAfterFailedStart(ctx, cr.ID, s.Remove)
			return rep, err
		}
		notified(c)
		e.emitCtr(c, "start", nil)
		return rep, nil
	}
	code, err := e.ContainerStartAttached(ctx, cr.ID, o)
	if err != nil {
		e.removeAfterFailedStart(ctx, cr.ID, s.Remove)
		return rep, err
	}
	rep.ExitCode = code
	if s.RemoveImage {
		e.removeRunImage(ctx, cr.ID, s.Image)
	}
	return rep, nil
}

func (e *Engine) removeAfterFailedStart(ctx context.Context, id string, autoRemove bool) {
	if !autoRemove {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	e.rt.RemoveContainer(ctx, id, true, nil)
	e.rt.ForgetExit(id)
}

// startOptions are the options of a start pm's user asked for: the
// sockets systemd passed pm by socket activation go to the container.
func (e *Engine) startOptions(before func(string) error) libpod.StartOptions {
	n, names := systemd.ListenFDs()
	return libpod.StartOptions{BeforeStart: before, LogLevel: logLevel(), ListenFDs: n, ListenFDNames: names}
}

// logLevel is the level pm logs at, passed on to conmon's exit command.
func logLevel() string {
	ctx := context.Background()
	switch {
	case slog.Default().Enabled(ctx, slog.LevelDebug):
		return "debug"
	case slog.Default().Enabled(ctx, slog.LevelInfo):
		return "info"
	}
	return ""
}

// ContainerStartAttached starts a container attached to o's streams and
// returns its exit code once it exits.
func (e *Engine) ContainerStartAttached(ctx context.Context, idOrName string, o AttachOptions) (int, error) {
	c, err := e.rt.LookupContainer(ctx, idOrName)
	if err != nil {
		return -1, err
	}
	id := c.ID()
	keys, err := libpod.ParseDetachKeys(o.DetachKeys)
	if err != nil {
		return -1, err
	}
	if !c.Config.Terminal {
		// As in Docker and Podman, detach keys need a terminal: without
		// one stdin is data, copied whole whatever bytes it holds.
		keys = nil
	}
	var att *libpod.Attached
	before := func(bundle string) error {
		streams := libpod.Streams{Stdin: o.Stdin, Stdout: o.Stdout, Stderr: o.Stderr}
		if o.Stdin != nil && len(keys) > 0 {
			a, err := libpod.AttachDetachable(bundle, id, streams, keys)
			if err != nil {
				return err
			}
			att = a
			return nil
		}
		a, err := libpod.Attach(bundle, id, streams)
		if err != nil {
			return err
		}
		att = a
		return nil
	}
	if o.OnAttach != nil {
		// Before the start, so that the process finds its terminal
		// sized already.
		attach := before
		before = func(bundle string) error {
			if err := attach(bundle); err != nil {
				return err
			}
			o.OnAttach(att)
			return nil
		}
	}
	// Claimed before the start: the exit command, which may run as soon
	// as the container does, then leaves the cleanup to this pm.
	claim := e.rt.ClaimCleanup(id)
	defer claim.Release()
	notified := e.sdNotify(ctx, id)
	c, err = e.rt.StartContainer(ctx, id, e.startOptions(before))
	if o.OnStart != nil {
		o.OnStart(err)
	}
	if err != nil {
		notified(nil)
		if att != nil {
			att.Close()
		}
		if errors.Is(err, define.ErrNoSuchCtr) {
			// Removed (rm -f) by another process while starting.
			return killedCode, nil
		}
		return -1, err
	}
	if att == nil {
		return -1, fmt.Errorf("container %s is already running: use attach", c.Name())
	}
	e.emitCtr(c, "start", nil)
	// Telling systemd may wait for the container's own READY=1
	// (--sdnotify=container) while its output flows; it ends at the
	// latest when conmon does.
	notifyDone := make(chan struct{})
	go func() {
		defer close(notifyDone)
		defer define.Recover("telling systemd the container is ready", nil)
		notified(c)
	}()
	defer func() { <-notifyDone }()
	if o.SigProxy {
		stop := e.proxySignals(ctx, c)
		defer stop()
	}
	if err := att.Wait(); err != nil {
		if errors.Is(err, libpod.ErrDetached) {
			// The container goes on; pm leaves it, as Podman does.
			return 0, nil
		}
		return -1, fmt.Errorf("copying output of %s: %w", c.Name(), err)
	}
	code, err := e.rt.WaitClaimed(context.WithoutCancel(ctx), id, nil, 20*time.Millisecond, claim)
	if c.Config.AutoRemove && !o.KeepExitFile {
		e.rt.ForgetExit(id)
	}
	if errors.Is(err, define.ErrNoSuchCtr) {
		// Removed (rm -f) by another process before its exit code could
		// be read: it was killed, as Podman reports it.
		return killedCode, nil
	}
	return code, err
}

// killedCode is the exit code of a container killed by SIGKILL.
const killedCode = 128 + int(syscall.SIGKILL)

// proxySignals forwards the signals pm receives to the container until
// the returned function is called.
func (e *Engine) proxySignals(ctx context.Context, c *libpod.Container) func() {
	ch := make(chan os.Signal, 16)
	signal.Notify(ch)
	done := make(chan struct{})
	go func() {
		defer define.Recover("forwarding signals", nil)
		for {
			select {
			case <-done:
				return
			case s := <-ch:
				sig, ok := s.(syscall.Signal)
				if !ok {
					continue
				}
				switch sig {
				case syscall.SIGCHLD, syscall.SIGWINCH, syscall.SIGURG, syscall.SIGPIPE:
					continue
				}
				e.rt.Signal(context.WithoutCancel(ctx), c, sig)
			}
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}
