package engine

import (
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/events"
	"github.com/pm-project/pm/libpod/network"
	"github.com/pm-project/pm/pkg/specgen"
)

// NetworkCreateRequest is pm network create's options.
type NetworkCreateRequest struct {
	Name       string
	Driver     string // bridge (default)
	Subnet     string
	Gateway    string
	IPRange    string
	Internal   bool
	DisableDNS bool
	Labels     map[string]string
	// Ignore returns the network of that name when it exists, instead
	// of an error.
	Ignore bool
}

// NetworkCreate makes a bridge network; a free 10.89.N.0/24 subnet is
// chosen when none is given.
func (e *Engine) NetworkCreate(ctx context.Context, req NetworkCreateRequest) (*define.Network, error) {
	st := e.rt.Networks()
	all, err := st.List()
	if err != nil {
		return nil, err
	}
	if req.Ignore && req.Name != "" {
		for _, n := range all {
			if n.Name == req.Name {
				return n, nil
			}
		}
	}
	if req.Driver == "" {
		req.Driver = "bridge"
	}
	if req.Driver != "bridge" {
		return nil, define.Invalidf("unsupported network driver %q: use bridge", req.Driver)
	}
	n := &define.Network{
		Name: req.Name, ID: network.NewID(), Driver: req.Driver, Created: time.Now(),
		Internal: req.Internal, DNSEnabled: !req.DisableDNS, Labels: req.Labels,
		IPAMOptions: map[string]string{"driver": "host-local"},
		// netavark's isolate: no forwarding to the other isolated bridges,
		// so containers on different networks cannot reach each other.
		Options: map[string]string{"isolate": "true"},
	}
	if n.Name == "" {
		n.Name = freeName(all, "pm", 1)
	}
	if err := specgen.ValidName(n.Name); err != nil {
		return nil, err
	}
	sub, err := subnetFor(req, all)
	if err != nil {
		return nil, err
	}
	n.Subnets = []define.Subnet{sub}
	n.NetworkInterface = freeInterface(all)
	if err := st.Save(n, true); err != nil {
		return nil, err
	}
	e.emitSimple(events.Network, "create", n.ID, n.Name)
	return n, nil
}

// subnetFor checks --subnet, --gateway and --ip-range, or picks a free
// subnet; a subnet that overlaps another network's is refused.
func subnetFor(req NetworkCreateRequest, all []*define.Network) (define.Subnet, error) {
	var ipn *net.IPNet
	if req.Subnet != "" {
		_, p, err := net.ParseCIDR(req.Subnet)
		if err != nil || p.IP.To4() == nil {
			return define.Subnet{}, define.Invalidf("invalid --subnet %q: not an IPv4 CIDR such as 10.89.0.0/24", req.Subnet)
		}
		if ones, _ := p.Mask.Size(); ones > 30 {
			return define.Subnet{}, define.Invalidf("invalid --subnet %q: too small", req.Subnet)
		}
		if other := overlapping(p, all); other != "" {
			return define.Subnet{}, define.Errorf(define.ErrConflict, "subnet %s is already used by network %s", p, other)
		}
		ipn = p
	} else {
		if req.Gateway != "" || req.IPRange != "" {
			return define.Subnet{}, define.Invalidf("--gateway and --ip-range need --subnet")
		}
		for i := 0; i < 256 && ipn == nil; i++ {
			_, p, _ := net.ParseCIDR(fmt.Sprintf("10.89.%d.0/24", i))
			if overlapping(p, all) == "" {
				ipn = p
			}
		}
		if ipn == nil {
			return define.Subnet{}, define.Errorf(define.ErrConflict, "no free subnet left in 10.89.0.0/16")
		}
	}
	s := define.Subnet{Subnet: ipn.String()}
	gw := addIP(ipn.IP, 1)
	if req.Gateway != "" {
		gw = net.ParseIP(req.Gateway).To4()
		if gw == nil || !ipn.Contains(gw) {
			return define.Subnet{}, define.Invalidf("invalid --gateway %q: not an address in %s", req.Gateway, ipn)
		}
	}
	s.Gateway = gw.String()
	if req.IPRange != "" {
		_, r, err := net.ParseCIDR(req.IPRange)
		if err != nil || !ipn.Contains(r.IP) {
			return define.Subnet{}, define.Invalidf("invalid --ip-range %q: not a CIDR inside %s", req.IPRange, ipn)
		}
		ones, bits := r.Mask.Size()
		size := uint32(1) << uint(bits-ones)
		s.LeaseRange = &define.LeaseRange{StartIP: addIP(r.IP, 1).String(), EndIP: addIP(r.IP, size-2).String()}
	}
	return s, nil
}

func overlapping(p *net.IPNet, all []*define.Network) string {
	for _, n := range all {
		for _, s := range n.Subnets {
			_, q, err := net.ParseCIDR(s.Subnet)
			if err == nil && (q.Contains(p.IP) || p.Contains(q.IP)) {
				return n.Name
			}
		}
	}
	return ""
}

func addIP(ip net.IP, n uint32) net.IP {
	v := ip.To4()
	x := uint32(v[0])<<24 | uint32(v[1])<<16 | uint32(v[2])<<8 | uint32(v[3])
	x += n
	return net.IPv4(byte(x>>24), byte(x>>16), byte(x>>8), byte(x)).To4()
}

