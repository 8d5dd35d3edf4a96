package e2e

import (
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"testing"
)

const httpdCmd = "httpd -f -p 80 -h /var/www"

// TestNetworkPublish: -p publishes busybox httpd on a host port, with an
// address, a range and udp; ps, port and inspect show the mappings.
func TestNetworkPublish(t *testing.T) {
	env := ctrEnv(t)
	hp := freeHostPort(t)
	env.PMOK("run", "-d", "--name", "web", "-p", fmt.Sprintf("127.0.0.1:%d:80", hp), "-p", "5353:53/udp", "busybox", "sh", "-c", httpdCmd)
	if body, err := httpGet(t, fmt.Sprintf("http://127.0.0.1:%d/", hp)); err != nil || body != "hello from pm\n" {
		t.Fatalf("GET published port: %q, %v", body, err)
	}
	want := fmt.Sprintf("80/tcp -> 127.0.0.1:%d\n53/udp -> 0.0.0.0:5353\n", hp)
	if out := env.PMOK("port", "web").Stdout; out != want {
		t.Errorf("port web = %q, want %q", out, want)
	}
	if out := env.PMOK("port", "web", "80").Stdout; out != fmt.Sprintf("127.0.0.1:%d\n", hp) {
		t.Errorf("port web 80 = %q", out)
	}
	ps := env.PMOK("ps", "--format", "{{.Ports}}").Stdout
	if want := fmt.Sprintf("127.0.0.1:%d->80/tcp, 0.0.0.0:5353->53/udp\n", hp); ps != want {
		t.Errorf("ps PORTS = %q, want %q", ps, want)
	}
	var data []struct {
		NetworkSettings struct {
			Ports     map[string][]struct{ HostIp, HostPort string }
			IPAddress string
		}
		HostConfig struct {
			PortBindings map[string][]struct{ HostIp, HostPort string }
			NetworkMode  string
		}
	}
	if err := json.Unmarshal([]byte(env.PMOK("inspect", "web").Stdout), &data); err != nil || len(data) != 1 {
		t.Fatalf("inspect: %v", err)
	}
	d := data[0]
	if p := d.NetworkSettings.Ports["80/tcp"]; len(p) != 1 || p[0].HostPort != fmt.Sprint(hp) || p[0].HostIp != "127.0.0.1" {
		t.Errorf("inspect Ports[80/tcp] = %+v", p)
	}
	if p := d.HostConfig.PortBindings["53/udp"]; len(p) != 1 || p[0].HostPort != "5353" {
		t.Errorf("inspect PortBindings[53/udp] = %+v", p)
	}
	if d.HostConfig.NetworkMode != "slirp4netns" || d.NetworkSettings.IPAddress != "10.0.2.100" {
		t.Errorf("inspect NetworkMode %q, IPAddress %q", d.HostConfig.NetworkMode, d.NetworkSettings.IPAddress)
	}
	// The port stays published across a restart.
	env.PMOK("restart", "-t", "0", "web")
	if body, err := httpGet(t, fmt.Sprintf("http://127.0.0.1:%d/", hp)); err != nil || body != "hello from pm\n" {
		t.Errorf("GET after restart: %q, %v", body, err)
	}
	env.PMOK("rm", "-f", "-t", "0", "web")
	env.expectNoHelpers("after rm -f")
}

