package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/libpod"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/kube"
	"github.com/pm-project/pm/pkg/specgen/generate"
)

// KubeGenerateOptions are `pm kube generate`'s choices.
type KubeGenerateOptions struct {
	Service  bool   // also write a Service for each pod
	Type     string // pod (default) or deployment
	Replicas int32  // of a deployment; default 1
}

// KubeGenerate describes pods, containers or volumes as Kubernetes YAML:
// a Pod per pod, one Pod holding all the containers named, a
// PersistentVolumeClaim per volume. The text begins with a comment saying
// what wrote it and when.
func (e *Engine) KubeGenerate(ctx context.Context, names []string, o KubeGenerateOptions) ([]byte, error) {
	switch o.Type {
	case "", "pod":
		if o.Replicas > 1 {
			return nil, define.Invalidf("--replicas is only used with --type deployment")
		}
	case "deployment":
	default:
		return nil, define.Invalidf("invalid --type %q: use pod or deployment", o.Type)
	}
	if o.Replicas == 0 {
		o.Replicas = 1
	}
	if o.Replicas < 0 {
		return nil, define.Invalidf("invalid --replicas %d: must be at least 1", o.Replicas)
	}
	if len(names) == 0 {
		return nil, define.Invalidf("kube generate needs at least one container, pod or volume")
	}
	var (
		pods []*libpod.Pod
		ctrs []*libpod.Container
		vols []*libpod.Volume
	)
	for _, n := range names {
		if c, err := e.rt.LookupContainer(ctx, n); err == nil {
			ctrs = append(ctrs, c)
			continue
		} else if !errors.Is(err, define.ErrNoSuchCtr) {
			return nil, err
		}
		if p, err := e.rt.LookupPod(ctx, n); err == nil {
			pods = append(pods, p)
			continue
		} else if !errors.Is(err, define.ErrNoSuchPod) {
			return nil, err
		}
		if v, err := e.rt.LookupVolume(ctx, n); err == nil {
			vols = append(vols, v)
			continue
		} else if !errors.Is(err, define.ErrNoSuchVolume) {
			return nil, err
		}
		return nil, define.Errorf(define.ErrNotFound, "%s does not name a container, pod or volume", n)
	}
	if len(pods) > 0 && len(ctrs) > 0 {
		return nil, define.Invalidf("cannot describe pods and containers at once: name either pods or containers")
	}
	var gens []*kube.GenPod
	for _, p := range pods {
		g, err := e.genPod(ctx, p)
		if err != nil {
			return nil, err
		}
		gens = append(gens, g)
	}
	if len(ctrs) > 0 {
		g, err := e.genContainers(ctx, ctrs)
		if err != nil {
			return nil, err
		}
		gens = append(gens, g)
	}
	var objs []any
	var services []any
	usedPorts := map[int32]bool{}
	nodePort := func() int32 {
		for {
			p := int32(30000 + rand.IntN(2768))
			if !usedPorts[p] {
				usedPorts[p] = true
				return p
			}
		}
	}
	for _, g := range gens {
		pod := kube.GeneratePod(g)
		if o.Type == "deployment" {
			objs = append(objs, kube.GenerateDeployment(pod, o.Replicas))
		} else {
			objs = append(objs, pod)
		}
		if o.Service {
			services = append(services, kube.GenerateService(pod, nodePort))
		}
	}
	objs = append(objs, services...)
	for _, v := range vols {
		objs = append(objs, kube.GenerateClaim(v.Name(), v.Config.CreatedAt, v.Config.Labels, v.Config.Driver, v.Config.Options))
	}
	body, err := kube.Marshal(objs...)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.WriteString(kube.Header(define.PMVersion, time.Now()))
	buf.Write(body)
	return buf.Bytes(), nil
}

// genPod gathers a pod's members (never its infra container), with the
// ports and host entries of its infra container.
func (e *Engine) genPod(ctx context.Context, p *libpod.Pod) (*kube.GenPod, error) {
	_, members, err := e.podMembers(ctx, p.ID())
	if err != nil {
		return nil, err
	}
	g := &kube.GenPod{
		Name: p.Name(), ID: p.ID(), Labels: p.Config.Labels, Hostname: p.Config.Hostname, Created: p.Config.Created,
		StripPrefix: p.Name() + "-", DefaultCaps: e.defaultCaps(),
	}
	if g.Labels == nil {
		g.Labels = map[string]string{}
	}
	if g.Hostname == "" {
		g.Hostname = p.Name()
	}
	var ports []define.PortMapping
	for _, c := range members {
		if c.ID() == p.Config.InfraID {
			ports = c.Config.PortMappings
			g.AddHosts = c.Config.Names.AddHosts
			continue
		}
		// Lists of containers leave the OCI spec out: read each whole.
		full, err := e.rt.LookupContainer(ctx, c.ID())
		if err != nil {
			return nil, err
		}
		gc, err := e.genContainer(ctx, full)
		if err != nil {
			return nil, err
		}
		g.Containers = append(g.Containers, *gc)
	}
	if len(g.Containers) == 0 {
		return nil, define.Invalidf("pod %s only has an infra container: there is nothing to describe", p.Name())
	}
	// Kubernetes publishes ports per container; the pod's go on its first.
	g.Containers[0].Ports = append(ports, g.Containers[0].Ports...)
	return g, nil
}

