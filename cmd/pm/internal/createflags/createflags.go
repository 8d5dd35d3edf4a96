// Package createflags is the flag set shared by pm run and pm create: it
// binds the flags and turns them into a specgen.Spec.
package createflags

import (
	"os"
	"strings"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/specgen"
	"github.com/spf13/pflag"
)

// Flags are the raw values of the create flags.
type Flags struct {
	Name, Workdir, User, Hostname, Entrypoint string
	entrypointSet                             bool
	Env, EnvFile, Labels, Annotations         []string
	EnvHost                                   bool
	Interactive, TTY, Remove, Init, ReadOnly  bool
	ReadOnlyTmpfs                             bool
	ImageVolume                               string
	InitPath                                  string
	Volumes, Mounts, Tmpfs                    []string
	VolumesFrom                               []string
	Restart, StopSignal                       string
	StopTimeout                               uint
	LogDriver                                 string
	LogOpts                                   []string
	Pull                                      string
	Privileged                                bool
	CapAdd, CapDrop, SecurityOpts             []string
	SeccompPolicy                             string
	UserNS                                    string
	UIDMaps, GIDMaps, GroupAdd, Ulimits       []string
	PidsLimit                                 int64
	Memory                                    string
	CPUs                                      float64
	SigProxy                                  bool
	DetachKeys                                string
	Network                                   string
	Pod, PodIDFile                            string
	net                                       netFlags
	health                                    healthFlags
	opts                                      optFlags
	host                                      hostFlags
}

