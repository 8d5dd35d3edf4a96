package libpod

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	securejoin "github.com/cyphar/filepath-securejoin"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/network"
)

// NetNSPath is where pm binds the network namespace of container id, for
// the network modes that get one from pm (see OwnsNetNS). The OCI spec
// names it at create; the file exists while the container's network is up.
func (r *Runtime) NetNSPath(id string) string {
	return filepath.Join(r.cfg.TmpDir, "netns", id)
}

// userNSPath is where pm binds the user namespace of container id when
// the container has id maps of its own and its network namespace from pm:
// the network namespace is made owned by it (see network.NewUserNS), and
// the container joins it instead of creating one.
func (r *Runtime) userNSPath(id string) string {
	return filepath.Join(r.cfg.TmpDir, "netns", id+".userns")
}

// newNetNS makes c's network namespace at path: owned by a user namespace
// of c's own when c has id maps, else by pm's.
func (r *Runtime) newNetNS(c *Container, path string) error {
	m := c.Config.IDMaps
	if m == nil {
		return network.NewNS(path)
	}
	conv := func(in []define.IDMap) []syscall.SysProcIDMap {
		out := make([]syscall.SysProcIDMap, len(in))
		for i, x := range in {
			out[i] = syscall.SysProcIDMap{ContainerID: int(x.ContainerID), HostID: int(x.HostID), Size: int(x.Size)}
		}
		return out
	}
	return network.NewUserNS(r.userNSPath(c.ID()), path, conv(m.UIDMap), conv(m.GIDMap))
}

// pastaPidFile records the pasta of container id.
func (r *Runtime) pastaPidFile(id string) string {
	return filepath.Join(r.cfg.TmpDir, "netns", id+".pasta.pid")
}

// slirpPidFile records the slirp4netns of container id.
func (r *Runtime) slirpPidFile(id string) string {
	return filepath.Join(r.cfg.TmpDir, "netns", id+".slirp.pid")
}

// NetworkKind splits a recorded network mode into its kind (pasta,
// slirp4netns, bridge, none, host, ns, container) and options.
func NetworkKind(mode string) (kind, opts string) {
	kind, opts, _ = strings.Cut(mode, ":")
	switch kind {
	case "pasta", "slirp4netns", "none", "host", "ns", "container", "bridge":
		return kind, opts
	case "", "private":
		return "private", ""
	}
	return "bridge", mode
}

// OwnsNetNS reports whether containers of network mode get a namespace
// that pm makes and connects at start.
func OwnsNetNS(mode string) bool {
	switch k, _ := NetworkKind(mode); k {
	case "pasta", "slirp4netns", "bridge":
		return true
	}
	return false
}

// helperPath finds a helper binary in containers.conf's helper_binaries_dir,
// then in PATH.
func (r *Runtime) helperPath(name string) (string, error) {
	for _, d := range r.cfg.Engine.HelperBinariesDir {
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", define.Errorf(define.ErrUnsupported, "%s is not installed: %v", name, err)
	}
	return p, nil
}

