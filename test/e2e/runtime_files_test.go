package e2e

import (
	"strings"
	"testing"
	"time"
)

// TestRuntimeFilesGoWithContainer: a removed container leaves nothing in
// the runtime directory (lock, exit file, bundle, runtime state, network
// files), however it was removed; the exit code of a --rm container is
// still there for whoever waits on it.
func TestRuntimeFilesGoWithContainer(t *testing.T) {
	env := ctrEnv(t)
	base := env.runtimeEntries()
	if res := env.PM("run", "--rm", "busybox", "sh", "-c", "exit 3"); res.Code != 3 {
		t.Errorf("pm run --rm: exit %d, want 3", res.Code)
	}
	id := env.runID("--rm", "busybox", "sh", "-c", "sleep 1; exit 4")
	if out := strings.TrimSpace(env.PMOK("wait", id).Stdout); out != "4" {
		t.Errorf("pm wait on a --rm container: %q, want 4", out)
	}
	env.runID("--name", "x", "-p", "127.0.0.1::80", "busybox", "sleep", "300")
	env.PMOK("rm", "-f", "-t", "0", "x")
	env.PMOK("create", "--name", "y", "busybox")
	env.PMOK("rm", "y")
	env.runID("--name", "z", "busybox", "true")
	env.PMOK("wait", "z")
	env.PMOK("container", "prune", "-f")
	// The exit commands of the containers removed under them end by
	// themselves; what they leave is counted too.
	env.waitFor(30*time.Second, "the exit commands to finish", func() bool {
		for _, p := range env.crashProcs() {
			if strings.Contains(p, " container cleanup ") {
				return false
			}
		}
		return true
	})
	if ids := env.psIDs(); len(ids) != 0 {
		t.Fatalf("containers left: %q", ids)
	}
	if left := extra(base, env.runtimeEntries()); len(left) != 0 {
		t.Errorf("runtime files left by removed containers: %q", left)
	}
}
