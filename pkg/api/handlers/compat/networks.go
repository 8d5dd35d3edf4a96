package compat

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/moby/moby/api/types/network"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/pm-project/pm/pkg/api/handlers"
)

func (a *api) networkRoutes() []handlers.Route {
	return []handlers.Route{
		{Method: "GET", Path: "/networks", Handler: a.networkList},
		{Method: "POST", Path: "/networks/create", Handler: a.networkCreate},
		{Method: "POST", Path: "/networks/prune", Handler: a.networkPrune},
		{Method: "GET", Path: "/networks/{id}", Handler: a.networkInspect},
		{Method: "DELETE", Path: "/networks/{id}", Handler: a.networkRemove},
		{Method: "POST", Path: "/networks/{id}/connect", Handler: a.networkConnect},
		{Method: "POST", Path: "/networks/{id}/disconnect", Handler: a.networkDisconnect},
	}
}

// noSuchNetwork rewrites a not-found error with Docker's message.
func noSuchNetwork(err error, id string) error {
	if errors.Is(err, define.ErrNotFound) {
		return define.Errorf(define.ErrNoSuchNetwork, "network %s not found", id)
	}
	return err
}

// dockerNetworkFilters maps Docker's network filters onto pm's: name is a
// substring match in Docker, a regular expression in pm.
func dockerNetworkFilters(r *http.Request) ([]string, error) {
	fs, err := handlers.QueryFilters(r)
	if err != nil {
		return nil, err
	}
	out := fs[:0]
	for _, f := range fs {
		k, v, _ := strings.Cut(f, "=")
		switch k {
		case "name", "label", "driver", "id", "type":
			out = append(out, f)
		case "scope":
			// pm's networks are all local.
		case "dangling":
		default:
			return nil, handlers.BadRequest("invalid filter %q: use name, id, label, driver, type or scope", k+"="+v)
		}
	}
	return out, nil
}

func (a *api) networkList(w http.ResponseWriter, r *http.Request) error {
	filters, err := dockerNetworkFilters(r)
	if err != nil {
		return err
	}
	nets, err := a.eng.DockerNetworkList(r.Context(), filters)
	if err != nil {
		return err
	}
	eps, err := a.eng.ContainerEndpoints(r.Context())
	if err != nil {
		return err
	}
	// From API 1.28 the list leaves the containers out.
	out := make([]any, 0, len(nets))
	for _, n := range nets {
		in := dockerNetwork(n, eps)
		if versionAtLeast(r, "1.28") {
			out = append(out, network.Summary{Network: in.Network})
			continue
		}
		out = append(out, in)
	}
	return handlers.WriteJSON(w, http.StatusOK, out)
}

