package engine

import (
	"context"
	"fmt"

	"github.com/pm-project/pm/libpod/define"
)

// NetworkInspectReport is a network's configuration (netavark's format)
// with the containers attached to it, as Podman 5 shows them.
type NetworkInspectReport struct {
	*define.Network
	// Containers are the containers whose network is up on it, by ID.
	Containers map[string]NetworkContainer `json:"containers"`
}

// NetworkContainer is one container on a network.
type NetworkContainer struct {
	Name       string                      `json:"name"`
	Interfaces map[string]NetworkInterface `json:"interfaces"`
}

// NetworkInterface is a container's interface on a network.
type NetworkInterface struct {
	Subnets []NetworkAddress `json:"subnets"`
	MAC     string           `json:"mac_address"`
}

// NetworkAddress is an address of an interface, ipnet in CIDR form.
type NetworkAddress struct {
	IPNet   string `json:"ipnet"`
	Gateway string `json:"gateway,omitempty"`
}

// NetworkInspect returns the named networks with their containers.
func (e *Engine) NetworkInspect(ctx context.Context, names []string) ([]NetworkInspectReport, error) {
	var out []NetworkInspectReport
	for _, name := range names {
		n, err := e.rt.Networks().Get(name)
		if err != nil {
			return nil, err
		}
		out = append(out, NetworkInspectReport{Network: n, Containers: map[string]NetworkContainer{}})
	}
	cs, err := e.rt.ListContainers(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		st := c.State.Network
		if st == nil {
			continue
		}
		for _, rep := range out {
			a, ok := st.Networks[rep.Name]
			if !ok {
				continue
			}
			ifc := NetworkInterface{MAC: a.MAC, Subnets: []NetworkAddress{}}
			if a.IP != "" {
				ifc.Subnets = append(ifc.Subnets, NetworkAddress{IPNet: fmt.Sprintf("%s/%d", a.IP, a.Prefix), Gateway: a.Gateway})
			}
			rep.Containers[c.ID()] = NetworkContainer{Name: c.Name(), Interfaces: map[string]NetworkInterface{a.Interface: ifc}}
		}
	}
	return out, nil
}
