package e2e

import (
	"strings"
	"testing"
)

// TestSlirpCIDR: with slirp4netns:cidr=, the container's address, its
// nameserver, its gateway to the host (with allow_host_loopback) and the
// target of published ports all move to that network.
func TestSlirpCIDR(t *testing.T) {
	env := ctrEnv(t)
	out := env.PMOK("run", "--rm", "--network", "slirp4netns:cidr=10.99.0.0/24,allow_host_loopback=true", "busybox",
		"sh", "-c", "grep nameserver /etc/resolv.conf; ip -4 addr show tap0 | grep inet; grep host.containers.internal /etc/hosts").Stdout
	for _, want := range []string{"nameserver 10.99.0.3", "inet 10.99.0.100/24", "10.99.0.2\thost.containers.internal"} {
		if !strings.Contains(out, want) {
			t.Errorf("container with cidr 10.99.0.0/24: want %q in\n%s", want, out)
		}
	}

	hp := freeHostPort(t)
	env.runID("--name", "web", "-p", "127.0.0.1:"+itoa(hp)+":80", "--network", "slirp4netns:cidr=10.98.0.0/24",
		"busybox", "httpd", "-f", "-p", "80", "-h", "/etc")
	if body, err := httpGet(t, "http://127.0.0.1:"+itoa(hp)+"/hostname"); err != nil || strings.TrimSpace(body) == "" {
		t.Errorf("published port of a cidr container: %q, %v", body, err)
	}

	env.PM("run", "--rm", "--network", "slirp4netns:cidr=bogus", "busybox", "true").ExpectError(t, 125, "invalid slirp4netns cidr")
	env.PM("run", "--rm", "--network", "slirp4netns:cidr=10.1.2.0/28", "busybox", "true").ExpectError(t, 125, "at least 128")
}
