package generate

import (
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/pkg/specgen"
)

// ShmOptions are the options of a container's own /dev/shm tmpfs.
var ShmOptions = []string{"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}

// ipcNamespace applies --ipc to the namespaces: host shares pm's IPC
// namespace (the host's), ns:PATH joins PATH. container:NAME is joined by
// libpod at start, when the other container's process is known.
func ipcNamespace(nss []specs.LinuxNamespace, mode string) []specs.LinuxNamespace {
	out := nss[:0]
	for _, ns := range nss {
		if ns.Type == specs.IPCNamespace {
			if mode == specgen.IPCHost {
				continue
			}
			if p, ok := strings.CutPrefix(mode, "ns:"); ok {
				ns.Path = p
			}
		}
		out = append(out, ns)
	}
	return out
}

// shmMount is the container's /dev/shm: the host's with --ipc host, none
// with --ipc none, the host-side tmpfs ShmDir when the container's IPC is
// to be shared, else a tmpfs of its own.
func shmMount(s *specgen.Spec, h Host) (specs.Mount, bool) {
	switch {
	case s.IPC == specgen.IPCNone:
		return specs.Mount{}, false
	case s.IPC == specgen.IPCHost:
		return specs.Mount{Destination: "/dev/shm", Type: "bind", Source: "/dev/shm", Options: []string{"rbind", "nosuid", "noexec", "nodev", "rprivate"}}, true
	case h.ShmDir != "":
		return specs.Mount{Destination: "/dev/shm", Type: "bind", Source: h.ShmDir, Options: []string{"bind", "nosuid", "noexec", "nodev", "rprivate"}}, true
	}
	return specs.Mount{Destination: "/dev/shm", Type: "tmpfs", Source: "shm", Options: shmOptions(s.ShmSize)}, true
}

// timezoneMount is /etc/localtime for --tz: the host's with local, else
// the zone's file from the host's zoneinfo database.
func timezoneMount(tz string) *specs.Mount {
	src := ""
	switch {
	case tz == "":
		return nil
	case tz == "local":
		src = "/etc/localtime"
	default:
		src = "/usr/share/zoneinfo/" + tz
	}
	return &specs.Mount{Destination: "/etc/localtime", Type: "bind", Source: src, Options: []string{"bind", "ro", "rprivate"}}
}
