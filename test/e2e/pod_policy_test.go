package e2e

import (
	"sort"
	"strings"
	"testing"
	"time"
)

// TestPodExitPolicyStop: with --exit-policy stop, the pod's infra
// container stops once its last member exits.
func TestPodExitPolicyStop(t *testing.T) {
	env := podEnv(t)
	env.PMOK("pod", "create", "--name", "once", "--exit-policy", "stop")
	env.PMOK("run", "--pod", "once", "--name", "job", "busybox", "true")
	env.waitFor(20*time.Second, "pod exited", func() bool {
		return env.PMOK("pod", "ps", "--format", "{{.Status}}").Stdout == "Exited\n"
	})
	env.PMOK("pod", "rm", "once")
	env.expectNoConmon("after pod rm")
}

// TestPodBadInput: bad input is one error line, exit 125, and creates
// nothing.
func TestPodBadInput(t *testing.T) {
	env := podEnv(t)
	env.PMOK("create", "--name", "taken", "busybox", "true")
	env.PMOK("pod", "create", "--name", "mine", "--infra=false")
	pods := func() []string {
		l := env.PMOK("pod", "ps", "-q", "--no-trunc").Lines()
		sort.Strings(l)
		return l
	}
	beforePods, beforeCtrs := pods(), env.psIDs()
	for _, verb := range [][]string{
		{"inspect"}, {"start"}, {"stop"}, {"restart"}, {"kill"}, {"pause"}, {"unpause"},
		{"rm"}, {"top"}, {"logs"}, {"stats"},
	} {
		code := 125
		if verb[0] == "rm" {
			code = 1 // as Podman's pod rm of a missing pod
		}
		env.PM(append(append([]string{"pod"}, verb...), "nosuchpod")...).ExpectError(t, code, "no pod with name or ID nosuchpod found")
	}
	if res := env.PM("pod", "exists", "nosuchpod"); res.Code != 1 || res.Stderr != "" {
		t.Errorf("pod exists nosuchpod: %s", res)
	}
	env.PM("run", "--pod", "nosuchpod", "busybox", "true").ExpectError(t, 125, "no pod with name or ID nosuchpod found")
	env.PM("create", "--pod", "nosuchpod", "busybox", "true").ExpectError(t, 125, "nosuchpod")
	// Podman's words.
	env.PM("pod", "create", "--share", "bogus").ExpectError(t, 125, "Error: invalid kernel namespace to share: bogus. Options are: cgroup, ipc, net, pid, uts or none")
	env.PM("pod", "create", "--share", "net,bogus").ExpectError(t, 125, "invalid kernel namespace to share: bogus.")
	env.PM("pod", "create", "--exit-policy", "maybe").ExpectError(t, 125, `Error: running pod create option: invalid pod exit policy: "maybe"`)
	env.PM("pod", "create", "--name", "taken").ExpectError(t, 125, "in use")
	env.PM("pod", "create", "--name", "mine").ExpectError(t, 125, "in use")
	env.PM("create", "--name", "mine", "busybox", "true").ExpectError(t, 125, "in use")
	env.PM("pod", "ps", "--filter", "bogus=1").ExpectError(t, 125, "filter")
	env.PM("pod", "ps", "--sort", "size").ExpectError(t, 125, "sort")
	env.PM("pod", "create", "--name", "bad net", "-p", "nope").ExpectError(t, 125, "")
	if after := pods(); strings.Join(after, ",") != strings.Join(beforePods, ",") {
		t.Errorf("pods changed: before %q, after %q", beforePods, after)
	}
	env.expectNoNewContainers(beforeCtrs, "bad pod input")
}

