package e2e

import (
	"os"
	"strings"
	"testing"
)

// cgroupMount is one cgroup or cgroup2 mount of /proc/self/mountinfo.
type cgroupMount struct {
	root, point, opts string
}

// cgroupMounts parses mountinfo and returns its cgroup file systems under
// /sys/fs/cgroup.
func cgroupMounts(t *testing.T, mountinfo string) []cgroupMount {
	t.Helper()
	var out []cgroupMount
	for _, l := range strings.Split(mountinfo, "\n") {
		pre, post, ok := strings.Cut(l, " - ")
		f, g := strings.Fields(pre), strings.Fields(post)
		if !ok || len(f) < 6 || len(g) < 1 {
			continue
		}
		if (g[0] == "cgroup" || g[0] == "cgroup2") && (f[4] == "/sys/fs/cgroup" || strings.HasPrefix(f[4], "/sys/fs/cgroup/")) {
			out = append(out, cgroupMount{root: f[3], point: f[4], opts: f[5]})
		}
	}
	return out
}

// writeCgroups tries, in the container, to make a cgroup and to move into
// one under every cgroup mount point, and prints what worked.
const writeCgroups = `awk '$0 ~ / - cgroup2? / && $5 ~ "^/sys/fs/cgroup" {print $5}' /proc/self/mountinfo | while read d; do
  mkdir "$d/pm-e2e" 2>/dev/null && echo "made $d/pm-e2e"
  (echo $$ > "$d/cgroup.procs") 2>/dev/null && echo "wrote $d/cgroup.procs"
done; echo done`

// TestCgroupMountsReadOnly: in a container every cgroup mount is
// read-only and cannot be written, whatever the network; with the default
// --cgroupns private the container sees its own cgroup as the root, not
// the host's tree; --cgroupns host shows the host's view; unmask= makes
// the cgroup file system writable when asked.
func TestCgroupMountsReadOnly(t *testing.T) {
	env := ctrEnv(t)
	for _, args := range [][]string{nil, {"--network", "host"}, {"--network", "none"}, {"--cgroupns", "host"}, {"--cgroupns", "private", "--network", "slirp4netns"}} {
		name := strings.Join(args, " ")
		run := append(append([]string{"run", "--rm"}, args...), "busybox")
		ms := cgroupMounts(t, env.PMOK(append(run, "cat", "/proc/self/mountinfo")...).Stdout)
		if len(ms) == 0 {
			t.Errorf("%s: no cgroup mount under /sys/fs/cgroup", name)
		}
		for _, m := range ms {
			if !strings.HasPrefix(m.opts, "ro,") && m.opts != "ro" {
				t.Errorf("%s: %s is mounted %s", name, m.point, m.opts)
			}
		}
		if out := env.PMOK(append(run, "sh", "-c", writeCgroups)...).Stdout; out != "done\n" {
			t.Errorf("%s: writes to the cgroup file system worked:\n%s", name, out)
		}
		own := env.PMOK(append(run, "cat", "/proc/self/cgroup")...).Stdout
		if len(args) > 0 && args[0] == "--cgroupns" && args[1] == "host" {
			continue
		}
		for _, l := range strings.Split(strings.TrimSpace(own), "\n") {
			if !strings.HasSuffix(l, ":/") {
				t.Errorf("%s: /proc/self/cgroup line %q: want the namespace's root, /", name, l)
			}
		}
		if name == "--network host" {
			continue // the host's /sys is bound, with the host's cgroup mounts under the container's
		}
		for _, m := range ms {
			if m.root != "/" {
				t.Errorf("%s: %s shows %s of its hierarchy, want its own cgroup, /", name, m.point, m.root)
			}
		}
	}
	// --cgroupns host: the container is where pm put it, as seen by the
	// host. Rootless on cgroup v1 that is the cgroup of the user's own
	// processes.
	if _, err := os.Stat("/sys/fs/cgroup/cgroup.controllers"); err != nil {
		host := env.Exec("cat", "/proc/self/cgroup").Stdout
		if got := env.PMOK("run", "--rm", "--cgroupns", "host", "busybox", "cat", "/proc/self/cgroup").Stdout; got != host {
			t.Errorf("--cgroupns host: /proc/self/cgroup\n%s\nwant the host's\n%s", got, host)
		}
	}
	for _, unmask := range []string{"unmask=/sys/fs/cgroup", "unmask=ALL"} {
		ms := cgroupMounts(t, env.PMOK("run", "--rm", "--security-opt", unmask, "busybox", "cat", "/proc/self/mountinfo").Stdout)
		for _, m := range ms {
			if !strings.HasPrefix(m.opts, "rw,") {
				t.Errorf("%s: %s is mounted %s, want rw", unmask, m.point, m.opts)
			}
		}
	}
}

