package compat

import (
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/moby/moby/api/types/blkiodev"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/storage"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/pm-project/pm/pkg/api/handlers"
)

// dockerStatus maps pm's container states onto Docker's.
func dockerStatus(s string) string {
	switch s {
	case "configured", "created":
		return "created"
	case "stopped", "exited":
		return "exited"
	case "removing":
		return "removing"
	case "stopping":
		return "running" // Docker has no word for it
	}
	return s
}

func (a *api) containerInspect(w http.ResponseWriter, r *http.Request) error {
	d, err := a.inspectOne(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := dockerInspect(d)
	eps, err := a.eng.ContainerEndpoints(r.Context())
	if err != nil {
		return err
	}
	// The address Docker's deprecated top-level fields describe.
	top := define.InspectNetworkSettings{}
	if d.NetworkSettings != nil {
		top = *d.NetworkSettings
	}
	if mine := eps[d.ID]; len(mine) > 0 {
		out.NetworkSettings.Networks = dockerEndpoints(mine)
		// Docker's top-level fields describe the default network alone.
		ep := mine[engine.DockerDefaultNetwork]
		top.IPAddress, top.IPPrefixLen, top.Gateway, top.MacAddress, top.EndpointID = ep.IP, ep.Prefix, ep.Gateway, ep.MAC, ep.EndpointID
	}
	if versionAtLeast(r, "1.52") {
		return handlers.WriteJSON(w, http.StatusOK, out)
	}
	return writeOldInspect(w, r, out, d, &top)
}

// writeOldInspect answers versions before 1.52 with the fields Docker
// had then: NetworkSettings' top-level address fields, HostConfig's
// KernelMemoryTCP, and before 1.44 Config.MacAddress.
func writeOldInspect(w http.ResponseWriter, r *http.Request, out *container.InspectResponse, d *define.InspectContainerData, top *define.InspectNetworkSettings) error {
	ns, err := withFields(out.NetworkSettings, map[string]any{
		"Bridge": top.Bridge, "HairpinMode": top.HairpinMode, "LinkLocalIPv6Address": top.LinkLocalIPv6Address,
		"LinkLocalIPv6PrefixLen": top.LinkLocalIPv6PrefixLen, "SecondaryIPAddresses": nil, "SecondaryIPv6Addresses": nil,
		"EndpointID": top.EndpointID, "Gateway": top.Gateway, "GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0,
		"IPAddress": top.IPAddress, "IPPrefixLen": top.IPPrefixLen, "IPv6Gateway": "", "MacAddress": top.MacAddress,
	})
	if err != nil {
		return err
	}
	hc, err := withFields(out.HostConfig, map[string]any{"KernelMemoryTCP": 0})
	if err != nil {
		return err
	}
	extra := map[string]any{"NetworkSettings": ns, "HostConfig": hc}
	if !versionAtLeast(r, "1.44") {
		cfg, err := withFields(out.Config, map[string]any{"MacAddress": top.MacAddress})
		if err != nil {
			return err
		}
		extra["Config"] = cfg
	}
	m, err := withFields(out, extra)
	if err != nil {
		return err
	}
	return handlers.WriteJSON(w, http.StatusOK, m)
}

// dockerTime is a time as Docker writes it, the zero time included.
func dockerTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339Nano)
}

