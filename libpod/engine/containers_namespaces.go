package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/pm-project/pm/libpod"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/oci"
	"github.com/pm-project/pm/pkg/specgen"
	"golang.org/x/sys/unix"
)

// resolvePID turns --pid container:NAME into container:ID.
func (e *Engine) resolvePID(ctx context.Context, s *specgen.Spec) (string, error) {
	name, ok := strings.CutPrefix(s.PID, "container:")
	if !ok {
		return s.PID, nil
	}
	c, err := e.rt.LookupContainer(ctx, name)
	if err != nil {
		return "", fmt.Errorf("--pid %s: %w", s.PID, err)
	}
	return "container:" + c.ID(), nil
}

// resolveLinks checks Docker's legacy links, NAME[:ALIAS]: each names an
// existing container that shares a bridge network with the new one (the
// only way pm can give it an address to link to); it returns them as
// ID:ALIAS for libpod, which writes /etc/hosts at start.
func (e *Engine) resolveLinks(ctx context.Context, s *specgen.Spec, cc *define.ContainerConfig) ([]string, error) {
	var out []string
	for _, l := range s.Net.Links {
		name, alias, _ := strings.Cut(l, ":")
		name = strings.TrimPrefix(name, "/")
		if alias == "" {
			alias = name
		}
		alias = strings.TrimPrefix(alias[strings.LastIndex(alias, "/")+1:], "/")
		c, err := e.rt.LookupContainer(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("could not get container for %s: %w", name, err)
		}
		if !sharesBridge(cc, c) {
			return nil, define.Invalidf("cannot link to %s: links need a bridge network both containers are on (pm's default network gives each container a network of its own: create a network and use it for both)", name)
		}
		out = append(out, c.ID()+":"+alias)
	}
	return out, nil
}

// sharesBridge reports whether cc (being created) and c are on a common
// bridge network.
func sharesBridge(cc *define.ContainerConfig, c *libpod.Container) bool {
	for n := range cc.Networks {
		if _, ok := c.Config.Networks[n]; ok {
			return true
		}
	}
	return false
}

// blkioDevices fills the device numbers of the per-device block I/O
// limits from their host paths.
func blkioDevices(r *specgen.Resources) error {
	for _, list := range [][]specgen.BlkioDevice{r.BlkioWeightDevices, r.DeviceReadBps, r.DeviceWriteBps, r.DeviceReadIOps, r.DeviceWriteIOps} {
		for i := range list {
			var st unix.Stat_t
			if err := unix.Stat(list[i].Path, &st); err != nil {
				return define.Invalidf("invalid block I/O device %s: %v", list[i].Path, err)
			}
			if st.Mode&unix.S_IFMT != unix.S_IFBLK {
				return define.Invalidf("invalid block I/O device %s: not a block device", list[i].Path)
			}
			list[i].Major, list[i].Minor = int64(unix.Major(st.Rdev)), int64(unix.Minor(st.Rdev))
		}
	}
	return nil
}

// cgroupV2Limits drops, with Docker's warnings, the limits cgroup v2 does
// not have, and refuses real-time CPU limits, which it cannot apply.
func cgroupV2Limits(r *specgen.Resources) ([]string, error) {
	var warns []string
	if r.CPURtPeriod != 0 || r.CPURtRuntime != 0 {
		return nil, define.Invalidf("kernel does not support CPU real-time scheduler: cgroup v2 has no real-time CPU limits")
	}
	if r.MemorySwappiness != nil {
		warns = append(warns, "Your kernel does not support memory swappiness capabilities or the cgroup is not mounted. Memory swappiness discarded.")
		r.MemorySwappiness = nil
	}
	if r.OOMKillDisable {
		warns = append(warns, "Your kernel does not support OomKillDisable. OomKillDisable discarded.")
		r.OOMKillDisable = false
	}
	return warns, nil
}

// CgroupVersion is the host's cgroup version, v1 or v2.
func (e *Engine) CgroupVersion() string { return oci.CgroupVersion() }

// createMountpoints makes the missing host directories of bind mounts
// with the option bind-create-mountpoint (the Docker API's
// BindOptions.CreateMountpoint) and drops the option, which is pm's, not
// the runtime's.
func createMountpoints(s *specgen.Spec) error {
	for i := range s.Mounts {
		m := &s.Mounts[i]
		if m.Type != "bind" || !slices.Contains(m.Options, "bind-create-mountpoint") {
			continue
		}
		m.Options = slices.DeleteFunc(slices.Clone(m.Options), func(o string) bool { return o == "bind-create-mountpoint" })
		if _, err := os.Stat(m.Source); err == nil {
			continue
		}
		if err := os.MkdirAll(m.Source, 0o755); err != nil {
			return define.Invalidf("invalid bind mount source %s: creating it: %v", m.Source, errors.Unwrap(err))
		}
	}
	return nil
}
