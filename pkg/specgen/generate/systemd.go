package generate

import (
	"path"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/pkg/specgen"
)

// initCommands are the commands that run a container in systemd mode
// under --systemd=true, besides any whose base name is systemd.
var initCommands = map[string]bool{"/sbin/init": true, "/usr/sbin/init": true, "/usr/local/sbin/init": true}

// SystemdMode reports whether the container runs in systemd mode: with
// --systemd=always, or with --systemd=true (the default) when its command
// is systemd or init.
func SystemdMode(s *specgen.Spec, img ImageConfig) bool {
	switch s.Systemd {
	case "always":
		return true
	case "false":
		return false
	}
	cmd := Command(s, img)
	return len(cmd) > 0 && (initCommands[cmd[0]] || path.Base(cmd[0]) == "systemd")
}

// systemdMode gives a container in systemd mode what systemd expects as
// PID 1: tmpfs on /run, /run/lock, /tmp and /var/log/journal (unless the
// user mounts something there), a writable cgroup tree on cgroup v2 (its
// systemd hierarchy on v1), and container_uuid in its environment.
func systemdMode(sp *specs.Spec, s *specgen.Spec, h Host) {
	has := map[string]bool{}
	for _, m := range sp.Mounts {
		has[m.Destination] = true
	}
	for _, d := range []string{"/run", "/run/lock", "/tmp", "/var/log/journal"} {
		if !has[d] {
			sp.Mounts = append(sp.Mounts, specs.Mount{Destination: d, Type: "tmpfs", Source: "tmpfs",
				Options: []string{"rw", "rprivate", "nosuid", "nodev", "tmpcopyup"}})
		}
	}
	if h.CgroupV2 {
		for i, m := range sp.Mounts {
			if m.Destination == "/sys/fs/cgroup" && m.Type == "cgroup" {
				sp.Mounts[i].Options = withRW(m.Options)
			}
		}
	} else if !has["/sys/fs/cgroup/systemd"] {
		sp.Mounts = append(sp.Mounts, specs.Mount{Destination: "/sys/fs/cgroup/systemd", Type: "bind",
			Source: "/sys/fs/cgroup/systemd", Options: []string{"bind", "rprivate", "nosuid", "noexec", "nodev"}})
	}
	if _, ok := s.Env["container_uuid"]; !ok && sp.Process != nil && len(h.ContainerID) >= 32 {
		sp.Process.Env = append(sp.Process.Env, "container_uuid="+h.ContainerID[:32])
	}
}

// withRW is opts with ro replaced by rw.
func withRW(opts []string) []string {
	out := make([]string, 0, len(opts))
	for _, o := range opts {
		if o == "ro" {
			o = "rw"
		}
		out = append(out, o)
	}
	return out
}
