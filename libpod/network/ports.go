package network

import (
	"errors"
	"fmt"
	"net"
	"strconv"

	"github.com/pm-project/pm/libpod/define"
)

// AssignPorts gives the mappings of ports without a host port a free
// one. Whether the others are free is for ReservePorts to say when the
// container starts: a busy port does not stop a create, as in Podman.
func AssignPorts(ports []define.PortMapping) ([]define.PortMapping, error) {
	out := make([]define.PortMapping, len(ports))
	for i, p := range ports {
		if p.Range == 0 {
			p.Range = 1
		}
		if p.HostPort == 0 {
			hp, err := freePort(p)
			if err != nil {
				return nil, err
			}
			p.HostPort = hp
		}
		out[i] = p
	}
	return out, nil
}

// ReservePorts checks that every host port of ports is free and gives the
// mappings without a host port a free one. pm runs in the host's network
// namespace, so a trial bind here is what pasta's will meet. A port pm
// picked that another process took in the meantime is picked again; a
// port the user named that is busy is an error.
func ReservePorts(ports []define.PortMapping) ([]define.PortMapping, error) {
	out, err := AssignPorts(ports)
	if err != nil {
		return nil, err
	}
	for i := range out {
		p := &out[i]
		for try := 0; ; try++ {
			busy, err := firstBusy(*p)
			if err == nil {
				break
			}
			if ports[i].HostPort != 0 || try == 20 {
				return nil, define.Errorf(define.ErrConflict, "cannot publish %s port %d: %v", p.Protocol, busy, err)
			}
			if p.HostPort, err = freePort(*p); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// firstBusy returns the first port of p's range that cannot be bound, and
// why.
func firstBusy(p define.PortMapping) (int, error) {
	for j := uint16(0); j < p.Range; j++ {
		if err := tryBind(p.Protocol, p.HostIP, p.HostPort+j); err != nil {
			return int(p.HostPort) + int(j), err
		}
	}
	return 0, nil
}

func freePort(p define.PortMapping) (uint16, error) {
	for try := 0; try < 20; try++ {
		l, err := listen(p.Protocol, p.HostIP, 0)
		if err != nil {
			return 0, define.Errorf(define.ErrConflict, "finding a free %s port: %v", p.Protocol, err)
		}
		port := localPort(l)
		l.Close()
		ok := true
		for j := uint16(1); j < p.Range; j++ {
			if tryBind(p.Protocol, p.HostIP, port+j) != nil {
				ok = false
				break
			}
		}
		if ok {
			return port, nil
		}
	}
	return 0, define.Errorf(define.ErrConflict, "no free range of %d %s ports", p.Range, p.Protocol)
}

type closer interface{ Close() error }

func listen(proto, ip string, port uint16) (closer, error) {
	addr := net.JoinHostPort(ip, strconv.Itoa(int(port)))
	switch proto {
	case "udp":
		return net.ListenPacket("udp", addr)
	case "tcp", "":
		return net.Listen("tcp", addr)
	}
	return nil, fmt.Errorf("protocol %s: %w", proto, errors.ErrUnsupported)
}

func tryBind(proto, ip string, port uint16) error {
	l, err := listen(proto, ip, port)
	if err != nil {
		var op *net.OpError
		if errors.As(err, &op) && op.Err != nil {
			return op.Err
		}
		return err
	}
	return l.Close()
}

func localPort(l closer) uint16 {
	switch v := l.(type) {
	case net.Listener:
		return uint16(v.Addr().(*net.TCPAddr).Port)
	case net.PacketConn:
		return uint16(v.LocalAddr().(*net.UDPAddr).Port)
	}
	return 0
}
