package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/libpod"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/image"
	"github.com/pm-project/pm/libpod/oci"
	"github.com/pm-project/pm/pkg/specgen"
	"github.com/pm-project/pm/pkg/specgen/generate"
)

// ContainerCreateReport is the result of ContainerCreate.
type ContainerCreateReport struct {
	ID       string
	Warnings []string // for stderr, e.g. resource limits that cannot apply
}

// cgroupWarning is Podman's message for limits on rootless cgroup v1 hosts.
const cgroupWarning = "Resource limits are not supported and ignored on cgroups V1 rootless systems"

// ContainerCreate validates s, resolves (and if needed pulls) its image and
// creates the container. Bad input creates nothing.
func (e *Engine) ContainerCreate(ctx context.Context, s *specgen.Spec) (*ContainerCreateReport, error) {
	return e.containerCreate(ctx, s, false)
}

// containerCreate is ContainerCreate; with keepMounted the container's
// root filesystem stays mounted (recorded in its state) for the start
// that follows in this process, which takes that mount over.
func (e *Engine) containerCreate(ctx context.Context, s *specgen.Spec, keepMounted bool) (*ContainerCreateReport, error) {
	e.confDefaults(s)
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if err := checkOptions(s); err != nil {
		return nil, err
	}
	if err := checkAutoUpdateImage(s.Labels, s.Image); err != nil {
		return nil, err
	}
	seccompProfile, err := e.readSeccomp(s)
	if err != nil {
		return nil, err
	}
	secWarnings, err := e.hostSecurity(s)
	if err != nil {
		return nil, err
	}
	if err := createMountpoints(s); err != nil {
		return nil, err
	}
	// A missing bind source is the user's error, found before anything is
	// made (runc would only find it at start, as "not found", 127).
	for _, m := range s.Mounts {
		if m.Type != "bind" {
			continue
		}
		if _, err := os.Stat(m.Source); err != nil {
			return nil, define.Invalidf("invalid bind mount source %s: %v", m.Source, errors.Unwrap(err))
		}
	}
	if s.CIDFile != "" {
		if _, err := os.Lstat(s.CIDFile); err == nil {
			return nil, idFileExists(s.CIDFile, "container")
		}
	}
	secrets, err := e.resolveSecrets(ctx, s.Secrets)
	if err != nil {
		return nil, err
	}
	cfg := e.rt.Config()
	rep := &ContainerCreateReport{Warnings: append(discardPorts(s), secWarnings...)}
	cgroups := !(cfg.Rootless && oci.CgroupVersion() == "v1")
	if s.CgroupsMode == "disabled" && cgroups {
		// As with Podman and runc: the OCI runtime gives the container a
		// cgroup wherever the host has usable ones.
		return nil, define.Invalidf("--cgroups=disabled: the OCI runtime gives every container a cgroup on this host; run without it")
	}
	if !cgroups && !s.Resources.IsZero() {
		rep.Warnings = append(rep.Warnings, cgroupWarning)
		s.Resources = specgen.Resources{}
	}
	if cgroups && oci.CgroupVersion() == "v2" {
		warns, err := cgroupV2Limits(&s.Resources)
		if err != nil {
			return nil, err
		}
		rep.Warnings = append(rep.Warnings, warns...)
	}
	if err := blkioDevices(&s.Resources); err != nil {
		return nil, err
	}
	// The request as made, for container clone.
	request, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("encoding the container request: %w", err)
	}
	devices, err := deviceNodes(s.Devices)
	if err != nil {
		return nil, err
	}
	// A runtime that cannot run here is refused before any image is pulled.
	ort, err := e.rt.OCIRuntime(s.Runtime)
	if err != nil {
		return nil, err
	}
	if s.Domainname != "" {
		if ok, v := oci.SetsDomainname(ctx, ort.Name, ort.Path); !ok {
			return nil, define.Errorf(define.ErrUnsupported, "a domain name needs runc 1.2 or newer, or crun: %s cannot set it", v)
		}
	}
	img, name, err := e.resolveImage(ctx, s.Image, s.PullPolicy, e.pullOptions(s))
	if err != nil {
		return nil, err
	}
	details, err := img.Details(ctx)
	if err != nil {
		return nil, err
	}
	if p, err := imageSeccomp(s, details.Config.Config.Labels); err != nil {
		return nil, err
	} else if p != nil {
		seccompProfile = p
	}
	ic := generate.ImageConfig{
		Entrypoint: details.Config.Config.Entrypoint,
		Cmd:        details.Config.Config.Cmd,
		Env:        details.Config.Config.Env,
		WorkingDir: details.Config.Config.WorkingDir,
		User:       details.Config.Config.User,
		StopSignal: details.Config.Config.StopSignal,

		Healthcheck: details.Healthcheck,
	}
	ipcMode, err := e.resolveIPC(ctx, s)
	if err != nil {
		return nil, err
	}
	if s.CgroupNS, err = e.resolveCgroupNS(ctx, s); err != nil {
		return nil, err
	}
	if s.CgroupNS == "private" && !cgroupNamespaces() {
		rep.Warnings = append(rep.Warnings, noCgroupNSWarning)
		s.CgroupNS = "host"
	}
	pidMode, err := e.resolvePID(ctx, s)
	if err != nil {
		return nil, err
	}
	if err := e.replaceExisting(ctx, s); err != nil {
		return nil, err
	}
	idmaps, err := e.userNamespace(ctx, s)
	if err != nil {
		return nil, err
	}
	plan, err := e.planVolumes(ctx, s, details.Config.Config.Volumes)
	if err != nil {
		return nil, err
	}
	created := false
	defer func() {
		if !created {
			plan.rollback(ctx)
		}
	}()
	pod, err := e.joinPod(ctx, s)
	if err != nil {
		return nil, err
	}
	defer func() {
		if !created {
			pod.rollback(ctx, e)
		}
	}()
	cc, err := e.containerConfig(s, ic, img, name)
	if err != nil {
		return nil, err
	}
	cc.Pod = pod.id
	if cc.CreateSpec, err = requestInPod(request, pod.id); err != nil {
		return nil, err
	}
	cc.Secrets = secrets
	cc.IPCMode, cc.ShareShm = ipcMode, s.PodInfra || s.IPC == specgen.IPCShareable
	if strings.HasPrefix(s.CgroupNS, "container:") {
		cc.CgroupNSMode = s.CgroupNS
	}
	cc.PIDMode, cc.UTSMode = pidMode, s.UTS
	cc.Timeout, cc.PreserveFDs, cc.ConmonPidFile = s.Timeout, s.PreserveFDs, s.ConmonPidFile
	plan.record(cc)
	cc.IDMaps = idmaps
	cc.RuntimeName, cc.RuntimePath = ort.Name, ort.Path
	exposed := withExposed(details.Config.Config.ExposedPorts, s.Expose)
	for p := range exposed {
		cc.ExposedPorts = append(cc.ExposedPorts, p)
	}
	sort.Strings(cc.ExposedPorts)
	netnsPath, err := e.containerNetwork(ctx, s, exposed, cc)
	if err != nil {
		return nil, err
	}
	if cc.Names.Links, err = e.resolveLinks(ctx, s, cc); err != nil {
		return nil, err
	}
	// The image's labels are the container's unless overridden, as in Podman.
	if il := details.Config.Config.Labels; len(il) > 0 {
		labels := make(map[string]string, len(il)+len(cc.Labels))
		for k, v := range il {
			labels[k] = v
		}
		for k, v := range cc.Labels {
			labels[k] = v
		}
		cc.Labels = labels
	}
	var defUlimits []specgen.Ulimit
	for _, u := range cfg.Containers.DefaultUlimits {
		ul, err := specgen.ParseUlimit(u)
		if err != nil {
			return nil, fmt.Errorf("containers.conf default_ulimits: %w", err)
		}
		defUlimits = append(defUlimits, ul)
	}
	initPath := s.InitPath
	if initPath == "" {
		initPath = cfg.Containers.InitPath
	}
	gen := func(ctx context.Context, sc libpod.SpecContext, c *define.ContainerConfig) ([]byte, error) {
		user := s.User
		if user == "" {
			user = ic.User
		}
		wd := s.WorkDir
		if wd == "" {
			wd = ic.WorkingDir
		}
		if err := addPasswdEntries(sc.Rootfs, s, wd); err != nil {
			return nil, err
		}
		u, home, err := resolveUser(sc.Rootfs, user, s.GroupAdd)
		if err != nil {
			return nil, err
		}
		if err := plan.prepare(ctx, sc.Rootfs, s, u); err != nil {
			return nil, err
		}
		h := generate.Host{
			Rootless:      cfg.Rootless,
			Cgroups:       cgroups,
			CgroupV2:      oci.CgroupVersion() == "v2",
			ContainerID:   sc.ID,
			Rootfs:        sc.Rootfs,
			User:          u,
			Home:          home,
			HostsFile:     filepath.Join(sc.BundleDir, "hosts"),
			ResolvFile:    filepath.Join(sc.BundleDir, "resolv.conf"),
			HostnameFile:  filepath.Join(sc.BundleDir, "hostname"),
			ContainerEnv:  filepath.Join(sc.BundleDir, "containerenv"),
			InitPath:      initPath,
			Hostname:      sc.ID[:12],
			DefaultCaps:   cfg.Containers.DefaultCapabilities,
			DefaultUlimit: defUlimits,
			NetNSPath:     netnsPath(sc.ID),
			Devices:       devices,
			Seccomp:       seccompProfile,
			AppArmor:      appArmorUsable(cfg.Rootless),
			OwnNetNS:      libpod.OwnsNetNS(c.NetworkMode),
			RecursiveRO:   recursiveReadOnly(),
		}
		if s.Net.NoHosts {
			h.HostsFile = ""
		}
		if c.ShareShm {
			h.ShmDir = filepath.Join(sc.BundleDir, "shm")
		}
		sp, err := generate.Generate(s, ic, h)
		if err != nil {
			return nil, err
		}
		if err := addNotifyMount(sp, s, sc.BundleDir); err != nil {
			return nil, err
		}
		c.Hostname = sp.Hostname
		return json.Marshal(sp)
	}
	c, err := e.rt.CreateContainer(ctx, *cc, gen, keepMounted)
	if err != nil {
		return nil, err
	}
	if s.CIDFile != "" {
		if err := writeIDFile(s.CIDFile, c.ID(), "container"); err != nil {
			e.rt.RemoveContainer(context.WithoutCancel(ctx), c.ID(), true, nil)
			return nil, err
		}
	}
	created = true
	rep.ID = c.ID()
	e.emitCtr(c, "create", nil)
	return rep, nil
}

