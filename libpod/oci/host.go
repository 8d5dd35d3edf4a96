package oci

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// Host holds the facts about this host that decide which OCI runtimes can
// run containers here, as seen from pm's mount namespace.
type Host struct {
	Rootless bool
	CgroupV2 bool
	// HybridVisible: a cgroup v1 host whose cgroup2 mount at
	// /sys/fs/cgroup/unified is visible here. Rootless pm hides it in its
	// own mount namespace (the pause process mounts a tmpfs over it).
	HybridVisible bool
	KVM           bool // /dev/kvm exists
}

// ProbeHost looks at this host's cgroups and devices.
func ProbeHost(rootless bool) Host {
	h := Host{Rootless: rootless, CgroupV2: CgroupVersion() == "v2"}
	if !h.CgroupV2 {
		var st unix.Statfs_t
		h.HybridVisible = unix.Statfs("/sys/fs/cgroup/unified", &st) == nil && st.Type == unix.CGROUP2_SUPER_MAGIC
	}
	_, err := os.Stat("/dev/kvm")
	h.KVM = err == nil
	return h
}

// Refusal says why runtime name cannot run containers on h, or "" when it
// can. kvm lists the runtimes that need /dev/kvm (containers.conf's
// runtime_supports_kvm).
func (h Host) Refusal(name string, kvm []string) string {
	base := filepath.Base(name)
	switch {
	case isCrun(base) && h.HybridVisible && h.Rootless:
		return "crun refuses cgroup v1 hosts that also mount cgroup2 at /sys/fs/cgroup/unified (\"hybrid\"), " +
			"and the pause process does not hide it (it predates pm's fix: `pm system migrate` restarts it)"
	case isCrun(base) && h.HybridVisible:
		return "crun refuses cgroup v1 hosts that also mount cgroup2 at /sys/fs/cgroup/unified (\"hybrid\"), " +
			"and as root pm shares the host's mount namespace, where hiding it would change the host"
	case (slices.Contains(kvm, name) || slices.Contains(kvm, base)) && !h.KVM:
		return "it runs containers in KVM virtual machines and this host has no /dev/kvm"
	}
	return ""
}

func isCrun(base string) bool { return base == "crun" || strings.HasPrefix(base, "crun-") }

// IsRunsc reports whether the runtime at path is gVisor's runsc, which
// needs its own flags (see GVisorArgs).
func IsRunsc(name string) bool { return filepath.Base(name) == "runsc" }

// GVisorArgs are the global flags runsc needs for a container on h: it
// cannot manage cgroups rootless, and it uses the network namespace pm
// prepared as it is (host), or none at all, since its own network stack
// would need to take over the namespace's interfaces. netMode is the
// container's network mode (none, host, pasta, bridge, ...).
func GVisorArgs(h Host, netMode string) []string {
	var args []string
	if h.Rootless {
		args = append(args, "--ignore-cgroups")
	}
	if netMode == "none" {
		args = append(args, "--network=none")
	} else {
		args = append(args, "--network=host")
	}
	return args
}

// MissingBinary is the refusal of a runtime whose binary is not on this
// host.
func MissingBinary(name string, candidates []string) string {
	var names []string
	for _, c := range candidates {
		if b := filepath.Base(c); !slices.Contains(names, b) {
			names = append(names, b)
		}
	}
	if len(names) == 0 || (len(names) == 1 && names[0] == name) {
		return fmt.Sprintf("no %s binary in containers.conf's [engine.runtimes] paths or $PATH", name)
	}
	return fmt.Sprintf("no %s binary (%s) in containers.conf's [engine.runtimes] paths or $PATH", name, strings.Join(names, ", "))
}
