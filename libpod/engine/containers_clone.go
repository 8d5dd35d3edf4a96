package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/libpod"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/oci"
	"github.com/pm-project/pm/pkg/specgen"
	"github.com/pm-project/pm/pkg/specgen/generate"
)

// ContainerCloneRequest says how ContainerClone copies a container.
type ContainerCloneRequest struct {
	Name  string // "" is ORIGINAL-clone (then -clone1, -clone2, ...)
	Image string // "" keeps the original's image
	Pod   string // "" keeps the original's pod (or none)
	// Resources override the original's cgroup limits.
	Resources *specgen.ResourceUpdate
	Destroy   bool // remove the original once the clone exists
	Force     bool // with Destroy: remove it even when it runs
	Run       bool // start the clone
}

// ContainerCloneReport is the result of ContainerClone.
type ContainerCloneReport struct {
	ID       string
	Warnings []string // for stderr
}

// ContainerClone creates a copy of a container from the request it was
// made with, with its current restart policy and cgroup limits, and the
// overrides of req. Bad input creates nothing and leaves the original.
func (e *Engine) ContainerClone(ctx context.Context, idOrName string, req ContainerCloneRequest) (*ContainerCloneReport, error) {
	rep, err := e.cloneContainer(ctx, idOrName, req)
	if err != nil || !req.Run {
		return rep, err
	}
	// A clone that fails to start stays, as a container run made does.
	_, err = e.ContainerStart(ctx, rep.ID)
	return rep, err
}

// cloneContainer is ContainerClone but for --run.
func (e *Engine) cloneContainer(ctx context.Context, idOrName string, req ContainerCloneRequest) (_ *ContainerCloneReport, retErr error) {
	orig, err := e.rt.LookupContainer(ctx, idOrName)
	if err != nil {
		return nil, err
	}
	s, err := cloneSpec(orig)
	if err != nil {
		return nil, err
	}
	if req.Force && !req.Destroy {
		return nil, define.Invalidf("cannot set --force without --destroy")
	}
	if req.Destroy && !req.Force && orig.State.Status.Active() {
		return nil, define.Errorf(define.ErrInvalidState, "cannot destroy running container %s: stop it first or use --force", orig.Name())
	}
	u := orZero(req.Resources)
	if err := u.Validate(); err != nil {
		return nil, err
	}
	devs, err := updateDevices(u)
	if err != nil {
		return nil, err
	}
	rep := &ContainerCloneReport{}
	cgroups := !(e.rt.Config().Rootless && oci.CgroupVersion() == "v1")
	if !cgroups && !u.Empty() {
		rep.Warnings = append(rep.Warnings, cgroupWarning)
	}
	if cgroups && (u.BlkioWeight != nil || len(u.BlkioWeightDevice) > 0) && !oci.BlkioWeightSupported() {
		return nil, errNoBlkioWeight
	}
	if s.Name, err = e.cloneName(ctx, orig.Name(), req.Name, false); err != nil {
		return nil, err
	}
	s.Image, s.PullPolicy = e.originalImage(orig), "missing"
	if req.Image != "" {
		s.Image = req.Image
	}
	if req.Pod != "" {
		rep.Warnings = append(rep.Warnings, e.cloneIntoPod(ctx, s, req.Pod)...)
	}
	s.Restart = specgen.RestartPolicy{Name: orig.Config.Restart.Name, MaxRetries: orig.Config.Restart.MaxRetries}
	cr, err := e.ContainerCreate(ctx, s)
	if err != nil {
		return nil, err
	}
	rep.ID = cr.ID
	rep.Warnings = append(rep.Warnings, cr.Warnings...)
	defer func() {
		if retErr != nil {
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
			defer cancel()
			if _, err := e.ContainerRemove(cctx, cr.ID, true, nil); err != nil {
				slog.Warn("rolling back clone", "container", cr.ID, "err", err)
			}
		}
	}()
	if cgroups {
		if err := e.cloneResources(ctx, orig, cr.ID, u, devs); err != nil {
			return nil, err
		}
	}
	if req.Destroy {
		if _, err := e.ContainerRemove(ctx, orig.ID(), req.Force, nil); err != nil {
			return nil, fmt.Errorf("removing the original container %s: %w", orig.Name(), err)
		}
	}
	return rep, nil
}

// originalImage names the image c was made from: the name it resolved to,
// while that name still means the same image, else the image's ID.
func (e *Engine) originalImage(c *libpod.Container) string {
	ref := c.Config.Image
	if ref.Name == "" {
		return ref.ID
	}
	svc, err := e.rt.Images()
	if err != nil {
		return ref.ID
	}
	if img, err := svc.Lookup(ref.Name); err != nil || img.ID() != ref.ID {
		return ref.ID
	}
	return ref.Name
}

