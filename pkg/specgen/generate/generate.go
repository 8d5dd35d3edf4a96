// Package generate turns a specgen.Spec, the image's configuration and facts
// about the host into an OCI runtime spec. It is pure: it reads no files and
// starts no processes, so it is tested against golden JSON.
package generate

import (
	"os"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/specgen"
)

// ImageConfig is the part of an image's configuration a container inherits.
type ImageConfig struct {
	Entrypoint []string
	Cmd        []string
	Env        []string
	WorkingDir string
	User       string
	StopSignal string
	// Healthcheck is the image's HEALTHCHECK (Docker format only).
	Healthcheck *define.HealthConfig
}

// Host are the facts about this host and container that the spec depends on.
type Host struct {
	Rootless bool
	// Cgroups says whether resource limits can be applied (false for
	// rootless containers on cgroup v1).
	Cgroups bool
	// CgroupV2 says the host has the unified cgroup hierarchy only.
	CgroupV2     bool
	ContainerID  string
	Rootfs       string
	User         specs.User // resolved from the image's /etc/passwd
	Home         string     // the user's home there; "" for none (HOME is then /)
	HostsFile    string     // generated /etc/hosts to bind, "" for none
	ResolvFile   string
	HostnameFile string
	ContainerEnv string // generated /run/.containerenv
	InitPath     string // catatonit on the host, for --init
	Hostname     string // default hostname (the short ID)
	NetNSPath    string // join this network namespace, "" for a new one
	// ShmDir, when set, is a tmpfs on the host that libpod mounts and the
	// container gets as /dev/shm, so that others can share it.
	ShmDir        string
	DefaultCaps   []string
	DefaultUlimit []specgen.Ulimit
	// Devices are the host's nodes of s.Devices, in their order.
	Devices []DeviceNode
	// Seccomp is the seccomp profile the engine read and checked (Docker's
	// JSON format): the user's, the image's or containers.conf's; nil
	// means the built-in profile, or none (seccomp=unconfined,
	// --privileged).
	Seccomp []byte
	// AppArmor says that the container may be given an AppArmor profile
	// (the engine refuses apparmor= otherwise).
	AppArmor bool
	// OwnNetNS says that NetNSPath is a network namespace pm made for
	// this container (pasta, slirp4netns, bridge), where it may mount a
	// sysfs of its own.
	OwnNetNS bool
	// RecursiveRO says that the kernel can make a mount read-only with
	// all those under it (the "rro" option).
	RecursiveRO bool
}

// InitDest is where --init's binary appears inside the container.
const InitDest = "/run/pm-init"

// MaskedPaths are hidden from containers by default, as in Podman.
var MaskedPaths = []string{
	"/proc/acpi", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
	"/proc/sched_debug", "/proc/scsi", "/proc/timer_list", "/proc/timer_stats",
	"/sys/dev/block", "/sys/devices/virtual/powercap", "/sys/firmware", "/sys/fs/selinux",
}

// ReadOnlyPaths are read-only in containers by default, as in Podman.
var ReadOnlyPaths = []string{
	"/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
}

// Generate builds the OCI spec for s.
func Generate(s *specgen.Spec, img ImageConfig, h Host) (*specs.Spec, error) {
	args := Command(s, img)
	if len(args) == 0 {
		return nil, define.Invalidf("no command: the image has no ENTRYPOINT or CMD and none was given")
	}
	if s.Init {
		args = append([]string{InitDest, "--"}, args...)
	}
	hostname := s.Hostname
	if hostname == "" && s.UTS != specgen.NSHost {
		hostname = h.Hostname
	}
	sp := &specs.Spec{
		Hostname: hostname,
		Root:     &specs.Root{Path: h.Rootfs, Readonly: s.ReadOnly},
		Process: &specs.Process{
			Terminal: s.Terminal,
			Args:     args,
			Env:      withHome(Env(s, img, hostname), s, h.Home),
			Cwd:      workDir(s, img),
			User:     h.User,
		},
		Annotations: map[string]string{},
	}
	for k, v := range s.Annotations {
		sp.Annotations[k] = v
	}
	if err := security(sp, s, h); err != nil {
		return nil, err
	}
	rlimits(sp, s, h)
	sp.Linux = linux(sp, s, h)
	sp.Domainname = s.Domainname
	if cs := s.ConsoleSize; cs != nil && s.Terminal && cs[0] > 0 && cs[1] > 0 {
		sp.Process.ConsoleSize = &specs.Box{Height: cs[0], Width: cs[1]}
	}
	if err := mounts(sp, s, h); err != nil {
		return nil, err
	}
	if SystemdMode(s, img) {
		systemdMode(sp, s, h)
	}
	hostSide(sp, s, h)
	if err := seccompFilter(sp, s, h); err != nil {
		return nil, err
	}
	sp.Version = specVersion(sp)
	return sp, nil
}

