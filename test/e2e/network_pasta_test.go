package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// TestNetworkOutbound: a pasta container reaches a server on the host's
// loopback through host.containers.internal, and its hosts and
// resolv.conf say so; so does slirp4netns with allow_host_loopback.
// Stopping them ends their helpers. (The default network, slirp4netns
// without host loopback: TestNetworkDefault.)
func TestNetworkOutbound(t *testing.T) {
	env := ctrEnv(t)
	port := hostServer(t)
	url := fmt.Sprintf("http://host.containers.internal:%d/", port)
	res := env.PMOK("run", "--rm", "--network", "pasta", "--name", "out", "busybox", "sh", "-c",
		"cat /etc/hosts /etc/resolv.conf; wget -qO- "+url)
	out := res.Stdout
	for _, want := range []string{"host.containers.internal", "nameserver 169.254.1.1", " out\n", "hello from the host"} {
		if !strings.Contains(out, want) {
			t.Errorf("pasta container output lacks %q:\n%s\nstderr: %s", want, out, res.Stderr)
		}
	}
	// slirp4netns with allow_host_loopback reaches it too.
	res = env.PMOK("run", "--rm", "--network", "slirp4netns:allow_host_loopback=true", "busybox", "sh", "-c",
		"cat /etc/hosts /etc/resolv.conf; wget -qO- "+url)
	for _, want := range []string{"10.0.2.2\thost.containers.internal", "nameserver 10.0.2.3", "hello from the host"} {
		if !strings.Contains(res.Stdout, want) {
			t.Errorf("slirp4netns container output lacks %q:\n%s", want, res.Stdout)
		}
	}
	env.expectNoHelpers("after --rm runs")
}
