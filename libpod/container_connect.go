package libpod

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/network"
	"github.com/pm-project/pm/libpod/state"
)

// ConnectNetwork attaches container idOrName to the bridge network name.
// The choice is recorded in the container's configuration, so restarts
// keep it; a container whose network is up gets its interface at once.
func (r *Runtime) ConnectNetwork(ctx context.Context, idOrName, name string, req define.NetworkRequest) (*Container, error) {
	n, err := r.Networks().Get(name)
	if err != nil {
		return nil, err
	}
	c, l, err := r.lockContainer(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	defer l.Unlock()
	if kind, _ := NetworkKind(c.Config.NetworkMode); kind != "bridge" {
		return nil, define.Invalidf("container %s uses network mode %q, not bridge networks: it cannot join network %s", c.Name(), c.Config.NetworkMode, n.Name)
	}
	if _, ok := c.Config.Networks[n.Name]; ok {
		return nil, define.Errorf(define.ErrConflict, "container %s is already connected to network %s", c.Name(), n.Name)
	}
	if st := c.State.Network; st != nil {
		if err := r.attachLive(ctx, c, n, req); err != nil {
			return nil, fmt.Errorf("connecting %s to network %s: %w", c.Name(), n.Name, err)
		}
	}
	if c.Config.Networks == nil {
		c.Config.Networks = map[string]define.NetworkRequest{}
	}
	c.Config.Networks[n.Name] = req
	r.refreshNameFiles(c)
	if err := r.saveConfigAndState(ctx, c); err != nil {
		return c, err
	}
	return c, r.reloadPorts(ctx, c)
}

// DisconnectNetwork detaches container idOrName from network name. With
// force, a failing netavark teardown does not keep the container
// connected.
func (r *Runtime) DisconnectNetwork(ctx context.Context, idOrName, name string, force bool) (*Container, error) {
	n, err := r.Networks().Get(name)
	if err != nil {
		return nil, err
	}
	c, l, err := r.lockContainer(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	defer l.Unlock()
	if _, ok := c.Config.Networks[n.Name]; !ok {
		return nil, define.Invalidf("container %s is not connected to network %s", c.Name(), n.Name)
	}
	if st := c.State.Network; st != nil {
		if _, ok := st.Networks[n.Name]; ok {
			if err := r.detachLive(ctx, c, n.Name); err != nil && !force {
				return nil, fmt.Errorf("disconnecting %s from network %s: %w", c.Name(), n.Name, err)
			}
		}
	}
	delete(c.Config.Networks, n.Name)
	r.refreshNameFiles(c)
	if err := r.saveConfigAndState(ctx, c); err != nil {
		return c, err
	}
	return c, r.reloadPorts(ctx, c)
}

// attachLive runs netavark for c on network n alone and records the new
// interface in c's attachment file and state. The caller holds c's lock.
func (r *Runtime) attachLive(ctx context.Context, c *Container, n *define.Network, req define.NetworkRequest) error {
	l, err := r.locks.Lock(ctx, "network-bridge")
	if err != nil {
		return err
	}
	defer l.Unlock()
	nv, err := r.netavark()
	if err != nil {
		return err
	}
	all, err := r.readAttachment(c.ID())
	if err != nil {
		return err
	}
	// A container disconnected from all its networks has no attachment
	// left: the new one names it again (netavark's teardown of an
	// attachment without an ID would drop every container's DNS entries).
	all.ContainerID, all.ContainerName = c.ID(), c.Name()
	alloc, err := r.newIPAllocator(c.ID())
	if err != nil {
		return err
	}
	p, err := perNetwork(c, n, req, freeInterfaceName(all), alloc)
	if err != nil {
		return err
	}
	one := &network.Options{ContainerID: c.ID(), ContainerName: c.Name(),
		Networks: map[string]network.PerNetwork{n.Name: p}, NetworkInfo: map[string]*define.Network{n.Name: n}}
	if err := os.MkdirAll(nv.ConfDir, 0o700); err != nil {
		return err
	}
	if r.cfg.Rootless {
		if err := r.ensureRootlessNS(ctx); err != nil {
			return err
		}
	}
	res, err := nv.Setup(ctx, r.NetNSPath(c.ID()), one)
	if err != nil {
		r.dropRootlessNSIfUnused()
		return err
	}
	all.Networks[n.Name], all.NetworkInfo[n.Name] = p, n
	if err := r.writeAttachment(c.ID(), all); err != nil {
		return err
	}
	st := c.State.Network
	if st.Networks == nil {
		st.Networks = map[string]define.NetworkAttachment{}
	}
	st.Networks[n.Name] = attachment(one, res, n.Name)
	r.setPrimaryAddress(st)
	return nil
}

// detachLive has netavark remove c's interface on network name, with the
// options it was set up with, and forgets it. The caller holds c's lock.
func (r *Runtime) detachLive(ctx context.Context, c *Container, name string) error {
	l, err := r.locks.Lock(ctx, "network-bridge")
	if err != nil {
		return err
	}
	defer l.Unlock()
	all, err := r.readAttachment(c.ID())
	if err != nil {
		return err
	}
	var terr error
	if p, ok := all.Networks[name]; ok {
		one := &network.Options{ContainerID: c.ID(), ContainerName: c.Name(),
			Networks: map[string]network.PerNetwork{name: p}, NetworkInfo: map[string]*define.Network{name: all.NetworkInfo[name]}}
		nv, err := r.netavark()
		if err != nil {
			return err
		}
		terr = nv.Teardown(ctx, r.NetNSPath(c.ID()), one)
		delete(all.Networks, name)
		delete(all.NetworkInfo, name)
	}
	if len(all.Networks) == 0 {
		os.Remove(r.attachFile(c.ID()))
		r.dropRootlessNSIfUnused()
	} else if err := r.writeAttachment(c.ID(), all); err != nil {
		return err
	}
	st := c.State.Network
	delete(st.Networks, name)
	r.setPrimaryAddress(st)
	return terr
}

// refreshNameFiles rewrites the running c's resolv.conf and /etc/hosts in
// place (the container sees the bind-mounted files, not new ones) with
// the nameservers and address of its networks now. The names pod members
// added to the hosts file are kept.
func (r *Runtime) refreshNameFiles(c *Container) {
	if c.State.Network == nil {
		return
	}
	dir := r.bundleDir(c.ID())
	path := filepath.Join(dir, "resolv.conf")
	if _, err := os.Stat(path); err == nil {
		if err := os.WriteFile(path, resolvFor(c), 0o644); err != nil {
			slog.Warn("updating resolv.conf", "container", c.ID(), "err", err)
		}
	}
	path = filepath.Join(dir, "hosts")
	l, err := r.locks.Lock(context.Background(), "hosts") // members add their names under it
	if err != nil {
		return
	}
	defer l.Unlock()
	old, err := os.ReadFile(path)
	if err != nil {
		return
	}
	hostname, _ := os.ReadFile(filepath.Join(dir, "hostname"))
	hosts, err := r.hostsFor(c, strings.TrimSpace(string(hostname)), c.State.Mountpoint)
	if err != nil {
		slog.Warn("updating /etc/hosts", "container", c.ID(), "err", err)
		return
	}
	if links, err := r.linkHosts(context.Background(), c); err == nil {
		hosts = append(hosts, links...)
	}
	for _, line := range strings.SplitAfter(string(old), "\n") {
		if strings.HasPrefix(line, "127.0.0.1\t") && !strings.Contains(line, "localhost") && !strings.Contains(string(hosts), line) {
			hosts = append(hosts, line...)
		}
	}
	if err := os.WriteFile(path, hosts, 0o644); err != nil {
		slog.Warn("updating /etc/hosts", "container", c.ID(), "err", err)
	}
}

// readAttachment reads the netavark options container id was set up
// with; none gives empty options.
func (r *Runtime) readAttachment(id string) (*network.Options, error) {
	o := &network.Options{}
	b, err := os.ReadFile(r.attachFile(id))
	if err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("reading network attachments of %s: %w", id, err)
	}
	if err == nil {
		if err := json.Unmarshal(b, o); err != nil {
			return nil, fmt.Errorf("decoding network attachments of %s: %w", id, err)
		}
	}
	if o.Networks == nil {
		o.Networks = map[string]network.PerNetwork{}
	}
	if o.NetworkInfo == nil {
		o.NetworkInfo = map[string]*define.Network{}
	}
	return o, nil
}

func (r *Runtime) writeAttachment(id string, o *network.Options) error {
	b, err := json.Marshal(o)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(r.attachDir(), 0o700); err != nil {
		return err
	}
	return os.WriteFile(r.attachFile(id), b, 0o600)
}

// freeInterfaceName is the first ethN that o does not use.
func freeInterfaceName(o *network.Options) string {
	used := map[string]bool{}
	for _, p := range o.Networks {
		used[p.InterfaceName] = true
	}
	for i := 0; ; i++ {
		if name := fmt.Sprintf("eth%d", i); !used[name] {
			return name
		}
	}
}

// saveConfigAndState writes c's configuration and state. The caller holds
// c's lock.
func (r *Runtime) saveConfigAndState(ctx context.Context, c *Container) error {
	cfg, err := json.Marshal(c.Config)
	if err != nil {
		return fmt.Errorf("encoding configuration of container %s: %w", c.ID(), err)
	}
	st, err := json.Marshal(c.State)
	if err != nil {
		return fmt.Errorf("encoding state of container %s: %w", c.ID(), err)
	}
	db, err := r.DB()
	if err != nil {
		return err
	}
	return db.Update(ctx, func(tx *state.Tx) error {
		return tx.UpdateContainer(c.ID(), cfg, st)
	})
}