// startNetwork makes c's network namespace and connects it: pasta or
// slirp4netns with c's published ports, or netavark for bridges (with
// rootlesskit's port driver for their published ports). It records the result
// in c.State.Network. slirp4netns, whose addresses its cidr fixes, starts
// in the background, so that the runtime creates the container in the
// namespace meanwhile: the caller calls wait before it starts the
// container (and before it returns). On failure nothing is left. The
// caller holds c's lock.
func (r *Runtime) startNetwork(ctx context.Context, c *Container) (_ *netSetup, retErr error) {
	c.State.Network = nil
	if !OwnsNetNS(c.Config.NetworkMode) {
		return &netSetup{}, nil
	}
	kind, opts := NetworkKind(c.Config.NetworkMode)
	path := r.NetNSPath(c.ID())
	// What a killed pm, or a teardown that failed, left.
	if err := r.teardownNetwork(ctx, c); err != nil {
		return nil, err
	}
	// A busy port is a clear error before anything is made; the
	// container cannot run (126 for run, as in Podman).
	if _, err := network.ReservePorts(c.Config.PortMappings); err != nil {
		return nil, &define.ExitCodeError{Code: define.ExitCannotRun, Err: err}
	}
	if err := r.newNetNS(c, path); err != nil {
		return nil, fmt.Errorf("network of %s: %w", c.Name(), err)
	}
	defer func() {
		if retErr != nil {
			r.undoNetwork(ctx, c)
		}
	}()
	st := &define.NetworkStatus{Mode: kind, NSPath: path}
	switch kind {
	case "pasta":
		bin, err := r.helperPath("pasta")
		if err != nil {
			return nil, err
		}
		args := append(append([]string{}, r.cfg.Network.PastaOptions...), splitOpts(opts)...)
		if err := network.StartPasta(ctx, network.PastaOptions{Path: bin, NSPath: path, Ports: c.Config.PortMappings, Args: args, PidFile: r.pastaPidFile(c.ID())}); err != nil {
			return nil, err
		}
	case "slirp4netns":
		n, err := r.startSlirp(ctx, c, path, opts, st)
		if err != nil {
			return nil, err
		}
		c.State.Network = st
		return n, nil
	case "bridge":
		if err := r.setupBridge(ctx, c, st); err != nil {
			return nil, err
		}
	}
	if kind != "bridge" {
		a, err := network.NSAddr(path)
		if err != nil {
			return nil, fmt.Errorf("reading the address of %s: %w", c.Name(), err)
		}
		if a.IP != nil {
			st.IP, st.Prefix, st.MAC = a.IP.String(), a.Prefix, a.MAC
		}
		if a.Gateway != nil {
			st.Gateway = a.Gateway.String()
		}
	}
	c.State.Network = st
	return &netSetup{}, nil
}

// undoNetwork tears down a network set-up that failed.
func (r *Runtime) undoNetwork(ctx context.Context, c *Container) {
	if err := r.teardownNetwork(context.WithoutCancel(ctx), c); err != nil {
		slog.Warn("undoing a network set-up that failed", "container", c.ID(), "err", err)
	}
}

// netSetup is the part of a network set-up still under way when
// startNetwork returns: a helper starting in the background.
type netSetup struct {
	result chan error // nil when nothing is under way
	// finish records the helper's results in c's state; wait runs it in
	// the caller's goroutine once the helper is up.
	finish func()
	undo   func() // tears the network down when the helper failed
	err    error
	waited bool
	// holder keeps the helper alive while it is open (slirp4netns's
	// --exit-fd): pm holds it until conmon, which is handed a copy, runs.
	holder *os.File
}

// holders are the files conmon must hold for the helper to live as long
// as it does.
func (n *netSetup) holders() []*os.File {
	if n == nil || n.holder == nil {
		return nil
	}
	return []*os.File{n.holder}
}

// release closes pm's copy of the holder: from then on, the helper lives
// as long as conmon (or, before conmon started, not at all).
func (n *netSetup) release() {
	if n != nil && n.holder != nil {
		n.holder.Close()
		n.holder = nil
	}
}

// wait waits for the helper and reports its failure, after which the
// network is torn down. It may be called more than once.
func (n *netSetup) wait() error {
	if n == nil || n.result == nil || n.waited {
		if n == nil {
			return nil
		}
		return n.err
	}
	n.waited = true
	if n.err = <-n.result; n.err != nil {
		n.undo()
		return n.err
	}
	n.finish()
	return nil
}

