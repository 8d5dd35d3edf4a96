package libpod

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/oci"
	"go.podman.io/storage"
)

// StartOptions tune Start.
type StartOptions struct {
	// BeforeStart runs once conmon has created the container and before
	// it starts, with the bundle directory: the moment to attach.
	BeforeStart func(bundle string) error
	// LogLevel is passed on to conmon and the exit command.
	LogLevel string
	// ListenFDs are the sockets systemd passed to pm by socket activation
	// (LISTEN_FDS: fds 3 to 3+N-1), handed on to the container as its
	// fds 3.. with LISTEN_PID=1, LISTEN_FDS and LISTEN_FDNAMES
	// (ListenFDNames, "" for none) in its environment. 0: none.
	ListenFDs     uint
	ListenFDNames string
}

// StartContainer starts a created or exited container. Starting a running
// container does nothing.
func (r *Runtime) StartContainer(ctx context.Context, idOrName string, opts StartOptions) (*Container, error) {
	c, err := r.LookupContainer(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	if err := r.startPodInfra(ctx, c, opts); err != nil {
		return nil, err
	}
	c, l, err := r.lockByID(ctx, c.ID())
	if err != nil {
		return nil, err
	}
	if err := r.syncLocked(ctx, c); err != nil {
		l.Unlock()
		return nil, err
	}
	if c.State.Status.Active() {
		l.Unlock()
		return c, nil
	}
	err = r.startLocked(ctx, c, opts)
	if err == nil || !c.Config.AutoRemove {
		l.Unlock()
		return c, err
	}
	// A --rm container that could not start is removed, as in Podman
	// and Docker: nothing will ever run it, and whoever waits for its
	// removal (docker run --rm) would wait forever.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	if rmErr := r.removeLocked(cctx, c, l); rmErr != nil {
		slog.Warn("removing a --rm container that could not start", "container", c.ID(), "err", rmErr)
		return c, err
	}
	// Its exit code (127, 126) stays a while, as for any removed
	// container, for whoever waits for its removal: docker run --rm.
	r.ContainerEvent(c, "destroy", nil)
	return c, err
}

// startLocked starts c; the caller holds c's lock and has synced its state.
// A container that InitContainer left created in the runtime is only
// started; any other is created in the runtime first.
func (r *Runtime) startLocked(ctx context.Context, c *Container, opts StartOptions) (retErr error) {
	switch c.State.Status {
	case define.StatusCreated, define.StatusExited, define.StatusStopped:
	default:
		return define.Errorf(define.ErrInvalidState, "container %s is %s: cannot start it", c.Name(), c.State.Status)
	}
	ort, err := r.runtimeOf(c)
	if err != nil {
		return err
	}
	if !r.initialized(c) {
		if err := r.initLocked(ctx, c, ort, opts); err != nil {
			return err
		}
	}
	defer func() {
		if retErr != nil {
			r.failStart(ctx, c, ort, retErr)
		}
	}()
	if opts.BeforeStart != nil {
		if err := opts.BeforeStart(r.bundleDir(c.ID())); err != nil {
			return err
		}
	}
	if err := ort.Start(ctx, c.ID()); err != nil {
		return classifyStartErr(err, c)
	}
	c.State.Status = define.StatusRunning
	c.State.StartedAt = time.Now()
	c.State.FinishedAt = time.Time{}
	c.State.ExitCode = 0
	c.State.Error = ""
	c.State.StoppedByUser = false
	c.State.ExitHandled = false
	resetHealth(c)
	if err := r.saveState(context.WithoutCancel(ctx), c); err != nil {
		return err
	}
	r.startHealthScheduler(c, opts.LogLevel)
	return nil
}

// initialized reports whether c was created in the runtime by
// InitContainer and waits to be started: its conmon still runs. A
// created container whose conmon died is cleaned up here.
func (r *Runtime) initialized(c *Container) bool {
	if c.State.Status != define.StatusCreated || c.State.ConmonPid == 0 {
		return false
	}
	if alive(c.State.ConmonPid) && isConmon(c.State.ConmonPid) {
		return true
	}
	ort, _ := r.runtimeOf(c)
	if err := r.killLeftovers(context.Background(), c, ort); err != nil {
		slog.Warn("cleaning up after a dead conmon", "container", c.ID(), "err", err)
	}
	r.releaseUserNSRootfs(c)
	c.State.Pid, c.State.ConmonPid = 0, 0
	if err := r.unmountRun(c); err != nil {
		slog.Warn("cleaning up after a dead conmon", "container", c.ID(), "err", err)
	}
	return false
}