// Command is the container's command line: entrypoint then command, each
// from the user when given, else from the image.
func Command(s *specgen.Spec, img ImageConfig) []string {
	ep := img.Entrypoint
	if s.Entrypoint != nil {
		ep = s.Entrypoint
	}
	cmd := img.Cmd
	if len(s.Command) > 0 || s.Entrypoint != nil {
		cmd = s.Command
	}
	return append(append([]string{}, ep...), cmd...)
}

// Env merges the environment: defaults, image, then the user's.
func Env(s *specgen.Spec, img ImageConfig, hostname string) []string {
	env := map[string]string{
		"PATH":      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"container": "pm",
	}
	// Podman sets TERM whether or not there is a terminal.
	env["TERM"] = "xterm"
	if s.Timezone != "" && s.Timezone != "local" {
		env["TZ"] = s.Timezone
	}
	for _, kv := range img.Env {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	for k, v := range s.Env {
		env[k] = v
	}
	if hostname != "" {
		env["HOSTNAME"] = hostname
	}
	// --unsetenv and --unsetenv-all take away defaults and the image's
	// variables, never the user's own -e.
	for k := range env {
		if _, own := s.Env[k]; !own && (s.UnsetenvAll || slices.Contains(s.Unsetenv, k)) {
			delete(env, k)
		}
	}
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// withHome adds HOME, when the environment has none and the user did not
// unset it: home, the user's home directory in the image, or / when the
// image's passwd file has no entry for the user (as Podman; the runtimes
// differ in what they would set).
func withHome(env []string, s *specgen.Spec, home string) []string {
	if s.UnsetenvAll || slices.Contains(s.Unsetenv, "HOME") {
		return env
	}
	for _, kv := range env {
		if strings.HasPrefix(kv, "HOME=") {
			return env
		}
	}
	if home == "" {
		home = "/"
	}
	env = append(env, "HOME="+home)
	sort.Strings(env)
	return env
}

func workDir(s *specgen.Spec, img ImageConfig) string {
	switch {
	case s.WorkDir != "":
		return s.WorkDir
	case img.WorkingDir != "":
		return img.WorkingDir
	}
	return "/"
}

func security(sp *specs.Spec, s *specgen.Spec, h Host) error {
	base := h.DefaultCaps
	if len(base) == 0 {
		base = DefaultCaps
	}
	if s.Security.Privileged {
		base = allCaps
	}
	caps, err := capSet(base, s.Security.CapAdd, s.Security.CapDrop)
	if err != nil {
		return err
	}
	// A non-root user keeps only the capabilities it is explicitly given,
	// in the bounding set, as Docker and Podman do.
	eff := caps
	if sp.Process.User.UID != 0 {
		eff, _ = capSet(nil, s.Security.CapAdd, nil)
		if s.Security.Privileged {
			eff = nil
		}
	}
	sp.Process.Capabilities = &specs.LinuxCapabilities{
		Bounding:    caps,
		Effective:   eff,
		Permitted:   eff,
		Inheritable: []string{},
		Ambient:     []string{},
	}
	sp.Process.NoNewPrivileges = s.Security.NoNewPrivileges
	sp.Process.OOMScoreAdj = nil
	if p := s.Security.ApparmorProfile; p != "" {
		if p != "unconfined" && h.AppArmor {
			sp.Process.ApparmorProfile = p
		}
		sp.Annotations[define.InspectAnnotationApparmor] = p
	}
	labels := s.Security.LabelOpts
	if s.Security.LabelDisable {
		labels = append([]string{"disable"}, labels...)
	}
	if len(labels) > 0 {
		sp.Annotations[define.InspectAnnotationLabel] = strings.Join(labels, ",label=")
	}
	if s.OOMScoreAdj != nil {
		a := *s.OOMScoreAdj
		sp.Process.OOMScoreAdj = &a
	}
	return nil
}

func rlimits(sp *specs.Spec, s *specgen.Spec, h Host) {
	seen := map[string]bool{}
	add := func(u specgen.Ulimit) {
		t := "RLIMIT_" + strings.ToUpper(u.Name)
		if seen[t] {
			return
		}
		seen[t] = true
		sp.Process.Rlimits = append(sp.Process.Rlimits, specs.POSIXRlimit{Type: t, Soft: u.Soft, Hard: u.Hard})
	}
	for _, u := range s.Ulimits {
		add(u)
	}
	for _, u := range h.DefaultUlimit {
		add(u)
	}
}

func linux(sp *specs.Spec, s *specgen.Spec, h Host) *specs.Linux {
	l := &specs.Linux{
		Namespaces: []specs.LinuxNamespace{
			{Type: specs.PIDNamespace}, {Type: specs.IPCNamespace}, {Type: specs.UTSNamespace}, {Type: specs.MountNamespace},
		},
	}
	switch {
	case s.NetworkMode == "host":
	case h.NetNSPath != "":
		l.Namespaces = append(l.Namespaces, specs.LinuxNamespace{Type: specs.NetworkNamespace, Path: h.NetNSPath})
	default:
		l.Namespaces = append(l.Namespaces, specs.LinuxNamespace{Type: specs.NetworkNamespace})
	}
	l.Namespaces = cgroupNamespace(l.Namespaces, s.CgroupNS)
	l.Namespaces = ipcNamespace(l.Namespaces, s.IPC)
	l.Namespaces = pidUTSNamespaces(l.Namespaces, s)
	if len(s.UIDMaps) > 0 {
		l.Namespaces = append(l.Namespaces, specs.LinuxNamespace{Type: specs.UserNamespace})
		for _, m := range s.UIDMaps {
			l.UIDMappings = append(l.UIDMappings, specs.LinuxIDMapping{ContainerID: m.ContainerID, HostID: m.HostID, Size: m.Size})
		}
		gids := s.GIDMaps
		if len(gids) == 0 {
			gids = s.UIDMaps
		}
		for _, m := range gids {
			l.GIDMappings = append(l.GIDMappings, specs.LinuxIDMapping{ContainerID: m.ContainerID, HostID: m.HostID, Size: m.Size})
		}
	}
	if !s.Security.Privileged {
		l.MaskedPaths = maskedPaths(s.Security)
		l.ReadonlyPaths = append([]string{}, ReadOnlyPaths...)
		if ro := s.Security.ReadOnlyPaths; ro != nil {
			l.ReadonlyPaths = append([]string{}, *ro...)
		}
	}
	l.Devices = standardDevices()
	if h.Cgroups {
		r := &specs.LinuxResources{Devices: []specs.LinuxDeviceCgroup{{Allow: false, Access: "rwm"}}}
		for _, d := range deviceRules() {
			r.Devices = append(r.Devices, d)
		}
		if s.Resources.PidsLimit > 0 {
			limit := s.Resources.PidsLimit
			r.Pids = &specs.LinuxPids{Limit: &limit}
		}
		if s.Resources.MemoryBytes > 0 {
			m := s.Resources.MemoryBytes
			r.Memory = &specs.LinuxMemory{Limit: &m}
		}
		if s.Resources.CPUs > 0 {
			period := uint64(100000)
			quota := int64(s.Resources.CPUs * float64(period))
			r.CPU = &specs.LinuxCPU{Period: &period, Quota: &quota}
		}
		limits(r, &s.Resources)
		l.Resources = r
		l.CgroupsPath = "pm/" + h.ContainerID
		if p := s.Resources.CgroupParent; p != "" {
			l.CgroupsPath = path.Join(p, "pm-"+h.ContainerID)
		}
	}
	return l
}

func maskedPaths(sec specgen.Security) []string {
	unmask := map[string]bool{}
	all := false
	for _, u := range sec.Unmask {
		for _, p := range strings.Split(u, ":") {
			if p == "ALL" {
				all = true
			}
			unmask[path.Clean(p)] = true
		}
	}
	var out []string
	if !all {
		for _, p := range MaskedPaths {
			if !unmask[p] {
				out = append(out, p)
			}
		}
	}
	for _, m := range sec.Mask {
		for _, p := range strings.Split(m, ":") {
			if p != "" {
				out = append(out, path.Clean(p))
			}
		}
	}
	return out
}

func standardDevices() []specs.LinuxDevice {
	mode := func(m os.FileMode) *os.FileMode { return &m }
	zero := uint32(0)
	dev := func(p string, major, minor int64) specs.LinuxDevice {
		return specs.LinuxDevice{Path: p, Type: "c", Major: major, Minor: minor, FileMode: mode(0o666), UID: &zero, GID: &zero}
	}
	return []specs.LinuxDevice{
		dev("/dev/null", 1, 3), dev("/dev/zero", 1, 5), dev("/dev/full", 1, 7),
		dev("/dev/random", 1, 8), dev("/dev/urandom", 1, 9), dev("/dev/tty", 5, 0),
	}
}

func deviceRules() []specs.LinuxDeviceCgroup {
	i := func(n int64) *int64 { return &n }
	return []specs.LinuxDeviceCgroup{
		{Allow: true, Type: "c", Major: i(1), Minor: i(3), Access: "rwm"},
		{Allow: true, Type: "c", Major: i(1), Minor: i(5), Access: "rwm"},
		{Allow: true, Type: "c", Major: i(1), Minor: i(7), Access: "rwm"},
		{Allow: true, Type: "c", Major: i(1), Minor: i(8), Access: "rwm"},
		{Allow: true, Type: "c", Major: i(1), Minor: i(9), Access: "rwm"},
		{Allow: true, Type: "c", Major: i(5), Minor: i(0), Access: "rwm"},
		{Allow: true, Type: "c", Major: i(5), Minor: i(1), Access: "rwm"},
		{Allow: true, Type: "c", Major: i(5), Minor: i(2), Access: "rwm"},
		{Allow: true, Type: "c", Major: i(136), Access: "rwm"},
	}
}