// startSlirp starts slirp4netns for c with its --network options
// (allow_host_loopback=true|false, mtu=N, cidr=..., enable_ipv6=...) in
// the background, having filled st with the addresses it will give.
func (r *Runtime) startSlirp(ctx context.Context, c *Container, path, opts string, st *define.NetworkStatus) (*netSetup, error) {
	bin := r.cfg.Engine.NetworkCmdPath
	if bin == "" {
		var err error
		if bin, err = r.helperPath("slirp4netns"); err != nil {
			return nil, err
		}
	}
	o := network.SlirpOptions{
		Path: bin, NSPath: path, Ports: c.Config.PortMappings,
		APISocket: filepath.Join(r.cfg.TmpDir, "netns", c.ID()[:12]+".slirp.sock"),
		PidFile:   r.slirpPidFile(c.ID()),
		LogFile:   r.slirpPidFile(c.ID()) + ".log",
	}
	var err error
	var addrs network.SlirpAddrs
	if o.AllowHostLoopback, o.Args, addrs, err = ParseSlirpOptions(opts); err != nil {
		return nil, err
	}
	o.Guest = addrs.Guest
	st.IP, st.Prefix, st.Gateway = addrs.Guest, addrs.Prefix, addrs.Gateway
	exitR, exitW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	o.ExitFD = exitR
	var pid int
	var mac string
	n := &netSetup{
		result: make(chan error, 1),
		finish: func() { st.SlirpPid, st.MAC = pid, mac },
		undo:   func() { r.undoNetwork(ctx, c) },
		holder: exitW,
	}
	go func() {
		var err error
		defer func() { n.result <- err }()
		defer define.Recover("starting slirp4netns", &err)
		if pid, err = network.StartSlirp(ctx, o); err != nil {
			return
		}
		// The interface's address is the one slirp4netns was told; its
		// MAC address is the kernel's choice.
		a, aerr := network.NSAddr(path)
		if aerr != nil {
			err = fmt.Errorf("reading the address of %s: %w", c.Name(), aerr)
			return
		}
		mac = a.MAC
	}()
	return n, nil
}

// ParseSlirpOptions checks --network slirp4netns:OPTS (allow_host_loopback=,
// mtu=, cidr=, enable_ipv6=, port_handler=) and gives slirp4netns's
// arguments, and its addresses in the network it makes.
func ParseSlirpOptions(opts string) (allowHostLoopback bool, args []string, addrs network.SlirpAddrs, err error) {
	cidr := ""
	for _, kv := range splitOpts(opts) {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "allow_host_loopback":
			allowHostLoopback = v == "true"
		case "mtu":
			args = append(args, "--mtu="+v)
		case "cidr":
			cidr = v
			args = append(args, "--cidr="+v)
		case "enable_ipv6":
			if v == "true" {
				args = append(args, "--enable-ipv6")
			}
		case "port_handler", "outbound_addr", "outbound_addr6":
			// Ports go through slirp4netns's own forwarding.
		default:
			return false, nil, addrs, define.Invalidf("invalid slirp4netns option %q", kv)
		}
	}
	addrs, err = network.SlirpAddrsOf(cidr)
	return allowHostLoopback, args, addrs, err
}

