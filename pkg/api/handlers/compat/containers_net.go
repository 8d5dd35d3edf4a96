package compat

import (
	"net"
	"net/netip"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
)

// dockerPorts turns pm's port mappings into the Ports of Docker's
// container list: one entry per port of each range.
func dockerPorts(ports []any) []container.PortSummary {
	out := []container.PortSummary{}
	for _, p := range ports {
		m, ok := p.(define.PortMapping)
		if !ok {
			continue
		}
		ip := m.HostIP
		if ip == "" {
			ip = "0.0.0.0"
		}
		addr, _ := netip.ParseAddr(ip)
		for i := uint16(0); i < max(m.Range, 1); i++ {
			e := container.PortSummary{PrivatePort: m.ContainerPort + i, Type: m.Protocol}
			if m.HostPort != 0 {
				e.IP, e.PublicPort = addr, m.HostPort+i
			}
			out = append(out, e)
		}
	}
	return out
}

// dockerEndpoints is NetworkSettings.Networks in Docker's shape.
func dockerEndpoints(eps map[string]engine.ContainerEndpoint) map[string]*network.EndpointSettings {
	out := map[string]*network.EndpointSettings{}
	for name, ep := range eps {
		ip, _ := netip.ParseAddr(ep.IP)
		gw, _ := netip.ParseAddr(ep.Gateway)
		mac, _ := net.ParseMAC(ep.MAC)
		out[name] = &network.EndpointSettings{
			Aliases: nonNil(ep.Aliases), NetworkID: ep.NetworkID, EndpointID: ep.EndpointID, Gateway: gw, IPAddress: ip, IPPrefixLen: ep.Prefix,
			MacAddress: network.HardwareAddr(mac), DNSNames: nonNil(append([]string{ep.ContainerName}, ep.Aliases...)),
		}
	}
	return out
}