// writeIDFile writes a new container's or pod's ID to --cidfile or
// --pod-id-file, which must not exist: another one may be using it. kind
// is "container" or "pod".
func writeIDFile(path, id, kind string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		return idFileExists(path, kind)
	}
	if err != nil {
		return define.Invalidf("opening the %s id file: %v", kind, err)
	}
	_, err = f.WriteString(id)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("writing the %s id file: %w", kind, err)
	}
	return nil
}

// idFileExists is the error for an ID file that exists, in Podman's words.
func idFileExists(path, kind string) error {
	return define.Invalidf("%s id file exists. Ensure another %s is not using it or delete %s", kind, kind, path)
}

// resolveImage finds the image per the pull policy (default: missing).
func (e *Engine) resolveImage(ctx context.Context, name, policy string, opts image.PullOptions) (*image.Image, string, error) {
	svc, err := e.rt.Images()
	if err != nil {
		return nil, "", err
	}
	if policy == "" {
		policy = e.rt.Config().Engine.PullPolicy
	}
	if policy == "" {
		policy = "missing"
	}
	name, archive := image.FromTransport(name)
	if archive {
		policy = "always"
	}
	if policy != "always" {
		img, err := svc.Lookup(name)
		switch {
		case err == nil && img.IsManifestList():
			return nil, "", define.Invalidf("%s is a manifest list: pm makes containers from images; name one of its images (pm manifest inspect %s)", name, name)
		case err == nil && policy == "newer":
			// Pull what the registry has when it differs from the local
			// image (a pull of the same image fetches only its
			// manifest); when that fails, the local image does.
			imgs, perr := svc.Pull(ctx, name, opts)
			if perr != nil {
				slog.Debug("pulling a newer image", "image", name, "err", perr)
				return img, firstName(img, name), nil
			}
			return imgs[0], firstName(imgs[0], name), nil
		case err == nil:
			return img, firstName(img, name), nil
		case !errors.Is(err, define.ErrNoSuchImage) || policy == "never":
			return nil, "", err
		}
	}
	imgs, err := svc.Pull(ctx, name, opts)
	if err != nil {
		return nil, "", err
	}
	return imgs[0], firstName(imgs[0], name), nil
}

func firstName(img *image.Image, asked string) string {
	if n := img.Names(); len(n) > 0 {
		for _, x := range n {
			if strings.HasSuffix(x, asked) || strings.HasSuffix(x, asked+":latest") {
				return x
			}
		}
		return n[0]
	}
	return asked
}

// resolveUser reads the container's passwd and group files, safely inside
// rootfs, to resolve user.
func resolveUser(rootfs, user string, groupAdd []string) (specs.User, string, error) {
	open := func(name string) *os.File {
		p, err := securejoin.SecureJoin(rootfs, name)
		if err != nil {
			return nil
		}
		fh, err := os.Open(p)
		if err != nil {
			return nil
		}
		return fh
	}
	var files generate.UserFiles
	if f := open("/etc/passwd"); f != nil {
		defer f.Close()
		files.Passwd = f
	}
	if f := open("/etc/group"); f != nil {
		defer f.Close()
		files.Group = f
	}
	return generate.ResolveUser(user, groupAdd, files)
}
