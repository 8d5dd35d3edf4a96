package define

import (
	"fmt"
	"strconv"
	"time"
)

// PortMapping publishes a range of container ports on the host.
type PortMapping struct {
	HostIP        string `json:"host_ip"`        // "" means every address
	ContainerPort uint16 `json:"container_port"` // first port of the range
	HostPort      uint16 `json:"host_port"`      // first host port; 0 until assigned
	Range         uint16 `json:"range"`          // number of ports, at least 1
	Protocol      string `json:"protocol"`       // tcp, udp or sctp
}

// String is Podman's ps form: 0.0.0.0:8080->80/tcp, with ranges as
// 0.0.0.0:8000-8002->80-82/tcp.
func (p PortMapping) String() string {
	ip := p.HostIP
	if ip == "" {
		ip = "0.0.0.0"
	}
	n := max(p.Range, 1)
	rng := func(start uint16) string {
		if n == 1 {
			return strconv.Itoa(int(start))
		}
		return fmt.Sprintf("%d-%d", start, int(start)+int(n)-1)
	}
	return fmt.Sprintf("%s:%s->%s/%s", ip, rng(p.HostPort), rng(p.ContainerPort), p.Protocol)
}

// NetworkStatus is what setting up a container's network produced; it
// lives in the container's state and is cleared at teardown.
type NetworkStatus struct {
	Mode     string // pasta, slirp4netns, bridge
	NSPath   string // the namespace file pm made
	IP       string // the container's first IPv4 address
	Prefix   int
	Gateway  string // reaches the host (host.containers.internal)
	MAC      string
	SlirpPid int `json:",omitempty"`
	// Networks are the bridge networks the container is attached to,
	// by network name.
	Networks map[string]NetworkAttachment `json:",omitempty"`
}

// NetworkAttachment is a container's place on one bridge network.
type NetworkAttachment struct {
	Interface string
	IP        string
	Prefix    int
	Gateway   string
	MAC       string
	DNS       string   `json:",omitempty"` // aardvark-dns's address
	DNSSearch []string `json:",omitempty"` // its search domain, where names resolve
	Aliases   []string `json:",omitempty"`
}

// NetworkRequest is how a container asks to join one bridge network.
type NetworkRequest struct {
	Aliases   []string `json:",omitempty"`
	StaticIPs []string `json:",omitempty"`
	StaticMAC string   `json:",omitempty"`
}

// NameConfig is how a container's /etc/hosts and resolv.conf are made.
type NameConfig struct {
	DNS        []string `json:",omitempty"` // replace the nameservers
	DNSSearch  []string `json:",omitempty"`
	DNSOptions []string `json:",omitempty"`
	AddHosts   []string `json:",omitempty"` // host:ip
	NoHosts    bool     `json:",omitempty"`
	// Links are Docker's legacy links, CONTAINER-ID:ALIAS: at start the
	// container is added to /etc/hosts at its address on a bridge
	// network both are on.
	Links []string `json:",omitempty"`
}

// Network is one network's configuration in netavark's (and Podman's)
// JSON format, stored as NAME.json in the network config directory.
type Network struct {
	Name             string            `json:"name"`
	ID               string            `json:"id"`
	Driver           string            `json:"driver"`
	NetworkInterface string            `json:"network_interface,omitempty"`
	Created          time.Time         `json:"created"`
	Subnets          []Subnet          `json:"subnets,omitempty"`
	IPv6Enabled      bool              `json:"ipv6_enabled"`
	Internal         bool              `json:"internal"`
	DNSEnabled       bool              `json:"dns_enabled"`
	Labels           map[string]string `json:"labels,omitempty"`
	Options          map[string]string `json:"options,omitempty"`
	IPAMOptions      map[string]string `json:"ipam_options,omitempty"`
}

// Subnet is one subnet of a network.
type Subnet struct {
	Subnet     string      `json:"subnet"`
	Gateway    string      `json:"gateway,omitempty"`
	LeaseRange *LeaseRange `json:"lease_range,omitempty"`
}

// LeaseRange limits the addresses given to containers (--ip-range).
type LeaseRange struct {
	StartIP string `json:"start_ip,omitempty"`
	EndIP   string `json:"end_ip,omitempty"`
}