// cloneSpec returns the request c was made with, without what belongs to
// one container only (its ID file, --replace, its command line).
func cloneSpec(c *libpod.Container) (*specgen.Spec, error) {
	if len(c.Config.CreateSpec) == 0 {
		return nil, define.Errorf(define.ErrUnsupported, "container %s was created by an earlier pm that did not keep its configuration: it cannot be cloned", c.Name())
	}
	var s specgen.Spec
	if err := json.Unmarshal(c.Config.CreateSpec, &s); err != nil {
		return nil, fmt.Errorf("decoding the configuration of container %s: %w", c.Name(), err)
	}
	if s.PodInfra {
		return nil, define.Invalidf("container %s is the infra container of its pod: clone the pod instead", c.Name())
	}
	s.CIDFile, s.Replace, s.CreateCommand, s.ConmonPidFile, s.RemoveImage = "", false, nil, "", false
	s.Created = time.Now()
	return &s, nil
}

// cloneIntoPod moves s into pod, resetting what the pod's shared
// namespaces decide, with Podman's warnings.
func (e *Engine) cloneIntoPod(ctx context.Context, s *specgen.Spec, pod string) []string {
	s.Pod = pod
	p, err := e.rt.LookupPod(ctx, pod)
	if err != nil {
		return nil // ContainerCreate reports the missing pod
	}
	var warn []string
	if p.Config.Shares("net") && (s.NetworkMode != "" || len(s.Net.Ports) > 0 || s.Net.PublishAll) {
		warn = append(warn, "resetting network config, cannot specify a network other than the pod's when sharing the net namespace")
		s.NetworkMode, s.Net.Ports, s.Net.PublishAll = "", nil, false
	}
	reset := false
	if p.Config.Shares("uts") && s.Hostname != "" {
		s.Hostname, reset = "", true
	}
	if p.Config.Shares("ipc") && s.IPC != "" && s.IPC != specgen.IPCShareable {
		s.IPC, reset = "", true
	}
	if reset {
		warn = append(warn, "At least one namespace was reset to the default configuration")
	}
	return warn
}

// cloneResources gives the clone the original's current cgroup limits
// (as pm update left them), then the overrides.
func (e *Engine) cloneResources(ctx context.Context, orig *libpod.Container, id string, u *specgen.ResourceUpdate, devs map[string]generate.DeviceNumber) error {
	var sp specs.Spec
	if err := json.Unmarshal(orig.Config.Spec, &sp); err != nil {
		return fmt.Errorf("decoding OCI spec of %s: %w", orig.ID(), err)
	}
	var current *specs.LinuxResources
	if sp.Linux != nil {
		current = sp.Linux.Resources
	}
	if current == nil && u.Empty() {
		return nil
	}
	_, err := e.rt.UpdateContainer(ctx, id, libpod.UpdateOptions{Resources: func(r *specs.LinuxResources) {
		if current != nil {
			devices := r.Devices
			*r = *current
			r.Devices = devices
		}
		generate.UpdateResources(r, u, devs)
	}})
	return err
}

// cloneName returns name, or, when it is "", a free name derived from the
// original's as Podman derives it: NAME-clone, then NAME-clone1, ...
// forPod looks among pods, else among containers.
func (e *Engine) cloneName(ctx context.Context, orig, name string, forPod bool) (string, error) {
	if name != "" {
		return name, nil
	}
	taken := func(n string) (bool, error) {
		var err error
		if forPod {
			_, err = e.rt.LookupPod(ctx, n)
		} else {
			_, err = e.rt.LookupContainer(ctx, n)
		}
		if errors.Is(err, define.ErrNoSuchCtr) || errors.Is(err, define.ErrNoSuchPod) {
			return false, nil
		}
		return err == nil, err
	}
	base := orig
	if i := strings.Index(orig, "-clone"); i >= 0 {
		base = orig[:i]
	}
	base += "-clone"
	for n := 0; ; n++ {
		cand := base
		if n > 0 {
			cand += strconv.Itoa(n)
		}
		t, err := taken(cand)
		if err != nil {
			return "", err
		}
		if !t {
			return cand, nil
		}
	}
}

// orZero returns u, or an empty update for nil.
func orZero(u *specgen.ResourceUpdate) *specgen.ResourceUpdate {
	if u == nil {
		return &specgen.ResourceUpdate{}
	}
	return u
}

// requestInPod returns the encoded request with its pod resolved to id.
func requestInPod(request []byte, podID string) (json.RawMessage, error) {
	if podID == "" {
		return request, nil
	}
	var s specgen.Spec
	if err := json.Unmarshal(request, &s); err != nil {
		return nil, fmt.Errorf("decoding the container request: %w", err)
	}
	s.Pod = podID
	b, err := json.Marshal(&s)
	if err != nil {
		return nil, fmt.Errorf("encoding the container request: %w", err)
	}
	return b, nil
}
