package e2e

import (
	"bufio"
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

// inNetNS makes the environment's later commands run in a new network
// namespace with only lo up, as on a host with no default route: a holder
// process (unshare, then cat waiting on its stdin) keeps the namespace, and
// each command enters it with nsenter as root, then becomes the user with
// setpriv. The holder ends at cleanup.
func (e *Env) inNetNS() {
	t := e.t
	t.Helper()
	if !isRoot {
		t.Skip("needs root to make a network namespace")
	}
	holder := exec.Command("unshare", "--net", "--", "sh", "-c", "ip link set lo up && echo up && exec cat")
	in, err := holder.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Start(); err != nil {
		t.Fatalf("starting the network namespace's holder: %v", err)
	}
	t.Cleanup(func() {
		in.Close()
		_ = holder.Wait()
	})
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "up\n" {
		t.Fatalf("the network namespace's holder: %q, %v", line, err)
	}
	e.wrap = []string{"nsenter", fmt.Sprintf("--net=/proc/%d/ns/net", holder.Process.Pid), "--",
		"setpriv", fmt.Sprintf("--reuid=%d", e.User.UID), fmt.Sprintf("--regid=%d", e.User.GID), "--clear-groups", "--"}
}

// TestNetworkOffline: on a host with no default route, containers on the
// default network (slirp4netns) and on pasta, which Debian 12 refuses to
// start there unless given an address of its own, still run with a
// default route, with at most a one-line notice, and a published port
// answers on the host's loopback.
func TestNetworkOffline(t *testing.T) {
	env := ctrEnv(t) // pulls from the registry on the host's loopback
	env.inNetNS()
	if r := env.Exec("ip", "-4", "route"); r.Code != 0 || r.Stdout != "" {
		t.Fatalf("the test's network namespace has routes: %s", r)
	}
	for _, mode := range []string{"private", "pasta"} {
		r := env.PMOK("run", "--rm", "--network", mode, "busybox", "ip", "-4", "route", "show", "default")
		if !strings.HasPrefix(r.Stdout, "default via ") {
			t.Errorf("--network %s: container's default route: %q", mode, r.Stdout)
		}
		if n := strings.Count(strings.TrimSpace(r.Stderr), "\n"); r.Stderr != "" && n > 0 {
			t.Errorf("--network %s: more than a one-line notice:\n%s", mode, r.Stderr)
		}
		env.PMOK("run", "-d", "--name", "web", "--network", mode, "-p", "127.0.0.1:8080:80", "busybox", "sh", "-c", httpdCmd)
		env.waitListening("web", 80)
		if r := env.Exec("curl", "-sS", "-m", "10", "http://127.0.0.1:8080/"); r.Code != 0 || r.Stdout != "hello from pm\n" {
			t.Errorf("--network %s: the published port from the namespace's loopback: %s", mode, r)
		}
		env.PMOK("rm", "-f", "-t", "0", "web")
		env.expectNoHelpers("after rm")
	}
}
