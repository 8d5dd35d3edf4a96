package libpod

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/lock"
)

// healthDir holds each scheduler's pid file and lock, by container ID.
func (r *Runtime) healthDir() string { return filepath.Join(r.cfg.TmpDir, "healthcheck") }

func (r *Runtime) healthPidFile(id string) string {
	return filepath.Join(r.healthDir(), id+".pid")
}

// startHealthScheduler starts the scheduler of c, which has just started,
// after ending any scheduler left from an earlier run. A container
// without a healthcheck or a timer (interval 0) gets none. A scheduler
// that cannot start is logged: the container runs all the same. The
// caller holds c's lock.
func (r *Runtime) startHealthScheduler(c *Container, logLevel string) {
	if !c.HasHealthcheck() || c.Config.Healthcheck.Interval <= 0 {
		return
	}
	r.stopHealthScheduler(c.ID())
	args, err := r.pmCommand(logLevel)
	if err == nil {
		err = os.MkdirAll(r.healthDir(), 0o700)
	}
	if err != nil {
		slog.Warn("starting the healthcheck scheduler", "container", c.ID(), "err", err)
		return
	}
	cmd := &exec.Cmd{
		Path: args[0],
		Args: append(append([]string{define.HealthSchedulerName}, args[1:]...), "healthcheck", define.HealthSchedulerCommand, c.ID()),
		Env:  os.Environ(),
		Dir:  "/",
		// Its own session, stdio on /dev/null and no death signal: it
		// outlives the pm that started it and holds none of its pipes.
		SysProcAttr: &syscall.SysProcAttr{Setsid: true},
	}
	if err := cmd.Start(); err != nil {
		slog.Warn("starting the healthcheck scheduler", "container", c.ID(), "err", err)
		return
	}
	pid := cmd.Process.Pid
	// Reaps it in a long-lived pm (system service).
	go func() {
		defer define.Recover("reaping the healthcheck scheduler", nil)
		cmd.Wait()
	}()
	if err := os.WriteFile(r.healthPidFile(c.ID()), []byte(strconv.Itoa(pid)), 0o600); err != nil {
		syscall.Kill(pid, syscall.SIGKILL)
		slog.Warn("recording the healthcheck scheduler", "container", c.ID(), "err", err)
	}
}

// stopHealthScheduler kills the scheduler of container id, if one runs,
// and waits until it is gone. The scheduler keeps nothing the container
// needs, so SIGKILL at any moment is safe. A scheduler never kills
// itself: it stops when it sees the container stopped or started again.
func (r *Runtime) stopHealthScheduler(id string) {
	pf := r.healthPidFile(id)
	pid := readPid(pf)
	if pid <= 0 || pid == os.Getpid() {
		return
	}
	if isHealthScheduler(pid, id) {
		syscall.Kill(pid, syscall.SIGKILL)
		for i := 0; i < 200 && alive(pid); i++ {
			time.Sleep(5 * time.Millisecond)
		}
	}
	os.Remove(pf)
}

// forgetHealthScheduler stops the scheduler of a container being removed
// and deletes its files.
func (r *Runtime) forgetHealthScheduler(id string) {
	r.stopHealthScheduler(id)
	os.Remove(r.healthPidFile(id))
	os.Remove(filepath.Join(r.healthDir(), id+".lock"))
}

// stopHealthSchedulers ends every scheduler (for a reset of everything).
func (r *Runtime) stopHealthSchedulers() {
	ents, _ := os.ReadDir(r.healthDir())
	for _, e := range ents {
		if id, ok := strings.CutSuffix(e.Name(), ".pid"); ok {
			r.forgetHealthScheduler(id)
		}
	}
}

// isHealthScheduler reports whether pid is a live scheduler of container
// id.
func isHealthScheduler(pid int, id string) bool {
	if !alive(pid) {
		return false
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return false
	}
	args := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
	return len(args) > 1 && args[0] == define.HealthSchedulerName && args[len(args)-1] == id
}

// HealthScheduler is the scheduling right of one container: at most one
// process holds it.
type HealthScheduler struct {
	l *lock.Lock
	// Container is the container as it was when the right was taken.
	Container *Container
}

// Release gives the right up; gone says the container was removed, so
// that the lock file goes too.
func (h *HealthScheduler) Release(gone bool) {
	if gone {
		h.l.Remove()
		return
	}
	h.l.Unlock()
}

// AcquireHealthScheduler takes the scheduling right of a container,
// waiting while another scheduler (one of an earlier run, about to exit)
// holds it. It fails with ErrInvalidState once the container no longer
// runs, and with ErrNoSuchCtr once it is gone.
func (r *Runtime) AcquireHealthScheduler(ctx context.Context, id string) (*HealthScheduler, error) {
	m := lock.New(r.healthDir())
	for {
		c, err := r.LookupContainer(ctx, id)
		if err != nil {
			return nil, err
		}
		if !c.State.Status.Active() || !c.HasHealthcheck() {
			return nil, errNotRunning(c)
		}
		l, err := m.TryLock(c.ID())
		if err == nil {
			// Re-read: the container may have started again meanwhile.
			if c, err = r.LookupContainer(ctx, id); err != nil {
				l.Remove()
				return nil, err
			}
			return &HealthScheduler{l: l, Container: c}, nil
		}
		if !errors.Is(err, lock.ErrLocked) {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
