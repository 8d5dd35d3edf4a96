package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/pm-project/pm/libpod/define"
)

// DockerDefaultNetwork is Docker's name of its default network. The
// Docker API shows pm's default network under this name, and the
// containers it creates join that network unless they name another.
const DockerDefaultNetwork = "bridge"

// ContainerEndpoint is a container's place on one bridge network, as
// the API's inspect and network inspect show it. IP fields are empty
// while the container is not running.
type ContainerEndpoint struct {
	ContainerID   string
	ContainerName string
	Network       string // Docker's name: bridge for the default network
	NetworkID     string
	EndpointID    string // set while the container is attached
	Aliases       []string
	IP            string
	Prefix        int
	Gateway       string
	MAC           string
}

// ContainerEndpoints returns every container's bridge network endpoints,
// by container ID then network name (the default network's Docker's
// bridge), from one read of the containers.
func (e *Engine) ContainerEndpoints(ctx context.Context) (map[string]map[string]ContainerEndpoint, error) {
	cs, err := e.rt.ListContainers(ctx)
	if err != nil {
		return nil, err
	}
	st := e.rt.Networks()
	ids := map[string]string{}
	if nets, err := st.List(); err == nil {
		for _, n := range nets {
			ids[n.Name] = n.ID
		}
	}
	out := make(map[string]map[string]ContainerEndpoint, len(cs))
	for _, c := range cs {
		if len(c.Config.Networks) == 0 {
			continue
		}
		eps := make(map[string]ContainerEndpoint, len(c.Config.Networks))
		for name, req := range c.Config.Networks {
			ep := ContainerEndpoint{ContainerID: c.ID(), ContainerName: c.Name(), Network: e.dockerNetworkName(name),
				NetworkID: ids[name], Aliases: req.Aliases}
			if st := c.State.Network; st != nil && c.State.Status.Active() {
				if att, ok := st.Networks[name]; ok {
					ep.IP, ep.Prefix, ep.Gateway, ep.MAC = att.IP, att.Prefix, att.Gateway, att.MAC
					ep.EndpointID = endpointID(c.ID(), ep.NetworkID, att.Interface)
					if len(att.Aliases) > 0 {
						ep.Aliases = att.Aliases
					}
				}
			}
			eps[ep.Network] = ep
		}
		out[c.ID()] = eps
	}
	return out, nil
}

// endpointID is a container's 64-hex endpoint ID on a network: stable
// while it stays attached through one interface.
func endpointID(ctrID, netID, ifc string) string {
	sum := sha256.Sum256([]byte(ctrID + "/" + netID + "/" + ifc))
	return hex.EncodeToString(sum[:])
}

// dockerNetworkName is a network's name as the Docker API shows it.
func (e *Engine) dockerNetworkName(name string) string {
	if name == e.rt.Networks().DefaultName {
		return DockerDefaultNetwork
	}
	return name
}

// dockerNetwork is n as the Docker API shows it: the default network,
// copied, under Docker's name.
func (e *Engine) dockerNetwork(n *define.Network) *define.Network {
	if name := e.dockerNetworkName(n.Name); name != n.Name {
		c := *n
		c.Name = name
		return &c
	}
	return n
}

// NetworkGet returns one network, as the Docker API shows it, by name,
// ID or unique ID prefix; bridge is the default network.
func (e *Engine) NetworkGet(ctx context.Context, nameOrID string) (*define.Network, error) {
	st := e.rt.Networks()
	if nameOrID == DockerDefaultNetwork {
		nameOrID = st.DefaultName
	}
	n, err := st.Get(nameOrID)
	if err != nil {
		return nil, err
	}
	return e.dockerNetwork(n), nil
}

// DockerNetworkList is NetworkList as the Docker API shows it: the
// default network is bridge, and the filters see that name. Docker's
// type filter is builtin (bridge) or custom (the others).
func (e *Engine) DockerNetworkList(ctx context.Context, filters []string) ([]*define.Network, error) {
	all, err := e.rt.Networks().List()
	if err != nil {
		return nil, err
	}
	var rest []string
	types := map[string]bool{}
	for _, f := range filters {
		k, v, _ := strings.Cut(f, "=")
		if k != "type" {
			rest = append(rest, f)
			continue
		}
		if v != "builtin" && v != "custom" {
			return nil, define.Invalidf("invalid filter: 'type'='%s': use builtin or custom", v)
		}
		types[v] = true
	}
	var out []*define.Network
	for _, n := range all {
		n = e.dockerNetwork(n)
		typ := "custom"
		if n.Name == DockerDefaultNetwork {
			typ = "builtin"
		}
		if len(types) == 0 || types[typ] {
			out = append(out, n)
		}
	}
	return filterNetworks(out, rest)
}
