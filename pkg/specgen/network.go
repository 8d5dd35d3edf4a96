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
	bridged := IsBridgeMode(s.NetworkMode)
	if !bridged && (len(n.Aliases) > 0 || n.IP != "" || n.MAC != "") {
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
