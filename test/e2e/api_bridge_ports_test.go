package e2e

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// serveName is a busybox command that serves its container's name.
func serveName(name string) []string {
	return []string{"sh", "-c", "mkdir -p /www; echo " + name + " > /www/index.html; exec httpd -f -p 80 -h /www"}
}

// hostPortOf is the host port docker port gives for a container's port
// 80, after checking its address.
func (e *Env) hostPortOf(ctr, wantIP string) int {
	e.t.Helper()
	out := strings.TrimSpace(e.docker("port", ctr, "80").Stdout)
	ip, port, _ := strings.Cut(strings.Split(out, "\n")[0], ":")
	n, err := strconv.Atoi(port)
	if err != nil || n == 0 || ip != wantIP {
		e.t.Fatalf("docker port %s 80: %q, want %s:PORT", ctr, out, wantIP)
	}
	return n
}

// TestAPIBridgePorts: on Docker's default network and on a user network,
// -P, an empty HostPort and a fixed one publish, as docker port and
// inspect say; a stopped container frees its host port for another.
func TestAPIBridgePorts(t *testing.T) {
	env, img := dockerBusybox(t)
	env.docker("network", "create", "pnet")
	defer env.Exec("docker", "network", "rm", "pnet")

	run := func(name string, args ...string) {
		t.Helper()
		t.Cleanup(func() { env.Exec("docker", "rm", "-f", name) })
		env.docker(append(append(append([]string{"run", "-d", "--name", name}, args...), img), serveName(name)...)...)
		env.waitListening(name, 80)
	}
	fetch := func(port int, want string) {
		t.Helper()
		url := fmt.Sprintf("http://127.0.0.1:%d/", port)
		if body, err := httpGet(t, url); body != want+"\n" {
			t.Errorf("GET %s: %q, %v; want %s", url, body, err, want)
		}
	}

	run("all", "--expose", "80", "-P")
	run("any", "-p", "127.0.0.1::80")
	run("side", "--network", "pnet", "-p", "127.0.0.1::80")
	for _, c := range []struct{ name, ip string }{{"all", "0.0.0.0"}, {"any", "127.0.0.1"}, {"side", "127.0.0.1"}} {
		port := env.hostPortOf(c.name, c.ip)
		fetch(port, c.name)
		var ports map[string][]struct{ HostIp, HostPort string }
		decodeJSON(t, env.docker("inspect", "--format", "{{json .NetworkSettings.Ports}}", c.name).Stdout, &ports)
		if p := ports["80/tcp"]; len(p) != 1 || p[0].HostPort != strconv.Itoa(port) {
			t.Errorf("%s: inspect's ports %v, want 80/tcp on %d", c.name, ports, port)
		}
	}
	nets := env.docker("inspect", "--format", "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}", "all", "side").Stdout
	if nets != "bridge \npnet \n" {
		t.Errorf("networks of all and side: %q", nets)
	}

	// A fixed host port, freed by stop for another container; the first
	// cannot start again while the second holds it.
	fixed := freeHostPort(t)
	pub := fmt.Sprintf("127.0.0.1:%d:80", fixed)
	run("first", "-p", pub)
	fetch(fixed, "first")
	env.docker("stop", "first")
	run("second", "-p", pub)
	fetch(fixed, "second")
	if r := env.Exec("docker", "start", "first"); r.Code == 0 || !strings.Contains(r.Stderr, strconv.Itoa(fixed)) {
		t.Errorf("docker start of first while second holds its port: exit %d, %s", r.Code, r.Stderr)
	}
	if out := env.docker("inspect", "--format", "{{.State.Status}}", "first").Stdout; out != "exited\n" {
		t.Errorf("first after its refused start: %q", out)
	}
	env.docker("rm", "-f", "second")
	env.docker("start", "first")
	env.waitListening("first", 80)
	fetch(fixed, "first")

	env.docker("rm", "-f", "all", "any", "side", "first")
	env.docker("network", "rm", "pnet")
	env.expectNoHelpers("after the published containers")
}
