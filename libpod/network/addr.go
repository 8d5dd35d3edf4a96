package network

import (
	"net"
)

// Addr is a namespace's first IPv4 address on a non-loopback interface
// and its default gateway.
type Addr struct {
	IP      net.IP
	Prefix  int
	MAC     string
	Gateway net.IP
}

// NSAddr reads the address and gateway of the namespace at nsPath. A
// namespace without an address gives a zero Addr.
func NSAddr(nsPath string) (Addr, error) {
	var a Addr
	err := InNS(nsPath, func() error {
		ifs, err := net.Interfaces()
		if err != nil {
			return err
		}
		for _, ifc := range ifs {
			if ifc.Flags&net.FlagLoopback != 0 {
				continue
			}
			addrs, err := ifc.Addrs()
			if err != nil {
				continue
			}
			for _, ad := range addrs {
				ipn, ok := ad.(*net.IPNet)
				if !ok || ipn.IP.To4() == nil {
					continue
				}
				a.IP = ipn.IP.To4()
				a.Prefix, _ = ipn.Mask.Size()
				a.MAC = ifc.HardwareAddr.String()
				break
			}
			if a.IP != nil {
				break
			}
		}
		return nil
	})
	if err != nil {
		return a, err
	}
	a.Gateway, err = Gateway(nsPath)
	return a, err
}

// HostIP is the host's first IPv4 address on an interface that is up and
// not loopback, or nil: where a rootless container that cannot reach the
// host's loopback (slirp4netns without allow_host_loopback) reaches the
// host, as Podman's host.containers.internal does. It is read in the
// calling thread's network namespace, the host's.
func HostIP() net.IP {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil
	}
	for _, ifc := range ifs {
		if ifc.Flags&net.FlagLoopback != 0 || ifc.Flags&net.FlagUp == 0 {
			continue
		}
		addrs, err := ifc.Addrs()
		if err != nil {
			continue
		}
		for _, ad := range addrs {
			if ipn, ok := ad.(*net.IPNet); ok && ipn.IP.IsGlobalUnicast() && ipn.IP.To4() != nil {
				return ipn.IP.To4()
			}
		}
	}
	return nil
}
