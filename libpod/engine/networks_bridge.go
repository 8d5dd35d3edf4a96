package engine

import (
	"context"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/specgen"
)

// rootDefaultNetwork is root's default network mode. Root bridges work
// (netavark in the host's namespace), but pm allocates addresses per
// runroot while a root bridge and its firewall rules are host-wide, so
// two pm instances with different --runroot would hand out one address
// twice: slirp4netns stays the default until allocation is host-wide.
const rootDefaultNetwork = "slirp4netns"

// bridgeRequests resolves a bridge --network value ("bridge" is the
// default network) to the networks the container joins; --network-alias,
// --ip and --mac-address apply to the first. An unknown network is an
// error.
func (e *Engine) bridgeRequests(ctx context.Context, s *specgen.Spec, mode string) (map[string]define.NetworkRequest, error) {
	st := e.rt.Networks()
	out := map[string]define.NetworkRequest{}
	for i, name := range specgen.BridgeNetworks(mode) {
		if name == DockerDefaultNetwork {
			name = st.DefaultName
		}
		n, err := st.Get(name)
		if err != nil {
			return nil, err
		}
		var req define.NetworkRequest
		if ep, ok := s.Net.Endpoints[name]; ok {
			req.Aliases, req.StaticMAC = ep.Aliases, ep.MAC
			if ep.IP != "" {
				req.StaticIPs = []string{ep.IP}
			}
		} else if i == 0 {
			req.Aliases = s.Net.Aliases
			if s.Net.IP != "" {
				req.StaticIPs = []string{s.Net.IP}
			}
			req.StaticMAC = s.Net.MAC
		}
		out[n.Name] = req
	}
	return out, nil
}
