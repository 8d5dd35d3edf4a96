package oci

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/pm-project/pm/libpod/define"
)

// Runtime drives one OCI runtime binary (runc, crun, runsc, ...) and conmon.
type Runtime struct {
	Name       string
	Path       string
	ConmonPath string
	// Root is the runtime's state directory (--root), under pm's runtime dir.
	Root string
	// ExitDir receives conmon's exit files, one per container ID.
	ExitDir string
	// ExtraArgs go before the runtime's subcommand (global options).
	ExtraArgs []string
}

// State is what `RUNTIME state` reports.
type State struct {
	ID     string `json:"id"`
	Status string `json:"status"` // creating, created, running, paused, stopped
	Pid    int    `json:"pid"`
}

func (r *Runtime) globalArgs() []string {
	args := append([]string{}, r.ExtraArgs...)
	if r.Root != "" {
		args = append(args, "--root", r.Root)
	}
	return args
}

// run runs the runtime with args and returns its stdout; its stderr becomes
// the error message.
func (r *Runtime) run(ctx context.Context, args ...string) ([]byte, error) {
	return r.runInput(ctx, nil, args...)
}

// runInput is run with stdin.
func (r *Runtime) runInput(ctx context.Context, stdin io.Reader, args ...string) ([]byte, error) {
	full := append(r.globalArgs(), args...)
	cmd := exec.CommandContext(ctx, r.Path, full...)
	cmd.Env = WithoutSystemdEnv(os.Environ())
	cmd.Stdin = stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := runtimeMessage(stderr.Bytes())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("%s %s: %s", r.Name, args[0], msg)
	}
	return stdout.Bytes(), nil
}

// runtimeMessage extracts the message from runc/crun's stderr, which may be
// JSON log lines or plain text.
func runtimeMessage(b []byte) string {
	var msgs []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var l struct {
			Msg   string `json:"msg"`
			Level string `json:"level"`
		}
		if json.Unmarshal([]byte(line), &l) == nil && l.Msg != "" {
			if l.Level == "error" || l.Level == "fatal" || l.Level == "" {
				msgs = append(msgs, l.Msg)
			}
			continue
		}
		if s := strings.TrimSpace(line); s != "" {
			msgs = append(msgs, s)
		}
	}
	return strings.Join(msgs, ": ")
}

// Start runs `RUNTIME start ID`: the container's process begins.
func (r *Runtime) Start(ctx context.Context, id string) error {
	_, err := r.run(ctx, "start", id)
	return err
}

// Kill sends sig to the container's init process, or to all its processes.
func (r *Runtime) Kill(ctx context.Context, id string, sig syscall.Signal, all bool) error {
	args := []string{"kill"}
	if all {
		args = append(args, "--all")
	}
	_, err := r.run(ctx, append(args, id, strconv.Itoa(int(sig)))...)
	if err != nil && processGone(err) {
		// It exited between the caller's look and the runtime's: there
		// is nothing left to signal, and its exit is recorded as any.
		return nil
	}
	return err
}

// processGone reports whether the runtime failed to signal a container
// because its process has exited: crun's "No such process", runc's
// "container not running" and "process already finished".
func processGone(err error) bool {
	s := err.Error()
	return strings.Contains(s, "No such process") || strings.Contains(s, "container not running") || strings.Contains(s, "process already finished")
}

// Delete removes the runtime's record of the container.
func (r *Runtime) Delete(ctx context.Context, id string, force bool) error {
	// Without the runtime's state there is nothing to delete, and no
	// process needs to be started to say so.
	if r.Root != "" && !r.hasState(id) {
		return nil
	}
	args := []string{"delete"}
	if force {
		args = append(args, "--force")
	}
	_, err := r.run(ctx, append(args, id)...)
	if err != nil && isNotExist(err) {
		return nil
	}
	return err
}

// hasState reports whether the runtime may hold state of container id
// under its root: runc and crun keep it in ROOT/ID, runsc in
// ROOT/SANDBOX_sandbox:ID.state (and .lock).
func (r *Runtime) hasState(id string) bool {
	if _, err := os.Stat(filepath.Join(r.Root, id)); !errors.Is(err, os.ErrNotExist) {
		return true
	}
	m, err := filepath.Glob(filepath.Join(r.Root, "*_sandbox:"+id+".state"))
	return err != nil || len(m) > 0
}

// Pause freezes the container.
func (r *Runtime) Pause(ctx context.Context, id string) error {
	_, err := r.run(ctx, "pause", id)
	return err
}

// Resume thaws the container.
func (r *Runtime) Resume(ctx context.Context, id string) error {
	_, err := r.run(ctx, "resume", id)
	return err
}

// State asks the runtime for the container's state. A container the
// runtime does not know is reported with status "stopped".
func (r *Runtime) State(ctx context.Context, id string) (State, error) {
	out, err := r.run(ctx, "state", id)
	if err != nil {
		if isNotExist(err) {
			return State{ID: id, Status: "stopped"}, nil
		}
		return State{}, err
	}
	var st State
	if err := json.Unmarshal(out, &st); err != nil {
		return State{}, fmt.Errorf("parsing %s state of %s: %w", r.Name, id, err)
	}
	return st, nil
}

func isNotExist(err error) bool {
	s := err.Error()
	return strings.Contains(s, "does not exist") || strings.Contains(s, "not found") || strings.Contains(s, "No such file")
}

// ExitCode reads the exit file conmon wrote for id. ok is false while the
// container has not exited.
func (r *Runtime) ExitCode(id string) (code int, when time.Time, ok bool, err error) {
	p := filepath.Join(r.ExitDir, id)
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return 0, time.Time{}, false, nil
	}
	if err != nil {
		return 0, time.Time{}, false, fmt.Errorf("reading exit file: %w", err)
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		return 0, time.Time{}, false, nil
	}
	code, err = strconv.Atoi(s)
	if err != nil {
		return 0, time.Time{}, false, fmt.Errorf("exit file %s holds %q: %w", p, s, define.ErrInternal)
	}
	st, _ := os.Stat(p)
	if st != nil {
		when = st.ModTime()
	}
	return code, when, true, nil
}

// RemoveExitFile forgets a previous exit, before a restart.
func (r *Runtime) RemoveExitFile(id string) error {
	err := os.Remove(filepath.Join(r.ExitDir, id))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// systemdEnv are the variables through which systemd talks to the
// service it runs.
var systemdEnv = []string{"NOTIFY_SOCKET=", "LISTEN_PID=", "LISTEN_FDS=", "LISTEN_FDNAMES="}

// WithoutSystemdEnv drops systemd's NOTIFY_SOCKET and LISTEN_* from env:
// pm itself speaks to systemd (--sdnotify) and hands sockets systemd
// passed it to the container; a runtime that saw NOTIFY_SOCKET would wait
// for the container to send READY=1, and one that saw LISTEN_FDS might
// pass the sockets a second time.
func WithoutSystemdEnv(env []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		keep := true
		for _, p := range systemdEnv {
			keep = keep && !strings.HasPrefix(kv, p)
		}
		if keep {
			out = append(out, kv)
		}
	}
	return out
}
