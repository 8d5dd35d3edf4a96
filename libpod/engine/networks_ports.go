package engine

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pm-project/pm/libpod"
	"github.com/pm-project/pm/libpod/define"
)

// portsOf is a container's published ports for ps: its mappings, as
// Podman's JSON has them.
func portsOf(c *libpod.Container) []any {
	out := make([]any, 0, len(c.Config.PortMappings))
	for _, p := range c.Config.PortMappings {
		out = append(out, p)
	}
	return out
}

// PortsText is ps's PORTS column: 0.0.0.0:8080->80/tcp, comma-separated.
func PortsText(ports []any) string {
	var s []string
	for _, p := range ports {
		if m, ok := p.(define.PortMapping); ok {
			s = append(s, m.String())
		}
	}
	return strings.Join(s, ", ")
}

// portLines are pm port's lines, "80/tcp -> 0.0.0.0:8080", one per
// port of each range; with privatePort ("80" or "80/udp") only its
// host addresses, as "0.0.0.0:8080".
func portLines(ports []define.PortMapping, privatePort string) ([]string, error) {
	want, proto := uint16(0), ""
	if privatePort != "" {
		p, pr, hasProto := strings.Cut(privatePort, "/")
		n, err := strconv.ParseUint(p, 10, 16)
		if err != nil || n == 0 {
			return nil, define.Invalidf("invalid port %q: use PORT[/PROTOCOL]", privatePort)
		}
		want, proto = uint16(n), "tcp"
		if hasProto {
			proto = strings.ToLower(pr)
		}
	}
	var out []string
	for _, p := range ports {
		ip := p.HostIP
		if ip == "" {
			ip = "0.0.0.0"
		}
		for j := uint16(0); j < max(p.Range, 1); j++ {
			host := fmt.Sprintf("%s:%d", ip, p.HostPort+j)
			switch {
			case want == 0:
				out = append(out, fmt.Sprintf("%d/%s -> %s", p.ContainerPort+j, p.Protocol, host))
			case want == p.ContainerPort+j && proto == p.Protocol:
				out = append(out, host)
			}
		}
	}
	if want != 0 && len(out) == 0 {
		return nil, define.Errorf(define.ErrNotFound, "failed to find published port %q", privatePort)
	}
	return out, nil
}
