package specgen

import (
	"net"
	"strings"

	"github.com/pm-project/pm/libpod/define"
)

// Network is the networking part of a Spec besides its mode.
type Network struct {
	// Ports are -p's mappings; a zero HostPort is chosen at create.
	Ports []define.PortMapping
	// PublishAll (-P) publishes the image's EXPOSE ports on random ports.
	PublishAll bool
	// Aliases, IP and MAC apply to the bridge network the container joins.
	Aliases []string
	IP      string
	MAC     string
	// DNS, DNSSearch and DNSOptions replace the host's in resolv.conf.
	DNS        []string
	DNSSearch  []string
	DNSOptions []string
	// AddHosts are extra host:ip lines for /etc/hosts.
	AddHosts []string
	NoHosts  bool
	// Endpoints are the aliases, address and MAC asked for on bridge
	// networks by name; Aliases, IP and MAC above are the first
	// network's when it has no entry here.
	Endpoints map[string]Endpoint
	// Links are Docker's legacy links, NAME:ALIAS: the running container
	// NAME is in this one's /etc/hosts as ALIAS and NAME, at the address
	// it has on a bridge network both are on.
	Links []string
}

// Endpoint is a container's wish for one bridge network.
type Endpoint struct {
	Aliases []string
	IP      string
	MAC     string
}

// validateNetwork checks the network part of s.
func (s *Spec) validateNetwork() error {
	n := &s.Net
	if n.IP != "" && net.ParseIP(n.IP).To4() == nil {
		return define.Invalidf("invalid --ip %q: not an IPv4 address", n.IP)
	}
	if n.MAC != "" {
		if _, err := net.ParseMAC(n.MAC); err != nil {
			return define.Invalidf("invalid --mac-address %q", n.MAC)
		}
	}
	for _, d := range n.DNS {
		if net.ParseIP(d) == nil {
			return define.Invalidf("invalid --dns %q: not an IP address", d)
		}
	}
	for _, h := range n.AddHosts {
		name, ip, ok := strings.Cut(h, ":")
		if !ok || name == "" || (ip != "host-gateway" && net.ParseIP(ip) == nil) {
			return define.Invalidf("invalid --add-host %q: use HOST:IP", h)
		}
	}
	for name, ep := range n.Endpoints {
		if ep.IP != "" && net.ParseIP(ep.IP).To4() == nil {
			return define.Invalidf("invalid address %q on network %s: not an IPv4 address", ep.IP, name)
		}
		if ep.MAC != "" {
			if _, err := net.ParseMAC(ep.MAC); err != nil {
				return define.Invalidf("invalid MAC address %q on network %s", ep.MAC, name)
			}
		}
	}
	for _, l := range n.Links {
		name, alias, _ := strings.Cut(l, ":")
		if strings.TrimPrefix(name, "/") == "" || strings.ContainsAny(alias, " \t") {
			return define.Invalidf("invalid link %q: use NAME or NAME:ALIAS", l)
		}
	}
	bridged := IsBridgeMode(s.NetworkMode)
	if !bridged && (len(n.Aliases) > 0 || n.IP != "" || n.MAC != "" || len(n.Endpoints) > 0) {
		return define.Invalidf("--network-alias, --ip and --mac-address need a bridge network, not --network %q", s.NetworkMode)
	}

	if (len(n.Ports) > 0 || n.PublishAll) && (s.NetworkMode == "none" || strings.HasPrefix(s.NetworkMode, "container:") || strings.HasPrefix(s.NetworkMode, "ns:")) {
		return define.Invalidf("cannot publish ports with --network %s", s.NetworkMode)
	}
	return nil
}

// IsBridgeMode reports whether a --network value names bridge networks
// (bridge, or network names) rather than a mode.
func IsBridgeMode(mode string) bool {
	switch {
	case mode == "", mode == "none", mode == "host", mode == "private",
		mode == "pasta", mode == "slirp4netns",
		strings.HasPrefix(mode, "pasta:"), strings.HasPrefix(mode, "slirp4netns:"),
		strings.HasPrefix(mode, "ns:"), strings.HasPrefix(mode, "container:"):
		return false
	}
	return true
}

// BridgeNetworks splits a bridge --network value ("bridge", "a,b") into
// network names; "bridge" stays as it is for the caller to resolve.
func BridgeNetworks(mode string) []string {
	var out []string
	for _, n := range strings.Split(mode, ",") {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}
