package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestNetworkCreateLs: create, ls (filters, -q, --format), inspect in
// netavark's format, exists, rm and prune; bad input is 125.
func TestNetworkCreateLs(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("network", "create", "--subnet", "10.91.0.0/24", "--gateway", "10.91.0.254", "--ip-range", "10.91.0.128/25",
		"--label", "team=a", "--internal", "neta")
	env.PMOK("network", "create", "--disable-dns", "netb")
	// By name, the default network among the others, as Podman.
	if out := env.PMOK("network", "ls", "-q").Stdout; out != "neta\nnetb\npm\n" {
		t.Errorf("ls -q = %q, want neta, netb, pm", out)
	}
	if out := env.PMOK("network", "ls", "--filter", "label=team=a", "--format", "{{.Name}} {{.Driver}}").Stdout; out != "neta bridge\n" {
		t.Errorf("ls label filter = %q", out)
	}
	if out := env.PMOK("network", "ls", "--filter", "name=^net", "-q").Stdout; out != "neta\nnetb\n" {
		t.Errorf("ls name filter = %q", out)
	}
	var nets []struct {
		Name, Driver string
		Subnets      []struct {
			Subnet, Gateway string
			LeaseRange      struct{ StartIP, EndIP string } `json:"lease_range"`
		}
		Internal   bool
		DNSEnabled bool `json:"dns_enabled"`
	}
	if err := json.Unmarshal([]byte(env.PMOK("network", "inspect", "neta", "netb").Stdout), &nets); err != nil || len(nets) != 2 {
		t.Fatalf("inspect: %v %+v", err, nets)
	}
	a := nets[0]
	if a.Subnets[0].Subnet != "10.91.0.0/24" || a.Subnets[0].Gateway != "10.91.0.254" || !a.Internal || !a.DNSEnabled {
		t.Errorf("neta = %+v", a)
	}
	if nets[1].DNSEnabled || !strings.HasPrefix(nets[1].Subnets[0].Subnet, "10.89.") {
		t.Errorf("netb = %+v", nets[1])
	}
	env.PMOK("network", "exists", "neta")
	if res := env.PM("network", "exists", "nosuch"); res.Code != 1 {
		t.Errorf("exists nosuch: %s", res)
	}
	env.PM("network", "create", "neta").ExpectError(t, 125, "already exists")
	env.PM("network", "create", "--subnet", "bogus", "x").ExpectError(t, 125, "--subnet")
	env.PM("network", "create", "--subnet", "10.91.0.0/16", "x").ExpectError(t, 125, "neta")
	env.PM("network", "create", "-d", "macvlan", "x").ExpectError(t, 125, "driver")
	env.PM("network", "rm", "nosuch").ExpectError(t, 1, "network not found")
	env.PM("network", "rm", "pm").ExpectError(t, 125, "default network")
	env.PM("run", "--rm", "--network", "nosuch", "busybox", "true").ExpectError(t, 125, "network not found")
	if out := env.PMOK("network", "ls", "-q").Stdout; out != "neta\nnetb\npm\n" {
		t.Errorf("bad input changed the networks: %q", out)
	}
	env.PMOK("network", "rm", "netb")
	if out := env.PMOK("network", "prune", "-f").Stdout; out != "neta\n" {
		t.Errorf("prune = %q", out)
	}
	if out := env.PMOK("network", "ls", "-q").Stdout; out != "pm\n" {
		t.Errorf("after prune: %q", out)
	}
}

// TestNetworkBridgeDNS: two containers on one network fetch each other's
// httpd by name and alias; a container on another network cannot resolve
// them; the rootless namespace and its helpers go with the last container.
func TestNetworkBridgeDNS(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("network", "create", "front")
	env.PMOK("network", "create", "back")
	env.PMOK("run", "-d", "--name", "web", "--network", "front", "--network-alias", "www", "busybox", "sh", "-c", httpdCmd)
	env.waitListening("web", 80)
	for _, host := range []string{"web", "www"} {
		res := env.PM("run", "--rm", "--network", "front", "busybox", "wget", "-qO-", "http://"+host+"/")
		if res.Code != 0 || res.Stdout != "hello from pm\n" {
			t.Errorf("fetch %s on front: %s", host, res)
		}
	}
	res := env.PM("run", "--rm", "--network", "back", "busybox", "sh", "-c", "nslookup web; wget -qO- http://web/")
	if res.Code == 0 || strings.Contains(res.Stdout, "hello from pm") {
		t.Errorf("back reached web: %s", res)
	}
	ip := env.ctrNetworks("web")["front"].IPAddress
	if ip == "" {
		t.Fatalf("web has no address on front")
	}
	if res := env.PM("run", "--rm", "--network", "back", "busybox", "sh", "-c", "timeout 2 wget -qO- http://"+ip+"/ || exit 1"); res.Code == 0 {
		t.Errorf("back reached web's address %s: %s", ip, res)
	}
	env.PMOK("network", "rm", "-f", "front")
	env.PMOK("network", "rm", "back")
	if ids := env.psIDs(); len(ids) != 0 {
		t.Errorf("network rm -f left containers: %q", ids)
	}
	env.expectNoHelpers("after the bridge containers")
}

// TestNetworkPodmanName: Podman's default network name, podman, is pm's
// default network, until a network of that name is created.
func TestNetworkPodmanName(t *testing.T) {
	env := ctrEnv(t)
	if out := env.PMOK("run", "--rm", "--network", "podman", "busybox", "sh", "-c", "ip -4 addr show eth0").Stdout; !strings.Contains(out, "inet 10.88.") {
		t.Errorf("--network podman is not the default network: %q", out)
	}
	if name := env.PMOK("network", "inspect", "--format", "{{.Name}}", "podman").Stdout; name != "pm\n" {
		t.Errorf("network inspect podman = %q, want pm", name)
	}
	env.PMOK("network", "create", "--subnet", "10.99.7.0/24", "podman")
	if out := env.PMOK("run", "--rm", "--network", "podman", "busybox", "sh", "-c", "ip -4 addr show eth0").Stdout; !strings.Contains(out, "inet 10.99.7.") {
		t.Errorf("--network podman after creating a network of that name: %q", out)
	}
	env.PMOK("network", "rm", "podman")
}
