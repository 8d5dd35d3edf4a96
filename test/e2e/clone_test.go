package e2e

import (
	"strings"
	"testing"
)

// TestContainerClone: pm container clone copies a container's
// configuration under Podman's derived names, with a new name or image,
// --run and --destroy; bad input creates nothing and keeps the original.
func TestContainerClone(t *testing.T) {
	env := ctrEnv(t, "busybox", "entry")
	orig := env.runID("--name", "c1", "-e", "FOO=bar", "--label", "l1=v1", "--restart", "on-failure:2",
		"-w", "/tmp", "busybox", "sleep", "1000")
	env.PMOK("update", "--restart", "always", "c1")

	id := strings.TrimSpace(env.PMOK("container", "clone", "c1").Stdout)
	if !ctrIDRe.MatchString(id) || id == orig {
		t.Fatalf("container clone printed %q, want a new container ID", id)
	}
	tmpl := "{{.Name}} {{.State.Status}} {{.ImageName}} {{.Config.WorkingDir}} {{.Config.Labels.l1}} {{.HostConfig.RestartPolicy.Name}} {{.Config.Cmd}}"
	if got, want := env.inspectCtr(id, tmpl), "c1-clone created "+registry+"/busybox:latest /tmp v1 always [sleep 1000]"; got != want {
		t.Errorf("clone: %q, want %q", got, want)
	}
	if env := env.inspectCtr(id, "{{range .Config.Env}}{{.}} {{end}}"); !strings.Contains(env, "FOO=bar") {
		t.Errorf("clone's environment lacks FOO=bar: %s", env)
	}
	// The next clone takes the next free name.
	env.PMOK("container", "clone", "c1")
	if got := env.ctrField("c1-clone1", ".Status"); got == "" {
		t.Errorf("second clone is not named c1-clone1: %q", env.PMOK("ps", "-a", "--format", "{{.Names}}").Stdout)
	}
	// A name and an image; --run starts it.
	env.PMOK("container", "clone", "--run", "c1", "c1entry", "entry")
	env.PMOK("wait", "c1entry")
	if got := env.inspectCtr("c1entry", "{{.State.Status}} {{.ImageName}}"); got != "exited "+registry+"/entry:latest" {
		t.Errorf("clone with a new image and --run: %q", got)
	}

	before := env.psIDs()
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"container", "clone", "--destroy", "c1"}, "cannot destroy running container c1"},
		{[]string{"container", "clone", "--force", "c1"}, "cannot set --force without --destroy"},
		{[]string{"container", "clone", "nosuch"}, `no container with name or ID "nosuch" found`},
		{[]string{"container", "clone", "c1", "c1-clone"}, "c1-clone"},
		{[]string{"container", "clone", "--name", "x", "c1", "y"}, "--name and a NAME argument cannot be used together"},
		{[]string{"container", "clone", "--memory", "lots", "c1"}, `invalid --memory "lots"`},
		{[]string{"container", "clone", "--pod", "nosuchpod", "c1"}, "nosuchpod"},
		{[]string{"container", "clone"}, "requires at least 1 arg"},
	} {
		env.PM(c.args...).ExpectError(t, 125, c.msg)
	}
	// A missing image: pm tries to pull it (progress on stderr), then fails.
	if res := env.PM("container", "clone", "c1", "z", "nosuch-image"); res.Code != 125 || res.Stdout != "" ||
		!strings.Contains(res.Stderr, "Error: pulling") || !strings.Contains(res.Stderr, "nosuch-image") {
		t.Errorf("clone with a missing image: %s", res)
	}
	env.expectNoNewContainers(before, "refused clones")
	if got := env.inspectCtr("c1", "{{.State.Status}}"); got != "running" {
		t.Errorf("original after refused clones: %s", got)
	}

	// --destroy --force: the original goes, the clone stays.
	env.PMOK("container", "clone", "--destroy", "--force", "c1", "c1b")
	if res := env.PM("container", "exists", "c1"); res.Code != 1 {
		t.Errorf("original after clone --destroy --force: exists exit %d", res.Code)
	}
	if got := env.inspectCtr("c1b", "{{.State.Status}}"); got != "created" {
		t.Errorf("clone after --destroy: %s", got)
	}
}

