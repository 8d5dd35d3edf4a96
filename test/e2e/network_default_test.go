package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNetworkDefault: a rootless container's default network is
// slirp4netns, as in Podman 4: one slirp4netns and no pasta per
// container; it reaches a server on the host's addresses through
// host.containers.internal but not the host's loopback; its published
// port answers; its resolver is slirp4netns's.
func TestNetworkDefault(t *testing.T) {
	env := ctrEnv(t)
	open := hostServerOn(t, "0.0.0.0")
	lo := hostServer(t)
	hp := freeHostPort(t)
	env.PMOK("run", "-d", "--name", "web", "-p", fmt.Sprintf("127.0.0.1:%d:80", hp), "busybox", "sh", "-c", httpdCmd)
	if mode := strings.TrimSpace(env.PMOK("inspect", "--format", "{{.HostConfig.NetworkMode}}", "web").Stdout); mode != "slirp4netns" {
		t.Errorf("default NetworkMode = %q, want slirp4netns", mode)
	}
	if n := env.helperProcs(); n["slirp4netns"] != 1 || n["pasta"]+n["passt"] != 0 {
		t.Errorf("running container: helpers %v, want one slirp4netns and no pasta", n)
	}
	if body, err := httpGet(t, fmt.Sprintf("http://127.0.0.1:%d/", hp)); err != nil || body != "hello from pm\n" {
		t.Errorf("GET the published port: %q, %v", body, err)
	}
	// The host's address carries traffic out; the host's loopback, behind
	// the same name, is out of reach (allow_host_loopback is false).
	res := env.PMOK("run", "--rm", "busybox", "sh", "-c", fmt.Sprintf(
		"cat /etc/resolv.conf; wget -qO- http://host.containers.internal:%d/; echo; wget -T 5 -qO- http://host.containers.internal:%d/ || echo loopback-refused; wget -T 5 -qO- http://10.0.2.2:%d/ || echo gateway-refused",
		open, lo, lo))
	for _, want := range []string{"nameserver 10.0.2.3\n", "hello from the host\n", "loopback-refused\n", "gateway-refused\n"} {
		if !strings.Contains(res.Stdout, want) {
			t.Errorf("default network container output lacks %q:\n%s\nstderr: %s", want, res.Stdout, res.Stderr)
		}
	}
	env.PMOK("rm", "-f", "-t", "0", "web")
	env.expectNoHelpers("after rm")
}

// TestNetworkDefaultConf: containers.conf's default_rootless_network_cmd
// chooses the default network's helper: pasta carries the published port
// and info says so; a value that is neither slirp4netns nor pasta is
// refused (125, naming it), creating nothing.
func TestNetworkDefaultConf(t *testing.T) {
	env := ctrEnv(t)
	conf := filepath.Join(env.ConfigHome, "containers", "containers.conf")
	if err := os.MkdirAll(filepath.Dir(conf), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(conf, []byte("[network]\ndefault_rootless_network_cmd = \"pasta\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(env.PMOK("info", "--format", "{{.Host.RootlessNetworkCmd}}").Stdout); got != "pasta" {
		t.Errorf("info's rootless network command = %q, want pasta", got)
	}
	hp := freeHostPort(t)
	env.PMOK("run", "-d", "--name", "web", "-p", fmt.Sprintf("127.0.0.1:%d:80", hp), "busybox", "sh", "-c", httpdCmd)
	if mode := strings.TrimSpace(env.PMOK("inspect", "--format", "{{.HostConfig.NetworkMode}}", "web").Stdout); mode != "pasta" {
		t.Errorf("NetworkMode with default_rootless_network_cmd = pasta: %q", mode)
	}
	if n := env.helperProcs(); n["pasta"]+n["passt"] != 1 || n["slirp4netns"] != 0 {
		t.Errorf("running container: helpers %v, want one pasta and no slirp4netns", n)
	}
	if body, err := httpGet(t, fmt.Sprintf("http://127.0.0.1:%d/", hp)); err != nil || body != "hello from pm\n" {
		t.Errorf("GET the published port through pasta: %q, %v", body, err)
	}
	env.PMOK("rm", "-f", "-t", "0", "web")
	env.expectNoHelpers("after rm")

	if err := os.WriteFile(conf, []byte("[network]\ndefault_rootless_network_cmd = \"vde\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := env.psIDs()
	env.PM("run", "--rm", "busybox", "true").ExpectError(t, 125, `invalid default_rootless_network_cmd "vde"`)
	env.expectNoNewContainers(before, "after the refused default")
	// An explicit mode does not need the default.
	env.PMOK("run", "--rm", "--network", "none", "busybox", "true")
	env.expectNoHelpers("after the refused default")
}

// TestNetworkHelperFails: slirp4netns starts while the runtime creates
// the container; when it then fails (an MTU it refuses), the run is an
// error naming its reason (125), the container never runs, and nothing
// is left: no conmon, no helper, no namespace file; with --rm no
// container either, without it one in Created with the error recorded.
func TestNetworkHelperFails(t *testing.T) {
	env := ctrEnv(t)
	before := env.psIDs()
	env.PM("run", "--rm", "--network", "slirp4netns:mtu=1", "busybox", "echo", "ran").ExpectError(t, 125, "slirp4netns did not start: cannot set MTU")
	env.expectNoNewContainers(before, "after the failed --rm run")
	r := env.PM("run", "--name", "bad", "--network", "slirp4netns:mtu=1", "busybox", "echo", "ran")
	r.ExpectError(t, 125, "slirp4netns did not start: cannot set MTU")
	if strings.Contains(r.Stdout, "ran") {
		t.Errorf("the container ran: %q", r.Stdout)
	}
	if st := env.PMOK("inspect", "--format", "{{.State.Status}} {{.State.Error}}", "bad").Stdout; !strings.HasPrefix(st, "created slirp4netns did not start") {
		t.Errorf("state after the failed start: %q", st)
	}
	env.expectNoConmon("after the failed starts")
	env.expectNoHelpers("after the failed starts")
	if ents, err := os.ReadDir(filepath.Join(env.RuntimeDir, "pm", "netns")); err == nil && len(ents) > 0 {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("network files left: %q", names)
	}
	env.PMOK("rm", "bad")
}
