package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/pm-project/pm/libpod"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/network"
	"github.com/pm-project/pm/pkg/specgen"
)

// containerNetwork fills cc's network fields from s: the resolved network
// mode, the published ports with their host ports chosen and checked, and
// the names configuration. It returns the function that gives the network
// namespace path for the OCI spec ("" means a new, empty namespace).
func (e *Engine) containerNetwork(ctx context.Context, s *specgen.Spec, exposed map[string]struct{}, cc *define.ContainerConfig) (func(id string) string, error) {
	mode := s.NetworkMode
	if mode == "" || mode == "private" {
		var err error
		if mode, err = e.defaultNetworkMode(); err != nil {
			return nil, err
		}
	}
	cc.Names = define.NameConfig{
		DNS: s.Net.DNS, DNSSearch: s.Net.DNSSearch, DNSOptions: s.Net.DNSOptions,
		AddHosts: s.Net.AddHosts, NoHosts: s.Net.NoHosts,
	}
	nsPath := func(string) string { return "" }
	kind, opts := libpod.NetworkKind(mode)
	switch kind {
	case "pasta", "slirp4netns":
		if kind == "slirp4netns" {
			if _, _, _, err := libpod.ParseSlirpOptions(opts); err != nil {
				return nil, err
			}
		}
		nsPath = e.rt.NetNSPath
	case "ns":
		if _, err := os.Stat(opts); err != nil {
			return nil, define.Invalidf("invalid --network ns:%s: %v", opts, errors.Unwrap(err))
		}
		nsPath = func(string) string { return opts }
	case "container":
		other, err := e.rt.LookupContainer(ctx, opts)
		if err != nil {
			return nil, fmt.Errorf("--network container:%s: %w", opts, err)
		}
		mode = "container:" + other.ID()
		if k, _ := libpod.NetworkKind(other.Config.NetworkMode); k == "host" {
			// Joining a container on the host's network is being on it.
			s.NetworkMode = "host"
			break
		}
		if cc.Pod != "" && other.Pod == cc.Pod && !libpod.OwnsNetNS(other.Config.NetworkMode) {
			// The pod's infra container (--network none, ns:PATH, ...):
			// its namespace is joined when the member starts, once the
			// infra container runs.
			break
		}
		p, err := e.netnsOf(other)
		if err != nil {
			return nil, err
		}
		nsPath = func(string) string { return p }
	case "bridge":
		nets, err := e.bridgeRequests(ctx, s, mode)
		if err != nil {
			return nil, err
		}
		cc.Networks = nets
		mode = "bridge"
		nsPath = e.rt.NetNSPath
	}
	cc.NetworkMode = mode
	if kind == "host" {
		return nsPath, nil // ports are the host's own
	}
	ports, err := publishedPorts(s, exposed)
	if err != nil {
		return nil, err
	}
	if cc.PortMappings, err = network.AssignPorts(ports); err != nil {
		return nil, err
	}
	cc.PublishAll = s.Net.PublishAll
	return nsPath, nil
}

// defaultNetworkMode is the mode of --network private: for rootless
// containers, which cannot make bridges, containers.conf's
// default_rootless_network_cmd, slirp4netns unless it says pasta (as in
// Podman 4: slirp4netns idles in about 3 MB, Debian 12's pasta in 30 MB
// of buffers it reserves at start); for root, rootDefaultNetwork.
func (e *Engine) defaultNetworkMode() (string, error) {
	cfg := e.rt.Config()
	if !cfg.Rootless {
		return rootDefaultNetwork, nil
	}
	switch c := cfg.Network.DefaultRootlessNetworkCmd; c {
	case "":
		return "slirp4netns", nil
	case "slirp4netns", "pasta":
		return c, nil
	default:
		return "", define.Invalidf("invalid default_rootless_network_cmd %q in containers.conf: use slirp4netns or pasta", c)
	}
}

// netnsOf is the network namespace another container's joiners use.
func (e *Engine) netnsOf(c *libpod.Container) (string, error) {
	if libpod.OwnsNetNS(c.Config.NetworkMode) {
		return e.rt.NetNSPath(c.ID()), nil
	}
	if kind, opts := libpod.NetworkKind(c.Config.NetworkMode); kind == "ns" {
		return opts, nil
	} else if kind == "container" {
		other, err := e.rt.LookupContainer(context.Background(), opts)
		if err != nil {
			return "", err
		}
		return e.netnsOf(other)
	}
	if c.State.Status != define.StatusRunning || c.State.Pid == 0 {
		return "", define.Errorf(define.ErrInvalidState, "container %s has no network namespace of its own while it is not running", c.Name())
	}
	return "/proc/" + strconv.Itoa(c.State.Pid) + "/ns/net", nil
}

// publishedPorts are -p's mappings plus, with -P, the image's exposed
// ports not already published, on host ports to be chosen. Two mappings
// of one host port are refused.
func publishedPorts(s *specgen.Spec, exposed map[string]struct{}) ([]define.PortMapping, error) {
	ports := append([]define.PortMapping{}, s.Net.Ports...)
	if s.Net.PublishAll {
		keys := make([]string, 0, len(exposed))
		for k := range exposed {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p, proto, _ := strings.Cut(k, "/")
			if proto == "" {
				proto = "tcp"
			}
			n, err := strconv.ParseUint(p, 10, 16)
			if err != nil || n == 0 {
				continue
			}
			if !covers(ports, uint16(n), proto) {
				ports = append(ports, define.PortMapping{ContainerPort: uint16(n), Protocol: proto, Range: 1})
			}
		}
	}
	for i, a := range ports {
		for _, b := range ports[:i] {
			if a.HostPort == 0 || b.HostPort == 0 || a.Protocol != b.Protocol || (a.HostIP != b.HostIP && a.HostIP != "" && b.HostIP != "") {
				continue
			}
			if a.HostPort < b.HostPort+max(b.Range, 1) && b.HostPort < a.HostPort+max(a.Range, 1) {
				return nil, define.Invalidf("host port %d/%s is published twice", a.HostPort, a.Protocol)
			}
		}
	}
	return ports, nil
}

func covers(ports []define.PortMapping, port uint16, proto string) bool {
	for _, p := range ports {
		if p.Protocol == proto && port >= p.ContainerPort && port < p.ContainerPort+max(p.Range, 1) {
			return true
		}
	}
	return false
}
