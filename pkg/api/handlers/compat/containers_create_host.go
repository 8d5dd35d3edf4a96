package compat

import (
	"cmp"
	"fmt"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/blkiodev"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/pm-project/pm/pkg/api/handlers"
	"github.com/pm-project/pm/pkg/specgen"
)

// forVersion applies what Docker's create route does by API version
// before anything else: fields a version did not have are dropped, and
// some that need a newer version are refused.
func forVersion(r *http.Request, b *createBody) error {
	hc := &b.HostConfig
	if !versionAtLeast(r, "1.40") {
		for _, m := range hc.Mounts {
			if m.BindOptions != nil {
				m.BindOptions.NonRecursive = false
			}
		}
	}
	if !versionAtLeast(r, "1.42") {
		for i := range hc.Mounts {
			m := &hc.Mounts[i]
			if m.BindOptions != nil {
				m.BindOptions.CreateMountpoint = false
			}
			// Not validated before 1.42: dropped so that they pass.
			if m.Type != "volume" {
				m.VolumeOptions = nil
			}
			if m.Type != "tmpfs" {
				m.TmpfsOptions = nil
			}
		}
		hc.ConsoleSize = [2]uint{}
	} else {
		for _, m := range hc.Mounts {
			if m.VolumeOptions != nil && m.Type != "volume" {
				return handlers.BadRequest("VolumeOptions must not be specified on mount type %q", m.Type)
			}
			if m.BindOptions != nil && m.Type != "bind" {
				return handlers.BadRequest("BindOptions must not be specified on mount type %q", m.Type)
			}
			if m.TmpfsOptions != nil && m.Type != "tmpfs" {
				return handlers.BadRequest("TmpfsOptions must not be specified on mount type %q", m.Type)
			}
		}
	}
	if !versionAtLeast(r, "1.43") {
		hc.Annotations = nil
	}
	if !versionAtLeast(r, "1.48") {
		for _, ep := range b.NetworkingConfig.EndpointsConfig {
			if ep != nil {
				ep.GwPriority = 0
			}
		}
	}
	if !versionAtLeast(r, "1.56") {
		hc.Umask = nil
	}
	if !versionAtLeast(r, "1.44") {
		if b.Healthcheck != nil {
			b.Healthcheck.StartInterval = 0
		}
		for _, m := range hc.Mounts {
			if m.Type == "bind" && m.BindOptions != nil && m.BindOptions.ReadOnlyForceRecursive {
				return handlers.BadRequest("BindOptions.ReadOnlyForceRecursive needs API v1.44 or newer")
			}
		}
		if n := len(b.NetworkingConfig.EndpointsConfig); n > 1 {
			names := make([]string, 0, n)
			for k := range b.NetworkingConfig.EndpointsConfig {
				names = append(names, k)
			}
			sort.Strings(names)
			return handlers.BadRequest("Container cannot be created with multiple network endpoints: %s", strings.Join(names, ", "))
		}
	}
	return nil
}

