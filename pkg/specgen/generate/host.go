package generate

import (
	"os"
	"strconv"
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/pkg/specgen"
)

// DeviceNode is what the host says of a --device node: its type (c or b),
// numbers and mode, read by the caller (Generate reads no files).
type DeviceNode struct {
	Type         string
	Major, Minor int64
	Mode         os.FileMode
}

// hostSide applies devices, sysctls, the umask and resource settings
// beyond the basic three to sp.
func hostSide(sp *specs.Spec, s *specgen.Spec, h Host) {
	l := sp.Linux
	if len(s.Sysctls) > 0 {
		l.Sysctl = map[string]string{}
		for k, v := range s.Sysctls {
			l.Sysctl[k] = v
		}
	}
	if s.Umask != "" {
		if n, err := strconv.ParseUint(s.Umask, 8, 32); err == nil {
			u := uint32(n)
			sp.Process.User.Umask = &u
		}
	}
	for i, d := range s.Devices {
		if i >= len(h.Devices) {
			break
		}
		n := h.Devices[i]
		if h.Rootless {
			// A rootless container cannot make device nodes: the host's
			// node is bound in, as Podman does.
			opts := []string{"bind", "nosuid", "noexec", "rprivate"}
			if !strings.Contains(d.Perms, "w") {
				opts = append(opts, "ro")
			}
			sp.Mounts = append(sp.Mounts, specs.Mount{Destination: d.Container, Type: "bind", Source: d.Host, Options: opts})
			continue
		}
		zero := uint32(0)
		mode := n.Mode
		l.Devices = append(l.Devices, specs.LinuxDevice{Path: d.Container, Type: n.Type,
			Major: n.Major, Minor: n.Minor, FileMode: &mode, UID: &zero, GID: &zero})
		if l.Resources != nil {
			major, minor := n.Major, n.Minor
			l.Resources.Devices = append(l.Resources.Devices, specs.LinuxDeviceCgroup{
				Allow: true, Type: n.Type, Major: &major, Minor: &minor, Access: d.Perms})
		}
	}
	if r := l.Resources; r != nil {
		res := s.Resources
		if res.CPUShares > 0 || res.CPUSetCPUs != "" {
			if r.CPU == nil {
				r.CPU = &specs.LinuxCPU{}
			}
			if res.CPUShares > 0 {
				shares := res.CPUShares
				r.CPU.Shares = &shares
			}
			r.CPU.Cpus = res.CPUSetCPUs
		}
		if res.MemoryReservation > 0 || res.MemorySwap != 0 {
			if r.Memory == nil {
				r.Memory = &specs.LinuxMemory{}
			}
			if res.MemoryReservation > 0 {
				m := res.MemoryReservation
				r.Memory.Reservation = &m
			}
			if res.MemorySwap != 0 {
				m := res.MemorySwap
				r.Memory.Swap = &m
			}
		}
	}
}

// shmOptions are the options of the container's own /dev/shm tmpfs, sized
// by --shm-size.
func shmOptions(size int64) []string {
	if size <= 0 {
		return ShmOptions
	}
	out := make([]string, 0, len(ShmOptions))
	for _, o := range ShmOptions {
		if strings.HasPrefix(o, "size=") {
			o = "size=" + strconv.FormatInt(size, 10)
		}
		out = append(out, o)
	}
	return out
}
