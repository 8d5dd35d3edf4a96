package engine

import (
	"sort"
	"strings"
	"syscall"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/image"
	"github.com/pm-project/pm/pkg/specgen"
	"github.com/pm-project/pm/pkg/specgen/generate"
)

// containerConfig turns a Spec into the container's recorded configuration
// (all but the OCI spec, which needs the rootfs).
func (e *Engine) containerConfig(s *specgen.Spec, ic generate.ImageConfig, img *image.Image, name string) (*define.ContainerConfig, error) {
	cfg := e.rt.Config()
	c := &define.ContainerConfig{
		Name:        s.Name,
		Image:       define.ImageRef{Asked: s.Image, Name: name, ID: img.ID(), Digest: img.Digest()},
		Created:     s.Created,
		Labels:      s.Labels,
		Annotations: s.Annotations,
		Restart:     define.RestartPolicy{Name: s.Restart.Name, MaxRetries: s.Restart.MaxRetries},
		AutoRemove:  s.Remove,
		LogDriver:   s.LogDriver,
		Terminal:    s.Terminal,
		Stdin:       s.Stdin,
		// Docker's OpenStdin without StdinOnce.
		LeaveStdinOpen: s.Stdin && s.LeaveStdinOpen,
		NetworkMode:    s.NetworkMode,
		WorkDir:        s.WorkDir,
		User:           s.User,
		Privileged:     s.Security.Privileged,
		Devices:        deviceStrings(s.Devices),
		CapAdd:         s.Security.CapAdd,
		CapDrop:        s.Security.CapDrop,

		SdNotifyMode: s.SdNotifyMode,
		SystemdMode:  generate.SystemdMode(s, ic),
		IsService:    s.IsService,

		ServiceExitCodePropagation: s.ServiceExitCodePropagation,
		CreateCommand:              s.CreateCommand,
		WorkDirMustExist:           s.WorkDirMustExist && s.WorkDir != "",
	}
	if c.Restart.Name == "" {
		c.Restart.Name = "no"
	}
	if c.WorkDir == "" {
		c.WorkDir = ic.WorkingDir
	}
	if c.User == "" {
		c.User = ic.User
	}
	if c.LogDriver == "" {
		c.LogDriver = cfg.Containers.LogDriver
	}
	if c.LogDriver == "" {
		c.LogDriver = "k8s-file"
	}
	c.LogPath = s.LogOpts["path"]
	c.LogTag = s.LogOpts["tag"]
	c.LogSizeMax = cfg.Containers.LogSizeMax
	if v, ok := s.LogOpts["max-size"]; ok {
		n, err := specgen.ParseDecimalSize(v)
		if err != nil {
			return nil, define.Invalidf("invalid --log-opt max-size=%s: %v", v, err)
		}
		c.LogSizeMax = n
	}
	stopSig := s.StopSignal
	if stopSig == "" {
		stopSig = ic.StopSignal
	}
	c.StopSignal = int(syscall.SIGTERM)
	if stopSig == "" && c.SystemdMode {
		// systemd shuts down on SIGRTMIN+3.
		stopSig = "SIGRTMIN+3"
	}
	if stopSig != "" {
		sig, err := specgen.ParseSignal(stopSig)
		if err != nil {
			return nil, err
		}
		c.StopSignal = int(sig)
	}
	c.StopTimeout = cfg.Engine.StopTimeout
	if s.StopTimeout != nil {
		c.StopTimeout = *s.StopTimeout
	}
	c.Entrypoint = ic.Entrypoint
	if s.Entrypoint != nil {
		c.Entrypoint = s.Entrypoint
	}
	args := generate.Command(s, ic)
	c.Command = args[min(len(c.Entrypoint), len(args)):]
	c.Env = generate.Env(s, ic, "")
	c.Healthcheck = generate.Healthcheck(s, ic)
	if s.Health.OnFailure != "" && s.Health.OnFailure != define.HealthActionNone {
		if c.Healthcheck == nil {
			return nil, define.Invalidf("cannot set on-failure action to %s without a health check", s.Health.OnFailure)
		}
		c.HealthOnFailure = s.Health.OnFailure
	}
	for _, m := range s.Mounts {
		c.Mounts = append(c.Mounts, define.MountPoint{Type: m.Type, Source: m.Source, Destination: m.Destination, Options: m.Options, RW: !m.ReadOnly})
	}
	dsts := make([]string, 0, len(s.Tmpfs))
	for d := range s.Tmpfs {
		dsts = append(dsts, d)
	}
	sort.Strings(dsts)
	for _, d := range dsts {
		var opts []string
		if s.Tmpfs[d] != "" {
			opts = strings.Split(s.Tmpfs[d], ",")
		}
		c.Mounts = append(c.Mounts, define.MountPoint{Type: "tmpfs", Source: "tmpfs", Destination: d, Options: opts, RW: true})
	}
	return c, nil
}