// hostFromDocker maps HostConfig's resources, namespaces and host-facing
// fields onto s.
func hostFromDocker(s *specgen.Spec, hc *container.HostConfig) error {
	if hc.CPUShares < 0 {
		return handlers.BadRequest("invalid CpuShares %d: must not be negative", hc.CPUShares)
	}
	s.Resources = specgen.Resources{MemoryBytes: hc.Memory, CPUs: float64(hc.NanoCPUs) / 1e9,
		CPUShares: uint64(hc.CPUShares), CPUSetCPUs: hc.CpusetCpus, CPUSetMems: hc.CpusetMems,
		MemoryReservation: hc.MemoryReservation, MemorySwap: hc.MemorySwap, MemorySwappiness: hc.MemorySwappiness,
		BlkioWeight: hc.BlkioWeight, DeviceCgroupRules: hc.DeviceCgroupRules, CgroupParent: hc.CgroupParent}
	if sw := hc.MemorySwappiness; sw != nil && *sw == -1 {
		s.Resources.MemorySwappiness = nil // the CLI's "unset"
	}
	if hc.OomKillDisable != nil {
		s.Resources.OOMKillDisable = *hc.OomKillDisable
	}
	for _, v := range []struct {
		name string
		n    int64
		dst  *uint64
	}{{"CpuPeriod", hc.CPUPeriod, &s.Resources.CPUPeriod}, {"CpuRealtimePeriod", hc.CPURealtimePeriod, &s.Resources.CPURtPeriod}} {
		if v.n < 0 {
			return handlers.BadRequest("invalid %s %d: must not be negative", v.name, v.n)
		}
		*v.dst = uint64(v.n)
	}
	s.Resources.CPUQuota, s.Resources.CPURtRuntime = hc.CPUQuota, hc.CPURealtimeRuntime
	for _, d := range hc.BlkioWeightDevice {
		s.Resources.BlkioWeightDevices = append(s.Resources.BlkioWeightDevices, specgen.BlkioDevice{Path: d.Path, Value: uint64(d.Weight)})
	}
	for _, t := range []struct {
		from []*blkiodev.ThrottleDevice
		to   *[]specgen.BlkioDevice
	}{
		{hc.BlkioDeviceReadBps, &s.Resources.DeviceReadBps}, {hc.BlkioDeviceWriteBps, &s.Resources.DeviceWriteBps},
		{hc.BlkioDeviceReadIOps, &s.Resources.DeviceReadIOps}, {hc.BlkioDeviceWriteIOps, &s.Resources.DeviceWriteIOps},
	} {
		for _, d := range t.from {
			*t.to = append(*t.to, specgen.BlkioDevice{Path: d.Path, Value: d.Rate})
		}
	}
	if hc.PidsLimit != nil && *hc.PidsLimit > 0 {
		s.Resources.PidsLimit = *hc.PidsLimit
	}
	if len(hc.DeviceRequests) > 0 {
		dr := hc.DeviceRequests[0]
		caps := make([]string, 0, len(dr.Capabilities))
		for _, c := range dr.Capabilities {
			caps = append(caps, "["+strings.Join(c, " ")+"]")
		}
		// Docker's words, for a daemon without the driver (pm has none).
		return handlers.BadRequest("could not select device driver %q with capabilities: [%s]", dr.Driver, strings.Join(caps, " "))
	}
	for _, d := range hc.Devices {
		perms := cmp.Or(d.CgroupPermissions, "rwm")
		dev, err := specgen.ParseDevice(d.PathOnHost + ":" + cmp.Or(d.PathInContainer, d.PathOnHost) + ":" + perms)
		if err != nil {
			return err
		}
		s.Devices = append(s.Devices, dev)
	}
	for _, u := range hc.Ulimits {
		// The --ulimit syntax, so that the same checks apply (a known
		// name, soft not above hard; -1 is unlimited).
		ul, err := specgen.ParseUlimit(fmt.Sprintf("%s=%d:%d", u.Name, u.Soft, u.Hard))
		if err != nil {
			return err
		}
		s.Ulimits = append(s.Ulimits, ul)
	}
	s.Sysctls, s.ShmSize = hc.Sysctls, hc.ShmSize
	if hc.OomScoreAdj != 0 {
		a := hc.OomScoreAdj
		s.OOMScoreAdj = &a
	}
	if cs := hc.ConsoleSize; cs[0] > 0 && cs[1] > 0 {
		s.ConsoleSize = &cs
	}
	// Docker's IPC modes are pm's; Docker's "private" default keeps
	// pm's, which others may join (shareable).
	s.IPC = string(hc.IpcMode)
	switch hc.PidMode {
	case "", "private":
	default:
		s.PID = string(hc.PidMode)
	}
	switch hc.UTSMode {
	case "", "private":
	default:
		s.UTS = string(hc.UTSMode)
	}
	switch hc.UsernsMode {
	case "", "private":
		// Docker's default is pm's: the rootless user namespace.
	default:
		s.UserNS = string(hc.UsernsMode)
	}
	switch hc.Isolation {
	case "", "default":
	default:
		return handlers.BadRequest("invalid isolation (%s): linux only supports 'default'", hc.Isolation)
	}
	if d := hc.VolumeDriver; d != "" && d != "local" {
		return handlers.BadRequest("error looking up volume plugin %s: plugin %q not found: pm has only the local volume driver", d, d)
	}
	return nil
}