// initLocked mounts c's rootfs, writes its bundle and has conmon create it
// in the runtime, without starting it; a failure undoes all of it. The
// caller holds c's lock.
func (r *Runtime) initLocked(ctx context.Context, c *Container, ort *oci.Runtime, opts StartOptions) (retErr error) {
	store, err := r.Store()
	if err != nil {
		return err
	}
	if err := ort.RemoveExitFile(c.ID()); err != nil {
		return fmt.Errorf("removing old exit file of %s: %w", c.Name(), err)
	}
	mountpoint, err := r.runMount(store, c)
	if err != nil {
		return fmt.Errorf("mounting rootfs of %s: %w", c.Name(), err)
	}
	c.State.Mountpoint = mountpoint // for failStart to take back
	defer func() {
		if retErr != nil {
			r.failStart(ctx, c, ort, retErr)
		}
	}()
	if err := checkWorkDir(c, mountpoint); err != nil {
		return &define.ExitCodeError{Code: define.ExitCannotRun, Err: err}
	}
	netw, err := r.startNetwork(ctx, c)
	if err != nil {
		return err
	}
	// Once conmon holds the helper's exit pipe (or failed to start), pm's
	// copy goes: a pm killed before then takes the helper with it.
	defer netw.release()
	// A helper still starting is waited for before failStart, which
	// tears its network down, runs.
	defer func() {
		if err := netw.wait(); err != nil && retErr == nil {
			retErr = err
		}
	}()
	if err := r.joinNamespaces(ctx, c); err != nil {
		return err
	}
	if err := r.setupShm(c); err != nil {
		return err
	}
	if err := r.chownMounts(c); err != nil {
		return err
	}
	rootUID, rootGID := idMapsRoot(c.Config.IDMaps)
	if err := ensureMtab(mountpoint, rootUID, rootGID); err != nil {
		return err
	}
	rootfs, err := r.userNSRootfs(ctx, c, mountpoint)
	if err != nil {
		return err
	}
	preserveFDs := c.Config.PreserveFDs
	var env []string
	if opts.ListenFDs > 0 {
		if preserveFDs > 0 {
			slog.Warn("ignoring the sockets of LISTEN_FDS: the container passes --preserve-fds of its own", "container", c.ID())
		} else {
			preserveFDs = opts.ListenFDs
			env = []string{"LISTEN_PID=1", "LISTEN_FDS=" + strconv.FormatUint(uint64(opts.ListenFDs), 10)}
			if opts.ListenFDNames != "" {
				env = append(env, "LISTEN_FDNAMES="+opts.ListenFDNames)
			}
		}
	}
	// The seccomp filter crun compiled for the same profile before.
	seccompKey := ""
	bundle, err := r.writeBundle(c, rootfs, env, func(sp *specs.Spec) { seccompKey = ort.UseCachedSeccomp(sp) })
	if err != nil {
		return err
	}
	for _, f := range []string{oci.PidFile, oci.ConmonPidFile, oci.AttachSocket, oci.CtlFifo, oci.WinszFifo} {
		os.Remove(filepath.Join(bundle, f))
	}
	exitCmd, err := r.exitCommand(c.ID(), opts.LogLevel)
	if err != nil {
		return err
	}
	logPath := c.Config.LogPath
	if logPath == "" {
		logPath = filepath.Join(bundle, "ctr.log")
	}
	pid, conmonPid, err := ort.Create(ctx, oci.CreateOptions{
		ID: c.ID(), Name: c.Name(), Bundle: bundle,
		LogDriver: c.Config.LogDriver, LogPath: logPath, LogSizeMax: c.Config.LogSizeMax, LogTag: c.Config.LogTag,
		Terminal: c.Config.Terminal, Stdin: c.Config.Stdin, LeaveStdinOpen: c.Config.LeaveStdinOpen,
		ExitCommand: exitCmd, LogLevel: conmonLogLevel(opts.LogLevel),
		Env: oci.WithoutSystemdEnv(os.Environ()), PreserveFDs: preserveFDs, Timeout: c.Config.Timeout,
		Hold: netw.holders(),
	})
	netw.release()
	if err != nil {
		return classifyStartErr(err, c)
	}
	c.State.Pid, c.State.ConmonPid = pid, conmonPid
	ort.KeepSeccomp(c.ID(), seccompKey)
	// The network helper started while the runtime created the
	// container; the container must not start before it is up.
	if err := netw.wait(); err != nil {
		return err
	}
	if p := c.Config.ConmonPidFile; p != "" {
		if err := os.WriteFile(p, []byte(strconv.Itoa(conmonPid)), 0o644); err != nil {
			return fmt.Errorf("writing --conmon-pidfile: %w", err)
		}
	}
	return nil
}

// runMount mounts c's root filesystem for its run, or takes over the
// mount its creation kept for it (State.Mountpoint of a created
// container, see CreateContainer) while storage still has it mounted.
func (r *Runtime) runMount(store storage.Store, c *Container) (string, error) {
	if mp := c.State.Mountpoint; mp != "" && c.State.Status == define.StatusCreated {
		if n, err := store.Mounted(c.ID()); err == nil && n > 0 {
			return mp, nil
		}
	}
	return store.Mount(c.ID(), "")
}