// Bind adds the create flags to fs.
func (f *Flags) Bind(fs *pflag.FlagSet) {
	fs.SetInterspersed(false)
	// -h is --hostname, as in Podman: help is --help only.
	fs.Bool("help", false, "Help for this command")
	fs.StringVar(&f.Name, "name", "", "Assign a name to the container")
	fs.StringVarP(&f.Workdir, "workdir", "w", "", "Working directory inside the container")
	fs.StringVarP(&f.User, "user", "u", "", "Username or UID (format: <name|uid>[:<group|gid>])")
	fs.StringVarP(&f.Hostname, "hostname", "h", "", "Set container hostname")
	fs.StringVar(&f.Entrypoint, "entrypoint", "", "Overwrite the default ENTRYPOINT of the image")
	fs.StringArrayVarP(&f.Env, "env", "e", nil, "Set environment variables in container")
	fs.StringArrayVar(&f.EnvFile, "env-file", nil, "Read in a file of environment variables")
	fs.BoolVar(&f.EnvHost, "env-host", false, "Use all current host environment variables in container")
	fs.StringArrayVarP(&f.Labels, "label", "l", nil, "Set metadata on container")
	fs.StringArrayVar(&f.Annotations, "annotation", nil, "Add annotations to container (key=value)")
	fs.BoolVarP(&f.Interactive, "interactive", "i", false, "Keep STDIN open even if not attached")
	fs.BoolVarP(&f.TTY, "tty", "t", false, "Allocate a pseudo-TTY for container")
	fs.BoolVar(&f.Remove, "rm", false, "Remove container and any anonymous unnamed volume associated with the container after exit")
	fs.BoolVar(&f.Init, "init", false, "Run an init binary inside the container that forwards signals and reaps processes")
	fs.StringVar(&f.InitPath, "init-path", "", "Path to the container-init binary")
	fs.BoolVar(&f.ReadOnly, "read-only", false, "Make containers root filesystem read-only")
	fs.BoolVar(&f.ReadOnlyTmpfs, "read-only-tmpfs", true, "With --read-only, mount writable tmpfs on /tmp, /var/tmp and /run")
	fs.StringVar(&f.ImageVolume, "image-volume", "", `Tells pm how to handle the builtin image volumes ("bind"|"tmpfs"|"ignore")`)
	fs.StringArrayVarP(&f.Volumes, "volume", "v", nil, "Bind mount a volume into the container")
	fs.StringArrayVar(&f.Mounts, "mount", nil, "Attach a filesystem mount to the container")
	fs.StringArrayVar(&f.VolumesFrom, "volumes-from", nil, "Mount volumes from the specified container(s)")
	fs.StringArrayVar(&f.Tmpfs, "tmpfs", nil, "Mount a temporary filesystem (tmpfs) into a container")
	fs.StringVar(&f.Restart, "restart", "", "Restart policy to apply when a container exits (no, always, on-failure[:N], unless-stopped)")
	fs.StringVar(&f.StopSignal, "stop-signal", "", "Signal to stop a container. Default is SIGTERM")
	fs.UintVar(&f.StopTimeout, "stop-timeout", 10, "Timeout (in seconds) that containers stopped by user command have to exit. If exceeded, the container will be forcibly stopped via SIGKILL")
	fs.StringVar(&f.LogDriver, "log-driver", "", "Logging driver for the container (k8s-file, json-file as an alias of k8s-file, journald, none, passthrough)")
	fs.StringArrayVar(&f.LogOpts, "log-opt", nil, "Logging driver options (max-size=, path=, tag=)")
	fs.StringVar(&f.Pull, "pull", "missing", `Pull image policy ("always"|"missing"|"never"|"newer")`)
	fs.BoolVar(&f.Privileged, "privileged", false, "Give extended privileges to container")
	fs.StringSliceVar(&f.CapAdd, "cap-add", nil, "Add capabilities to the container")
	fs.StringSliceVar(&f.CapDrop, "cap-drop", nil, "Drop capabilities from the container")
	fs.StringArrayVar(&f.SecurityOpts, "security-opt", nil, "Security options (seccomp=PROFILE.json|unconfined, apparmor=, label=, mask=, unmask=, proc-opts=, no-new-privileges)")
	fs.StringVar(&f.SeccompPolicy, "seccomp-policy", "default", `Policy for selecting a seccomp profile ("default"|"image": the image's io.containers.seccomp.profile label)`)
	fs.StringVar(&f.UserNS, "userns", "", "User namespace to use")
	fs.StringArrayVar(&f.UIDMaps, "uidmap", nil, "UID map to use for the user namespace (container:host:size)")
	fs.StringArrayVar(&f.GIDMaps, "gidmap", nil, "GID map to use for the user namespace (container:host:size)")
	fs.StringSliceVar(&f.GroupAdd, "group-add", nil, "Add additional groups to the primary container process")
	fs.StringArrayVar(&f.Ulimits, "ulimit", nil, "Ulimit options (name=soft[:hard])")
	fs.Int64Var(&f.PidsLimit, "pids-limit", 0, "Limit of processes in the container (-1 for unlimited)")
	fs.StringVarP(&f.Memory, "memory", "m", "", "Memory limit (format: <number>[<unit>], where unit = b, k, m, g, t or p)")
	fs.Float64Var(&f.CPUs, "cpus", 0, "Number of CPUs. The default is 0.000 which means no limit")
	fs.BoolVar(&f.SigProxy, "sig-proxy", true, "Proxy received signals to the process")
	fs.StringVar(&f.DetachKeys, "detach-keys", "ctrl-p,ctrl-q", "Override the key sequence for detaching a container")
	fs.StringVar(&f.Pod, "pod", "", "Run the container in an existing pod, or in a new one with new:NAME")
	fs.StringVar(&f.PodIDFile, "pod-id-file", "", "Run the container in the pod whose ID is in the file (written by pm pod create --pod-id-file)")
	fs.StringVar(&f.Network, "network", "", "Connect a container to a network (none, host, private, pasta[:opts], slirp4netns[:opts], ns:PATH, container:ID, bridge or a network name)")
	fs.StringVar(&f.Network, "net", "", "Alias for --network")
	fs.Lookup("net").Hidden = true
	f.net.bind(fs)
	f.health.bind(fs)
	f.opts.bind(fs)
	f.host.bind(fs)
}

