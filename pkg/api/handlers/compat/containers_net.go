package compat

import (
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
)

// dockerPorts turns pm's port mappings into the Ports of Docker's
// container list: one entry per port of each range.
func dockerPorts(ports []any) []map[string]any {
	out := []map[string]any{}
	for _, p := range ports {
		m, ok := p.(define.PortMapping)
		if !ok {
			continue
		}
		ip := m.HostIP
		if ip == "" {
			ip = "0.0.0.0"
		}
		for i := uint16(0); i < max(m.Range, 1); i++ {
			e := map[string]any{"PrivatePort": m.ContainerPort + i, "Type": m.Protocol}
			if m.HostPort != 0 {
				e["IP"], e["PublicPort"] = ip, m.HostPort+i
			}
			out = append(out, e)
		}
	}
	return out
}

// dockerEndpoints is NetworkSettings.Networks in Docker's shape.
func dockerEndpoints(eps map[string]engine.ContainerEndpoint) map[string]any {
	out := map[string]any{}
	for name, ep := range eps {
		out[name] = map[string]any{
			"IPAMConfig": nil, "Links": nil, "Aliases": nonNil(ep.Aliases), "NetworkID": ep.NetworkID,
			"EndpointID": ep.EndpointID, "Gateway": ep.Gateway, "IPAddress": ep.IP, "IPPrefixLen": ep.Prefix,
			"IPv6Gateway": "", "GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0,
			"MacAddress": ep.MAC, "DriverOpts": nil, "DNSNames": nonNil(append([]string{ep.ContainerName}, ep.Aliases...)),
		}
	}
	return out
}
