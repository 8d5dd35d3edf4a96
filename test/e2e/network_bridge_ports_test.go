package e2e

import (
	"fmt"
	"net"
	"testing"
)

// TestNetworkBridgePublish: a container on a user network publishes a
// port on the host's 127.0.0.1 (rootless through pm's port forwarder);
// stop frees the port and start takes it again; a busy port is 125 with
// nothing made; rm -f leaves no helper.
func TestNetworkBridgePublish(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("network", "create", "pubnet")
	hp := freeHostPort(t)
	url := fmt.Sprintf("http://127.0.0.1:%d/", hp)
	env.PMOK("run", "-d", "--name", "web", "--network", "pubnet", "-p", fmt.Sprintf("127.0.0.1:%d:80", hp), "busybox", "sh", "-c", httpdCmd)
	if body, err := httpGet(t, url); err != nil || body != "hello from pm\n" {
		t.Fatalf("GET %s: %q, %v", url, body, err)
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	busy := l.Addr().(*net.TCPAddr).Port
	before := env.psIDs()
	for _, p := range []int{hp, busy} {
		env.PM("run", "-d", "--rm", "--network", "pubnet", "-p", fmt.Sprintf("127.0.0.1:%d:80", p), "busybox", "true").
			ExpectError(t, 126, "address already in use")
	}
	env.expectNoNewContainers(before, "busy ports")

	env.PMOK("stop", "-t", "0", "web")
	if l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", hp)); err != nil {
		t.Errorf("host port still held after stop: %v", err)
	} else {
		l.Close()
	}
	env.expectNoHelpers("after stop")
	env.PMOK("start", "web")
	if body, err := httpGet(t, url); err != nil || body != "hello from pm\n" {
		t.Errorf("GET %s after restart: %q, %v", url, body, err)
	}
	env.PMOK("rm", "-f", "-t", "0", "web")
	env.expectNoHelpers("after rm -f")
	env.PMOK("network", "rm", "pubnet")
}