// TestPodRmInfraOnly: a pod whose members have exited is removed without
// --force though its infra container runs; pod rm --force of a missing pod
// is no error.
func TestPodRmInfraOnly(t *testing.T) {
	env := podEnv(t)
	env.PMOK("pod", "create", "--name", "done")
	env.PMOK("run", "--pod", "done", "busybox", "true")
	env.PMOK("pod", "rm", "done")
	if out := env.PMOK("pod", "ps", "-q").Stdout; out != "" {
		t.Errorf("pods after pod rm: %q", out)
	}
	if ids := env.PMOK("ps", "-aq").Stdout; ids != "" {
		t.Errorf("containers after pod rm: %q", ids)
	}
	env.PMOK("pod", "rm", "--force", "bogus")
}

// TestContainerRmAllPods: rm --all also removes pods' infra containers,
// each with its pod and members, as Podman; without --force, a pod with a
// running member is left whole and the other containers go.
func TestContainerRmAllPods(t *testing.T) {
	env := podEnv(t)
	infraOf := func(pod string) string {
		return strings.TrimSpace(env.PMOK("pod", "inspect", "--format", "{{.InfraContainerID}}", pod).Stdout)
	}
	first := strings.TrimSpace(env.PMOK("create", "--pod", "new:pa", "busybox", "true").Stdout)
	second := strings.TrimSpace(env.PMOK("create", "--pod", "pa", "busybox", "true").Stdout)
	solo := strings.TrimSpace(env.PMOK("create", "busybox", "true").Stdout)
	env.PMOK("pod", "create", "--name", "pb")
	want := []string{first, second, solo, infraOf("pa"), infraOf("pb")}
	sort.Strings(want)
	out := env.PMOK("rm", "--force", "--all").Lines()
	sort.Strings(out)
	if strings.Join(out, ",") != strings.Join(want, ",") {
		t.Errorf("rm --force --all printed %q, want %q", out, want)
	}
	env.expectNothingLeft("after rm --force --all")

	env.PMOK("pod", "create", "--name", "busy")
	running := env.runID("--pod", "busy", "busybox", "sleep", "1000")
	keep := []string{running, infraOf("busy")}
	sort.Strings(keep)
	solo = strings.TrimSpace(env.PMOK("create", "busybox", "true").Stdout)
	res := env.PM("rm", "--all")
	if res.Code != 125 || res.Stdout != solo+"\n" || res.Stderr != "Error: pod busy has running containers: stop them or use --force\n" {
		t.Errorf("rm --all with a running pod member: %s", res)
	}
	if ids := env.psIDs(); strings.Join(ids, ",") != strings.Join(keep, ",") {
		t.Errorf("containers after rm --all refused the running pod: %q, want %q", ids, keep)
	}
	env.PMOK("pod", "exists", "busy")
}

// TestPodInfraNameInUse: pod create --infra-name of a name a container
// holds is refused in Podman's words, exit 125, and leaves no pod.
func TestPodInfraNameInUse(t *testing.T) {
	env := podEnv(t)
	if res := env.PMOK("--noout", "pod", "create", "--name", "first", "--infra-name", "holder", "--infra-image", "busybox", "--infra-command", "sleep 1000"); res.Stdout != "" {
		t.Errorf("pod create --noout printed %q", res.Stdout)
	}
	holder := strings.TrimSpace(env.PMOK("inspect", "--format", "{{.ID}}", "holder").Stdout)
	before := env.psIDs()
	env.PM("pod", "create", "--name", "second", "--infra-name", "holder").ExpectError(t, 125,
		`Error: creating infra container: the container name "holder" is already in use by `+holder+`. You have to remove that container to be able to reuse that name: that name is already in use`)
	if r := env.PM("pod", "exists", "second"); r.Code != 1 {
		t.Errorf("pod second exists after its infra container was refused: %s", r)
	}
	env.expectNoNewContainers(before, "refused infra name")
	env.PM("create", "--name", "holder", "busybox", "true").ExpectError(t, 125,
		`Error: the container name "holder" is already in use by `+holder+`.`)
	env.PMOK("pod", "rm", "first")
}