// TestCgroupNS: --cgroupns modes, inspect's CgroupMode, joining another
// container's namespace, and the bad values refused.
func TestCgroupNS(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("run", "-d", "--name", "donor", "busybox", "sleep", "300")
	donorID := strings.TrimSpace(env.PMOK("inspect", "--format", "{{.Id}}", "donor").Stdout)
	donorNS := env.PMOK("exec", "donor", "ls", "-l", "/proc/self/ns/cgroup").Stdout
	joined := env.PMOK("run", "--rm", "--cgroupns", "container:donor", "busybox", "ls", "-l", "/proc/self/ns/cgroup").Stdout
	own := env.PMOK("run", "--rm", "busybox", "ls", "-l", "/proc/self/ns/cgroup").Stdout
	target := func(ls string) string { _, t, _ := strings.Cut(strings.TrimSpace(ls), " -> "); return t }
	if target(joined) == "" || target(joined) != target(donorNS) {
		t.Errorf("--cgroupns container:donor: namespace %q, donor's %q", target(joined), target(donorNS))
	}
	if target(own) == target(donorNS) {
		t.Errorf("a private cgroup namespace is the donor's: %q", target(own))
	}
	for _, c := range []struct{ mode, want string }{
		{"", "private"}, {"private", "private"}, {"host", "host"}, {"container:donor", "container:" + donorID},
	} {
		args := []string{"create", "--name", "ns-probe"}
		if c.mode != "" {
			args = append(args, "--cgroupns", c.mode)
		}
		env.PMOK(append(args, "busybox", "true")...)
		if got := strings.TrimSpace(env.PMOK("inspect", "--format", "{{.HostConfig.CgroupMode}}", "ns-probe").Stdout); got != c.want {
			t.Errorf("--cgroupns %q: inspect CgroupMode %q, want %q", c.mode, got, c.want)
		}
		env.PMOK("rm", "ns-probe")
	}
	env.PMOK("rm", "-f", "-t", "0", "donor")

	env.expectRefused(`invalid --cgroupns "bogus"`, "create", "--cgroupns", "bogus", "busybox", "true")
	env.expectRefused(`invalid --cgroupns "ns:relative"`, "create", "--cgroupns", "ns:relative", "busybox", "true")
	env.expectRefused(`--cgroupns container:nonesuch: no container with name or ID "nonesuch" found`, "create", "--cgroupns", "container:nonesuch", "busybox", "true")
}

// TestCgroupNSDockerAPI: the Docker API's HostConfig.CgroupnsMode.
func TestCgroupNSDockerAPI(t *testing.T) {
	needTool(t, "curl")
	env := ctrEnv(t)
	svc := env.startService(nil, "--time", "0")
	for _, mode := range []string{"host", "private"} {
		code, body := env.curl(svc.Sock, "POST", "/v1.44/containers/create?name=ns-"+mode, `{"Image":"busybox","HostConfig":{"CgroupnsMode":"`+mode+`"}}`)
		if code != "201" {
			t.Fatalf("create with CgroupnsMode %s: %s %s", mode, code, body)
		}
		code, body = env.curl(svc.Sock, "GET", "/v1.44/containers/ns-"+mode+"/json", "")
		if code != "200" || !strings.Contains(body, `"CgroupnsMode":"`+mode+`"`) {
			t.Errorf("inspect ns-%s: %s, want CgroupnsMode %s in %s", mode, code, mode, body)
		}
		env.PMOK("rm", "ns-"+mode)
	}
	code, body := env.curl(svc.Sock, "POST", "/v1.44/containers/create", `{"Image":"busybox","HostConfig":{"CgroupnsMode":"shared"}}`)
	if code != "400" || !strings.Contains(body, "invalid cgroup namespace mode: shared") {
		t.Errorf("create with CgroupnsMode shared: %s %s, want 400", code, body)
	}
	if ids := env.psIDs(); len(ids) > 0 {
		t.Errorf("containers left: %q", ids)
	}
}

// TestCgroupsRoot: containers of root get cgroups: their cgroup mounts
// are read-only and their own, and --cgroups=disabled, which the OCI
// runtime cannot honour there, is refused; rootless on cgroup v1 it is
// what happens anyway, and runs.
func TestCgroupsRoot(t *testing.T) {
	env := newEnv(t)
	root := env.Root()
	root.pull("busybox")
	t.Cleanup(func() { _ = root.quietRun("rm", "-af", "-t", "0") })
	ms := cgroupMounts(t, root.PMOK("run", "--rm", "busybox", "cat", "/proc/self/mountinfo").Stdout)
	if len(ms) == 0 {
		t.Error("root: no cgroup mount under /sys/fs/cgroup")
	}
	for _, m := range ms {
		if !strings.HasPrefix(m.opts, "ro,") || m.root != "/" {
			t.Errorf("root: %s shows %s, mounted %s; want its own cgroup, read-only", m.point, m.root, m.opts)
		}
	}
	if out := root.PMOK("run", "--rm", "busybox", "sh", "-c", writeCgroups).Stdout; out != "done\n" {
		t.Errorf("root: writes to the cgroup file system worked:\n%s", out)
	}
	root.expectRefused("--cgroups=disabled: the OCI runtime gives every container a cgroup on this host", "run", "--rm", "--cgroups=disabled", "busybox", "true")

	if _, err := os.Stat("/sys/fs/cgroup/cgroup.controllers"); err != nil {
		env.pull("busybox")
		env.PMOK("run", "--rm", "--cgroups=disabled", "busybox", "true")
	}
}
