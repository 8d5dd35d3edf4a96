package libpod

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/oci"
	"github.com/pm-project/pm/libpod/state"
	"golang.org/x/sys/unix"
)

// ExecConfig says what to run in a running container and how.
type ExecConfig struct {
	Command []string
	Env     []string    // KEY=VALUE, over the container's environment
	User    *specs.User // nil: the container's user
	WorkDir string      // "": the container's
	Tty     bool
	Stdin   bool
	// Detach starts the process and returns at once.
	Detach     bool
	Privileged bool
	DetachKeys []byte
	LogLevel   string
	// Timeout, for an attached session, kills the process (and what it
	// started) once it has run that long; 0 means no limit.
	Timeout time.Duration
}

// ExecAttach are the local ends of an attached exec session.
type ExecAttach struct {
	Streams Streams
	// OnAttach is called once attached, e.g. to forward terminal resizes.
	OnAttach func(*Attached)
}

// ExecResult is the outcome of ExecContainer.
type ExecResult struct {
	SessionID string
	ExitCode  int  // for attached sessions
	TimedOut  bool // the session ran past ExecConfig.Timeout and was killed
}

// allCaps is every capability a privileged exec session gets.
var allCaps = []string{
	"CAP_AUDIT_CONTROL", "CAP_AUDIT_READ", "CAP_AUDIT_WRITE", "CAP_BLOCK_SUSPEND", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE", "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_KILL", "CAP_LEASE", "CAP_LINUX_IMMUTABLE",
	"CAP_MAC_ADMIN", "CAP_MAC_OVERRIDE", "CAP_MKNOD", "CAP_NET_ADMIN", "CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST", "CAP_NET_RAW", "CAP_PERFMON", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP",
	"CAP_SETUID", "CAP_SYSLOG", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_CHROOT", "CAP_SYS_MODULE",
	"CAP_SYS_NICE", "CAP_SYS_PACCT", "CAP_SYS_PTRACE", "CAP_SYS_RAWIO", "CAP_SYS_RESOURCE",
	"CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_WAKE_ALARM",
}

// execDir is an exec session's directory inside the container's bundle.
func (r *Runtime) execDir(ctrID, sessionID string) string {
	return filepath.Join(r.bundleDir(ctrID), "exec-"+sessionID[:12])
}

// execExitDir is where conmon writes a session's exit file, named by the
// container's ID, so each session needs its own.
func (r *Runtime) execExitDir(ctrID, sessionID string) string {
	return filepath.Join(r.execDir(ctrID, sessionID), "exits")
}

