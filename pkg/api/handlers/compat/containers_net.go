package compat

import (
	"context"

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

// networkIDs maps network names to IDs, for the NetworkID of endpoints;
// a failure leaves the IDs empty.
func (a *api) networkIDs(ctx context.Context) map[string]string {
	ids := map[string]string{}
	if ns, err := a.eng.NetworkList(ctx, nil); err == nil {
		for _, n := range ns {
			ids[n.Name] = n.ID
		}
	}
	return ids
}

// dockerEndpoints is NetworkSettings.Networks in Docker's shape.
func dockerEndpoints(eps map[string]engine.ContainerEndpoint, ids map[string]string) map[string]any {
	out := map[string]any{}
	for name, ep := range eps {
		out[name] = map[string]any{
			"IPAMConfig": nil, "Links": nil, "Aliases": nonNil(ep.Aliases), "NetworkID": ids[name],
			"EndpointID": "", "Gateway": ep.Gateway, "IPAddress": ep.IP, "IPPrefixLen": ep.Prefix,
			"IPv6Gateway": "", "GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0,
			"MacAddress": ep.MAC, "DriverOpts": nil, "DNSNames": nonNil(append([]string{ep.ContainerName}, ep.Aliases...)),
		}
	}
	return out
}

// firstEndpoint is the endpoint Docker's top-level NetworkSettings
// fields describe, when pm's own are empty.
func firstEndpoint(eps map[string]engine.ContainerEndpoint) (engine.ContainerEndpoint, bool) {
	for _, ep := range eps {
		if ep.IP != "" {
			return ep, true
		}
	}
	return engine.ContainerEndpoint{}, false
}