// failStart undoes a failed init or start: it kills what conmon made,
// unmounts and records the error.
func (r *Runtime) failStart(ctx context.Context, c *Container, ort *oci.Runtime, cause error) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	// What cannot be undone now stays recorded (Network, Mountpoint) for
	// a later cleanup or rm to retry.
	if err := r.killLeftovers(cctx, c, ort); err != nil {
		slog.Warn("undoing a failed start", "container", c.ID(), "err", err)
	}
	r.releaseUserNSRootfs(c)
	if err := r.teardownShm(c); err != nil {
		slog.Warn("undoing a failed start", "container", c.ID(), "err", err)
	}
	c.State.Pid, c.State.ConmonPid = 0, 0
	if err := r.unmountRun(c); err != nil {
		slog.Warn("undoing a failed start", "container", c.ID(), "err", err)
	}
	c.State.Error = cause.Error()
	// A command that cannot run has Docker's and Podman's exit code.
	var ec *define.ExitCodeError
	if errors.As(cause, &ec) {
		c.State.ExitCode = ec.Code
	}
	if c.State.Status != define.StatusCreated {
		c.State.Status = define.StatusExited
	}
	if err := r.saveState(cctx, c); err != nil {
		slog.Warn("recording a failed start", "container", c.ID(), "err", err)
	}
}

// classifyStartErr gives the exit codes of Podman to a runtime's refusal
// to run the command: 127 when it is not found, 126 when it cannot run or
// the runtime refused the container.
func classifyStartErr(err error, c *Container) error {
	if ce, ok := oci.ClassifyCommandErr(err, firstWord(append(append([]string{}, c.Config.Entrypoint...), c.Config.Command...))); ok {
		return ce
	}
	if errors.Is(err, define.ErrOCIRuntime) {
		return &define.ExitCodeError{Code: define.ExitCannotRun, Err: err}
	}
	return err
}

// firstWord is args[0], or "" when there is none.
func firstWord(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}

func conmonLogLevel(l string) string {
	switch strings.ToLower(l) {
	case "debug", "trace":
		return "debug"
	case "info":
		return "info"
	}
	return "error"
}

// exitCommand is the command conmon runs when the container exits: this
// pm binary with the global options that locate the same state, and the
// container's cleanup claim (see CleanupClaim). pkg/rootless's
// constructor knows its last five arguments.
func (r *Runtime) exitCommand(id, logLevel string) ([]string, error) {
	args, err := r.pmCommand(logLevel)
	if err != nil {
		return nil, err
	}
	return append(args, "container", "cleanup", "--exit-claim", r.ClaimPath(id), id), nil
}

// pmCommand is this pm binary with the global options that locate the
// same state, for the processes pm leaves behind (exit command, health
// scheduler).
func (r *Runtime) pmCommand(logLevel string) ([]string, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding the pm binary: %w", err)
	}
	args := []string{exe,
		"--root", r.cfg.Storage.GraphRoot,
		"--runroot", r.cfg.Storage.RunRoot,
	}
	if store, err := r.Store(); err == nil && store.GraphDriverName() != "" {
		args = append(args, "--storage-driver", store.GraphDriverName())
		for _, o := range store.GraphOptions() {
			args = append(args, "--storage-opt", o)
		}
	}
	if logLevel != "" {
		args = append(args, "--log-level", logLevel)
	}
	return args, nil
}

// killLeftovers kills a container's conmon and runtime state, found by the
// pid files, whatever the state says, and tears down its network. Used by
// failed starts and rm -f. Its error is the network's teardown's.
func (r *Runtime) killLeftovers(ctx context.Context, c *Container, ort *oci.Runtime) (retErr error) {
	bundle := r.bundleDir(c.ID())
	defer func() {
		if err := r.teardownNetwork(ctx, c); err != nil {
			retErr = err
		}
	}()
	if ort != nil {
		if err := ort.Delete(ctx, c.ID(), true); err != nil {
			slog.Debug("deleting runtime state", "container", c.ID(), "err", err)
		}
	}
	conmonPid := readPid(filepath.Join(bundle, oci.ConmonPidFile))
	for _, pid := range []int{conmonPid, c.State.ConmonPid} {
		if pid > 0 && isConmon(pid) {
			killProcess(pid)
		}
	}
	// A conmon started by a pm that never learnt the container's pid may
	// still have been running the runtime's create: that process outlives
	// its conmon, and writes the runtime state that delete looked for
	// after delete ran (crun's container process, before it runs the
	// command, carries the same command line and waits forever for a
	// start). Both are stopped, and the state deleted again.
	if (conmonPid > 0 || c.State.ConmonPid > 0) && c.State.Pid == 0 {
		if n := killRuntimeCreate(bundle, c.ID()); n > 0 && ort != nil {
			if err := ort.Delete(ctx, c.ID(), true); err != nil {
				slog.Warn("deleting the runtime state of an interrupted create", "container", c.ID(), "err", err)
			}
		}
	}
	if pid := readPid(filepath.Join(bundle, oci.PidFile)); pid > 0 && ort == nil {
		killProcess(pid)
	}
	return nil
}
