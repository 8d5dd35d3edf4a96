package engine

import (
	"context"

	"github.com/pm-project/pm/libpod/define"
)

// ContainerEndpoint is a container's place on one bridge network, as
// the API's inspect and network inspect show it. IP fields are empty
// while the container is not running.
type ContainerEndpoint struct {
	ContainerID   string
	ContainerName string
	Network       string
	Aliases       []string
	IP            string
	Prefix        int
	Gateway       string
	MAC           string
}

// ContainerEndpoints returns every container's bridge network endpoints,
// by container ID then network name, from one read of the containers.
func (e *Engine) ContainerEndpoints(ctx context.Context) (map[string]map[string]ContainerEndpoint, error) {
	cs, err := e.rt.ListContainers(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]map[string]ContainerEndpoint, len(cs))
	for _, c := range cs {
		if len(c.Config.Networks) == 0 {
			continue
		}
		eps := make(map[string]ContainerEndpoint, len(c.Config.Networks))
		for name, req := range c.Config.Networks {
			ep := ContainerEndpoint{ContainerID: c.ID(), ContainerName: c.Name(), Network: name, Aliases: req.Aliases}
			if st := c.State.Network; st != nil && c.State.Status.Active() {
				if att, ok := st.Networks[name]; ok {
					ep.IP, ep.Prefix, ep.Gateway, ep.MAC = att.IP, att.Prefix, att.Gateway, att.MAC
					if len(att.Aliases) > 0 {
						ep.Aliases = att.Aliases
					}
				}
			}
			eps[name] = ep
		}
		out[c.ID()] = eps
	}
	return out, nil
}

// NetworkGet returns one network by name, ID or unique ID prefix;
// Docker's "bridge" is the default network.
func (e *Engine) NetworkGet(ctx context.Context, nameOrID string) (*define.Network, error) {
	st := e.rt.Networks()
	if nameOrID == "bridge" {
		nameOrID = st.DefaultName
	}
	return st.Get(nameOrID)
}
