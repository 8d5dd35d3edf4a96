package specgen

import (
	"net"
	"strconv"
	"strings"

	"github.com/pm-project/pm/libpod/define"
)

// ParsePort parses one -p/--publish value:
// [[ip:][hostPort]:]containerPort[/protocol], where either port may be a
// range a-b (host and container ranges of equal length). A missing host
// port is chosen when the container starts.
func ParsePort(s string) (define.PortMapping, error) {
	bad := func(why string) (define.PortMapping, error) {
		return define.PortMapping{}, define.Invalidf("invalid port %q: %s", s, why)
	}
	spec, proto, hasProto := strings.Cut(s, "/")
	if !hasProto {
		proto = "tcp"
	}
	proto = strings.ToLower(proto)
	if proto != "tcp" && proto != "udp" && proto != "sctp" {
		return bad("protocol must be tcp, udp or sctp")
	}
	var ip, host, ctr string
	// An IPv6 address is written in brackets: [::1]:8080:80.
	if strings.HasPrefix(spec, "[") {
		end := strings.Index(spec, "]")
		if end < 0 {
			return bad("unterminated [ in IPv6 address")
		}
		ip, spec = spec[1:end], strings.TrimPrefix(spec[end+1:], ":")
		parts := strings.Split(spec, ":")
		if len(parts) != 2 {
			return bad("use [IP]:HOST_PORT:CONTAINER_PORT")
		}
		host, ctr = parts[0], parts[1]
	} else {
		parts := strings.Split(spec, ":")
		switch len(parts) {
		case 1:
			ctr = parts[0]
		case 2:
			host, ctr = parts[0], parts[1]
		case 3:
			ip, host, ctr = parts[0], parts[1], parts[2]
		default:
			return bad("use [[IP:][HOST_PORT]:]CONTAINER_PORT[/PROTOCOL]")
		}
	}
	if ip != "" && net.ParseIP(ip) == nil {
		return bad("host address " + strconv.Quote(ip) + " is not an IP address")
	}
	cStart, cLen, err := portRange(ctr)
	if err != nil {
		return bad("container port: " + err.Error())
	}
	m := define.PortMapping{HostIP: ip, ContainerPort: cStart, Range: cLen, Protocol: proto}
	if host != "" {
		hStart, hLen, err := portRange(host)
		if err != nil {
			return bad("host port: " + err.Error())
		}
		if hLen != cLen {
			return bad("host and container port ranges differ in length")
		}
		m.HostPort = hStart
	}
	return m, nil
}

// portRange parses "80" or "8000-8010".
func portRange(s string) (start, n uint16, err error) {
	lo, hi, isRange := strings.Cut(s, "-")
	a, err := port(lo)
	if err != nil {
		return 0, 0, err
	}
	if !isRange {
		return a, 1, nil
	}
	b, err := port(hi)
	if err != nil {
		return 0, 0, err
	}
	if b < a {
		return 0, 0, define.Invalidf("range %s ends before it starts", s)
	}
	return a, b - a + 1, nil
}

func port(s string) (uint16, error) {
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, define.Invalidf("%q is not a number", s)
	}
	if n < 1 || n > 65535 {
		return 0, define.Invalidf("%d is not between 1 and 65535", n)
	}
	return uint16(n), nil
}
