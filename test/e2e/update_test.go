package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// inspectCtr returns one Go-template field of pm inspect.
func (e *Env) inspectCtr(name, tmpl string) string {
	e.t.Helper()
	return strings.TrimSpace(e.PMOK("inspect", "--format", tmpl, name).Stdout)
}

// TestUpdateRootless: pm update changes the restart policy and records it;
// rootless on cgroup v1 the resource flags give Podman's warning and change
// nothing; bad input exits 125 and changes nothing.
func TestUpdateRootless(t *testing.T) {
	env := ctrEnv(t)
	id := env.runID("--name", "up", "busybox", "sleep", "1000")
	res := env.PMOK("update", "--restart", "always", "up")
	if res.Stdout != id+"\n" || res.Stderr != "" {
		t.Errorf("update --restart: stdout %q stderr %q, want the ID alone", res.Stdout, res.Stderr)
	}
	if got := env.inspectCtr("up", "{{.HostConfig.RestartPolicy.Name}}"); got != "always" {
		t.Errorf("restart policy after update: %q, want always", got)
	}
	env.PMOK("container", "update", "--restart", "on-failure:3", "up")
	if got := env.inspectCtr("up", "{{json .HostConfig.RestartPolicy}}"); got != `{"Name":"on-failure","MaximumRetryCount":3}` {
		t.Errorf("restart policy after update: %q, want on-failure:3", got)
	}
	if cgroupV1() {
		res := env.PMOK("update", "--memory", "100m", "--cpus", "1", "up")
		if res.Stderr != "Resource limits are not supported and ignored on cgroups V1 rootless systems\n" || res.Stdout != id+"\n" {
			t.Errorf("rootless v1 update --memory: stdout %q stderr %q, want the ID and Podman's warning", res.Stdout, res.Stderr)
		}
		if got := env.inspectCtr("up", "{{.HostConfig.Memory}}"); got != "0" {
			t.Errorf("ignored --memory recorded: %s", got)
		}
	}

	// Bad input: exit 125, the policy as it was.
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"update", "--restart", "sometimes", "up"}, "sometimes"},
		{[]string{"update", "--memory", "lots", "up"}, `invalid --memory "lots"`},
		{[]string{"update", "--cpus", "1", "--cpu-period", "1000", "up"}, "--cpus and --cpu-period/--cpu-quota cannot be used together"},
		{[]string{"update", "--memory-swappiness", "101", "up"}, "must be between 0 and 100"},
		{[]string{"update", "--cpuset-cpus", "0-x", "up"}, "0-x"},
		{[]string{"update", "--device-read-bps", "/dev/nosuch:1mb", "up"}, "/dev/nosuch"},
		{[]string{"update", "--device-read-bps", "/dev/null:1mb", "up"}, "not a block device"},
		{[]string{"update", "--device-write-iops", "/dev/null", "up"}, "use DEVICE:RATE"},
		{[]string{"update", "--blkio-weight-device", "/dev/null:5", "up"}, "between 10 and 1000"},
		{[]string{"update", "--restart", "no", "nosuch"}, `no container with name or ID "nosuch" found`},
		{[]string{"update", "--restart", "no"}, "requires exactly 1 arg(s), received 0"},
		{[]string{"update", "-l", "up"}, "--latest and containers cannot be used together"},
	} {
		env.PM(c.args...).ExpectError(t, 125, c.msg)
	}
	if got := env.inspectCtr("up", "{{.HostConfig.RestartPolicy.Name}}"); got != "on-failure" {
		t.Errorf("restart policy after refused updates: %q, want on-failure", got)
	}
	env.PMOK("create", "--rm", "--name", "gone", "busybox", "true")
	env.PM("update", "--restart", "always", "gone").ExpectError(t, 125, "removed on exit")
	if got := env.inspectCtr("gone", "{{.HostConfig.RestartPolicy.Name}}"); got != "no" {
		t.Errorf("--rm container's policy after a refused update: %q", got)
	}
	// --latest is the container created last.
	last := strings.TrimSpace(env.PMOK("create", "--name", "last", "busybox", "true").Stdout)
	if out := env.PMOK("update", "--latest", "--restart", "unless-stopped").Stdout; out != last+"\n" {
		t.Errorf("update --latest printed %q, want the last container's ID %s", out, last)
	}
	if got := env.inspectCtr("last", "{{.HostConfig.RestartPolicy.Name}}"); got != "unless-stopped" {
		t.Errorf("update --latest: policy %q, want unless-stopped", got)
	}
}

