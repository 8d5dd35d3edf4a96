package engine

import (
	"context"
	"net"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/events"
	"github.com/pm-project/pm/pkg/specgen"
)

// NetworkConnectRequest is pm network connect's options.
type NetworkConnectRequest struct {
	Network   string
	Container string
	Aliases   []string // --alias, resolved by the network's DNS
	IP        string   // --ip, a static IPv4 address on the network
}

// NetworkConnect attaches a container to a bridge network, at once if it
// is running, else from its next start.
func (e *Engine) NetworkConnect(ctx context.Context, req NetworkConnectRequest) error {
	var nr define.NetworkRequest
	if req.IP != "" {
		if net.ParseIP(req.IP).To4() == nil {
			return define.Invalidf("invalid --ip %q: not an IPv4 address", req.IP)
		}
		nr.StaticIPs = []string{req.IP}
	}
	for _, a := range req.Aliases {
		if err := specgen.ValidName(a); err != nil {
			return define.Invalidf("invalid --alias %q", a)
		}
	}
	nr.Aliases = req.Aliases
	name := req.Network
	if name == DockerDefaultNetwork {
		name = e.rt.Networks().DefaultName
	}
	c, err := e.rt.ConnectNetwork(ctx, req.Container, name, nr)
	if err != nil {
		return err
	}
	e.emit(events.Event{Type: events.Network, Action: "connect", ID: c.ID(), Name: name,
		Attributes: map[string]string{"container": c.Name()}})
	return nil
}

// NetworkDisconnect detaches a container from a bridge network; force
// detaches it even when netavark's teardown fails.
func (e *Engine) NetworkDisconnect(ctx context.Context, netName, ctr string, force bool) error {
	if netName == DockerDefaultNetwork {
		netName = e.rt.Networks().DefaultName
	}
	c, err := e.rt.DisconnectNetwork(ctx, ctr, netName, force)
	if err != nil {
		return err
	}
	e.emit(events.Event{Type: events.Network, Action: "disconnect", ID: c.ID(), Name: netName,
		Attributes: map[string]string{"container": c.Name()}})
	return nil
}
