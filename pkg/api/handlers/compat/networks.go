package compat

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

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
	out := make([]map[string]any, 0, len(nets))
	for _, n := range nets {
		out = append(out, dockerNetwork(n, eps))
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
func dockerNetwork(n *define.Network, eps map[string]map[string]engine.ContainerEndpoint) map[string]any {
	cfgs := []map[string]string{}
	for _, s := range n.Subnets {
		c := map[string]string{"Subnet": s.Subnet}
		if s.Gateway != "" {
			c["Gateway"] = s.Gateway
		}
		if s.LeaseRange != nil && s.LeaseRange.StartIP != "" {
			c["IPRange"] = s.LeaseRange.StartIP + "-" + s.LeaseRange.EndIP
		}
		cfgs = append(cfgs, c)
	}
	ctrs := map[string]any{}
	for id, byNet := range eps {
		ep, ok := byNet[n.Name]
		if !ok {
			continue
		}
		addr := ""
		if ep.IP != "" {
			addr = fmt.Sprintf("%s/%d", ep.IP, ep.Prefix)
		}
		ctrs[id] = map[string]string{"Name": ep.ContainerName, "EndpointID": ep.EndpointID, "MacAddress": ep.MAC, "IPv4Address": addr, "IPv6Address": ""}
	}
	opts := nonNilMap(n.Options)
	return map[string]any{
		"Name": n.Name, "Id": n.ID, "Created": n.Created, "Scope": "local", "Driver": n.Driver,
		"EnableIPv6": n.IPv6Enabled,
		"IPAM":       map[string]any{"Driver": "default", "Options": map[string]string{}, "Config": cfgs},
		"Internal":   n.Internal, "Attachable": false, "Ingress": false,
		"ConfigFrom": map[string]string{"Network": ""}, "ConfigOnly": false,
		"Containers": ctrs, "Options": opts, "Labels": nonNilMap(n.Labels),
	}
}

type networkCreateBody struct {
	Name           string
	CheckDuplicate bool
	Driver         string
	Internal       bool
	EnableIPv6     bool
	Attachable     bool
	IPAM           *struct {
		Driver string
		Config []struct {
			Subnet  string
			Gateway string
			IPRange string
		}
	}
	Options map[string]string
	Labels  map[string]string
}

func (a *api) networkCreate(w http.ResponseWriter, r *http.Request) error {
	var b networkCreateBody
	if err := handlers.DecodeJSON(r, &b); err != nil {
		return err
	}
	if b.Name == "" {
		return handlers.BadRequest("network name is required (Name)")
	}
	if b.EnableIPv6 {
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
			req.Subnet, req.Gateway, req.IPRange = c.Subnet, c.Gateway, c.IPRange
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
	return handlers.WriteJSON(w, http.StatusCreated, map[string]string{"Id": n.ID, "Warning": ""})
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
	var b struct {
		Container      string
		EndpointConfig *endpointConfig
	}
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
		if ep.IPAMConfig != nil {
			req.IP = ep.IPAMConfig.IPv4Address
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