// ExecContainer runs cfg.Command in a running container through conmon.
// Attached (att non-nil, not Detach), it copies the session's stdio and
// returns the command's exit code once it exits; detached, it returns the
// session ID once the command runs. The session is recorded in the state
// while it runs.
func (r *Runtime) ExecContainer(ctx context.Context, idOrName string, cfg ExecConfig, att *ExecAttach) (*ExecResult, error) {
	if len(cfg.Command) == 0 {
		return nil, define.Invalidf("exec requires a command to run")
	}
	c, l, err := r.lockContainer(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	locked := true
	unlock := func() {
		if locked {
			locked = false
			l.Unlock()
		}
	}
	defer unlock()
	if err := r.syncLocked(ctx, c); err != nil {
		return nil, err
	}
	if c.State.Status != define.StatusRunning {
		return nil, define.Errorf(define.ErrInvalidState, "can only create exec sessions on running containers: container state improper")
	}
	r.pruneExecSessions(ctx, c.ID())
	ort, err := r.runtimeOf(c)
	if err != nil {
		return nil, err
	}
	sid := NewID()
	dir := r.execDir(c.ID(), sid)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating exec session directory: %w", err)
	}
	exitDir := r.execExitDir(c.ID(), sid)
	done := false
	defer func() {
		if !done {
			r.forgetExecSession(context.WithoutCancel(ctx), c.ID(), sid)
		}
	}()
	proc, err := execProcess(c, cfg)
	if err != nil {
		return nil, err
	}
	pb, err := json.Marshal(proc)
	if err != nil {
		return nil, fmt.Errorf("encoding exec process: %w", err)
	}
	procFile := filepath.Join(dir, "process.json")
	if err := os.WriteFile(procFile, pb, 0o600); err != nil {
		return nil, fmt.Errorf("writing exec process: %w", err)
	}
	sess := define.ExecSession{ID: sid, ContainerID: c.ID(), Command: cfg.Command, Tty: cfg.Tty,
		Stdin: cfg.Stdin, Detached: cfg.Detach, Started: time.Now()}
	if err := r.saveExecSession(ctx, &sess, true); err != nil {
		return nil, err
	}
	var a *Attached
	attach := !cfg.Detach && att != nil
	o := oci.ExecOptions{
		ContainerID: c.ID(), SessionID: sid, Dir: dir, ProcessSpec: procFile, Command: firstWord(cfg.Command),
		Terminal: cfg.Tty, Stdin: cfg.Stdin && attach, Attach: attach,
		ExitDir: exitDir, LogLevel: conmonLogLevel(cfg.LogLevel), Env: os.Environ(),
	}
	if attach {
		o.Attached = func() error {
			s := att.Streams
			if !cfg.Stdin {
				s.Stdin = nil
			}
			a, err = AttachDetachable(dir, sid, s, cfg.DetachKeys)
			return err
		}
	}
	pid, conmonPid, err := ort.Exec(ctx, o)
	if err != nil {
		if a != nil {
			a.Close()
		}
		return nil, err
	}
	sess.Pid, sess.ConmonPid = pid, conmonPid
	if err := r.saveExecSession(ctx, &sess, false); err != nil {
		slog.Warn("recording exec session", "session", sid, "err", err)
	}
	unlock()
	res := &ExecResult{SessionID: sid}
	if !attach {
		done = true
		return res, nil
	}
	if att.OnAttach != nil {
		att.OnAttach(a)
	}
	// A timeout kills the process tree and stops the wait for output; the
	// timer runs until the exit code is read, so a process that ends its
	// output and lingers is caught too.
	var fired atomic.Bool
	var timer *time.Timer
	if cfg.Timeout > 0 {
		timer = time.AfterFunc(cfg.Timeout, func() {
			defer define.Recover("ending an exec at its timeout", nil)
			fired.Store(true)
			killTree(pid)
			// An orphan of the killed process may hold its output open.
			a.Close()
		})
		defer timer.Stop()
	}
	if err := a.Wait(); err != nil && !fired.Load() {
		if errors.Is(err, ErrDetached) {
			done = true
			return res, err
		}
		return nil, fmt.Errorf("copying output of exec session %s: %w", sid[:12], err)
	}
	wctx := ctx
	if fired.Load() {
		var cancel context.CancelFunc
		wctx, cancel = context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
	}
	code, err := waitExecExit(wctx, exitDir, c.ID(), sid, conmonPid)
	if timer != nil && !timer.Stop() {
		// Fired: the exit code, if any, is the kill's.
		if err != nil && isConmon(conmonPid) {
			killProcess(conmonPid)
		}
		res.ExitCode, res.TimedOut = -1, true
		return res, nil
	}
	if err != nil {
		return nil, err
	}
	res.ExitCode = code
	return res, nil
}

// killTree sends SIGKILL to pid and its descendants, children first
// found, so that a shell's children do not outlive it.
func killTree(pid int) {
	if pid <= 0 {
		return
	}
	children := map[int][]int{}
	if ents, err := os.ReadDir("/proc"); err == nil {
		for _, e := range ents {
			p, err := strconv.Atoi(e.Name())
			if err != nil {
				continue
			}
			b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
			if err != nil {
				continue
			}
			s := string(b)
			i := strings.LastIndexByte(s, ')')
			if i < 0 {
				continue
			}
			f := strings.Fields(s[i+1:])
			if len(f) < 2 {
				continue
			}
			if ppid, err := strconv.Atoi(f[1]); err == nil {
				children[ppid] = append(children[ppid], p)
			}
		}
	}
	tree := []int{pid}
	for i := 0; i < len(tree); i++ {
		tree = append(tree, children[tree[i]]...)
	}
	for _, p := range tree {
		unix.Kill(p, unix.SIGKILL)
	}
}

// execProcess is the container's OCI process with cfg's command, env,
// user, working directory, terminal and capabilities.
func execProcess(c *Container, cfg ExecConfig) (*specs.Process, error) {
	var sp specs.Spec
	if err := json.Unmarshal(c.Config.Spec, &sp); err != nil {
		return nil, fmt.Errorf("decoding OCI spec of %s: %w", c.ID(), err)
	}
	p := sp.Process
	if p == nil {
		p = &specs.Process{Cwd: "/"}
	}
	p.Args = cfg.Command
	p.Terminal = cfg.Tty
	p.ConsoleSize = nil
	p.Env = mergeEnv(p.Env, cfg.Env)
	if cfg.Tty && !hasEnv(cfg.Env, "TERM") {
		p.Env = mergeEnv(p.Env, []string{"TERM=xterm"})
	}
	if cfg.User != nil {
		p.User = *cfg.User
	}
	if cfg.WorkDir != "" {
		p.Cwd = cfg.WorkDir
	}
	if cfg.Privileged {
		p.Capabilities = &specs.LinuxCapabilities{
			Bounding: allCaps, Effective: allCaps, Permitted: allCaps,
		}
	}
	if p.Capabilities != nil && p.User.UID != 0 {
		// A non-root user keeps no effective capabilities, as in Podman.
		p.Capabilities.Effective, p.Capabilities.Permitted = nil, nil
		p.Capabilities.Inheritable, p.Capabilities.Ambient = nil, nil
	}
	return p, nil
}