// Spec builds the Spec from the flags, the image and the command.
func (f *Flags) Spec(fs *pflag.FlagSet, args []string) (*specgen.Spec, error) {
	s := &specgen.Spec{
		Name: f.Name, Image: args[0], Command: args[1:],
		WorkDir: f.Workdir, WorkDirMustExist: f.Workdir != "", User: f.User, Hostname: f.Hostname,
		EnvHost: f.EnvHost, Terminal: f.TTY, Stdin: f.Interactive,
		Remove: f.Remove, Init: f.Init, InitPath: f.InitPath, ReadOnly: f.ReadOnly, ReadOnlyTmpfs: f.ReadOnlyTmpfs, ImageVolumeMode: f.ImageVolume,
		StopSignal: f.StopSignal, LogDriver: f.LogDriver, PullPolicy: f.Pull,
		UserNS: f.UserNS, NetworkMode: f.Network, Pod: f.Pod, SigProxy: f.SigProxy, DetachKeys: f.DetachKeys,
		GroupAdd: f.GroupAdd, Created: time.Now(), CreateCommand: os.Args,
		Env: map[string]string{}, Labels: map[string]string{}, Annotations: map[string]string{},
		Tmpfs: map[string]string{}, LogOpts: map[string]string{},
	}
	if f.PodIDFile != "" {
		if f.Pod != "" {
			return nil, define.Invalidf("--pod and --pod-id-file cannot be used together")
		}
		b, err := os.ReadFile(f.PodIDFile)
		if err != nil {
			return nil, define.Invalidf("reading --pod-id-file: %v", err)
		}
		if s.Pod = strings.TrimSpace(string(b)); s.Pod == "" {
			return nil, define.Invalidf("invalid --pod-id-file %s: the file is empty", f.PodIDFile)
		}
	}
	if fs.Changed("entrypoint") {
		s.Entrypoint = parseEntrypoint(f.Entrypoint)
	}
	if fs.Changed("stop-timeout") {
		t := f.StopTimeout
		s.StopTimeout = &t
	}
	lookup := os.LookupEnv
	if f.EnvHost {
		for _, kv := range os.Environ() {
			if k, v, ok := strings.Cut(kv, "="); ok {
				s.Env[k] = v
			}
		}
	}
	for _, p := range f.EnvFile {
		if err := specgen.ParseEnvFile(s.Env, p, lookup); err != nil {
			return nil, err
		}
	}
	for _, e := range f.Env {
		if err := specgen.ParseEnv(s.Env, e, lookup); err != nil {
			return nil, err
		}
	}
	for _, l := range f.Labels {
		k, v, _ := strings.Cut(l, "=")
		s.Labels[k] = v
	}
	// A container created by a systemd unit (pm's units set PM_SYSTEMD_UNIT,
	// Podman's PODMAN_SYSTEMD_UNIT) records it, as Podman does, so that
	// auto-update restarts the unit.
	for _, name := range []string{"PM_SYSTEMD_UNIT", "PODMAN_SYSTEMD_UNIT"} {
		if unit, ok := os.LookupEnv(name); ok && unit != "" && s.Labels["PODMAN_SYSTEMD_UNIT"] == "" {
			s.Labels["PODMAN_SYSTEMD_UNIT"] = unit
		}
	}
	for _, a := range f.Annotations {
		k, v, ok := strings.Cut(a, "=")
		if !ok || k == "" {
			return nil, define.Invalidf("invalid --annotation %q: use key=value", a)
		}
		s.Annotations[k] = v
	}
	var err error
	if s.Restart, err = specgen.ParseRestart(f.Restart); err != nil {
		return nil, err
	}
	for _, v := range f.Volumes {
		m, err := specgen.ParseVolume(v)
		if err != nil {
			return nil, err
		}
		s.Mounts = append(s.Mounts, m)
	}
	for _, v := range f.Mounts {
		m, err := specgen.ParseMount(v)
		if err != nil {
			return nil, err
		}
		s.Mounts = append(s.Mounts, m)
	}
	s.VolumesFrom = f.VolumesFrom
	for _, t := range f.Tmpfs {
		dst, opts, _ := strings.Cut(t, ":")
		if prev, ok := s.Tmpfs[dst]; ok && prev != opts {
			// The same tmpfs twice is one; two different ones on one
			// path are refused, as in Podman.
			return nil, define.Invalidf("%s: duplicate mount destination", dst)
		}
		s.Tmpfs[dst] = opts
	}
	for _, o := range f.LogOpts {
		k, v, ok := strings.Cut(o, "=")
		if !ok {
			return nil, define.Invalidf("invalid --log-opt %q: use key=value", o)
		}
		switch k {
		case "max-size", "path", "tag":
		default:
			return nil, define.Invalidf("invalid --log-opt %q: use max-size=, path= or tag=", o)
		}
		s.LogOpts[k] = v
	}
	if err := f.security(s); err != nil {
		return nil, err
	}
	for _, u := range f.UIDMaps {
		m, err := specgen.ParseIDMap(u)
		if err != nil {
			return nil, err
		}
		s.UIDMaps = append(s.UIDMaps, m)
	}
	for _, g := range f.GIDMaps {
		m, err := specgen.ParseIDMap(g)
		if err != nil {
			return nil, err
		}
		s.GIDMaps = append(s.GIDMaps, m)
	}
	for _, u := range f.Ulimits {
		ul, err := specgen.ParseUlimit(u)
		if err != nil {
			return nil, err
		}
		s.Ulimits = append(s.Ulimits, ul)
	}
	s.Resources.PidsLimit = f.PidsLimit
	if f.Memory != "" {
		n, err := specgen.ParseBytes(f.Memory)
		if err != nil {
			return nil, define.Invalidf("invalid --memory %q: %v", f.Memory, err)
		}
		s.Resources.MemoryBytes = n
	}
	s.Resources.CPUs = f.CPUs
	s.Resources.Given = resourceFlagGiven(fs)
	if err := f.net.apply(s); err != nil {
		return nil, err
	}
	if err := f.health.apply(fs, s); err != nil {
		return nil, err
	}
	if err := f.opts.apply(fs, s, s.Env); err != nil {
		return nil, err
	}
	if err := f.host.apply(s); err != nil {
		return nil, err
	}
	if _, err := f.AttachStreams(); err != nil {
		return nil, err
	}
	return s, nil
}