// splitOpts splits "a,b,c" network options; "" gives none.
func splitOpts(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// teardownNetwork undoes setupNetwork: it stops slirp4netns, has netavark
// remove c's interfaces and removes the namespace file, which ends pasta.
// It is idempotent and works from the files alone, so it also cleans up
// after a pm that was killed. What it cannot undo stays: the files it
// works from and c.State.Network, so that a later cleanup or rm retries;
// its error says what failed.
func (r *Runtime) teardownNetwork(ctx context.Context, c *Container) error {
	if !OwnsNetNS(c.Config.NetworkMode) {
		return nil
	}
	if kind, _ := NetworkKind(c.Config.NetworkMode); kind == "bridge" {
		// The namespace stays while netavark has not detached it: the
		// retry needs it.
		if err := r.teardownBridge(ctx, c); err != nil {
			return err
		}
	}
	errs := stepErrors{container: c.ID()}
	if err := network.StopSlirp(r.slirpPidFile(c.ID())); err != nil {
		errs.add(fmt.Errorf("stopping slirp4netns: %w", err))
	}
	os.Remove(filepath.Join(r.cfg.TmpDir, "netns", c.ID()[:12]+".slirp.sock"))
	os.Remove(r.slirpPidFile(c.ID()) + ".log")
	errs.add(network.RemoveNS(r.NetNSPath(c.ID())))
	errs.add(network.RemoveNS(r.userNSPath(c.ID())))
	if err := network.StopPasta(r.pastaPidFile(c.ID())); err != nil {
		errs.add(fmt.Errorf("stopping pasta: %w", err))
	}
	if errs.first != nil {
		return fmt.Errorf("tearing down the network of %s: %w", c.Name(), errs.first)
	}
	c.State.Network = nil
	return nil
}

// hostsFor is c's /etc/hosts: the --add-host entries and those of
// containers.conf's base_hosts_file (rootfs is c's root, for "image"),
// then what pm adds unless one of its names is there already, as in
// Podman: localhost, c's address with its hostname and name, and
// host.containers.internal. A base file that cannot be read is an error.
func (r *Runtime) hostsFor(c *Container, hostname, rootfs string) ([]byte, error) {
	gw := hostAddrFor(c)
	var user []string // "IP\tNAME..." lines
	for _, h := range c.Config.Names.AddHosts {
		name, ip, _ := strings.Cut(h, ":")
		if ip == "host-gateway" {
			ip = gw
		}
		if ip != "" {
			user = append(user, ip+"\t"+name)
		}
	}
	base, err := r.baseHosts(rootfs)
	if err != nil {
		return nil, err
	}
	user = append(user, base...)
	taken := map[string]bool{}
	for _, line := range user {
		for _, name := range strings.Fields(line)[1:] {
			taken[name] = true
		}
	}
	var b bytes.Buffer
	add := func(ip string, names ...string) {
		for _, n := range names {
			if taken[n] {
				return
			}
		}
		fmt.Fprintf(&b, "%s\t%s\n", ip, strings.Join(names, " "))
	}
	add("127.0.0.1", "localhost", "localhost.localdomain", "localhost4", "localhost4.localdomain4")
	add("::1", "localhost", "localhost.localdomain", "localhost6", "localhost6.localdomain6")
	for _, line := range user {
		b.WriteString(line + "\n")
	}
	names := []string{hostname}
	if c.Name() != "" {
		names = append(names, c.Name()) // also when it is the hostname, as Podman writes it
	}
	switch st := c.State.Network; {
	case st != nil && st.IP != "":
		add(st.IP, names...)
	case hostname != "":
		add("127.0.1.1", names...)
	}
	if ip := r.cfg.Containers.HostContainersInternalIP; ip != "" {
		gw = ip
	}
	if gw != "" {
		add(gw, "host.containers.internal", "host.docker.internal")
	}
	return b.Bytes(), nil
}

// baseHosts are the entries of containers.conf's base_hosts_file, each
// as "IP\tNAME...": a file's, or the image's /etc/hosts (in rootfs) with
// "image" (an image without one has none).
func (r *Runtime) baseHosts(rootfs string) ([]string, error) {
	path := r.cfg.Containers.BaseHostsFile
	switch path {
	case "", "none":
		return nil, nil
	case "image":
		if rootfs == "" {
			return nil, nil
		}
		p, err := securejoin.SecureJoin(rootfs, "/etc/hosts")
		if err != nil {
			return nil, nil
		}
		path = p
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && r.cfg.Containers.BaseHostsFile == "image" {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading base_hosts_file of containers.conf: %w", err)
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		line, _, _ = strings.Cut(line, "#")
		f := strings.Fields(line)
		if len(f) < 2 || net.ParseIP(f[0]) == nil {
			continue
		}
		out = append(out, f[0]+"\t"+strings.Join(f[1:], " "))
	}
	return out, nil
}

// hostAddrFor is the address by which c reaches the host
// (host.containers.internal, --add-host NAME:host-gateway): its gateway,
// except on slirp4netns without allow_host_loopback, whose gateway does
// not lead to the host; there, as in Podman, the host's own address.
func hostAddrFor(c *Container) string {
	st := c.State.Network
	if st == nil {
		return ""
	}
	if st.Mode == "slirp4netns" {
		_, opts := NetworkKind(c.Config.NetworkMode)
		if loopback, _, _, err := ParseSlirpOptions(opts); err == nil && !loopback {
			if ip := network.HostIP(); ip != nil {
				return ip.String()
			}
			return ""
		}
	}
	return st.Gateway
}

// resolvFor is c's resolv.conf: the host's (without loopback nameservers),
// with the nameserver of c's network helper and the user's --dns flags.
func resolvFor(c *Container) []byte {
	kind, _ := NetworkKind(c.Config.NetworkMode)
	host := resolvConf(c.Config.NetworkMode)
	n := c.Config.Names
	if kind == "host" && len(n.DNS)+len(n.DNSSearch)+len(n.DNSOptions) == 0 {
		return host
	}
	var servers, search, options []string
	for _, line := range strings.Split(string(host), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "nameserver":
			if !strings.HasPrefix(f[1], "127.") && f[1] != "::1" {
				servers = append(servers, f[1])
			}
		case "search":
			search = f[1:]
		case "options":
			options = append(options, f[1:]...)
		}
	}
	if st := c.State.Network; st != nil {
		switch st.Mode {
		case "pasta":
			servers = []string{network.DNSForward}
		case "slirp4netns":
			_, opts := NetworkKind(c.Config.NetworkMode)
			if _, _, addrs, err := ParseSlirpOptions(opts); err == nil {
				servers = []string{addrs.DNS}
			}
		case "bridge":
			own, domains := bridgeDNS(st)
			servers = append(own, servers...)
			search = append(domains, search...)
		}
	}
	if len(n.DNS) > 0 {
		servers = n.DNS
	}
	if len(n.DNSSearch) > 0 {
		search = n.DNSSearch
		if len(search) == 1 && search[0] == "." {
			search = nil
		}
	}
	if len(n.DNSOptions) > 0 {
		options = n.DNSOptions
	}
	var b bytes.Buffer
	if len(search) > 0 {
		fmt.Fprintf(&b, "search %s\n", strings.Join(search, " "))
	}
	for _, s := range servers {
		fmt.Fprintf(&b, "nameserver %s\n", s)
	}
	if len(options) > 0 {
		fmt.Fprintf(&b, "options %s\n", strings.Join(options, " "))
	}
	return b.Bytes()
}

// inspectNetwork fills the network parts of c's inspect data: published
// ports and the address pasta, slirp4netns or netavark gave it.
func (r *Runtime) inspectNetwork(c *Container, data *define.InspectContainerData) {
	ns := data.NetworkSettings
	for _, p := range c.Config.PortMappings {
		for j := uint16(0); j < max(p.Range, 1); j++ {
			key := fmt.Sprintf("%d/%s", p.ContainerPort+j, p.Protocol)
			hp := fmt.Sprint(p.HostPort + j)
			ip := p.HostIP
			data.HostConfig.PortBindings[key] = append(data.HostConfig.PortBindings[key], define.InspectPort{HostIP: ip, HostPort: hp})
			if ip == "" {
				ip = "0.0.0.0"
			}
			ns.Ports[key] = append(ns.Ports[key], define.InspectPort{HostIP: ip, HostPort: hp})
		}
	}
	data.HostConfig.PublishAllPorts = c.Config.PublishAll
	if kind, _ := NetworkKind(c.Config.NetworkMode); kind != "private" {
		data.HostConfig.NetworkMode = c.Config.NetworkMode
		// The options of slirp4netns and pasta are not part of the
		// mode's name, as in Podman.
		if m, _, ok := strings.Cut(c.Config.NetworkMode, ":"); ok && (m == "slirp4netns" || m == "pasta") {
			data.HostConfig.NetworkMode = m
		}
	}
	if st := c.State.Network; st != nil {
		ns.IPAddress, ns.IPPrefixLen, ns.Gateway, ns.MacAddress = st.IP, st.Prefix, st.Gateway, st.MAC
		ns.SandboxKey = st.NSPath
	}
	r.inspectBridges(c, ns)
}
