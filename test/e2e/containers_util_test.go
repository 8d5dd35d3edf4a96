package e2e

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

var ctrIDRe = regexp.MustCompile(`^[0-9a-f]{64}$`)

// ctrEnv returns a rootless environment with busybox (or the given
// images) pulled. Its containers are removed when the test ends, by the
// harness's teardown.
func ctrEnv(t *testing.T, images ...string) *Env {
	t.Helper()
	env := newEnv(t)
	if len(images) == 0 {
		images = []string{"busybox"}
	}
	for _, img := range images {
		env.pull(img)
	}
	return env
}

// psIDs returns the sorted full IDs of every container.
func (e *Env) psIDs() []string {
	e.t.Helper()
	ids := e.PMOK("ps", "-aq", "--no-trunc").Lines()
	sort.Strings(ids)
	return ids
}

// expectNoNewContainers checks that the container list is still before.
func (e *Env) expectNoNewContainers(before []string, what string) {
	e.t.Helper()
	if after := e.psIDs(); !equal(before, after) {
		e.t.Errorf("%s: containers changed: before %q, after %q", what, before, after)
	}
}

// runID runs `pm run -d args...` and returns the ID it printed.
func (e *Env) runID(args ...string) string {
	e.t.Helper()
	res := e.PMOK(append([]string{"run", "-d"}, args...)...)
	id := strings.TrimSpace(res.Stdout)
	if !ctrIDRe.MatchString(id) {
		e.t.Fatalf("pm run -d: stdout is not a container ID: %q", res.Stdout)
	}
	return id
}

// ctrField returns one Go-template field of one container from pm ps -a.
func (e *Env) ctrField(name, field string) string {
	e.t.Helper()
	res := e.PMOK("ps", "-a", "--filter", "name=^"+regexp.QuoteMeta(name)+"$", "--format", "{{.Names}}\t{{"+field+"}}")
	for _, l := range res.Lines() {
		n, v, _ := strings.Cut(l, "\t")
		if n == name {
			return v
		}
	}
	return ""
}

// waitFor polls cond every 100ms until it holds or timeout passes.
func (e *Env) waitFor(timeout time.Duration, what string, cond func() bool) {
	e.t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			e.t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// hasCommand reports whether `pm NAME` (a space-separated path, e.g.
// "container init") is a command of this build of pm.
func (e *Env) hasCommand(path string) bool {
	e.t.Helper()
	// An unknown subcommand with --help prints its parent's help: look
	// for the command's own usage line.
	res := e.PM(append(strings.Fields(path), "--help")...)
	return res.Code == 0 && strings.Contains(res.Stdout, "Usage:\n  pm "+path+" ")
}

// command returns an unstarted pm command as the environment's user, for
// use from other goroutines (Env.PM must run on the test's goroutine).
func (e *Env) command(args ...string) *exec.Cmd {
	cmd := exec.Command(pmBinary, append(append([]string{}, e.globalArgs...), args...)...)
	cmd.Env = e.environ()
	cmd.Dir = e.Dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if isRoot && !e.root {
		cmd.SysProcAttr.Credential = &syscall.Credential{
			Uid: uint32(e.User.UID), Gid: uint32(e.User.GID), Groups: []uint32{},
		}
	}
	cmd.WaitDelay = 10 * time.Second
	return cmd
}

// pmAsync runs pm from any goroutine and returns its result; a command
// running more than cmdTimeout is killed and reported with code -1.
func (e *Env) pmAsync(args ...string) Result {
	cmd := e.command(args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	res := Result{Args: args}
	if err := cmd.Start(); err != nil {
		res.Code, res.Stderr = -1, err.Error()
		return res
	}
	timer := time.AfterFunc(cmdTimeout, func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	err := cmd.Wait()
	timer.Stop()
	res.Stdout, res.Stderr = stdout.String(), stderr.String()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr):
		res.Code = exitErr.ExitCode()
	default:
		res.Code = -1
		res.Stderr += "\n" + err.Error()
	}
	return res
}

// conmons returns the conmon processes (and any other process) that belong
// to the environment: its XDG_RUNTIME_DIR in their environment or its
// directory on their command line. The pause process is not one of them.
func (e *Env) conmons() []procInfo {
	marker := "XDG_RUNTIME_DIR=" + e.RuntimeDir
	pause := e.PausePID()
	var out []procInfo
	for _, p := range listProcs() {
		if p.pid == pause || p.comm == "pm-pause" {
			continue
		}
		if p.comm != "conmon" {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join("/proc", itoa(p.pid), "cmdline"))
		if p.hasEnv(marker) || bytes.Contains(cmdline, []byte(e.Dir+"/")) {
			if st, err := os.ReadFile(filepath.Join("/proc", itoa(p.pid), "stat")); err == nil && bytes.Contains(st, []byte(") Z ")) {
				continue // a zombie about to be reaped
			}
			out = append(out, p)
		}
	}
	return out
}

// expectNoConmon checks, for a few seconds, that no conmon of the
// environment is left.
func (e *Env) expectNoConmon(what string) {
	e.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		left := e.conmons()
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			var pids []string
			for _, p := range left {
				pids = append(pids, itoa(p.pid))
			}
			e.t.Errorf("%s: conmon processes left: %s", what, strings.Join(pids, " "))
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// storageContainers returns the raw containers.json of the environment's
// storage, read inside the user namespace; "" when absent.
func (e *Env) storageContainers() string {
	e.t.Helper()
	graph := filepath.Join(e.DataHome, "pm", "storage")
	if e.root {
		graph = filepath.Join(e.Dir, "storage")
	}
	res := e.PM("unshare", "sh", "-c", "cat "+graph+"/overlay-containers/containers.json 2>/dev/null || true")
	return strings.TrimSpace(res.Stdout)
}

// expectNoStorageContainers checks that storage holds no container.
func (e *Env) expectNoStorageContainers(what string) {
	e.t.Helper()
	if s := e.storageContainers(); s != "" && s != "[]" {
		e.t.Errorf("%s: storage still has containers: %s", what, s)
	}
}

// settled waits, up to d, until no process of the environment works on
// container id (its conmon, its exit command, a restart in flight), after
// which its state no longer changes by itself. It reports whether that
// happened.
func (e *Env) settled(id string, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		busy := false
		for _, p := range e.procs() {
			cmdline, _ := os.ReadFile(filepath.Join("/proc", itoa(p.pid), "cmdline"))
			if bytes.Contains(cmdline, []byte(id)) {
				busy = true
				break
			}
		}
		if !busy {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}
