package e2e

import (
	"strings"
	"testing"
)

// TestNetworkModes: none has only loopback, host shares the host's
// interfaces, container: joins another container's namespace, and
// slirp4netns gives its fixed guest address.
func TestNetworkModes(t *testing.T) {
	env := ctrEnv(t)
	out := env.PMOK("run", "--rm", "--network", "none", "busybox", "sh", "-c", "ls /sys/class/net; cat /etc/resolv.conf").Stdout
	if strings.Contains(out, "eth0") || strings.Contains(out, "tap0") || !strings.HasPrefix(out, "lo\n") {
		t.Errorf("--network none interfaces: %q", out)
	}
	if out := env.PMOK("run", "--rm", "--network", "host", "busybox", "ls", "/sys/class/net").Stdout; !strings.Contains(out, "eth0") {
		t.Errorf("--network host interfaces: %q", out)
	}
	out = env.PMOK("run", "--rm", "--network", "slirp4netns", "busybox", "ip", "-4", "addr", "show", "tap0").Stdout
	if !strings.Contains(out, "10.0.2.100") {
		t.Errorf("slirp4netns address: %q", out)
	}
	env.PMOK("run", "-d", "--name", "srv", "busybox", "sh", "-c", httpdCmd)
	env.waitListening("srv", 80)
	out = env.PMOK("run", "--rm", "--network", "container:srv", "busybox", "wget", "-qO-", "http://127.0.0.1:80/").Stdout
	if out != "hello from pm\n" {
		t.Errorf("container:srv wget = %q", out)
	}
	mode := env.PMOK("inspect", "--format", "{{.HostConfig.NetworkMode}}", "srv").Stdout
	if strings.TrimSpace(mode) != "slirp4netns" {
		t.Errorf("default NetworkMode = %q, want slirp4netns", mode)
	}
	// A mode's options are not part of its name in inspect, as in Podman.
	env.PMOK("create", "--name", "opts", "--network", "slirp4netns:port_handler=slirp4netns", "busybox")
	if mode := env.PMOK("inspect", "--format", "{{.HostConfig.NetworkMode}}", "opts").Stdout; mode != "slirp4netns\n" {
		t.Errorf("NetworkMode with options = %q, want slirp4netns", mode)
	}
	env.PMOK("rm", "opts")
	env.PMOK("rm", "-f", "-t", "0", "srv")
	env.expectNoHelpers("after the modes")
}

// TestNetworkNoLeaks: 20 start/stop cycles of a container with a
// published port leave no slirp4netns or conmon behind.
func TestNetworkNoLeaks(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("create", "--name", "cyc", "-p", "80", "busybox", "sh", "-c", httpdCmd)
	for i := 0; i < 20; i++ {
		env.PMOK("start", "cyc")
		env.PMOK("stop", "-t", "0", "cyc")
	}
	env.expectNoHelpers("after 20 start/stop cycles")
	env.PMOK("start", "cyc")
	if n := env.helperProcs(); n["slirp4netns"] != 1 {
		t.Errorf("running container: helpers %v, want one slirp4netns", n)
	}
	env.PMOK("rm", "-f", "-t", "0", "cyc")
	env.expectNoHelpers("after rm")
}
