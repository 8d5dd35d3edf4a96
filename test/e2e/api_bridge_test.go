package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

// dockerEndpoint is one entry of NetworkSettings.Networks, as the
// docker CLI's inspect prints it.
type dockerEndpoint struct {
	IPAddress, Gateway, MacAddress, NetworkID, EndpointID string
	IPPrefixLen                                           int
	Aliases                                               []string
}

// dockerNetSettings is the network part of docker inspect's answer.
type dockerNetSettings struct {
	IPAddress, Gateway, MacAddress string
	IPPrefixLen                    int
	Networks                       map[string]dockerEndpoint
}

func (e *Env) dockerNetSettings(ctr string) dockerNetSettings {
	e.t.Helper()
	var ns dockerNetSettings
	decodeJSON(e.t, e.docker("inspect", "--format", "{{json .NetworkSettings}}", ctr).Stdout, &ns)
	return ns
}

// TestAPIDefaultBridge: the socket has Docker's default network, bridge
// (pm's default network under Docker's name, with a real ID), which
// containers created through the API join by default, with their
// addresses in inspect; docker network connect and disconnect work on
// them; pm's own CLI keeps slirp4netns.
func TestAPIDefaultBridge(t *testing.T) {
	needTool(t, "docker")
	env := newEnv(t)
	svc := env.startService(nil, "--time", "0")
	img := env.Registry + "/busybox"
	env.docker("pull", "-q", img)
	t.Cleanup(func() { env.Exec("docker", "rmi", "-f", img) })

	if out := env.docker("network", "ls", "--format", "{{.Name}} {{.Driver}} {{.Scope}}").Stdout; out != "bridge bridge local\n" {
		t.Errorf("docker network ls: %q, want bridge alone", out)
	}
	var bridge struct {
		Name, Id, Driver string
		IPAM             struct {
			Config []struct{ Subnet, Gateway string }
		}
	}
	code, body := env.curl(svc.Sock, "GET", "/networks/bridge", "")
	if code != "200" {
		t.Fatalf("GET /networks/bridge: %s %s", code, body)
	}
	decodeJSON(t, body, &bridge)
	if bridge.Name != "bridge" || bridge.Driver != "bridge" || !hex64.MatchString(bridge.Id) || strings.Trim(bridge.Id, "0") == "" ||
		len(bridge.IPAM.Config) != 1 || bridge.IPAM.Config[0].Subnet != "10.88.0.0/16" || bridge.IPAM.Config[0].Gateway != "10.88.0.1" {
		t.Errorf("bridge network: %+v", bridge)
	}
	if id := strings.TrimSpace(env.docker("network", "inspect", "--format", "{{.Id}}", bridge.Id[:12]).Stdout); id != bridge.Id {
		t.Errorf("network inspect by short ID: %q, want %s", id, bridge.Id)
	}

	env.docker("run", "-d", "--name", "web", img, "sh", "-c", httpdCmd)
	defer env.Exec("docker", "rm", "-f", "web")
	ns := env.dockerNetSettings("web")
	ep, ok := ns.Networks["bridge"]
	if !ok || len(ns.Networks) != 1 {
		t.Fatalf("web's networks: %+v, want bridge alone", ns.Networks)
	}
	if !strings.HasPrefix(ep.IPAddress, "10.88.") || ep.Gateway != "10.88.0.1" || ep.IPPrefixLen != 16 ||
		ep.MacAddress == "" || ep.NetworkID != bridge.Id || !hex64.MatchString(ep.EndpointID) {
		t.Errorf("web's bridge endpoint: %+v", ep)
	}
	if ns.IPAddress != ep.IPAddress || ns.Gateway != ep.Gateway || ns.MacAddress != ep.MacAddress || ns.IPPrefixLen != 16 {
		t.Errorf("web's top-level network settings: %+v, want those of bridge %+v", ns, ep)
	}
	if out := env.docker("network", "inspect", "--format", "{{range .Containers}}{{.Name}} {{.IPv4Address}}{{end}}", "bridge").Stdout; out != "web "+ep.IPAddress+"/16\n" {
		t.Errorf("bridge's containers: %q", out)
	}
	if out := env.docker("ps", "--format", "{{.Names}} {{.Networks}}").Stdout; out != "web bridge\n" {
		t.Errorf("docker ps networks: %q", out)
	}
	// Containers on the default bridge reach each other by address.
	env.waitListening("web", 80)
	if r := env.Exec("docker", "run", "--rm", img, "wget", "-qO-", "http://"+ep.IPAddress+"/"); r.Code != 0 || r.Stdout != "hello from pm\n" {
		t.Errorf("fetch web by its bridge address: %s", r)
	}

	// connect and disconnect: a user network next to bridge, with DNS.
	env.docker("network", "create", "side")
	defer env.Exec("docker", "network", "rm", "side")
	for filter, want := range map[string]string{"type=builtin": "bridge\n", "type=custom": "side\n", "name=bridge": "bridge\n", "id=" + bridge.Id[:10]: "bridge\n"} {
		if out := env.docker("network", "ls", "--filter", filter, "--format", "{{.Name}}").Stdout; out != want {
			t.Errorf("docker network ls --filter %s: %q, want %q", filter, out, want)
		}
	}
	if r := env.Exec("docker", "network", "ls", "--filter", "type=other"); r.Code == 0 || !strings.Contains(r.Stderr, "type") {
		t.Errorf("docker network ls --filter type=other: exit %d, %s", r.Code, r.Stderr)
	}
	env.docker("network", "connect", "--alias", "www", "side", "web")
	ns = env.dockerNetSettings("web")
	side := ns.Networks["side"]
	if len(ns.Networks) != 2 || !strings.HasPrefix(side.IPAddress, "10.89.") || side.NetworkID == "" || side.NetworkID == bridge.Id {
		t.Errorf("web's networks after connect: %+v", ns.Networks)
	}
	if ns.IPAddress != ep.IPAddress {
		t.Errorf("top-level address after connect: %q, want bridge's %q", ns.IPAddress, ep.IPAddress)
	}
	for _, host := range []string{"web", "www"} {
		if r := env.Exec("docker", "run", "--rm", "--network", "side", img, "wget", "-qO-", "http://"+host+"/"); r.Code != 0 || r.Stdout != "hello from pm\n" {
			t.Errorf("fetch %s on side: %s", host, r)
		}
	}
	env.docker("network", "disconnect", "side", "web")
	if ns = env.dockerNetSettings("web"); len(ns.Networks) != 1 || ns.Networks["bridge"].IPAddress != ep.IPAddress {
		t.Errorf("web's networks after disconnect: %+v", ns.Networks)
	}
	// Disconnected from bridge too, then connected back.
	env.docker("network", "disconnect", "bridge", "web")
	if ns = env.dockerNetSettings("web"); len(ns.Networks) != 0 || ns.IPAddress != "" {
		t.Errorf("web's networks after disconnecting bridge: %+v", ns)
	}
	env.docker("network", "connect", "bridge", "web")
	if ns = env.dockerNetSettings("web"); !strings.HasPrefix(ns.Networks["bridge"].IPAddress, "10.88.") {
		t.Errorf("web's networks after connecting bridge again: %+v", ns.Networks)
	}
	// Docker's legacy links on the default network.
	if r := env.Exec("docker", "run", "--rm", "--link", "web:w", img, "wget", "-qO-", "http://w/"); r.Code != 0 || r.Stdout != "hello from pm\n" {
		t.Errorf("fetch a linked container on bridge: %s", r)
	}

	// Refusals, which change nothing.
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"network", "rm", "bridge"}, "default network"},
		{[]string{"network", "create", "bridge"}, "already exists"},
		{[]string{"network", "connect", "bridge", "web"}, "already connected"},
		{[]string{"network", "connect", "nosuch", "web"}, "not found"},
		{[]string{"network", "disconnect", "side", "web"}, "not connected"},
		{[]string{"run", "--rm", "--network-alias", "x", img, "true"}, "alias"},
	} {
		if r := env.Exec("docker", c.args...); r.Code == 0 || !strings.Contains(r.Stderr, c.msg) {
			t.Errorf("docker %s: exit %d, %q, want an error with %q", strings.Join(c.args, " "), r.Code, r.Stderr, c.msg)
		}
	}
	if out := env.docker("network", "ls", "--format", "{{.Name}}").Stdout; out != "bridge\nside\n" {
		t.Errorf("networks after the refusals: %q", out)
	}
	if out := env.docker("ps", "-a", "--format", "{{.Names}}").Stdout; out != "web\n" {
		t.Errorf("containers after the refusals: %q", out)
	}

	// An explicit NetworkMode bridge is the same network; host is not one.
	code, body = env.curl(svc.Sock, "POST", "/containers/create?name=explicit", `{"Image":"`+img+`","Cmd":["true"],"HostConfig":{"NetworkMode":"bridge"}}`)
	if code != "201" {
		t.Fatalf("create with NetworkMode bridge: %s %s", code, body)
	}
	defer env.Exec("docker", "rm", "-f", "explicit")
	if out := env.docker("inspect", "--format", "{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}", "explicit").Stdout; out != "bridge\n" {
		t.Errorf("NetworkMode bridge joins %q", out)
	}
	env.docker("create", "--name", "onhost", "--network", "host", img, "true")
	defer env.Exec("docker", "rm", "-f", "onhost")
	if r := env.Exec("docker", "network", "connect", "bridge", "onhost"); r.Code == 0 {
		t.Errorf("network connect of a host-network container succeeded")
	}

	// pm's CLI keeps Podman 4's default: slirp4netns for a rootless container.
	var cli []struct{ HostConfig struct{ NetworkMode string } }
	env.PMOK("create", "--name", "clictr", img, "true")
	if err := json.Unmarshal([]byte(env.PMOK("inspect", "clictr").Stdout), &cli); err != nil || len(cli) != 1 || cli[0].HostConfig.NetworkMode != "slirp4netns" {
		t.Errorf("pm create's network mode: %+v %v, want slirp4netns", cli, err)
	}
	env.PMOK("rm", "clictr")

	env.docker("rm", "-f", "web", "explicit", "onhost")
	env.docker("network", "rm", "side")
	env.expectNoHelpers("after the bridge containers")
}