// dockerInspect maps pm's inspect data (Podman's shape) onto Docker's.
func dockerInspect(d *define.InspectContainerData) *container.InspectResponse {
	img := d.Image
	if !strings.HasPrefix(img, "sha256:") {
		img = "sha256:" + img
	}
	out := &container.InspectResponse{
		ID: d.ID, Created: dockerTime(d.Created), Path: d.Path, Args: nonNil(d.Args), Image: img,
		ResolvConfPath: d.ResolvConfPath, HostnamePath: d.HostnamePath, HostsPath: d.HostsPath, LogPath: d.LogPath,
		Name: "/" + strings.TrimPrefix(d.Name, "/"), RestartCount: int(d.RestartCount), Driver: d.Driver,
		Platform: "linux", MountLabel: d.MountLabel, ProcessLabel: d.ProcessLabel, AppArmorProfile: d.AppArmorProfile,
		ExecIDs: nonNil(d.ExecIDs), SizeRw: d.SizeRw, Mounts: []container.MountPoint{},
		NetworkSettings: &container.NetworkSettings{Ports: network.PortMap{}, Networks: map[string]*network.EndpointSettings{}},
	}
	if d.SizeRootFs != 0 {
		out.SizeRootFs = &d.SizeRootFs
	}
	if s := d.State; s != nil {
		out.State = &container.State{Status: container.ContainerState(dockerStatus(s.Status)), Running: s.Running,
			Paused: s.Paused, Restarting: s.Restarting, OOMKilled: s.OOMKilled, Dead: s.Dead, Pid: s.Pid,
			ExitCode: s.ExitCode, Error: s.Error, StartedAt: dockerTime(s.StartedAt), FinishedAt: dockerTime(s.FinishedAt)}
		if h := s.Health; h != nil {
			out.State.Health = &container.Health{Status: container.HealthStatus(h.Status), FailingStreak: h.FailingStreak,
				Log: []*container.HealthcheckResult{}}
			for _, l := range h.Log {
				out.State.Health.Log = append(out.State.Health.Log, &container.HealthcheckResult{Start: l.Start, End: l.End, ExitCode: l.ExitCode, Output: l.Output})
			}
		}
	}
	if g := d.GraphDriver; g != nil {
		out.GraphDriver = &storage.DriverData{Name: g.Name, Data: nonNilMap(g.Data)}
	}
	for _, m := range d.Mounts {
		out.Mounts = append(out.Mounts, container.MountPoint{Type: mount.Type(m.Type), Name: m.Name, Source: m.Source,
			Destination: m.Destination, Driver: m.Driver, Mode: m.Mode, RW: m.RW, Propagation: mount.Propagation(m.Propagation)})
	}
	if ns := d.NetworkSettings; ns != nil {
		out.NetworkSettings.SandboxID, out.NetworkSettings.SandboxKey = ns.SandboxID, ns.SandboxKey
		out.NetworkSettings.Ports = portMap(ns.Ports)
	}
	if c := d.Config; c != nil {
		out.Config = dockerConfig(c, d)
	}
	if h := d.HostConfig; h != nil {
		out.HostConfig = dockerHostConfig(h)
	}
	return out
}

// portMap is pm's ports by "port/proto" in the module's types; a port
// exposed but not published maps to no bindings (null), as in Docker.
func portMap(ports map[string][]define.InspectPort) network.PortMap {
	out := network.PortMap{}
	for k, bs := range ports {
		p, err := network.ParsePort(k)
		if err != nil {
			continue
		}
		var list []network.PortBinding
		for _, b := range bs {
			ip, _ := netip.ParseAddr(b.HostIP)
			list = append(list, network.PortBinding{HostIP: ip, HostPort: b.HostPort})
		}
		out[p] = list
	}
	return out
}

// dockerConfig is Config in Docker's shape: ExposedPorts has the
// image's EXPOSE ports, --expose's and the published ones.
func dockerConfig(c *define.InspectContainerConfig, d *define.InspectContainerData) *container.Config {
	out := &container.Config{
		Hostname: c.Hostname, Domainname: c.DomainName, User: c.User, AttachStdin: c.AttachStdin,
		AttachStdout: c.AttachStdout, AttachStderr: c.AttachStderr, Tty: c.Tty, OpenStdin: c.OpenStdin,
		StdinOnce: c.StdinOnce, Env: c.Env, Cmd: c.Cmd, Image: d.ImageName, Volumes: c.Volumes,
		WorkingDir: c.WorkingDir, Entrypoint: c.Entrypoint, Labels: nonNilMap(c.Labels), StopSignal: c.StopSignal,
		ExposedPorts: network.PortSet{},
	}
	if c.StopTimeout > 0 {
		t := int(c.StopTimeout)
		out.StopTimeout = &t
	}
	for k := range c.ExposedPorts {
		if p, err := network.ParsePort(k); err == nil {
			out.ExposedPorts[p] = struct{}{}
		}
	}
	if d.HostConfig != nil {
		for k := range d.HostConfig.PortBindings {
			if p, err := network.ParsePort(k); err == nil {
				out.ExposedPorts[p] = struct{}{}
			}
		}
	}
	if h := c.Healthcheck; h != nil {
		out.Healthcheck = &container.HealthConfig{Test: h.Test, Interval: h.Interval, Timeout: h.Timeout,
			StartPeriod: h.StartPeriod, StartInterval: h.StartInterval, Retries: h.Retries}
	}
	return out
}

