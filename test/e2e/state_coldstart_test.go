package e2e

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// barrierCommands starts one pm process per command, each blocked at a
// barrier (a shell that has said "ready" and waits for its stdin, a pipe
// shared by all, to end), then releases them all at once by closing the
// pipe, and returns what each did.
func (e *Env) barrierCommands(cmds [][]string) []Result {
	e.t.Helper()
	release, w, err := os.Pipe()
	if err != nil {
		e.t.Fatal(err)
	}
	defer w.Close()
	type proc struct {
		cmd            *exec.Cmd
		stdout, stderr *bytes.Buffer
	}
	var procs []proc
	// The shell execs pm with the arguments after "sh".
	const script = `echo ready; cat >/dev/null; exec "$@"`
	for _, args := range cmds {
		cmd := e.command(args...)
		cmd.Args = append([]string{"sh", "-c", script, "sh", cmd.Path}, cmd.Args[1:]...)
		cmd.Path = "/bin/sh"
		cmd.Stdin = release
		p := proc{cmd: cmd, stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
		cmd.Stderr = p.stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			e.t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			e.t.Fatalf("starting %v: %v", args, err)
		}
		// Read "ready" before starting the next one: every process is at
		// the barrier when it falls.
		br := bufio.NewReader(out)
		if line, err := br.ReadString('\n'); line != "ready\n" {
			e.t.Fatalf("%v: not at the barrier: %q, %v", args, line, err)
		}
		go func() { _, _ = p.stdout.ReadFrom(br) }()
		procs = append(procs, p)
	}
	release.Close()
	w.Close() // the barrier falls
	results := make([]Result, len(procs))
	for i, p := range procs {
		done := make(chan error, 1)
		go func() { done <- p.cmd.Wait() }()
		var err error
		select {
		case err = <-done:
		case <-time.After(cmdTimeout):
			_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
			<-done
			e.t.Fatalf("pm %s: timed out after %v", shellJoin(cmds[i]), cmdTimeout)
		}
		res := Result{Args: cmds[i], Stdout: p.stdout.String(), Stderr: p.stderr.String()}
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			res.Code = exitErr.ExitCode()
		} else if err != nil {
			res.Code, res.Stderr = -1, res.Stderr+err.Error()
		}
		e.t.Logf("$ pm %s  # exit %d (at the barrier)", shellJoin(cmds[i]), res.Code)
		results[i] = res
	}
	return results
}

// TestStateColdStartBarrier: a user's first pm commands all start at once
// (as a login's units or a compose file would): no state database, no
// pause process, no image yet. Every one succeeds.
func TestStateColdStartBarrier(t *testing.T) {
	env := newEnv(t)
	t.Cleanup(func() { _ = env.quietRun("rm", "-af", "-t", "0") })
	db := filepath.Join(env.DataHome, "pm", "storage", "pm", "state.db")
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the state database exists before the first command: %v", err)
	}
	cmds := [][]string{
		{"run", "--rm", "--network", "none", "busybox", "echo", "ran-0"},
		{"run", "--rm", "--network", "none", "busybox", "echo", "ran-1"},
		{"run", "--rm", "--network", "none", "busybox", "echo", "ran-2"},
		{"create", "--name", "made", "--network", "none", "busybox", "true"},
		{"ps", "-a", "-q"},
		{"ps", "-a", "-q"},
		{"volume", "create", "vol-a"},
		{"volume", "create", "vol-b"},
		{"volume", "ls", "-q"},
		{"pod", "ps", "-q"},
	}
	res := env.barrierCommands(cmds)
	for i, r := range res {
		if r.Code != 0 {
			t.Errorf("%s", r)
			continue
		}
		if strings.HasPrefix(cmds[i][0], "run") {
			if got := strings.TrimSpace(r.Stdout); !strings.HasSuffix(got, "ran-"+cmds[i][len(cmds[i])-1][4:]) {
				t.Errorf("pm %s: stdout %q", shellJoin(cmds[i]), r.Stdout)
			}
		}
	}
	// All of it is recorded, once: the created container and both
	// volumes; none of the --rm containers.
	if got := env.PMOK("ps", "-a", "--format", "{{.Names}}").Lines(); len(got) != 1 || got[0] != "made" {
		t.Errorf("containers after the barrier: %q, want [made]", got)
	}
	vols := env.PMOK("volume", "ls", "-q").Lines()
	sort.Strings(vols)
	if strings.Join(vols, " ") != "vol-a vol-b" {
		t.Errorf("volumes after the barrier: %q", vols)
	}
	env.PMOK("rm", "made")
	env.PMOK("volume", "rm", "vol-a", "vol-b")
	env.expectNoStorageContainers("after the barrier")
}

// TestStateColdStartDamagedDB: a state database that is not one is
// refused by every command with one line naming the file, exit 125, and
// the file is left as it was.
func TestStateColdStartDamagedDB(t *testing.T) {
	env := newEnv(t)
	db := filepath.Join(env.DataHome, "pm", "storage", "pm", "state.db")
	junk := strings.Repeat("this is not a database\n", 64)
	env.Exec("mkdir", "-p", filepath.Dir(db))
	if err := os.WriteFile(db, []byte(junk), 0o600); err != nil {
		t.Fatal(err)
	}
	if isRoot {
		if err := os.Chown(db, env.User.UID, env.User.GID); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"ps", "-a"}, {"volume", "create", "v"}, {"pod", "create"}} {
		env.PM(args...).ExpectError(t, 125, db)
	}
	b, err := os.ReadFile(db)
	if err != nil || string(b) != junk {
		t.Errorf("the damaged database changed: %v", err)
	}
}