// TestContainerClonePod: --pod moves the clone into a pod, resetting the
// namespaces the pod shares with Podman's warning; a pod's infra container
// is not cloned alone.
func TestContainerClonePod(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("pod", "create", "--name", "cp")
	env.PMOK("create", "--name", "solo", "--hostname", "solohost", "busybox", "true")
	res := env.PMOK("container", "clone", "--pod", "cp", "solo", "member")
	if !strings.Contains(res.Stderr, "At least one namespace was reset to the default configuration") {
		t.Errorf("clone --pod into a shared UTS: stderr %q lacks Podman's warning", res.Stderr)
	}
	if got := env.ctrField("member", ".PodName"); got != "cp" {
		t.Errorf("clone --pod: pod %q, want cp", got)
	}
	infra := strings.TrimSpace(env.PMOK("pod", "inspect", "--format", "{{.InfraContainerID}}", "cp").Stdout)
	before := env.psIDs()
	env.PM("container", "clone", infra).ExpectError(t, 125, "infra container")
	env.expectNoNewContainers(before, "clone of an infra container")
	t.Cleanup(func() { _ = env.quietRun("pod", "rm", "-af") })
}

// TestContainerCloneResources: as root, the clone keeps the original's
// limits as pm update left them, and the flags override them.
func TestContainerCloneResources(t *testing.T) {
	env := newEnv(t)
	root := env.Root()
	root.pull("busybox")
	t.Cleanup(func() { _ = root.quietRun("rm", "-af", "-t", "0") })
	root.runID("--name", "big", "--memory", "200m", "busybox", "sleep", "1000")
	root.PMOK("update", "--cpus", "1", "--pids-limit", "40", "big")
	root.PMOK("container", "clone", "--memory", "100m", "--run", "big", "small")
	if got := root.inspectCtr("small", "{{.HostConfig.Memory}} {{.HostConfig.NanoCPUs}} {{.HostConfig.PidsLimit}}"); got != "104857600 1000000000 40" {
		t.Errorf("clone's limits: %q, want the override and the original's updated ones", got)
	}
	if !cgroupV1() {
		return
	}
	got := root.PMOK("exec", "small", "cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "/sys/fs/cgroup/pids/pids.max").Lines()
	if want := []string{"104857600", "100000", "40"}; !equal(got, want) {
		t.Errorf("clone's cgroup: %q, want %q", got, want)
	}
}

// TestPodClone: pm pod clone copies a pod, its infra container and its
// containers; --start, --destroy and bad input.
func TestPodClone(t *testing.T) {
	env := ctrEnv(t)
	t.Cleanup(func() { _ = env.quietRun("pod", "rm", "-af", "-t", "0") })
	env.PMOK("pod", "create", "--name", "pa", "--label", "x=y", "--share", "net,ipc")
	env.PMOK("create", "--pod", "pa", "--name", "w1", "busybox", "sleep", "1000")
	env.PMOK("create", "--pod", "pa", "--name", "w2", "busybox", "true")

	id := strings.TrimSpace(env.PMOK("pod", "clone", "pa").Stdout)
	if got := env.PMOK("pod", "inspect", "--format", "{{.ID}} {{.Name}} {{.NumContainers}} {{.Labels.x}} {{.SharedNamespaces}}", "pa-clone").Stdout; !strings.HasPrefix(got, id+" pa-clone 3 y ") ||
		!strings.Contains(got, "ipc") || !strings.Contains(got, "net") || strings.Contains(got, "uts") {
		t.Errorf("pod clone: %q", got)
	}
	for _, n := range []string{"w1-clone", "w2-clone"} {
		if got := env.ctrField(n, ".PodName"); got != "pa-clone" {
			t.Errorf("%s in pod %q, want pa-clone", n, got)
		}
	}
	env.PMOK("pod", "clone", "--start", "--label", "z=1", "pa", "pb")
	if got := env.ctrField("w1-clone1", ".PodName}} {{.State"); got != "pb running" {
		t.Errorf("pod clone --start: w1-clone1 %q, want pb running", got)
	}

	before := env.psIDs()
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"pod", "clone", "nosuch"}, "no pod with name or ID nosuch found"},
		{[]string{"pod", "clone", "pa", "pb"}, "pb"},
		{[]string{"pod", "clone", "--name", "q", "pa", "r"}, "--name and a NAME argument cannot be used together"},
		{[]string{"pod", "clone", "--label", "=v", "pa"}, "invalid --label"},
	} {
		env.PM(c.args...).ExpectError(t, 125, c.msg)
	}
	env.expectNoNewContainers(before, "refused pod clones")
	if res := env.PM("pod", "exists", "pa-clone1"); res.Code != 1 {
		t.Errorf("a refused pod clone left pod pa-clone1")
	}

	env.PMOK("pod", "clone", "--destroy", "pa", "pc")
	if res := env.PM("pod", "exists", "pa"); res.Code != 1 {
		t.Errorf("original pod after clone --destroy: exists exit %d", res.Code)
	}
	if res := env.PM("container", "exists", "w1"); res.Code != 1 {
		t.Errorf("original pod's container after clone --destroy: exists exit %d", res.Code)
	}
}
