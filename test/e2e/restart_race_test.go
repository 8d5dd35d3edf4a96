package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// exitCommands returns the pids of the environment's pending exit
// commands (`pm container cleanup`) of container id.
func (e *Env) exitCommands(id string) []int {
	var out []int
	want := []byte("\x00container\x00cleanup\x00" + id)
	for _, p := range listProcs() {
		cmdline, err := os.ReadFile(filepath.Join("/proc", itoa(p.pid), "cmdline"))
		if err != nil || !bytes.Contains(cmdline, want) || !bytes.Contains(cmdline, []byte(e.Dir+"/")) {
			continue
		}
		out = append(out, p.pid)
	}
	return out
}

// waitExitHandled waits until container name has no conmon and no
// pending exit command (whatever its exit leads to has happened), or until
// it was started again since startedAt (its {{.StartedAt}} before; "" for
// no such check). A container still recorded as running whose process
// has gone (a kill returns before conmon writes the exit) is waited for.
func (e *Env) waitExitHandled(name, id, startedAt string) {
	e.t.Helper()
	e.waitFor(30*time.Second, "the exit command of "+name+" to finish", func() bool {
		if len(e.conmons()) == 0 && len(e.exitCommands(id)) == 0 {
			return true
		}
		return startedAt != "" && e.ctrField(name, ".StartedAt") != startedAt
	})
}

// TestRestartPolicyYieldsToUser: a --restart always container that exits
// on its own just as the user stops, kills or removes it stays ended, in
// whichever order its exit command and the user's command get to it.
func TestRestartPolicyYieldsToUser(t *testing.T) {
	env := ctrEnv(t)
	// The container exits on its own once /go exists: `pm exec` makes it
	// exit at the moment the user's command starts.
	script := "rm -f /go; while [ ! -e /go ]; do sleep 0.01; done"
	id := env.runID("--name", "al", "--restart", "always", "--network", "none", "busybox", "sh", "-c", script)
	restarts := func() int {
		n, err := strconv.Atoi(env.ctrField("al", ".Restarts"))
		if err != nil {
			t.Fatalf("restart count of al: %v", err)
		}
		return n
	}
	for i := range 20 {
		verb := []string{"stop", "-t", "0", "al"}
		if i%4 == 3 {
			verb = []string{"kill", "al"}
		}
		// Without -d the exec returns once /go exists; with -d, at about
		// the moment it is made. The container may end before touch has
		// exited, killing it (137).
		if i%2 == 0 {
			if res := env.PM("exec", "al", "touch", "/go"); res.Code != 0 && res.Code != 137 {
				t.Fatalf("%s", res)
			}
		} else {
			env.PMOK("exec", "-d", "al", "touch", "/go")
		}
		started := env.ctrField("al", ".StartedAt")
		env.PMOK(verb...)
		n := restarts()
		env.waitExitHandled("al", id, started)
		if st := env.ctrField("al", ".State"); st != "exited" {
			t.Fatalf("iteration %d: after pm %s: state %q, want exited", i, verb[0], st)
		}
		if m := restarts(); m != n {
			t.Fatalf("iteration %d: after pm %s: restarted %d -> %d", i, verb[0], n, m)
		}
		env.PMOK("start", "al")
	}
	// rm -f of a container exiting on its own: nothing comes back.
	for i := range 5 {
		env.PMOK("exec", "-d", "al", "touch", "/go")
		env.PMOK("rm", "-f", "-t", "0", "al")
		env.waitExitHandled("al", id, "")
		if ids := env.psIDs(); len(ids) != 0 {
			t.Fatalf("iteration %d: after rm -f: containers %q", i, ids)
		}
		if i < 4 {
			id = env.runID("--name", "al", "--restart", "always", "--network", "none", "busybox", "sh", "-c", script)
		}
	}
	env.expectNoConmon("after the loops")
	env.expectNoStorageContainers("after the loops")
}

// TestRestartPolicyKillNotRunning: killing a container that has exited and
// whose exit was handled is still refused.
func TestRestartPolicyKillNotRunning(t *testing.T) {
	env := ctrEnv(t)
	id := env.runID("--name", "done", "--restart", "no", "--network", "none", "busybox", "true")
	env.PMOK("wait", "done")
	env.waitExitHandled("done", id, "")
	env.PM("kill", "done").ExpectError(t, 125, "can only kill running containers")
	if st := env.ctrField("done", ".State"); st != "exited" {
		t.Errorf("state after a refused kill: %q", st)
	}
	if out := strings.TrimSpace(env.PMOK("ps", "-aq").Stdout); out == "" {
		t.Errorf("the container is gone after a refused kill")
	}
}
