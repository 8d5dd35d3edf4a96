package libpod

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/oci"
	"golang.org/x/sys/unix"
)

// initDest is where --init's binary runs inside the container (see
// pkg/specgen/generate.InitDest, which libpod may not import).
const initDest = "/run/pm-init"

// UsesInit reports whether the container of spec sp runs --init's binary.
func UsesInit(sp *specs.Spec) bool {
	return sp.Process != nil && len(sp.Process.Args) > 0 && sp.Process.Args[0] == initDest
}

// InspectContainerData returns what `pm container inspect` shows for one
// container, with its state observed from the exit files. With size, it
// also computes the container's sizes.
func (r *Runtime) InspectContainerData(ctx context.Context, idOrName string, size bool) (*define.InspectContainerData, error) {
	c, err := r.InspectContainer(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	var sp specs.Spec
	if len(c.Config.Spec) > 0 {
		if err := json.Unmarshal(c.Config.Spec, &sp); err != nil {
			return nil, fmt.Errorf("decoding OCI spec of %s: %w", c.ID(), err)
		}
	}
	bundle := r.bundleDir(c.ID())
	cc := &c.Config
	st := &c.State
	args := append(append([]string{}, cc.Entrypoint...), cc.Command...)
	path := ""
	if len(args) > 0 {
		path, args = args[0], args[1:]
	}
	logPath := cc.LogPath
	if logPath == "" && (cc.LogDriver == "k8s-file" || cc.LogDriver == "json-file" || cc.LogDriver == "") {
		logPath = filepath.Join(bundle, "ctr.log")
	}
	pid, conmonPid := st.Pid, st.ConmonPid
	if !st.Status.Active() {
		// An exit seen but not yet cleaned up leaves the dead PIDs behind.
		pid, conmonPid = 0, 0
	}
	data := &define.InspectContainerData{
		ID:      c.ID(),
		Created: cc.Created,
		Path:    path,
		Args:    nonNilStrings(args),
		State: &define.InspectContainerState{
			OciVersion: sp.Version,
			Status:     string(st.Status),
			Running:    st.Status == define.StatusRunning,
			Paused:     st.Status == define.StatusPaused,
			Dead:       false,
			Pid:        pid,
			ConmonPid:  conmonPid,
			ExitCode:   st.ExitCode,
			Error:      st.Error,
			StartedAt:  st.StartedAt,
			FinishedAt: st.FinishedAt,
			Health:     healthOf(c),
		},
		Image:           cc.Image.ID,
		ImageDigest:     cc.Image.Digest,
		ImageName:       imageName(cc.Image),
		Rootfs:          "",
		Pod:             c.Pod,
		ResolvConfPath:  filepath.Join(bundle, "resolv.conf"),
		HostnamePath:    filepath.Join(bundle, "hostname"),
		HostsPath:       filepath.Join(bundle, "hosts"),
		StaticDir:       bundle,
		OCIConfigPath:   filepath.Join(bundle, "config.json"),
		OCIRuntime:      cc.RuntimeName,
		ConmonPidFile:   filepath.Join(bundle, oci.ConmonPidFile),
		PidFile:         filepath.Join(bundle, oci.PidFile),
		LogPath:         logPath,
		LogTag:          cc.LogTag,
		Name:            c.Name(),
		RestartCount:    st.RestartCount,
		Driver:          "",
		EffectiveCaps:   []string{},
		BoundingCaps:    []string{},
		ExecIDs:         []string{},
		Mounts:          []define.InspectMount{},
		Dependencies:    []string{},
		IsService:       cc.IsService,
		NetworkSettings: &define.InspectNetworkSettings{Ports: map[string][]define.InspectPort{}},
		Config:          inspectConfig(c, &sp),
		HostConfig:      inspectHostConfig(c, &sp, logPath, r.cfg.Rootless),
	}
	if sp.Linux != nil {
		for _, ns := range sp.Linux.Namespaces {
			if ns.Type == specs.NetworkNamespace && ns.Path != "" {
				data.NetworkSettings.SandboxKey = ns.Path
			}
		}
	}
	if p := sp.Process; p != nil {
		data.ProcessLabel = p.SelinuxLabel
		data.AppArmorProfile = p.ApparmorProfile
		if p.Capabilities != nil {
			data.EffectiveCaps = sortedCaps(p.Capabilities.Effective)
			data.BoundingCaps = sortedCaps(p.Capabilities.Bounding)
		}
	}
	if sp.Linux != nil {
		data.MountLabel = sp.Linux.MountLabel
	}
	r.inspectNetwork(c, data)
	for _, m := range cc.Mounts {
		if m.Type == "tmpfs" {
			continue
		}
		data.Mounts = append(data.Mounts, define.InspectMount{
			Type: m.Type, Name: m.Name, Source: m.Source, Destination: m.Destination,
			Options: nonNilStrings(m.Options), RW: m.RW, Propagation: propagation(m.Options),
		})
	}
	if sessions, err := r.ExecSessions(ctx, c.ID()); err == nil {
		for _, s := range sessions {
			data.ExecIDs = append(data.ExecIDs, s.ID)
		}
	}
	if store, err := r.Store(); err == nil {
		data.Driver = store.GraphDriverName()
		data.GraphDriver = &define.InspectGraphDriver{Name: data.Driver, Data: map[string]string{}}
		if sc, err := store.Container(c.ID()); err == nil {
			if st.Mountpoint != "" {
				data.GraphDriver.Data["MergedDir"] = st.Mountpoint
			}
			if size {
				if n, err := store.DiffSize("", sc.LayerID); err == nil {
					data.SizeRw = &n
				}
				if img, err := store.Image(cc.Image.ID); err == nil {
					if n, err := store.ImageSize(img.ID); err == nil {
						data.SizeRootFs = n
					}
				}
				if data.SizeRw != nil {
					data.SizeRootFs += *data.SizeRw
				}
			}
		}
	}
	return data, nil
}

func imageName(ref define.ImageRef) string {
	if ref.Name != "" {
		return ref.Name
	}
	return ref.Asked
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func sortedCaps(caps []string) []string {
	out := append([]string{}, caps...)
	sort.Strings(out)
	return out
}

func propagation(opts []string) string {
	for _, o := range opts {
		switch o {
		case "rprivate", "private", "rshared", "shared", "rslave", "slave":
			return o
		}
	}
	return "rprivate"
}

func inspectConfig(c *Container, sp *specs.Spec) *define.InspectContainerConfig {
	cc := &c.Config
	hostname := cc.Hostname
	if hostname == "" {
		hostname = sp.Hostname
	}
	cmd := cc.Command
	volumes := map[string]struct{}{}
	for _, m := range cc.Mounts {
		if m.Type == "volume" {
			volumes[m.Destination] = struct{}{}
		}
	}
	out := &define.InspectContainerConfig{
		Hostname:     hostname,
		User:         cc.User,
		AttachStdin:  cc.Stdin,
		AttachStdout: true,
		AttachStderr: true,
		Tty:          cc.Terminal,
		OpenStdin:    cc.Stdin,
		StdinOnce:    cc.Stdin && !cc.LeaveStdinOpen,
		Env:          nonNilStrings(cc.Env),
		Cmd:          cmd,
		Image:        imageName(cc.Image),
		Volumes:      volumes,
		WorkingDir:   cc.WorkDir,
		Entrypoint:   cc.Entrypoint,
		Labels:       cc.Labels,
		Annotations:  cc.Annotations,
		StopSignal:   sigName(cc.StopSignal),
		StopTimeout:  cc.StopTimeout,
		Umask:        "0022",

		CreateCommand: cc.CreateCommand,
		SdNotifyMode:  cc.SdNotifyMode,
		SystemdMode:   cc.SystemdMode,
	}
	if len(cc.ExposedPorts) > 0 {
		out.ExposedPorts = map[string]struct{}{}
		for _, p := range cc.ExposedPorts {
			out.ExposedPorts[p] = struct{}{}
		}
	}
	if hc := cc.Healthcheck; hc != nil {
		cp := *hc
		cp.Test = append([]string{}, hc.Test...)
		out.Healthcheck = &cp
		out.HealthcheckOnFailureAction = cc.HealthOnFailure
		if out.HealthcheckOnFailureAction == "" {
			out.HealthcheckOnFailureAction = define.HealthActionNone
		}
	}
	out.Secrets = cc.Secrets
	if out.WorkingDir == "" {
		out.WorkingDir = "/"
	}
	if out.Labels == nil {
		out.Labels = map[string]string{}
	}
	if out.Annotations == nil {
		out.Annotations = map[string]string{}
	}
	if sp.Process != nil {
		out.Env = nonNilStrings(sp.Process.Env)
		if sp.Process.User.Umask != nil {
			out.Umask = fmt.Sprintf("%04o", *sp.Process.User.Umask)
		}
	}
	return out
}

func sigName(n int) string {
	if n == 0 {
		n = int(syscall.SIGTERM)
	}
	if s := unix.SignalName(syscall.Signal(n)); s != "" {
		return s
	}
	// Real-time signals, by the names Podman gives them.
	switch {
	case n == 34:
		return "SIGRTMIN"
	case n > 34 && n <= 49:
		return fmt.Sprintf("SIGRTMIN+%d", n-34)
	case n > 49 && n < 64:
		return fmt.Sprintf("SIGRTMAX-%d", 64-n)
	case n == 64:
		return "SIGRTMAX"
	}
	return fmt.Sprint(n)
}

func inspectHostConfig(c *Container, sp *specs.Spec, logPath string, rootless bool) *define.InspectContainerHostConfig {
	cc := &c.Config
	logType := cc.LogDriver
	if logType == "" {
		logType = "k8s-file"
	}
	rp := cc.Restart
	if rp.Name == "" {
		rp.Name = "no"
	}
	netMode := cc.NetworkMode
	switch netMode {
	case "", "private":
		netMode = "slirp4netns"
		if !rootless {
			netMode = "bridge"
		}
	}
	h := &define.InspectContainerHostConfig{
		Binds:         []string{},
		CgroupMode:    "private",
		LogConfig:     &define.InspectLogConfig{Type: logType, Config: map[string]string{}, Path: logPath, Tag: cc.LogTag, Size: "0B"},
		NetworkMode:   netMode,
		PortBindings:  map[string][]define.InspectPort{},
		RestartPolicy: &rp,
		AutoRemove:    cc.AutoRemove,
		VolumesFrom:   []string{},
		CapAdd:        nonNilStrings(cc.CapAdd),
		CapDrop:       nonNilStrings(cc.CapDrop),
		DNS:           []string{},
		DNSOptions:    []string{},
		DNSSearch:     []string{},
		ExtraHosts:    []string{},
		GroupAdd:      []string{},
		IpcMode:       "private",
		PidMode:       "private",
		UTSMode:       "private",
		Privileged:    cc.Privileged,
		SecurityOpt:   []string{},
		Tmpfs:         map[string]string{},
		Runtime:       "oci",
		Cgroups:       "default",
		Ulimits:       []define.InspectUlimit{},
		ShmSize:       65536000,
		Devices:       []define.InspectDevice{},
	}
	for mode, v := range map[*string]string{&h.IpcMode: cc.IPCMode, &h.PidMode: cc.PIDMode, &h.UTSMode: cc.UTSMode} {
		if v != "" {
			*mode = v
		}
	}
	for _, d := range cc.Devices {
		if p := strings.SplitN(d, ":", 3); len(p) == 3 {
			h.Devices = append(h.Devices, define.InspectDevice{PathOnHost: p[0], PathInContainer: p[1], CgroupPermissions: p[2]})
		}
	}
	for _, m := range sp.Mounts {
		if m.Destination == "/dev/shm" && m.Type == "tmpfs" {
			for _, o := range m.Options {
				// The default size keeps Podman's reading of it, 65536000.
				if v, ok := strings.CutPrefix(o, "size="); ok && v != "65536k" {
					if n, err := parseTmpfsSize(v); err == nil {
						h.ShmSize = n
					}
				}
			}
		}
	}
	if cc.LogSizeMax > 0 {
		h.LogConfig.Size = decimalSize(cc.LogSizeMax)
		h.LogConfig.Config["max-size"] = fmt.Sprint(cc.LogSizeMax)
	}
	if cc.LogPath != "" {
		h.LogConfig.Config["path"] = cc.LogPath
	}
	if cc.LogTag != "" {
		h.LogConfig.Config["tag"] = cc.LogTag
	}
	for _, m := range cc.Mounts {
		switch m.Type {
		case "bind":
			opts := append([]string{}, m.Options...)
			if !m.RW {
				opts = append(opts, "ro")
			}
			b := m.Source + ":" + m.Destination
			if len(opts) > 0 {
				b += ":" + strings.Join(opts, ",")
			}
			h.Binds = append(h.Binds, b)
		case "tmpfs":
			h.Tmpfs[m.Destination] = strings.Join(m.Options, ",")
		}
	}
	if sp.Root != nil {
		h.ReadonlyRootfs = sp.Root.Readonly
	}
	h.SecurityOpt = securityOpts(sp)
	if p := sp.Process; p != nil {
		h.Init = UsesInit(sp)
		if p.OOMScoreAdj != nil {
			h.OomScoreAdj = *p.OOMScoreAdj
		}
		for _, rl := range p.Rlimits {
			h.Ulimits = append(h.Ulimits, define.InspectUlimit{Name: rl.Type, Soft: int64(rl.Soft), Hard: int64(rl.Hard)})
		}
	}
	if l := sp.Linux; l != nil {
		h.CgroupMode = "host"
		for _, ns := range l.Namespaces {
			switch ns.Type {
			case specs.UserNamespace:
				h.UsernsMode = "private"
			case specs.CgroupNamespace:
				h.CgroupMode = "private"
				if ns.Path != "" {
					h.CgroupMode = "ns:" + ns.Path
				}
			}
		}
		if cc.CgroupNSMode != "" {
			h.CgroupMode = cc.CgroupNSMode
		}
		h.Sysctls = l.Sysctl
	}
	inspectResources(h, sp.Linux)
	return h
}

// securityOpts lists a container's security options as Podman's inspect
// does: no-new-privileges, then the options recorded in annotations, then
// unmask=all when nothing is masked.
func securityOpts(sp *specs.Spec) []string {
	out := []string{}
	if sp.Process != nil && sp.Process.NoNewPrivileges {
		out = append(out, "no-new-privileges")
	}
	for _, a := range []struct{ key, opt string }{
		{define.InspectAnnotationLabel, "label="},
		{define.InspectAnnotationSeccomp, "seccomp="},
		{define.InspectAnnotationApparmor, "apparmor="},
	} {
		if v, ok := sp.Annotations[a.key]; ok {
			out = append(out, a.opt+v)
		}
	}
	if sp.Linux != nil && sp.Linux.MaskedPaths == nil {
		out = append(out, "unmask=all")
	}
	return out
}

// parseTmpfsSize reads a tmpfs size= value: bytes, or with a k, m or g
// suffix (binary units, as the kernel reads them).
func parseTmpfsSize(v string) (int64, error) {
	mult := int64(1)
	switch {
	case strings.HasSuffix(v, "k"):
		mult = 1 << 10
	case strings.HasSuffix(v, "m"):
		mult = 1 << 20
	case strings.HasSuffix(v, "g"):
		mult = 1 << 30
	}
	if mult != 1 {
		v = v[:len(v)-1]
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n * mult, err
}