func (f *Flags) security(s *specgen.Spec) error {
	s.Security.Privileged = f.Privileged
	s.Security.CapAdd = f.CapAdd
	s.Security.CapDrop = f.CapDrop
	s.Security.SeccompPolicy = f.SeccompPolicy
	return s.Security.ParseSecurityOpts(f.SecurityOpts, specgen.CLISecurityOpts)
}

// resourceFlags are the create flags that set cgroup limits.
var resourceFlags = []string{
	"memory", "memory-reservation", "memory-swap", "memory-swappiness",
	"cpus", "cpu-shares", "cpuset-cpus", "cpuset-mems", "cpu-period", "cpu-quota",
	"cpu-rt-period", "cpu-rt-runtime", "pids-limit", "blkio-weight", "blkio-weight-device",
	"device-read-bps", "device-write-bps", "device-read-iops", "device-write-iops",
}

// resourceFlagGiven reports whether a resource flag was given on the
// command line, whatever its value.
func resourceFlagGiven(fs *pflag.FlagSet) bool {
	for _, name := range resourceFlags {
		if fs.Lookup(name) != nil && fs.Changed(name) {
			return true
		}
	}
	return false
}

// parseEntrypoint takes a JSON array or a plain string, as Podman does.
func parseEntrypoint(s string) []string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "[") {
		var out []string
		if err := jsonUnmarshal(s, &out); err == nil {
			return out
		}
	}
	if s == "" {
		return []string{}
	}
	return []string{s}
}
