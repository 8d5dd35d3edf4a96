package libpod

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/network"
	"golang.org/x/sys/unix"
)

// Networks returns the store of network configurations.
func (r *Runtime) Networks() *network.Store {
	return &network.Store{
		Dir:            r.cfg.Network.NetworkConfigDir,
		DefaultName:    r.cfg.Network.DefaultNetwork,
		DefaultSubnet:  r.cfg.Network.DefaultSubnet,
		DefaultIfcName: "pm0",
	}
}

// Paths of the bridge machinery: the rootless network namespace shared by
// the user's bridged containers, its pasta, and one file per attached
// container holding the netavark options it was set up with.
func (r *Runtime) rootlessNS() string          { return filepath.Join(r.cfg.TmpDir, "netns", "rootless-netns") }
func (r *Runtime) rootlessPasta() string       { return r.rootlessNS() + ".pasta.pid" }
func (r *Runtime) attachDir() string           { return filepath.Join(r.cfg.TmpDir, "netns", "bridge") }
func (r *Runtime) attachFile(id string) string { return filepath.Join(r.attachDir(), id) }

// A pending attachment records the options of a netavark setup under
// way: a pm killed during it (netavark dies with it) leaves it for the
// teardown that cleans up after it to undo what netavark did.
func (r *Runtime) pendingDir() string           { return filepath.Join(r.cfg.TmpDir, "netns", "bridge-pending") }
func (r *Runtime) pendingFile(id string) string { return filepath.Join(r.pendingDir(), id) }

func (r *Runtime) netavark() (*network.Netavark, error) {
	nv, err := r.helperPath("netavark")
	if err != nil {
		return nil, err
	}
	aa, err := r.helperPath("aardvark-dns")
	if err != nil {
		return nil, err
	}
	n := &network.Netavark{Path: nv, Aardvark: aa, ConfDir: filepath.Join(r.cfg.TmpDir, "networks"), Rootless: r.cfg.Rootless}
	if r.cfg.Rootless {
		n.InNS = r.rootlessNS()
	}
	return n, nil
}

