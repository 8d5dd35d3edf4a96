package specgen

import (
	"os"
	"path"
	"strconv"
	"strings"

	"github.com/pm-project/pm/libpod/define"
)

// Device is one --device: a host device node made visible in the
// container.
type Device struct {
	Host      string // the node on the host
	Container string // its path in the container (default: Host)
	Perms     string // cgroup permissions, a subset of "rwm" (default rwm)
}

// ParseDevice parses HOST[:CONTAINER][:PERMS].
func ParseDevice(v string) (Device, error) {
	parts := strings.Split(v, ":")
	d := Device{Host: parts[0], Perms: "rwm"}
	switch len(parts) {
	case 1:
	case 2:
		if isDevicePerms(parts[1]) {
			d.Perms = parts[1]
		} else {
			d.Container = parts[1]
		}
	case 3:
		d.Container, d.Perms = parts[1], parts[2]
	default:
		return d, define.Invalidf("invalid --device %q: use HOST[:CONTAINER][:PERMISSIONS]", v)
	}
	if d.Container == "" {
		d.Container = d.Host
	}
	if !path.IsAbs(d.Host) || !path.IsAbs(d.Container) {
		return d, define.Invalidf("invalid --device %q: paths must be absolute", v)
	}
	if !isDevicePerms(d.Perms) {
		return d, define.Invalidf("invalid --device %q: permissions must be a combination of r, w and m", v)
	}
	return d, nil
}

func isDevicePerms(s string) bool {
	if s == "" || len(s) > 3 {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("rwm", c) {
			return false
		}
	}
	return true
}

// Platform is --platform (or --os, --arch, --variant): the image variant
// to pull.
type Platform struct {
	OS, Arch, Variant string
}

// ParsePlatform parses OS/ARCH[/VARIANT].
func ParsePlatform(v string) (Platform, error) {
	parts := strings.Split(v, "/")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return Platform{}, define.Invalidf("invalid --platform %q: use OS/ARCH[/VARIANT]", v)
	}
	p := Platform{OS: parts[0], Arch: parts[1]}
	if len(parts) == 3 {
		p.Variant = parts[2]
	}
	return p, nil
}

// namespacedSysctls are the kernel parameters a container may set, as in
// Docker and Podman: those that belong to its own IPC or network
// namespace.
var namespacedSysctls = map[string]bool{
	"kernel.msgmax": true, "kernel.msgmnb": true, "kernel.msgmni": true, "kernel.sem": true,
	"kernel.shmall": true, "kernel.shmmax": true, "kernel.shmmni": true, "kernel.shm_rmid_forced": true,
}

// validateHost checks devices, sysctls, --image-volume, /dev/shm, exposed ports and the
// umask.
func (s *Spec) validateHost() error {
	for _, d := range s.Devices {
		st, err := os.Stat(d.Host)
		if err != nil {
			return define.Invalidf("invalid --device %s: %v", d.Host, unwrapPathErr(err))
		}
		if st.Mode()&os.ModeDevice == 0 {
			return define.Invalidf("invalid --device %s: not a device node", d.Host)
		}
	}
	for k := range s.Sysctls {
		switch {
		case namespacedSysctls[k] || strings.HasPrefix(k, "fs.mqueue."):
			if s.IPC == IPCHost {
				return define.Invalidf("invalid --sysctl %s: it cannot be set with --ipc host", k)
			}
		case strings.HasPrefix(k, "net."):
			if s.NetworkMode == "host" {
				return define.Invalidf("invalid --sysctl %s: it cannot be set with --network host", k)
			}
		default:
			return define.Invalidf("invalid --sysctl %s: not a namespaced kernel parameter (net.*, fs.mqueue.*, kernel.msg*, kernel.sem, kernel.shm*)", k)
		}
	}
	switch s.ImageVolumeMode {
	case "", "bind", "tmpfs", "ignore":
	default:
		return define.Invalidf("invalid --image-volume %q: must be bind, tmpfs or ignore", s.ImageVolumeMode)
	}
	for _, p := range s.Expose {
		if _, err := ParseExpose(p); err != nil {
			return err
		}
	}
	if s.Umask != "" {
		if n, err := strconv.ParseUint(s.Umask, 8, 32); err != nil || n > 0o777 {
			return define.Invalidf("invalid --umask %q: use an octal value such as 0022", s.Umask)
		}
	}
	return nil
}

// ParseExpose parses an --expose value, PORT[-PORT][/PROTO], into the
// image-config keys it adds ("80/tcp").
func ParseExpose(v string) ([]string, error) {
	ports, proto, _ := strings.Cut(v, "/")
	if proto == "" {
		proto = "tcp"
	}
	if proto != "tcp" && proto != "udp" && proto != "sctp" {
		return nil, define.Invalidf("invalid --expose %q: protocol must be tcp, udp or sctp", v)
	}
	lo, hi, isRange := strings.Cut(ports, "-")
	a, err1 := strconv.ParseUint(lo, 10, 16)
	b := a
	var err2 error
	if isRange {
		b, err2 = strconv.ParseUint(hi, 10, 16)
	}
	if err1 != nil || err2 != nil || a == 0 || b < a {
		return nil, define.Invalidf("invalid --expose %q: use PORT[-PORT][/PROTOCOL]", v)
	}
	var out []string
	for p := a; p <= b; p++ {
		out = append(out, strconv.FormatUint(p, 10)+"/"+proto)
	}
	return out, nil
}

func unwrapPathErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