// blockDevice returns a block device node of the host, or "".
func blockDevice() string {
	ents, _ := os.ReadDir("/sys/block")
	for _, e := range ents {
		p := filepath.Join("/dev", e.Name())
		var st unix.Stat_t
		if unix.Stat(p, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFBLK {
			return p
		}
	}
	return ""
}

// TestUpdateRoot: as root, pm update changes the cgroup of a running
// container at once, records the limits for inspect and the next start,
// and refuses what runc's update cannot apply to a running container.
func TestUpdateRoot(t *testing.T) {
	env := newEnv(t)
	root := env.Root()
	if !cgroupV1() {
		t.Skip("the cgroup files read here are cgroup v1's")
	}
	root.pull("busybox")
	t.Cleanup(func() { _ = root.quietRun("rm", "-af", "-t", "0") })
	root.runID("--name", "up", "--memory", "200m", "busybox", "sleep", "1000")
	root.PMOK("update", "--memory", "100m", "--cpus", "1.5", "--pids-limit", "50", "--cpu-shares", "512",
		"--cpuset-cpus", "0", "--memory-reservation", "50m", "up")
	got := root.PMOK("exec", "up", "cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/cpu/cpu.cfs_quota_us",
		"/sys/fs/cgroup/pids/pids.max", "/sys/fs/cgroup/cpu/cpu.shares", "/sys/fs/cgroup/cpuset/cpuset.cpus",
		"/sys/fs/cgroup/memory/memory.soft_limit_in_bytes").Lines()
	if want := []string{"104857600", "150000", "50", "512", "0", "52428800"}; !equal(got, want) {
		t.Errorf("cgroup after update: %q, want %q", got, want)
	}
	if got := root.inspectCtr("up", "{{.HostConfig.Memory}} {{.HostConfig.NanoCPUs}} {{.HostConfig.PidsLimit}} {{.HostConfig.CpusetCpus}} {{.HostConfig.MemoryReservation}}"); got != "104857600 1500000000 50 0 52428800" {
		t.Errorf("inspect after update: %q", got)
	}

	dev := blockDevice()
	if dev == "" {
		t.Skip("no block device on this host")
	}
	if cur := root.inspectCtr("up", "{{.OCIRuntime}}"); cur == "runc" {
		root.PM("update", "--device-read-bps", dev+":10mb", "up").ExpectError(t, 125, "runc cannot change --device-read-bps of running container up")
		if got := root.inspectCtr("up", "{{len .HostConfig.BlkioDeviceReadBps}}"); got != "0" {
			t.Errorf("refused --device-read-bps recorded: %s entries", got)
		}
	}
	// Stopped: recorded, applied at the next start.
	root.PMOK("stop", "-t", "0", "up")
	root.PMOK("update", "--device-read-bps", dev+":10mb", "--memory-swappiness", "20", "--memory", "80m", "up")
	if got := root.inspectCtr("up", "{{range .HostConfig.BlkioDeviceReadBps}}{{.Path}}={{.Rate}}{{end}} {{.HostConfig.MemorySwappiness}} {{.HostConfig.Memory}}"); got != dev+"=10485760 20 83886080" {
		t.Errorf("inspect of the stopped container after update: %q", got)
	}
	root.PMOK("start", "up")
	got = root.PMOK("exec", "up", "cat", "/sys/fs/cgroup/blkio/blkio.throttle.read_bps_device",
		"/sys/fs/cgroup/memory/memory.swappiness", "/sys/fs/cgroup/memory/memory.limit_in_bytes").Lines()
	if len(got) != 3 || !strings.HasSuffix(got[0], " 10485760") || got[1] != "20" || got[2] != "83886080" {
		t.Errorf("cgroup after restart: %q", got)
	}
}
