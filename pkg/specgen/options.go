package specgen

import (
	"strings"

	"github.com/pm-project/pm/libpod/define"
)

// IPC modes of --ipc besides container:NAME and ns:PATH.
const (
	IPCHost      = "host"
	IPCNone      = "none"
	IPCPrivate   = "private"
	IPCShareable = "shareable"
)

// IPCShared reports whether a container with --ipc mode may be joined by
// others (--ipc container:NAME, pod members): Podman's default,
// shareable, is.
func IPCShared(mode string) bool {
	return mode == "" || mode == IPCShareable
}

// validateOptions checks --ipc, --cgroupns, --tz, --hostuser and --group-add.
func (s *Spec) validateOptions() error {
	switch s.IPC {
	case "", IPCHost, IPCNone, IPCPrivate, IPCShareable:
	default:
		target, isCtr := strings.CutPrefix(s.IPC, "container:")
		path, isNS := strings.CutPrefix(s.IPC, "ns:")
		switch {
		case isCtr && target != "":
		case isNS && strings.HasPrefix(path, "/"):
		default:
			return define.Invalidf("invalid --ipc %q: use host, none, private, shareable, container:NAME or ns:PATH", s.IPC)
		}
	}
	switch s.CgroupNS {
	case "", "host", "private":
	default:
		target, isCtr := strings.CutPrefix(s.CgroupNS, "container:")
		path, isNS := strings.CutPrefix(s.CgroupNS, "ns:")
		switch {
		case isCtr && target != "":
		case isNS && strings.HasPrefix(path, "/"):
		default:
			return define.Invalidf("invalid --cgroupns %q: use host, private, container:NAME or ns:PATH", s.CgroupNS)
		}
	}
	if s.Timezone != "" && s.Timezone != "local" {
		if strings.HasPrefix(s.Timezone, "/") || strings.Contains(s.Timezone, "..") {
			return define.Invalidf("invalid --tz %q: use local or a time zone name such as Europe/Paris", s.Timezone)
		}
	}
	keep := false
	for _, g := range s.GroupAdd {
		if g == "keep-groups" {
			keep = true
		}
	}
	if keep && len(s.GroupAdd) > 1 {
		return define.Invalidf("the '--group-add keep-groups' option is not allowed with any other --group-add options")
	}
	return nil
}
