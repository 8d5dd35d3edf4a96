package generate

import (
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/specgen"
)

// mounts adds the standard mounts, the generated files and the user's
// mounts; a user mount replaces a standard one at the same destination.
func mounts(sp *specs.Spec, s *specgen.Spec, h Host) error {
	user := map[string]specs.Mount{}
	for _, m := range s.Mounts {
		om, err := userMount(m)
		if err != nil {
			return err
		}
		user[om.Destination] = om
	}
	for dst, opts := range s.Tmpfs {
		o := []string{"rw", "noexec", "nosuid", "nodev"}
		if opts != "" {
			o = append(o, strings.Split(opts, ",")...)
		}
		user[filepath.Clean(dst)] = specs.Mount{Destination: filepath.Clean(dst), Type: "tmpfs", Source: "tmpfs", Options: o}
	}

	var out []specs.Mount
	add := func(m specs.Mount) {
		if _, ok := user[m.Destination]; ok {
			return
		}
		out = append(out, m)
	}
	if h.Rootless && s.PID == specgen.NSHost {
		// proc can be mounted only by the owner of the PID namespace: a
		// rootless container sharing the host's binds the host's /proc.
		add(specs.Mount{Destination: "/proc", Type: "bind", Source: "/proc", Options: []string{"rbind", "nosuid", "noexec", "nodev"}})
	} else {
		// proc-opts= are added to the defaults, which a proc mount in a
		// user namespace must keep.
		add(specs.Mount{Destination: "/proc", Type: "proc", Source: "proc", Options: append([]string{"nosuid", "noexec", "nodev"}, s.Security.ProcOpts...)})
	}
	add(specs.Mount{Destination: "/dev", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "strictatime", "mode=755", "size=65536k"}})
	pts := []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}
	if !h.Rootless {
		pts = append(pts, "gid=5")
	}
	add(specs.Mount{Destination: "/dev/pts", Type: "devpts", Source: "devpts", Options: pts})
	// mqueue can be mounted only by the owner of the IPC namespace, which
	// with --ipc host a rootless container is not.
	if s.IPC != specgen.IPCHost {
		add(specs.Mount{Destination: "/dev/mqueue", Type: "mqueue", Source: "mqueue", Options: []string{"nosuid", "noexec", "nodev"}})
	}
	if m, ok := shmMount(s, h); ok {
		add(m)
	}
	for _, m := range sysMounts(s, h) {
		add(m)
	}
	if s.ReadOnly && s.ReadOnlyTmpfs {
		for _, d := range []string{"/run", "/tmp", "/var/tmp"} {
			add(specs.Mount{Destination: d, Type: "tmpfs", Source: "tmpfs", Options: []string{"rw", "rprivate", "nosuid", "nodev", "tmpcopyup"}})
		}
	}
	files := map[string]string{
		"/etc/hosts":         h.HostsFile,
		"/etc/resolv.conf":   h.ResolvFile,
		"/etc/hostname":      h.HostnameFile,
		"/run/.containerenv": h.ContainerEnv,
	}
	dsts := make([]string, 0, len(files))
	for d := range files {
		dsts = append(dsts, d)
	}
	sort.Strings(dsts)
	for _, d := range dsts {
		if files[d] == "" {
			continue
		}
		add(specs.Mount{Destination: d, Type: "bind", Source: files[d], Options: []string{"bind", "rprivate"}})
	}
	if tz := timezoneMount(s.Timezone); tz != nil {
		add(*tz)
	}
	if s.Init {
		if h.InitPath == "" {
			return define.Invalidf("--init needs catatonit: none was found on this host")
		}
		add(specs.Mount{Destination: InitDest, Type: "bind", Source: h.InitPath, Options: []string{"bind", "ro", "nosuid", "nodev"}})
	}
	dsts = dsts[:0]
	for d := range user {
		dsts = append(dsts, d)
	}
	sort.Strings(dsts)
	for _, d := range dsts {
		out = append(out, user[d])
	}
	sp.Mounts = out
	return nil
}

func userMount(m specgen.Mount) (specs.Mount, error) {
	if m.Type == "volume" && m.Source != "" {
		// libpod resolved the volume to its data directory on the host.
		m.Type = "bind"
	}
	switch m.Type {
	case "bind":
		opts := []string{"rbind"}
		for _, o := range m.Options {
			switch o {
			case "bind":
				opts[0] = "bind"
			case "z", "Z", "U", "copy", "nocopy":
				// Labels and ownership are applied by libpod, not the runtime.
			default:
				if strings.HasPrefix(o, "bind-propagation=") {
					opts = append(opts, strings.TrimPrefix(o, "bind-propagation="))
					continue
				}
				if strings.HasPrefix(o, "bind-nonrecursive") {
					opts[0] = "bind"
					continue
				}
				if strings.Contains(o, "=") {
					continue
				}
				opts = append(opts, o)
			}
		}
		if m.ReadOnly {
			opts = append(opts, "ro")
		}
		if !hasPropagation(opts) {
			opts = append(opts, "rprivate")
		}
		return specs.Mount{Destination: m.Destination, Type: "bind", Source: m.Source, Options: opts}, nil
	case "tmpfs":
		opts := []string{"rw", "noexec", "nosuid", "nodev"}
		for _, o := range m.Options {
			if v, ok := strings.CutPrefix(o, "tmpfs-size="); ok {
				opts = append(opts, "size="+v)
			}
			if v, ok := strings.CutPrefix(o, "tmpfs-mode="); ok {
				opts = append(opts, "mode="+v)
			}
		}
		if m.ReadOnly {
			opts[0] = "ro"
		}
		// As Podman: the image's content at the destination is copied in.
		if !slices.Contains(m.Options, "notmpcopyup") {
			opts = append(opts, "tmpcopyup")
		}
		return specs.Mount{Destination: m.Destination, Type: "tmpfs", Source: "tmpfs", Options: opts}, nil
	case "devpts":
		return specs.Mount{Destination: m.Destination, Type: "devpts", Source: "devpts", Options: []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}}, nil
	}
	return specs.Mount{}, define.Invalidf("mount type %q at %s is not supported yet", m.Type, m.Destination)
}

func hasPropagation(opts []string) bool {
	for _, o := range opts {
		switch o {
		case "private", "rprivate", "shared", "rshared", "slave", "rslave":
			return true
		}
	}
	return false
}