// TestNetworkPublishRangeAndAll: a range publishes each port; -P gives
// the image's EXPOSE 80 a random host port; -p 80 picks one too.
func TestNetworkPublishRangeAndAll(t *testing.T) {
	env := ctrEnv(t)
	hp := freeHostPort(t)
	for hp > 65000 {
		hp = freeHostPort(t)
	}
	env.PMOK("run", "-d", "--name", "rng", "-p", fmt.Sprintf("%d-%d:80-81", hp, hp+1), "busybox", "sh", "-c",
		"httpd -p 81 -h /var/www; "+httpdCmd)
	for _, p := range []int{hp, hp + 1} {
		if body, err := httpGet(t, fmt.Sprintf("http://127.0.0.1:%d/", p)); err != nil || body != "hello from pm\n" {
			t.Errorf("GET range port %d: %q, %v", p, body, err)
		}
	}
	env.PMOK("run", "-d", "--name", "all", "-P", "busybox", "sh", "-c", httpdCmd)
	lines := env.PMOK("port", "all").Lines()
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "80/tcp -> 0.0.0.0:") {
		t.Fatalf("port all = %q", lines)
	}
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(lines[0], "80/tcp -> "))
	if body, err := httpGet(t, "http://127.0.0.1:"+port+"/"); err != nil || body != "hello from pm\n" {
		t.Errorf("GET -P port %s: %q, %v", port, body, err)
	}
	out := env.PMOK("inspect", "--format", "{{.HostConfig.PublishAllPorts}}", "all").Stdout
	if strings.TrimSpace(out) != "true" {
		t.Errorf("PublishAllPorts = %q", out)
	}
	env.PMOK("rm", "-f", "-t", "0", "rng", "all")
	env.expectNoHelpers("after rm -f")
}

// TestNetworkPublishErrors: bad specs are exit 125, one line, and create
// nothing. A busy host port does not stop a create; the container cannot
// start (run: 126, start: 125, as Podman), and run --rm leaves nothing.
func TestNetworkPublishErrors(t *testing.T) {
	env := ctrEnv(t)
	l, err := net.Listen("tcp", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	busy := l.Addr().(*net.TCPAddr).Port
	before := env.psIDs()
	cases := []struct {
		args []string
		msg  string
	}{
		{[]string{"-p", "99999:80"}, "99999"},
		{[]string{"-p", "abc"}, "abc"},
		{[]string{"-p", "80:80/sctpx"}, "protocol"},
		{[]string{"-p", "1000-1001:80"}, "ranges differ"},
		{[]string{"--network", "none", "-p", "8080:80"}, "cannot publish"},
		{[]string{"--network", "slirp4netns:bogus=1"}, "bogus"},
		{[]string{"--network", "ns:/nonexistent/ns"}, "/nonexistent/ns"},
		{[]string{"--network", "container:nosuch"}, "nosuch"},
	}
	for _, c := range cases {
		for _, verb := range []string{"run", "create"} {
			args := append(append([]string{verb, "-d"}, c.args...), "busybox", "true")
			if verb == "create" {
				args = append(append([]string{verb}, c.args...), "busybox", "true")
			}
			env.PM(args...).ExpectError(t, 125, c.msg)
		}
	}
	env.expectNoNewContainers(before, "bad network flags")
	env.expectNoHelpers("after bad network flags")

	msg := fmt.Sprintf("cannot publish tcp port %d: bind: address already in use", busy)
	env.PM("run", "-d", "--rm", "-p", fmt.Sprintf("%d:80", busy), "busybox", "top").ExpectError(t, 126, msg)
	env.expectNoNewContainers(before, "run --rm with a busy port")
	env.PM("run", "-d", "--name", "busyport", "-p", fmt.Sprintf("%d:80", busy), "busybox", "top").ExpectError(t, 126, msg)
	if st := env.ctrField("busyport", ".State"); st != "created" {
		t.Errorf("run with a busy port: container state %q, want created", st)
	}
	env.PMOK("create", "--name", "busyport2", "-p", fmt.Sprintf("%d:80", busy), "busybox", "top")
	env.PM("start", "busyport2").ExpectError(t, 125, msg)
	env.expectNoHelpers("after busy ports")
	// Once the port is free the container runs.
	l.Close()
	env.PMOK("start", "busyport2")
	env.PMOK("rm", "-f", "-t", "0", "busyport", "busyport2")
	env.expectNoHelpers("after rm")
}