// genContainers puts containers outside pods into one Pod named after the
// first: NAME-pod.
func (e *Engine) genContainers(ctx context.Context, ctrs []*libpod.Container) (*kube.GenPod, error) {
	g := &kube.GenPod{Name: ctrs[0].Name() + "-pod", Created: ctrs[0].Config.Created, DefaultCaps: e.defaultCaps()}
	for _, c := range ctrs {
		if c.Pod != "" {
			if p, err := e.rt.LookupPod(ctx, c.Pod); err == nil && p.Config.InfraID == c.ID() {
				return nil, define.Invalidf("%s is the infra container of pod %s: name the pod instead", c.Name(), p.Name())
			}
		}
		gc, err := e.genContainer(ctx, c)
		if err != nil {
			return nil, err
		}
		gc.Ports = c.Config.PortMappings
		g.Containers = append(g.Containers, *gc)
		if len(ctrs) == 1 && c.Config.Hostname != "" && c.Config.Hostname != c.ID()[:12] {
			g.Hostname = c.Config.Hostname
		}
		g.AddHosts = append(g.AddHosts, c.Config.Names.AddHosts...)
	}
	return g, nil
}

func (e *Engine) defaultCaps() []string {
	if d := e.rt.Config().Containers.DefaultCapabilities; len(d) > 0 {
		return d
	}
	return generate.DefaultCaps
}

// genContainer gathers what kube generate writes of one container.
func (e *Engine) genContainer(ctx context.Context, c *libpod.Container) (*kube.GenContainer, error) {
	cc := &c.Config
	g := &kube.GenContainer{
		Name: c.Name(), Image: cc.Image.Name, Entrypoint: cc.Entrypoint, Cmd: cc.Command,
		Env: cc.Env, WorkDir: cc.WorkDir, User: cc.User, Labels: cc.Labels, Annotations: cc.Annotations,
		Restart: cc.Restart.Name, Privileged: cc.Privileged, CapAdd: cc.CapAdd, CapDrop: cc.CapDrop,
		AutoRemove: cc.AutoRemove, PublishAll: cc.PublishAll,
		Terminal: cc.Terminal, Stdin: cc.Stdin,
	}
	if g.Image == "" {
		g.Image = cc.Image.Asked
	}
	if len(cc.Spec) > 0 {
		var sp specs.Spec
		if err := json.Unmarshal(cc.Spec, &sp); err != nil {
			return nil, err
		}
		g.ReadOnly = sp.Root != nil && sp.Root.Readonly
		g.Init = libpod.UsesInit(&sp)
		if sp.Process != nil && sp.Process.Capabilities != nil {
			g.Caps = append([]string{}, sp.Process.Capabilities.Bounding...)
		}
		if sp.Linux != nil && sp.Linux.Resources != nil {
			r := sp.Linux.Resources
			if r.Memory != nil && r.Memory.Limit != nil && *r.Memory.Limit > 0 {
				g.MemoryBytes = *r.Memory.Limit
			}
			if cpu := r.CPU; cpu != nil && cpu.Quota != nil && cpu.Period != nil && *cpu.Period > 0 && *cpu.Quota > 0 {
				g.CPUs = float64(*cpu.Quota) / float64(*cpu.Period)
			}
		}
	}
	if svc, err := e.rt.Images(); err == nil {
		if img, err := svc.Lookup(cc.Image.ID); err == nil {
			if d, err := img.Details(ctx); err == nil {
				ic := d.Config.Config
				g.Image0 = kube.ImageDefaults{Entrypoint: ic.Entrypoint, Cmd: ic.Cmd, Env: ic.Env, WorkDir: ic.WorkingDir, User: ic.User, Labels: ic.Labels}
			}
		}
	}
	for _, m := range cc.Mounts {
		gm := kube.GenMount{Type: m.Type, Source: m.Source, Destination: m.Destination, ReadOnly: !m.RW, Options: m.Options}
		switch m.Type {
		case "volume":
			v, err := e.rt.LookupVolume(ctx, m.Name)
			if err != nil || v.Config.Anonymous {
				continue // the image's VOLUMEs and -v /path are the image's business
			}
			gm.Source = m.Name
		case "bind":
			gm.HostPathType = kube.HostPathDirectoryOrCreate
			if st, err := os.Stat(m.Source); err == nil {
				gm.HostPathType = kube.HostPathFile
				if st.IsDir() {
					gm.HostPathType = kube.HostPathDirectory
				}
			}
		case "tmpfs":
		default:
			continue
		}
		if strings.HasPrefix(m.Destination, "/run/.containerenv") {
			continue
		}
		g.Mounts = append(g.Mounts, gm)
	}
	return g, nil
}
