package e2e

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestNetworkBridgePublish: a container on a user network publishes a
// port on the host's 127.0.0.1 (rootless through rootlesskit's port driver);
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

// freeHostRange returns n consecutive TCP ports free on 127.0.0.1 now.
func freeHostRange(t *testing.T, n int) int {
	t.Helper()
	for try := 0; try < 50; try++ {
		first := freeHostPort(t)
		ok := true
		for i := 1; i < n && ok; i++ {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", first+i))
			if ok = err == nil; ok {
				l.Close()
			}
		}
		if ok {
			return first
		}
	}
	t.Fatalf("no %d consecutive free ports", n)
	return 0
}

// listenerOwner is the comm of the process of e's environment whose
// socket listens on TCP port (host network namespace), or "".
func (e *Env) listenerOwner(port int) string {
	e.t.Helper()
	b, err := os.ReadFile("/proc/net/tcp")
	if err != nil {
		e.t.Fatal(err)
	}
	inode := ""
	suffix := fmt.Sprintf(":%04X", port)
	for _, l := range strings.Split(string(b), "\n") {
		// sl local rem st tx:rx tr:when retrnsmt uid timeout inode
		if f := strings.Fields(l); len(f) > 9 && strings.HasSuffix(f[1], suffix) && f[3] == "0A" {
			inode = f[9]
		}
	}
	if inode == "" {
		return ""
	}
	userns, _ := os.Readlink("/proc/" + strconv.Itoa(e.PausePID()) + "/ns/user")
	for _, p := range listProcs() {
		if p.userns != userns {
			continue
		}
		fds, _ := os.ReadDir("/proc/" + strconv.Itoa(p.pid) + "/fd")
		for _, fd := range fds {
			if l, _ := os.Readlink("/proc/" + strconv.Itoa(p.pid) + "/fd/" + fd.Name()); l == "socket:["+inode+"]" {
				return p.comm
			}
		}
	}
	return ""
}

// TestNetworkBridgePortHelper: a bridged container's published ports (a
// port and a range) are held by its rootlesskit port helper, one per
// container, in the user's namespace; a stop frees them for another
// container at once, which then holds them, and the first cannot start
// while it does (125, as Podman's start); rm leaves no helper.
func TestNetworkBridgePortHelper(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("network", "create", "helpnet")
	hp, rng := freeHostPort(t), freeHostRange(t, 2)
	pub := []string{"--network", "helpnet", "-p", fmt.Sprintf("127.0.0.1:%d:80", hp), "-p", fmt.Sprintf("127.0.0.1:%d-%d:80-81", rng, rng+1)}
	serve := func(name string) []string {
		return []string{"sh", "-c", "mkdir -p /www; echo " + name + " > /www/index.html; httpd -p 81 -h /www; exec httpd -f -p 80 -h /www"}
	}
	run := func(name string) {
		t.Helper()
		env.PMOK(append(append(append([]string{"run", "-d", "--name", name}, pub...), "busybox"), serve(name)...)...)
		env.waitListening(name, 80)
		env.waitListening(name, 81)
	}
	fetch := func(port int, want string) {
		t.Helper()
		url := fmt.Sprintf("http://127.0.0.1:%d/", port)
		if body, err := httpGet(t, url); body != want+"\n" {
			t.Errorf("GET %s: %q, %v; want %s", url, body, err, want)
		}
	}

	run("first")
	for _, p := range []int{hp, rng, rng + 1} {
		fetch(p, "first")
		if owner := env.listenerOwner(p); owner != "pm-rootlessport" {
			t.Errorf("host port %d is held by %q, want the port helper pm-rootlessport", p, owner)
		}
	}
	if n := env.helperProcs()["pm-rootlessport"]; n != 1 {
		t.Errorf("%d port helpers for one container", n)
	}

	// Freed by stop and taken at once, with no wait in between.
	env.PMOK("stop", "-t", "0", "first")
	run("second")
	for _, p := range []int{hp, rng, rng + 1} {
		fetch(p, "second")
	}
	env.PM("start", "first").ExpectError(t, 125, "address already in use")
	if st := env.PMOK("inspect", "--format", "{{.State.Status}}", "first").Stdout; st != "exited\n" {
		t.Errorf("first after its refused start: %q", st)
	}
	if n := env.helperProcs()["pm-rootlessport"]; n != 1 {
		t.Errorf("%d port helpers after a refused start, want second's only", n)
	}
	env.PMOK("rm", "-f", "-t", "0", "second")
	env.expectNoHelpers("after rm -f second")
	env.PMOK("start", "first")
	env.waitListening("first", 80)
	fetch(hp, "first")
	env.PMOK("rm", "-f", "-t", "0", "first")
	env.expectNoHelpers("after rm -f first")
	env.PMOK("network", "rm", "helpnet")
}
