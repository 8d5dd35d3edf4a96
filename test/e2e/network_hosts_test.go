package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeContainersConf writes the user's containers.conf.
func (e *Env) writeContainersConf(t *testing.T, content string) {
	t.Helper()
	conf := filepath.Join(e.ConfigHome, "containers", "containers.conf")
	if err := os.MkdirAll(filepath.Dir(conf), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(conf, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestHostsConf: containers.conf's base_hosts_file entries (comments
// dropped) come into /etc/hosts with --add-host's, host_containers_internal_ip
// names host.containers.internal, and pm's own entry for the container
// (hostname and name, as Podman writes them) is left out when a base entry
// has its name. A relative base_hosts_file or an address that is none is
// refused (125), creating nothing.
func TestHostsConf(t *testing.T) {
	env := ctrEnv(t)
	base := env.Path("basehosts")
	if err := os.WriteFile(base, []byte("172.21.7.5 baseone\n172.21.7.6 basetwo #a comment\n# 172.21.7.7 gone\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env.writeContainersConf(t, "[containers]\nbase_hosts_file = \""+base+"\"\nhost_containers_internal_ip = \"172.22.3.4\"\n")

	out := env.PMOK("run", "--rm", "--add-host", "added:172.23.1.1", "busybox", "cat", "/etc/hosts").Stdout
	for _, want := range []string{"127.0.0.1\tlocalhost ", "::1\tlocalhost ", "172.23.1.1\tadded\n", "172.21.7.5\tbaseone\n",
		"172.21.7.6\tbasetwo\n", "172.22.3.4\thost.containers.internal host.docker.internal\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("/etc/hosts lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "\n"); n != 7 || strings.Contains(out, "gone") || strings.Contains(out, "comment") {
		t.Errorf("/etc/hosts has %d lines, want 7 (localhost twice, --add-host, 2 base entries, the container's, host.containers.internal):\n%s", n, out)
	}

	out = env.PMOK("run", "--rm", "--name", "baseone", "--hostname", "baseone", "busybox", "cat", "/etc/hosts").Stdout
	if n := strings.Count(out, "\n"); n != 5 || strings.Count(out, "baseone") != 1 {
		t.Errorf("container named as a base entry: /etc/hosts has %d lines, want 5 and the base's baseone alone:\n%s", n, out)
	}

	env.writeContainersConf(t, "")
	out = env.PMOK("run", "--rm", "--name", "same", "--hostname", "same", "busybox", "cat", "/etc/hosts").Stdout
	if !strings.Contains(out, "\tsame same\n") {
		t.Errorf("hostname and name alike: want both on the container's line (as Podman):\n%s", out)
	}

	before := env.psIDs()
	env.writeContainersConf(t, "[containers]\nbase_hosts_file = \"relative/hosts\"\n")
	env.PM("run", "--rm", "busybox", "true").ExpectError(t, 125, `base_hosts_file "relative/hosts": must be an absolute path, image or none`)
	env.writeContainersConf(t, "[containers]\nhost_containers_internal_ip = \"bogus\"\n")
	env.PM("create", "busybox", "true").ExpectError(t, 125, `host_containers_internal_ip "bogus": not an IP address`)
	env.writeContainersConf(t, "")
	env.expectNoNewContainers(before, "after the refused containers.conf values")
}

// TestPodHostsMemberStops: a pod member's name leaves the pod's shared
// /etc/hosts when it stops, so a later member sees its own name and not
// the stopped one's.
func TestPodHostsMemberStops(t *testing.T) {
	env := podEnv(t)
	env.PMOK("pod", "create", "--name", "hp", "--infra-name", "hp-infra")
	first := env.PMOK("run", "--pod", "hp", "--name", "first", "busybox", "cat", "/etc/hosts").Stdout
	if !strings.Contains(first, "127.0.0.1\tfirst\n") || !strings.Contains(first, "\thp hp-infra\n") {
		t.Fatalf("first member's /etc/hosts:\n%s", first)
	}
	second := env.PMOK("run", "--pod", "hp", "--name", "second", "busybox", "cat", "/etc/hosts").Stdout
	if strings.Contains(second, "first") || !strings.Contains(second, "127.0.0.1\tsecond\n") {
		t.Errorf("second member's /etc/hosts, want its name and not the stopped first's:\n%s", second)
	}
	if a, b := strings.Count(first, "\n"), strings.Count(second, "\n"); a != b {
		t.Errorf("/etc/hosts of the second member has %d lines, the first's %d", b, a)
	}
	// A member started again is named again.
	// start returns once the container runs: its output is all there
	// once it has exited.
	env.PMOK("start", "first")
	env.PMOK("wait", "first")
	if out := env.PMOK("logs", "first").Stdout; strings.Count(out, "127.0.0.1\tfirst\n") != 2 {
		t.Errorf("first member run twice: want its name in /etc/hosts both times:\n%s", out)
	}
}

// TestNetworkDNSSearch: on a network with DNS, resolv.conf searches the
// domain aardvark-dns serves (netavark's dns.podman), as in Podman, so a
// container's short name resolves; --dns-search replaces it; a network
// without DNS has none.
func TestNetworkDNSSearch(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("network", "create", "--subnet", "10.93.0.0/24", "dnsnet")
	env.PMOK("network", "create", "--disable-dns", "nodnsnet")
	out := env.PMOK("run", "--rm", "--network", "dnsnet", "busybox", "cat", "/etc/resolv.conf").Stdout
	if !strings.HasPrefix(out, "search dns.podman\n") || !strings.Contains(out, "nameserver 10.93.0.1\n") {
		t.Errorf("resolv.conf on a network with DNS:\n%s", out)
	}
	out = env.PMOK("run", "--rm", "--network", "dnsnet", "--dns-search", "example.com", "busybox", "cat", "/etc/resolv.conf").Stdout
	if !strings.HasPrefix(out, "search example.com\n") {
		t.Errorf("resolv.conf with --dns-search example.com:\n%s", out)
	}
	out = env.PMOK("run", "--rm", "--network", "nodnsnet", "busybox", "cat", "/etc/resolv.conf").Stdout
	if strings.Contains(out, "dns.podman") {
		t.Errorf("resolv.conf on a network without DNS:\n%s", out)
	}
}