func hasEnv(env []string, key string) bool {
	for _, e := range env {
		if k, _, _ := strings.Cut(e, "="); k == key {
			return true
		}
	}
	return false
}

// mergeEnv returns base with over's variables replacing those of the same
// name.
func mergeEnv(base, over []string) []string {
	out := make([]string, 0, len(base)+len(over))
	idx := map[string]int{}
	for _, e := range append(append([]string{}, base...), over...) {
		k, _, _ := strings.Cut(e, "=")
		if i, ok := idx[k]; ok {
			out[i] = e
			continue
		}
		idx[k] = len(out)
		out = append(out, e)
	}
	return out
}

// waitExecExit waits for conmon's exit file of an exec session.
func waitExecExit(ctx context.Context, exitDir, ctrID, sid string, conmonPid int) (int, error) {
	p := filepath.Join(exitDir, ctrID)
	gone := time.Time{}
	for {
		if b, err := os.ReadFile(p); err == nil {
			var code int
			if _, err := fmt.Sscan(strings.TrimSpace(string(b)), &code); err == nil {
				return code, nil
			}
		}
		if !alive(conmonPid) {
			if gone.IsZero() {
				gone = time.Now()
			} else if time.Since(gone) > 2*time.Second {
				return -1, fmt.Errorf("exec session %s: conmon exited without an exit code", sid[:12])
			}
		}
		select {
		case <-ctx.Done():
			return -1, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func (r *Runtime) saveExecSession(ctx context.Context, s *define.ExecSession, add bool) error {
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encoding exec session: %w", err)
	}
	db, err := r.DB()
	if err != nil {
		return err
	}
	return db.Update(ctx, func(tx *state.Tx) error {
		if add {
			return tx.AddExecSession(&state.ExecSessionRecord{ID: s.ID, ContainerID: s.ContainerID, Config: b, State: []byte("{}")})
		}
		return tx.UpdateExecSession(s.ID, b, nil)
	})
}

// forgetExecSession removes an exec session's record, directory and exit
// file.
func (r *Runtime) forgetExecSession(ctx context.Context, ctrID, sid string) {
	if db, err := r.DB(); err == nil {
		err := db.Update(ctx, func(tx *state.Tx) error { return tx.RemoveExecSession(sid) })
		if err != nil && !errors.Is(err, define.ErrNoSuchExec) && !errors.Is(err, define.ErrNoSuchCtr) {
			slog.Debug("removing exec session", "session", sid, "err", err)
		}
	}
	os.RemoveAll(r.execDir(ctrID, sid))
}

// ExecSessions returns a container's exec sessions whose process still
// runs.
func (r *Runtime) ExecSessions(ctx context.Context, ctrID string) ([]define.ExecSession, error) {
	db, err := r.DB()
	if err != nil {
		return nil, err
	}
	var out []define.ExecSession
	err = db.View(ctx, func(tx *state.Tx) error {
		recs, err := tx.ExecSessionsOfContainer(ctrID)
		if err != nil {
			return err
		}
		for _, rec := range recs {
			var s define.ExecSession
			if json.Unmarshal(rec.Config, &s) != nil {
				continue
			}
			s.ID = rec.ID
			out = append(out, s)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	live := out[:0]
	for _, s := range out {
		if s.ConmonPid == 0 && time.Since(s.Started) < time.Minute || alive(s.ConmonPid) {
			live = append(live, s)
		}
	}
	return live, nil
}

// pruneExecSessions forgets the sessions of a container whose conmon is
// gone. The caller holds the container's lock.
func (r *Runtime) pruneExecSessions(ctx context.Context, ctrID string) {
	db, err := r.DB()
	if err != nil {
		return
	}
	var stale []string
	db.View(ctx, func(tx *state.Tx) error {
		recs, err := tx.ExecSessionsOfContainer(ctrID)
		if err != nil {
			return err
		}
		for _, rec := range recs {
			var s define.ExecSession
			if json.Unmarshal(rec.Config, &s) == nil && s.ConmonPid > 0 && !alive(s.ConmonPid) {
				stale = append(stale, rec.ID)
			}
		}
		return nil
	})
	for _, id := range stale {
		r.forgetExecSession(ctx, ctrID, id)
	}
}
