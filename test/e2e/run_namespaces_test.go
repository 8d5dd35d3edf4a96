package e2e

import (
	"os"
	"strings"
	"testing"
)

// TestRunPIDUTSAndCPU: the CLI's --pid, --uts, --cpu-period and
// --cpu-quota walk the engine code the API's create does.
func TestRunPIDUTSAndCPU(t *testing.T) {
	env := ctrEnv(t)
	env.runID("--name", "holder", "busybox", "sleep", "300")
	if out := env.PMOK("run", "--rm", "--pid", "container:holder", "busybox", "cat", "/proc/1/cmdline").Stdout; out != "sleep\x00300\x00" {
		t.Errorf("--pid container:holder: PID 1 runs %q", out)
	}
	if out := env.PMOK("inspect", "--format", "{{.HostConfig.PidMode}}", "holder").Stdout; out != "private\n" {
		t.Errorf("holder's PidMode: %q", out)
	}
	if out := env.PMOK("run", "--rm", "--pid", "host", "busybox", "sh", "-c", "test -d /proc/1 && cat /proc/1/comm").Stdout; strings.TrimSpace(out) == "sleep" || out == "" {
		t.Errorf("--pid host: PID 1 is %q, want the host's init", out)
	}
	hostname, _ := os.Hostname()
	if out := env.PMOK("run", "--rm", "--uts", "host", "busybox", "hostname").Stdout; strings.TrimSpace(out) != hostname {
		t.Errorf("--uts host: %q, want %q", out, hostname)
	}
	before := env.psIDs()
	env.PM("create", "--pid", "bogus", "busybox").ExpectError(t, 125, "invalid --pid")
	env.PM("create", "--uts", "host", "--hostname", "h", "busybox").ExpectError(t, 125, "--hostname")
	env.PM("create", "--cpu-period", "500", "busybox").ExpectError(t, 125, "--cpu-period")
	env.PM("create", "--cpus", "1", "--cpu-quota", "50000", "busybox").ExpectError(t, 125, "--cpus")
	env.PM("create", "--pid", "container:ghost", "busybox").ExpectError(t, 125, "ghost")
	env.expectNoNewContainers(before, "refused creates")
	r := env.PMOK("create", "--name", "quota", "--cpu-period", "50000", "--cpu-quota", "25000", "busybox")
	if cgroupV1() && !strings.Contains(r.Stderr, "Resource limits are not supported and ignored on cgroups V1 rootless systems") {
		t.Errorf("--cpu-quota on rootless cgroup v1: stderr %q, want Podman's warning", r.Stderr)
	}
}
