package e2e

import (
	"strings"
	"testing"
	"time"
)

// TestPodVerbs: logs with name prefixes, top, kill, pause where cgroups
// allow, stats, prune.
func TestPodVerbs(t *testing.T) {
	env := podEnv(t)
	env.PMOK("pod", "create", "--name", "v")
	env.runID("--pod", "v", "--name", "talker", "busybox", "sh", "-c", "echo hi; sleep 100")
	env.waitFor(10*time.Second, "log line", func() bool {
		return strings.Contains(env.PMOK("pod", "logs", "v").Stdout, "talker hi\n")
	})
	if out := env.PMOK("pod", "logs", "--container", "talker", "v").Stdout; out != "hi\n" {
		t.Errorf("pod logs --container = %q", out)
	}
	if top := env.PMOK("pod", "top", "v").Lines(); len(top) < 3 || !strings.Contains(top[0], "PID") {
		t.Errorf("pod top = %q", top)
	}
	if res := env.PM("pod", "pause", "v"); res.Code != 0 {
		res.ExpectError(t, 125, "cgroup")
	} else {
		env.PMOK("pod", "unpause", "v")
	}
	if out := env.PMOK("pod", "stats", "--no-stream", "--format", "{{.Name}}", "v").Lines(); !contains(out, "talker") {
		t.Errorf("pod stats = %q", out)
	}
	env.PMOK("pod", "kill", "v")
	env.waitFor(10*time.Second, "pod exited", func() bool {
		return env.PMOK("pod", "ps", "--format", "{{.Status}}").Stdout == "Exited\n"
	})
	env.PM("pod", "kill", "v").ExpectError(t, 125, "no containers")
	if out := env.PMOK("pod", "prune", "-f").Lines(); len(out) != 1 {
		t.Errorf("pod prune -f = %q", out)
	}
	if ids := env.PMOK("ps", "-aq").Stdout; ids != "" {
		t.Errorf("ps -aq after prune = %q", ids)
	}
	env.expectNoConmon("after pod prune")
}
