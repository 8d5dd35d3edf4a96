package generate

import (
	"path"
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/pkg/specgen"
)

// cgroupNamespace applies --cgroupns: private (the default) gives the
// container a cgroup namespace of its own, so that it sees its own cgroup
// as the root; ns:PATH joins PATH; host shares pm's. container:ID gets a
// namespace here that libpod points at the other container's at start.
func cgroupNamespace(nss []specs.LinuxNamespace, mode string) []specs.LinuxNamespace {
	switch {
	case mode == "host":
		return nss
	case strings.HasPrefix(mode, "ns:"):
		return append(nss, specs.LinuxNamespace{Type: specs.CgroupNamespace, Path: strings.TrimPrefix(mode, "ns:")})
	}
	return append(nss, specs.LinuxNamespace{Type: specs.CgroupNamespace})
}

// sysMounts are /sys and /sys/fs/cgroup. /sys is a sysfs of the
// container's own, but a rootless container cannot mount one in a network
// namespace pm did not make for it (the host's, ns:PATH, another
// container's): there the host's /sys is bound, read-only with all the
// mounts under it where the kernel allows. /sys/fs/cgroup is always a
// cgroup file system, as in Podman: the OCI runtime mounts the
// container's own cgroup (its namespace's root with --cgroupns private),
// read-only unless --privileged or unmask= asks otherwise, never the
// host's tree.
func sysMounts(s *specgen.Spec, h Host) []specs.Mount {
	var out []specs.Mount
	bind := h.Rootless && (s.NetworkMode == "host" || (h.NetNSPath != "" && !h.OwnNetNS))
	if bind {
		opts := []string{"rbind", "nosuid", "noexec", "nodev", "ro"}
		if h.RecursiveRO {
			opts = append(opts, "rro")
		}
		out = append(out, specs.Mount{Destination: "/sys", Type: "bind", Source: "/sys", Options: opts})
	} else {
		out = append(out, specs.Mount{Destination: "/sys", Type: "sysfs", Source: "sysfs", Options: []string{"nosuid", "noexec", "nodev", "ro"}})
	}
	perm := "ro"
	if cgroupWritable(s.Security) {
		perm = "rw"
	}
	out = append(out, specs.Mount{Destination: "/sys/fs/cgroup", Type: "cgroup", Source: "cgroup",
		Options: []string{"rprivate", "nosuid", "noexec", "nodev", "relatime", perm}})
	return out
}

// cgroupWritable reports whether the container's cgroup file system is
// writable: with --privileged, unmask=ALL or unmask=/sys/fs/cgroup, as
// in Podman.
func cgroupWritable(sec specgen.Security) bool {
	if sec.Privileged {
		return true
	}
	for _, p := range sec.Unmask {
		if p == "ALL" || path.Clean(p) == "/sys/fs/cgroup" {
			return true
		}
	}
	return false
}