func freeName(all []*define.Network, prefix string, from int) string {
	used := map[string]bool{}
	for _, n := range all {
		used[n.Name] = true
	}
	for i := from; ; i++ {
		if name := fmt.Sprintf("%s%d", prefix, i); !used[name] {
			return name
		}
	}
}

func freeInterface(all []*define.Network) string {
	used := map[string]bool{}
	for _, n := range all {
		used[n.NetworkInterface] = true
	}
	for i := 1; ; i++ {
		if name := fmt.Sprintf("pm%d", i); !used[name] {
			return name
		}
	}
}

// NetworkList lists networks matching every filter: name=REGEX,
// label=KEY[=VALUE], driver=, id=PREFIX.
func (e *Engine) NetworkList(ctx context.Context, filters []string) ([]*define.Network, error) {
	all, err := e.rt.Networks().List()
	if err != nil {
		return nil, err
	}
	return filterNetworks(all, filters)
}

// filterNetworks are the networks of all that pass every filter.
func filterNetworks(all []*define.Network, filters []string) ([]*define.Network, error) {
	type pred func(*define.Network) bool
	var preds []pred
	for _, f := range filters {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return nil, define.Invalidf("invalid --filter %q: use key=value", f)
		}
		switch k {
		case "name":
			re, err := regexp.Compile(v)
			if err != nil {
				return nil, define.Invalidf("invalid --filter %q: %v", f, err)
			}
			preds = append(preds, func(n *define.Network) bool { return re.MatchString(n.Name) })
		case "label":
			lk, lv, hasV := strings.Cut(v, "=")
			preds = append(preds, func(n *define.Network) bool {
				got, ok := n.Labels[lk]
				return ok && (!hasV || got == lv)
			})
		case "driver":
			preds = append(preds, func(n *define.Network) bool { return n.Driver == v })
		case "id":
			preds = append(preds, func(n *define.Network) bool { return strings.HasPrefix(n.ID, v) })
		default:
			return nil, define.Invalidf("invalid --filter %q: use name, label, driver or id", f)
		}
	}
	var out []*define.Network
next:
	for _, n := range all {
		for _, p := range preds {
			if !p(n) {
				continue next
			}
		}
		out = append(out, n)
	}
	return out, nil
}

// NetworkExists reports whether a network exists.
func (e *Engine) NetworkExists(ctx context.Context, name string) (bool, error) {
	_, err := e.rt.Networks().Get(name)
	if errors.Is(err, define.ErrNoSuchNetwork) {
		return false, nil
	}
	return err == nil, err
}

// NetworkRemove removes a network; with force, the containers that use
// it go first, each recording its removal, else they make it an error.
// The default network stays.
func (e *Engine) NetworkRemove(ctx context.Context, name string, force bool) (string, error) {
	st := e.rt.Networks()
	n, err := st.Get(name)
	if err != nil {
		return "", err
	}
	if n.Name == st.DefaultName {
		return "", define.Errorf(define.ErrInvalidArg, "default network %s cannot be removed", n.Name)
	}
	users, err := e.networkUsers(ctx, n.Name)
	if err != nil {
		return "", err
	}
	if len(users) > 0 && !force {
		return "", define.Errorf(define.ErrConflict, "network %s is being used by %d container(s): use -f to remove them", n.Name, len(users))
	}
	for _, id := range users {
		c, err := e.rt.RemoveContainer(ctx, id, true, nil)
		if err != nil && !errors.Is(err, define.ErrNoSuchCtr) {
			return "", fmt.Errorf("removing container %s of network %s: %w", id, n.Name, err)
		}
		if err == nil {
			e.emitCtr(c, "destroy", nil)
		}
	}
	if err := st.Remove(n); err != nil {
		return "", err
	}
	e.rt.ForgetNetworkAddresses(n.Name)
	e.emitSimple(events.Network, "remove", n.ID, n.Name)
	return n.Name, nil
}

// NetworkPrune removes the networks no container uses, but the default,
// that pass filters (label=, label!=, until=); it reports their names.
func (e *Engine) NetworkPrune(ctx context.Context, filters []string) (*PruneReport, error) {
	pf, err := parsePruneFilter("network", filters, "label", "label!", "until")
	if err != nil {
		return nil, err
	}
	st := e.rt.Networks()
	all, err := st.List()
	if err != nil {
		return nil, err
	}
	rep := &PruneReport{}
	for _, n := range all {
		if n.Name == st.DefaultName || !pf.match(n.ID, n.Labels, n.Created) {
			continue
		}
		users, err := e.networkUsers(ctx, n.Name)
		if err != nil {
			return rep, err
		}
		if len(users) == 0 {
			if err := st.Remove(n); err != nil {
				return rep, err
			}
			e.rt.ForgetNetworkAddresses(n.Name)
			e.emitSimple(events.Network, "remove", n.ID, n.Name)
			rep.Removed = append(rep.Removed, n.Name)
		}
	}
	e.emitPrune(events.Network, rep)
	return rep, nil
}

// networkUsers are the IDs of the containers attached to network name.
func (e *Engine) networkUsers(ctx context.Context, name string) ([]string, error) {
	cs, err := e.rt.ListContainers(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range cs {
		if _, ok := c.Config.Networks[name]; ok {
			out = append(out, c.ID())
		}
	}
	return out, nil
}