// mountsFromDocker adds Binds, Mounts and the anonymous volumes of
// Config.Volumes to s.
func mountsFromDocker(s *specgen.Spec, b *createBody) error {
	hc := &b.HostConfig
	for _, bind := range hc.Binds {
		m, err := specgen.ParseVolume(bind)
		if err != nil {
			return err
		}
		s.Mounts = append(s.Mounts, m)
	}
	for _, m := range hc.Mounts {
		sm, err := mountFromDocker(m)
		if err != nil {
			return err
		}
		s.Mounts = append(s.Mounts, sm)
	}
	// Config.Volumes lists every volume path, those Binds and Mounts
	// fill included (compose sends both): only the rest are anonymous.
	taken := map[string]bool{}
	for _, m := range s.Mounts {
		taken[strings.TrimSuffix(m.Destination, "/")] = true
	}
	vols := make([]string, 0, len(b.Volumes))
	for dst := range b.Volumes {
		if !taken[strings.TrimSuffix(dst, "/")] {
			vols = append(vols, dst)
		}
	}
	sort.Strings(vols)
	for _, dst := range vols {
		s.Mounts = append(s.Mounts, specgen.Mount{Type: "volume", Destination: dst})
	}
	return nil
}

// mountFromDocker turns one of HostConfig.Mounts into a Spec mount, its
// options as --mount spells them.
func mountFromDocker(m mount.Mount) (specgen.Mount, error) {
	if !path.IsAbs(m.Target) {
		return specgen.Mount{}, handlers.BadRequest("invalid mount target %q: not an absolute path", m.Target)
	}
	sm := specgen.Mount{Type: string(m.Type), Source: m.Source, Destination: path.Clean(m.Target), ReadOnly: m.ReadOnly}
	switch m.Type {
	case "bind":
		if m.Source == "" {
			return sm, handlers.BadRequest("invalid mount config for type \"bind\": field Source must not be empty")
		}
		if o := m.BindOptions; o != nil {
			if o.Propagation != "" {
				sm.Options = append(sm.Options, "bind-propagation="+string(o.Propagation))
			}
			if o.NonRecursive {
				sm.Options = append(sm.Options, "bind-nonrecursive")
			}
			if o.CreateMountpoint {
				sm.Options = append(sm.Options, "bind-create-mountpoint")
			}
			if o.ReadOnlyForceRecursive {
				if !m.ReadOnly {
					return sm, handlers.BadRequest("option ReadOnlyForceRecursive requires ReadOnly to be set")
				}
				sm.Options = append(sm.Options, "rro")
			}
			// ReadOnlyNonRecursive is pm's read-only already.
		}
	case "volume":
		if o := m.VolumeOptions; o != nil {
			if o.NoCopy {
				sm.Options = append(sm.Options, "nocopy")
			}
			keys := make([]string, 0, len(o.Labels))
			for k := range o.Labels {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				sm.Options = append(sm.Options, "volume-label="+k+"="+o.Labels[k])
			}
			if dc := o.DriverConfig; dc != nil {
				if dc.Name != "" && dc.Name != "local" {
					return sm, handlers.BadRequest("error looking up volume plugin %s: plugin %q not found: pm has only the local volume driver", dc.Name, dc.Name)
				}
				opts := make([]string, 0, len(dc.Options))
				for k, v := range dc.Options {
					opts = append(opts, "volume-opt="+k+"="+v)
				}
				sort.Strings(opts)
				sm.Options = append(sm.Options, opts...)
			}
		}
	case "tmpfs":
		if m.Source != "" {
			return sm, handlers.BadRequest("invalid mount config for type \"tmpfs\": field Source must not be specified")
		}
		if o := m.TmpfsOptions; o != nil {
			if o.SizeBytes < 0 {
				return sm, handlers.BadRequest("invalid mount config for type \"tmpfs\": invalid tmpfs size %d", o.SizeBytes)
			}
			if o.SizeBytes > 0 {
				sm.Options = append(sm.Options, "tmpfs-size="+strconv.FormatInt(o.SizeBytes, 10))
			}
			if o.Mode != 0 {
				sm.Options = append(sm.Options, fmt.Sprintf("tmpfs-mode=%o", o.Mode&0o7777))
			}
		}
	case "image":
		return sm, handlers.BadRequest(`mount type "image" is not supported by pm`)
	default:
		return sm, handlers.BadRequest("invalid mount config: mount type unknown: %q: use bind, volume or tmpfs", m.Type)
	}
	return sm, nil
}