// dockerHostConfig is HostConfig in Docker's shape and names.
func dockerHostConfig(h *define.InspectContainerHostConfig) *container.HostConfig {
	out := &container.HostConfig{
		Binds: h.Binds, ContainerIDFile: h.ContainerIDFile, NetworkMode: container.NetworkMode(h.NetworkMode),
		PortBindings: portMap(h.PortBindings), AutoRemove: h.AutoRemove, VolumeDriver: h.VolumeDriver,
		VolumesFrom: h.VolumesFrom, ConsoleSize: h.ConsoleSize, CapAdd: h.CapAdd, CapDrop: h.CapDrop,
		DNSOptions: h.DNSOptions, DNSSearch: h.DNSSearch, ExtraHosts: h.ExtraHosts, GroupAdd: h.GroupAdd,
		IpcMode: container.IpcMode(h.IpcMode), Cgroup: container.CgroupSpec(h.Cgroup), OomScoreAdj: h.OomScoreAdj,
		PidMode: container.PidMode(h.PidMode), Privileged: h.Privileged, PublishAllPorts: h.PublishAllPorts,
		ReadonlyRootfs: h.ReadonlyRootfs, SecurityOpt: h.SecurityOpt, Tmpfs: h.Tmpfs, UTSMode: container.UTSMode(h.UTSMode),
		UsernsMode: container.UsernsMode(h.UsernsMode), ShmSize: h.ShmSize, Sysctls: h.Sysctls, Runtime: h.Runtime,
		MaskedPaths: nil, ReadonlyPaths: nil,
	}
	if h.Init {
		t := true
		out.Init = &t
	}
	for _, s := range h.DNS {
		if ip, err := netip.ParseAddr(s); err == nil {
			out.DNS = append(out.DNS, ip)
		}
	}
	if l := h.LogConfig; l != nil {
		typ := l.Type
		if typ == "k8s-file" || typ == "" {
			// Docker's clients read logs only from drivers they know;
			// pm's file driver serves logs as json-file does.
			typ = "json-file"
		}
		out.LogConfig = container.LogConfig{Type: typ, Config: nonNilMap(l.Config)}
	}
	// Docker's name, and its two values.
	if m := h.CgroupMode; m == "host" || m == "private" {
		out.CgroupnsMode = container.CgroupnsMode(m)
	}
	if p := h.RestartPolicy; p != nil {
		out.RestartPolicy = container.RestartPolicy{Name: container.RestartPolicyMode(p.Name), MaximumRetryCount: int(p.MaxRetries)}
	}
	res := &out.Resources
	res.CPUShares, res.Memory, res.NanoCPUs, res.CgroupParent = int64(h.CPUShares), h.Memory, h.NanoCPUs, h.CgroupParent
	res.BlkioWeight, res.CPUPeriod, res.CPUQuota = h.BlkioWeight, int64(h.CPUPeriod), h.CPUQuota
	res.CPURealtimePeriod, res.CPURealtimeRuntime = int64(h.CpuRealtimePeriod), h.CpuRealtimeRuntime
	res.CpusetCpus, res.CpusetMems, res.MemoryReservation, res.MemorySwap = h.CpusetCpus, h.CpusetMems, h.MemoryReservation, h.MemorySwap
	if h.MemorySwappiness >= 0 {
		sw := h.MemorySwappiness
		res.MemorySwappiness = &sw
	}
	if h.PidsLimit != 0 {
		pl := h.PidsLimit
		res.PidsLimit = &pl
	}
	for _, d := range h.Devices {
		res.Devices = append(res.Devices, container.DeviceMapping{PathOnHost: d.PathOnHost, PathInContainer: d.PathInContainer, CgroupPermissions: d.CgroupPermissions})
	}
	for _, u := range h.Ulimits {
		res.Ulimits = append(res.Ulimits, &container.Ulimit{Name: u.Name, Soft: u.Soft, Hard: u.Hard})
	}
	for _, w := range h.BlkioWeightDevice {
		res.BlkioWeightDevice = append(res.BlkioWeightDevice, &blkiodev.WeightDevice{Path: w.Path, Weight: w.Weight})
	}
	for _, t := range []struct {
		from []define.InspectBlkioThrottleDevice
		to   *[]*blkiodev.ThrottleDevice
	}{{h.BlkioDeviceReadBps, &res.BlkioDeviceReadBps}, {h.BlkioDeviceWriteBps, &res.BlkioDeviceWriteBps},
		{h.BlkioDeviceReadIOps, &res.BlkioDeviceReadIOps}, {h.BlkioDeviceWriteIOps, &res.BlkioDeviceWriteIOps}} {
		for _, d := range t.from {
			*t.to = append(*t.to, &blkiodev.ThrottleDevice{Path: d.Path, Rate: d.Rate})
		}
	}
	return out
}