func (a *api) networkInspect(w http.ResponseWriter, r *http.Request) error {
	n, err := a.lookupNetwork(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	eps, err := a.eng.ContainerEndpoints(r.Context())
	if err != nil {
		return err
	}
	return handlers.WriteJSON(w, http.StatusOK, dockerNetwork(n, eps))
}

// lookupNetwork finds a network by name, ID or unique ID prefix;
// Docker's "bridge" is pm's default network.
func (a *api) lookupNetwork(ctx context.Context, id string) (*define.Network, error) {
	n, err := a.eng.NetworkGet(ctx, id)
	if err != nil {
		return nil, noSuchNetwork(err, id)
	}
	return n, nil
}

// dockerNetwork is n in Docker's shape, with the containers attached.
func dockerNetwork(n *define.Network, eps map[string]map[string]engine.ContainerEndpoint) network.Inspect {
	cfgs := []network.IPAMConfig{}
	for _, s := range n.Subnets {
		var c network.IPAMConfig
		c.Subnet, _ = netip.ParsePrefix(s.Subnet)
		c.Gateway, _ = netip.ParseAddr(s.Gateway)
		if s.LeaseRange != nil && s.LeaseRange.StartIP != "" {
			c.IPRange = rangePrefix(s.LeaseRange.StartIP, s.LeaseRange.EndIP)
		}
		cfgs = append(cfgs, c)
	}
	ctrs := map[string]network.EndpointResource{}
	for id, byNet := range eps {
		ep, ok := byNet[n.Name]
		if !ok {
			continue
		}
		res := network.EndpointResource{Name: ep.ContainerName, EndpointID: ep.EndpointID}
		if ip, err := netip.ParseAddr(ep.IP); err == nil {
			res.IPv4Address = netip.PrefixFrom(ip, ep.Prefix)
		}
		if mac, err := net.ParseMAC(ep.MAC); err == nil {
			res.MacAddress = network.HardwareAddr(mac)
		}
		ctrs[id] = res
	}
	return network.Inspect{
		Network: network.Network{
			Name: n.Name, ID: n.ID, Created: n.Created, Scope: "local", Driver: n.Driver,
			EnableIPv4: true, EnableIPv6: n.IPv6Enabled,
			IPAM:     network.IPAM{Driver: "default", Options: map[string]string{}, Config: cfgs},
			Internal: n.Internal, Options: nonNilMap(n.Options), Labels: nonNilMap(n.Labels),
		},
		Containers: ctrs,
	}
}

// rangePrefix is the prefix whose addresses run from start to end, as
// Docker's IPRange says it; the zero prefix when there is none.
func rangePrefix(start, end string) netip.Prefix {
	s, err1 := netip.ParseAddr(start)
	e, err2 := netip.ParseAddr(end)
	if err1 != nil || err2 != nil || !s.Is4() || !e.Is4() {
		return netip.Prefix{}
	}
	a, b := s.As4(), e.As4()
	lo, hi := binary.BigEndian.Uint32(a[:]), binary.BigEndian.Uint32(b[:])
	for bits := 32; bits >= 0; bits-- {
		size := uint64(1) << (32 - bits)
		if uint64(lo)%size == 0 && uint64(lo)+size-1 == uint64(hi) {
			return netip.PrefixFrom(s, bits)
		}
	}
	return netip.Prefix{}
}

func (a *api) networkCreate(w http.ResponseWriter, r *http.Request) error {
	var b network.CreateRequest
	if err := handlers.DecodeJSON(r, &b); err != nil {
		return err
	}
	switch {
	case b.EnableIPv4 != nil && !*b.EnableIPv4:
		return handlers.BadRequest("invalid network %s: pm networks are IPv4 networks (EnableIPv4)", b.Name)
	case b.Scope != "" && b.Scope != "local":
		return handlers.BadRequest("invalid network %s: scope %q: pm networks are local", b.Name, b.Scope)
	case b.Ingress, b.ConfigOnly, b.ConfigFrom != nil && b.ConfigFrom.Network != "":
		return handlers.BadRequest("invalid network %s: ingress and config-only networks are swarm's: pm has none", b.Name)
	}
	if b.Name == "" {
		return handlers.BadRequest("network name is required (Name)")
	}
	if b.EnableIPv6 != nil && *b.EnableIPv6 {
		return handlers.BadRequest("invalid network %s: pm networks are IPv4 only (EnableIPv6)", b.Name)
	}
	req := engine.NetworkCreateRequest{Name: b.Name, Driver: b.Driver, Internal: b.Internal, Labels: b.Labels}
	if b.IPAM != nil {
		if d := b.IPAM.Driver; d != "" && d != "default" && d != "host-local" {
			return handlers.BadRequest("invalid IPAM driver %q: use default", d)
		}
		switch len(b.IPAM.Config) {
		case 0:
		case 1:
			c := b.IPAM.Config[0]
			if len(c.AuxAddress) > 0 {
				return handlers.BadRequest("invalid IPAM config: AuxiliaryAddresses are not supported by pm's networks")
			}
			if c.Subnet.IsValid() {
				req.Subnet = c.Subnet.String()
			}
			if c.Gateway.IsValid() {
				req.Gateway = c.Gateway.String()
			}
			if c.IPRange.IsValid() {
				req.IPRange = c.IPRange.String()
			}
		default:
			return handlers.BadRequest("invalid IPAM config: pm networks have one subnet, got %d", len(b.IPAM.Config))
		}
	}
	if _, err := a.eng.NetworkGet(r.Context(), b.Name); err == nil {
		return define.Errorf(define.ErrAlreadyExists, "network with name %s already exists", b.Name)
	}
	n, err := a.eng.NetworkCreate(r.Context(), req)
	if err != nil {
		return err
	}
	return handlers.WriteJSON(w, http.StatusCreated, network.CreateResponse{ID: n.ID})
}

func (a *api) networkRemove(w http.ResponseWriter, r *http.Request) error {
	n, err := a.lookupNetwork(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if _, err := a.eng.NetworkRemove(r.Context(), n.ID, false); err != nil {
		if errors.Is(err, define.ErrInvalidArg) {
			// The default network, which Docker refuses with 403.
			return handlers.WithStatus(http.StatusForbidden, err)
		}
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// networkConnect attaches a container to a network, at once when it
// runs, else from its next start.
func (a *api) networkConnect(w http.ResponseWriter, r *http.Request) error {
	var b network.ConnectRequest
	if err := handlers.DecodeJSON(r, &b); err != nil {
		return err
	}
	n, err := a.networkAndContainer(r, b.Container)
	if err != nil {
		return err
	}
	req := engine.NetworkConnectRequest{Network: n.Name, Container: b.Container}
	if ep := b.EndpointConfig; ep != nil {
		req.Aliases = ep.Aliases
		if ep.IPAMConfig != nil && ep.IPAMConfig.IPv4Address.IsValid() {
			req.IP = ep.IPAMConfig.IPv4Address.String()
		}
	}
	if err := a.eng.NetworkConnect(r.Context(), req); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

func (a *api) networkDisconnect(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		Container string
		Force     bool
	}
	if err := handlers.DecodeJSON(r, &b); err != nil {
		return err
	}
	n, err := a.networkAndContainer(r, b.Container)
	if err != nil {
		return err
	}
	if err := a.eng.NetworkDisconnect(r.Context(), n.Name, b.Container, b.Force); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// networkAndContainer checks the network of the path and the container
// of the body, with Docker's not-found messages.
func (a *api) networkAndContainer(r *http.Request, ctr string) (*define.Network, error) {
	if ctr == "" {
		return nil, handlers.BadRequest("container is required (Container)")
	}
	n, err := a.lookupNetwork(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if _, err := a.inspectOne(r.Context(), ctr); err != nil {
		return nil, err
	}
	return n, nil
}