// setupBridge attaches c to its bridge networks with netavark, giving it
// a free address on each. Rootless, the bridges live in the rootless
// network namespace, made (and connected with pasta) by the first
// container. The caller holds c's lock.
func (r *Runtime) setupBridge(ctx context.Context, c *Container, st *define.NetworkStatus) error {
	l, err := r.locks.Lock(ctx, "network-bridge")
	if err != nil {
		return err
	}
	defer l.Unlock()
	nv, err := r.netavark()
	if err != nil {
		return err
	}
	// netavark 1.4's only working firewall driver runs iptables.
	if _, err := exec.LookPath("iptables"); err != nil {
		return define.Errorf(define.ErrUnsupported, "bridge networks need iptables, which netavark runs: install the iptables package")
	}
	if err := os.MkdirAll(nv.ConfDir, 0o700); err != nil {
		return err
	}
	o, err := r.bridgeOptions(ctx, c)
	if err != nil {
		return err
	}
	st.Networks = map[string]define.NetworkAttachment{}
	if len(o.Networks) == 0 {
		return nil // disconnected from all its networks: loopback only
	}
	if r.cfg.Rootless {
		if err := r.ensureRootlessNS(ctx); err != nil {
			return err
		}
	}
	b, _ := json.Marshal(o)
	if err := os.MkdirAll(r.pendingDir(), 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(r.pendingFile(c.ID()), b, 0o600); err != nil {
		return err
	}
	res, err := nv.Setup(ctx, r.NetNSPath(c.ID()), o)
	if err != nil {
		// netavark undoes a setup that failed.
		os.Remove(r.pendingFile(c.ID()))
		r.dropRootlessNSIfUnused()
		return err
	}
	if err := os.MkdirAll(r.attachDir(), 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(r.attachFile(c.ID()), b, 0o600); err != nil {
		return err
	}
	os.Remove(r.pendingFile(c.ID()))
	for _, name := range sortedKeys(o.Networks) {
		st.Networks[name] = attachment(o, res, name)
	}
	r.setPrimaryAddress(st)
	// The caller's teardown (on error) undoes the attachment.
	if err := r.startPorts(ctx, c, st); err != nil {
		if errors.Is(err, define.ErrConflict) {
			// Taken since setupNetwork's check: as a busy port there.
			return &define.ExitCodeError{Code: define.ExitCannotRun, Err: err}
		}
		return err
	}
	return nil
}

// startPorts starts the helper carrying c's published ports to its
// primary bridge address in st, if it has ports and an address.
func (r *Runtime) startPorts(ctx context.Context, c *Container, st *define.NetworkStatus) error {
	if len(c.Config.PortMappings) == 0 || st == nil || st.IP == "" {
		return nil
	}
	o := network.PortDriverOptions{WatchNS: r.NetNSPath(c.ID()), IP: st.IP, Ports: c.Config.PortMappings, Dir: r.portDriverDir(c.ID())}
	if r.cfg.Rootless {
		o.NSPath = r.rootlessNS()
	}
	return network.StartPortDriver(ctx, o)
}

// reloadPorts points c's published ports at its primary address after a
// network connect or disconnect changed it (or the rootless namespace
// the helper dials in was made anew): the helper is started again, and
// with no network left the ports stay closed until one is connected, as
// in Podman.
func (r *Runtime) reloadPorts(ctx context.Context, c *Container) error {
	if len(c.Config.PortMappings) == 0 || c.State.Network == nil {
		return nil
	}
	if err := network.StopPortDriver(r.portDriverDir(c.ID())); err != nil {
		return fmt.Errorf("stopping the port helper of %s: %w", c.Name(), err)
	}
	if err := r.startPorts(ctx, c, c.State.Network); err != nil {
		return fmt.Errorf("publishing the ports of %s again: %w", c.Name(), err)
	}
	return nil
}

// portDriverDir holds the files of the helper carrying c's published
// ports to its bridge address (rootlesskit's port driver).
func (r *Runtime) portDriverDir(id string) string {
	return filepath.Join(r.bundleDir(id), "rootlessport")
}

// attachment is what netavark's answer res says of c's place on network
// name.
func attachment(o *network.Options, res map[string]network.StatusBlock, name string) define.NetworkAttachment {
	ifc := o.Networks[name].InterfaceName
	blk := res[name].Interfaces[ifc]
	a := define.NetworkAttachment{Interface: ifc, MAC: blk.MAC, Aliases: o.Networks[name].Aliases}
	if len(blk.Subnets) > 0 {
		if ip, ipn, err := net.ParseCIDR(blk.Subnets[0].IPNet); err == nil {
			a.IP = ip.String()
			a.Prefix, _ = ipn.Mask.Size()
		}
		a.Gateway = blk.Subnets[0].Gateway
	}
	if o.NetworkInfo[name].DNSEnabled && a.Gateway != "" {
		a.DNS = a.Gateway
		a.DNSSearch = res[name].DNSSearchDomains
	}
	return a
}

// setPrimaryAddress sets st's address fields from its first network (by
// name). Rootless, the gateway is pasta's in the rootless namespace, which
// reaches the host.
func (r *Runtime) setPrimaryAddress(st *define.NetworkStatus) {
	st.IP, st.Prefix, st.MAC, st.Gateway = "", 0, "", ""
	for _, name := range sortedKeys(st.Networks) {
		a := st.Networks[name]
		st.IP, st.Prefix, st.MAC, st.Gateway = a.IP, a.Prefix, a.MAC, a.Gateway
		break
	}
	if r.cfg.Rootless && st.IP != "" {
		if gw, err := network.Gateway(r.rootlessNS()); err == nil && gw != nil {
			st.Gateway = gw.String()
		}
	}
}

// bridgeOptions builds netavark's options for c, allocating addresses.
func (r *Runtime) bridgeOptions(ctx context.Context, c *Container) (*network.Options, error) {
	o := &network.Options{ContainerID: c.ID(), ContainerName: c.Name(),
		Networks: map[string]network.PerNetwork{}, NetworkInfo: map[string]*define.Network{}}
	alloc, err := r.newIPAllocator(c.ID())
	if err != nil {
		return nil, err
	}
	store := r.Networks()
	for i, name := range sortedKeys(c.Config.Networks) {
		n, err := store.Get(name)
		if err != nil {
			return nil, err
		}
		p, err := perNetwork(c, n, c.Config.Networks[name], fmt.Sprintf("eth%d", i), alloc)
		if err != nil {
			return nil, err
		}
		o.Networks[name] = p
		o.NetworkInfo[name] = n
	}
	return o, nil
}

// perNetwork is c's netavark options on network n: its static address or
// the next free one, its aliases and, with DNS, its short ID as an alias.
func perNetwork(c *Container, n *define.Network, req define.NetworkRequest, ifc string, alloc *ipAllocator) (network.PerNetwork, error) {
	ips := req.StaticIPs
	if len(ips) == 0 {
		ip, err := alloc.next(n)
		if err != nil {
			return network.PerNetwork{}, err
		}
		ips = []string{ip}
	}
	for _, ip := range ips {
		if alloc.used[n.Name+"/"+ip] && len(req.StaticIPs) > 0 {
			return network.PerNetwork{}, define.Errorf(define.ErrConflict, "address %s is already used on network %s", ip, n.Name)
		}
	}
	aliases := req.Aliases
	if n.DNSEnabled {
		aliases = append(append([]string{}, aliases...), c.ID()[:12])
	}
	return network.PerNetwork{InterfaceName: ifc, StaticIPs: ips, StaticMAC: req.StaticMAC, Aliases: aliases}, nil
}

// ensureRootlessNS makes the rootless network namespace and its pasta,
// unless they are up. The caller holds the network-bridge lock.
func (r *Runtime) ensureRootlessNS(ctx context.Context) error {
	path := r.rootlessNS()
	var sf unix.Statfs_t
	if unix.Statfs(path, &sf) == nil && sf.Type == unix.NSFS_MAGIC {
		return nil
	}
	network.RemoveNS(path)
	if err := network.NewNS(path); err != nil {
		return fmt.Errorf("rootless network namespace: %w", err)
	}
	bin, err := r.helperPath("pasta")
	if err == nil {
		err = network.StartPasta(ctx, network.PastaOptions{Path: bin, NSPath: path, PidFile: r.rootlessPasta(), Args: r.cfg.Network.PastaOptions})
	}
	if err == nil {
		// Forwarding between the bridges and pasta's interface.
		err = network.InNS(path, func() error {
			return os.WriteFile("/proc/sys/net/ipv4/ip_forward", []byte("1"), 0o644)
		})
	}
	if err != nil {
		network.RemoveNS(path)
		network.StopPasta(r.rootlessPasta())
		return fmt.Errorf("connecting the rootless network namespace: %w", err)
	}
	return nil
}

// dropRootlessNSIfUnused removes the rootless network namespace (ending
// its pasta) once no container is attached. The caller holds the
// network-bridge lock.
func (r *Runtime) dropRootlessNSIfUnused() {
	if !r.cfg.Rootless {
		return
	}
	if _, err := os.Stat(r.rootlessNS()); errors.Is(err, os.ErrNotExist) {
		return
	}
	if ents, _ := os.ReadDir(r.attachDir()); len(ents) > 0 {
		return
	}
	if err := network.RemoveNS(r.rootlessNS()); err != nil {
		slog.Warn("removing the rootless network namespace", "err", err)
	}
	network.StopPasta(r.rootlessPasta())
}

// teardownBridge detaches c from its bridge networks, with the options it
// was set up with, and drops the rootless namespace after the last one.
// When netavark fails, c stays attached (its attach file is kept) for a
// later teardown to retry.
func (r *Runtime) teardownBridge(ctx context.Context, c *Container) error {
	if err := network.StopPortDriver(r.portDriverDir(c.ID())); err != nil {
		slog.Debug("stopping the port helper", "container", c.ID(), "err", err)
	}
	l, err := r.locks.Lock(ctx, "network-bridge")
	if err != nil {
		return fmt.Errorf("locking networks: %w", err)
	}
	defer l.Unlock()
	r.undoPendingSetup(ctx, c.ID())
	r.removeIPAMTemps()
	b, err := os.ReadFile(r.attachFile(c.ID()))
	if errors.Is(err, os.ErrNotExist) {
		// Never attached, or a pm killed between making the rootless
		// namespace and attaching c: the namespace may be there for
		// nothing.
		r.dropRootlessNSIfUnused()
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading the bridge attachment of %s: %w", c.Name(), err)
	}
	var o network.Options
	if err := json.Unmarshal(b, &o); err != nil {
		// Nothing can tear down what it does not describe.
		slog.Warn("dropping an unreadable bridge attachment", "container", c.ID(), "err", err)
	} else {
		nv, err := r.netavark()
		if err != nil {
			return fmt.Errorf("tearing down the bridge networks of %s: %w", c.Name(), err)
		}
		if err := nv.Teardown(ctx, r.NetNSPath(c.ID()), &o); err != nil {
			return fmt.Errorf("tearing down the bridge networks of %s: %w", c.Name(), err)
		}
	}
	if err := os.Remove(r.attachFile(c.ID())); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("removing the bridge attachment of %s: %w", c.Name(), err)
	}
	r.dropRootlessNSIfUnused()
	return nil
}

// undoPendingSetup undoes what a netavark setup of container id that did
// not finish (its pm was killed) did, if any: a teardown with its options
// whose failure, on what the setup never made, is no error. The caller
// holds the network-bridge lock.
func (r *Runtime) undoPendingSetup(ctx context.Context, id string) {
	b, err := os.ReadFile(r.pendingFile(id))
	if err != nil {
		return
	}
	var o network.Options
	if json.Unmarshal(b, &o) == nil {
		if nv, err := r.netavark(); err == nil {
			if err := nv.Teardown(ctx, r.NetNSPath(id), &o); err != nil {
				slog.Debug("undoing an unfinished bridge setup", "container", id, "err", err)
			}
		}
	}
	os.Remove(r.pendingFile(id))
}

// sweepBridgeAttachments drops the bridge attachments of containers that
// do not exist (exists asks the database, under the network lock, so a
// container started meanwhile is seen) and then the rootless network
// namespace if nothing is attached: what a pm killed while starting a
// container on a bridge network left.
func (r *Runtime) sweepBridgeAttachments(ctx context.Context, exists func(id string) (bool, error)) error {
	ents, _ := os.ReadDir(r.attachDir())
	pending, _ := os.ReadDir(r.pendingDir())
	if _, err := os.Stat(r.rootlessNS()); len(ents) == 0 && len(pending) == 0 && errors.Is(err, os.ErrNotExist) {
		return nil
	}
	l, err := r.locks.Lock(ctx, "network-bridge")
	if err != nil {
		return fmt.Errorf("locking networks: %w", err)
	}
	defer l.Unlock()
	for _, ent := range pending {
		if ok, err := exists(ent.Name()); err != nil || ok {
			if err != nil {
				return err
			}
			continue
		}
		r.undoPendingSetup(ctx, ent.Name())
	}
	for _, ent := range ents {
		if ok, err := exists(ent.Name()); err != nil || ok {
			if err != nil {
				return err
			}
			continue
		}
		// Its namespace is gone with it: netavark has nothing to detach.
		if err := os.Remove(r.attachFile(ent.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("removing a stale bridge attachment: %w", err)
		}
	}
	r.dropRootlessNSIfUnused()
	return nil
}

// bridgeDNS are the nameservers (aardvark-dns) of c's bridge networks
// and the search domains they serve.
func bridgeDNS(st *define.NetworkStatus) (servers, search []string) {
	for _, name := range sortedKeys(st.Networks) {
		a := st.Networks[name]
		if a.DNS != "" {
			servers = append(servers, a.DNS)
		}
		for _, d := range a.DNSSearch {
			if !slices.Contains(search, d) {
				search = append(search, d)
			}
		}
	}
	return servers, search
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// inspectBridges fills ns.Networks with c's bridge networks: from its
// configuration, with the addresses of its running network.
func (r *Runtime) inspectBridges(c *Container, ns *define.InspectNetworkSettings) {
	if len(c.Config.Networks) == 0 {
		return
	}
	ns.Networks = map[string]*define.InspectNetwork{}
	store := r.Networks()
	for name, req := range c.Config.Networks {
		in := &define.InspectNetwork{Aliases: append([]string{}, req.Aliases...)}
		if n, err := store.Get(name); err == nil {
			in.NetworkID = n.ID
		}
		if st := c.State.Network; st != nil {
			if a, ok := st.Networks[name]; ok {
				in.IPAddress, in.IPPrefixLen, in.Gateway, in.MacAddress, in.Aliases = a.IP, a.Prefix, a.Gateway, a.MAC, a.Aliases
				in.EndpointID = c.ID()[:12] + "-" + a.Interface
			}
		}
		ns.Networks[name] = in
	}
}