// TestAPIUserNetworkDNS: on a user network, containers run through the
// socket resolve each other by name, alias and short ID (aardvark-dns);
// the default bridge and other networks resolve none of them, as in
// Docker.
func TestAPIUserNetworkDNS(t *testing.T) {
	env, img := dockerBusybox(t)
	env.docker("network", "create", "dnsnet")
	defer env.Exec("docker", "network", "rm", "dnsnet")
	env.docker("network", "create", "othernet")
	defer env.Exec("docker", "network", "rm", "othernet")

	id := strings.TrimSpace(env.docker("run", "-d", "--name", "db", "--network", "dnsnet", "--network-alias", "database", img, "sh", "-c", httpdCmd).Stdout)
	defer env.Exec("docker", "rm", "-f", "db")
	if len(id) != 64 {
		t.Fatalf("docker run -d printed %q", id)
	}
	env.waitListening("db", 80)
	var names []string
	decodeJSON(t, env.docker("inspect", "--format", "{{json .NetworkSettings.Networks.dnsnet.DNSNames}}", "db").Stdout, &names)
	for _, want := range []string{"db", "database", id[:12]} {
		if !strings.Contains(" "+strings.Join(names, " ")+" ", " "+want+" ") {
			t.Errorf("DNSNames %q lack %q", names, want)
		}
		if r := env.Exec("docker", "run", "--rm", "--network", "dnsnet", img, "wget", "-qO-", "http://"+want+"/"); r.Code != 0 || r.Stdout != "hello from pm\n" {
			t.Errorf("fetch %s on dnsnet: %s", want, r)
		}
	}
	for _, mode := range []string{"bridge", "othernet"} {
		if r := env.Exec("docker", "run", "--rm", "--network", mode, img, "nslookup", "db"); r.Code == 0 {
			t.Errorf("db resolved from %s: %s", mode, r)
		}
	}
	env.docker("rm", "-f", "db")
	env.docker("network", "rm", "dnsnet", "othernet")
	env.expectNoHelpers("after the DNS containers")
}
