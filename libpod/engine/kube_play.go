package engine

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/pm-project/pm/libpod"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/image"
	"github.com/pm-project/pm/pkg/kube"
	"github.com/pm-project/pm/pkg/specgen"
)

// kubePodLabel marks the volumes kube play makes for a pod's emptyDir
// volumes, so that kube down removes them with the pod.
const kubePodLabel = "io.pm.kube.pod"

// KubePlayOptions are `pm kube play`'s choices.
type KubePlayOptions struct {
	Network    string   // the pods' network; "" is the default
	Publish    []string // ports published over (or besides) the YAML's hostPorts
	Replace    bool     // tear down what an earlier play of the same YAML made
	NoStart    bool     // create only
	LogDriver  string   // of every container; "" is the default
	ConfigMaps [][]byte // contents of --configmap files
	Progress   io.Writer
	// Annotations are added to every container's (and claim's)
	// annotations, over the YAML's.
	Annotations map[string]string
	// PublishAll publishes every containerPort without a hostPort on the
	// same port of the host.
	PublishAll bool
	// Build says whether to build an image from the directory named as
	// it under ContextDir (which holds a Containerfile or Dockerfile):
	// nil builds images that are not present, true always, false never.
	Build      *bool
	ContextDir string
	// ServiceContainer makes a service container that runs as long as
	// the play's pods and stands for them under systemd (Type=notify
	// units of .kube quadlets); ExitCodePropagation (none, any, all) says
	// how their failures show in its exit code.
	ServiceContainer    bool
	ExitCodePropagation string
}

// KubePlayPod is one pod kube play made.
type KubePlayPod struct {
	ID         string
	Containers []string
}

// KubePlayReport is what kube play made.
type KubePlayReport struct {
	Volumes  []string // made for PersistentVolumeClaims
	Pods     []KubePlayPod
	Warnings []string
	// ServiceContainerID is the service container's, "" for none.
	ServiceContainerID string
}

// playPlan is one workload checked and ready to create.
type playPlan struct {
	w      *kube.Workload
	pod    *specgen.PodSpec
	vols   map[string]specgen.Mount
	inits  []*specgen.Spec
	ctrs   []*specgen.Spec
	mkdirs []string // DirectoryOrCreate
	touch  []string // FileOrCreate
	empty  []string // emptyDir volumes made at create
	cmVols map[string]map[string]string
}

// KubePlay creates the objects of a Kubernetes YAML stream: a volume per
// PersistentVolumeClaim, then a pod per Pod or Deployment with its
// containers, started unless asked not to. Everything is checked (and
// every image pulled) before anything is made; a failure removes what was
// made.
func (e *Engine) KubePlay(ctx context.Context, data []byte, o KubePlayOptions) (_ *KubePlayReport, retErr error) {
	if o.ServiceContainer && o.NoStart {
		return nil, define.Invalidf("--service-container needs the pods started: it cannot be used with --start=false")
	}
	if !exitCodePropagations[o.ExitCodePropagation] {
		return nil, define.Invalidf("invalid --service-exit-code-propagation %q: use none, any or all", o.ExitCodePropagation)
	}
	docs, err := kube.Parse(data)
	if err != nil {
		return nil, err
	}
	var lists [][]kube.ConfigMap
	for _, f := range o.ConfigMaps {
		cms, err := kube.ParseConfigMaps(f)
		if err != nil {
			return nil, fmt.Errorf("--configmap: %w", err)
		}
		lists = append(lists, cms)
	}
	cms := kube.NewConfigMaps(append(lists, docs.ConfigMaps)...)
	if len(docs.Workloads) == 0 && len(docs.Claims) == 0 {
		return nil, define.Invalidf("the YAML holds no Pod, Deployment or PersistentVolumeClaim to play")
	}
	var publish []define.PortMapping
	for _, p := range o.Publish {
		m, err := specgen.ParsePort(p)
		if err != nil {
			return nil, err
		}
		publish = append(publish, m)
	}
	rep := &KubePlayReport{}
	var plans []*playPlan
	seen := map[string]bool{}
	for i := range docs.Workloads {
		w := &docs.Workloads[i]
		if seen[w.PodName] {
			return nil, define.Invalidf("the YAML names pod %s twice", w.PodName)
		}
		seen[w.PodName] = true
		if w.Replicas > 1 {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("Deployment %s: pm makes one replica, not %d", w.Name, w.Replicas))
		}
		p, err := e.planWorkload(w, cms, o, publish)
		if err != nil {
			return nil, err
		}
		plans = append(plans, p)
	}
	// Pull every image first: a missing image makes nothing.
	pulled := map[string]bool{}
	for _, p := range plans {
		for _, s := range append(append([]*specgen.Spec{}, p.inits...), p.ctrs...) {
			if !pulled[s.Image] {
				built, err := e.kubeBuild(ctx, s.Image, o)
				if err != nil {
					return nil, fmt.Errorf("container %s: %w", s.Name, err)
				}
				if built {
					pulled[s.Image], pulled[s.Image+"\x00"+s.PullPolicy] = true, true
				}
			}
			if !pulled[s.Image+"\x00"+s.PullPolicy] {
				if err := e.kubePull(ctx, s.Image, s.PullPolicy, o.Progress); err != nil {
					return nil, fmt.Errorf("container %s: %w", s.Name, err)
				}
				pulled[s.Image+"\x00"+s.PullPolicy] = true
			}
			s.PullPolicy = "missing"
		}
	}
	if o.Replace {
		if _, err := e.kubeDown(ctx, docs, false, true); err != nil {
			return nil, fmt.Errorf("replacing: %w", err)
		}
	}
	var madePods, madeVols []string
	service := ""
	defer func() {
		if retErr == nil {
			return
		}
		if service != "" && len(madePods) == 0 {
			e.removeKubeService(context.WithoutCancel(ctx), service)
		}
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
		defer cancel()
		zero := uint(0)
		for i := len(madePods) - 1; i >= 0; i-- {
			if _, err := e.PodRemove(cctx, madePods[i], true, &zero); err != nil {
				slog.Warn("rolling back pod", "pod", madePods[i], "err", err)
			}
		}
		for _, v := range madeVols {
			if err := e.rt.RemoveVolume(cctx, v, true, &zero); err != nil && !errors.Is(err, define.ErrNoSuchVolume) {
				slog.Warn("rolling back volume", "volume", v, "err", err)
			}
		}
	}()
	ensureVolume := func(name string, labels map[string]string, driver string, opts map[string]string) (bool, error) {
		if _, err := e.rt.LookupVolume(ctx, name); err == nil {
			return false, nil
		}
		v, err := e.rt.CreateVolume(ctx, libpod.VolumeCreateOptions{Name: name, Driver: driver, Labels: labels, Options: opts})
		if err != nil {
			return false, fmt.Errorf("creating volume %s: %w", name, err)
		}
		madeVols = append(madeVols, v.Name())
		return true, nil
	}
	for i := range docs.Claims {
		c := &docs.Claims[i]
		if len(o.Annotations) > 0 && c.Metadata.Annotations == nil {
			c.Metadata.Annotations = map[string]string{}
		}
		for k, v := range o.Annotations {
			c.Metadata.Annotations[k] = v
		}
		driver, opts := kube.ClaimVolume(c)
		made, err := ensureVolume(c.Metadata.Name, c.Metadata.Labels, driver, opts)
		if err != nil {
			return nil, err
		}
		if made {
			rep.Volumes = append(rep.Volumes, c.Metadata.Name)
		}
	}
	if o.ServiceContainer && len(plans) > 0 {
		// Removing the pods removes it; until one is made, the deferred
		// rollback does.
		if service, err = e.createKubeService(ctx, kubeServiceName(data), o.ExitCodePropagation, !o.NoStart); err != nil {
			return nil, err
		}
		rep.ServiceContainerID = service
	}
	for _, p := range plans {
		p.pod.ServiceContainer = service
		// Named volumes the pods use are made here, so that a failure
		// removes them too.
		for _, m := range p.vols {
			if m.Type == "volume" && p.cmVols[m.Source] == nil && !contains(p.empty, m.Source) {
				if _, err := ensureVolume(m.Source, nil, "", nil); err != nil {
					return nil, err
				}
			}
		}
		pr, err := e.createWorkload(ctx, p, ensureVolume, &madePods, &madeVols, !o.NoStart)
		if err != nil {
			return nil, err
		}
		rep.Pods = append(rep.Pods, *pr)
	}
	if service != "" {
		e.notifyKubeService(ctx, service)
	}
	return rep, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// planWorkload checks one workload and builds its requests, touching
// nothing: host paths are only looked at.
func (e *Engine) planWorkload(w *kube.Workload, cms kube.ConfigMaps, o KubePlayOptions, publish []define.PortMapping) (*playPlan, error) {
	pod, err := w.PodRequest(o.PublishAll)
	if err != nil {
		return nil, err
	}
	if o.Network != "" {
		pod.NetworkMode = o.Network
	}
	for _, pm := range publish {
		replaced := false
		for i, q := range pod.Net.Ports {
			if q.ContainerPort == pm.ContainerPort && q.Protocol == pm.Protocol {
				pod.Net.Ports[i], replaced = pm, true
			}
		}
		if !replaced {
			pod.Net.Ports = append(pod.Net.Ports, pm)
		}
	}
	if err := pod.Validate(); err != nil {
		return nil, err
	}
	p := &playPlan{w: w, pod: pod, vols: map[string]specgen.Mount{}, cmVols: map[string]map[string]string{}}
	for _, v := range w.Spec.Volumes {
		where := fmt.Sprintf("volume %s of %s %s", v.Name, w.Kind, w.Name)
		if _, dup := p.vols[v.Name]; dup {
			return nil, define.Invalidf("%s is defined twice", where)
		}
		switch {
		case v.HostPath != nil:
			m, err := p.hostPath(v.HostPath, where)
			if err != nil {
				return nil, err
			}
			p.vols[v.Name] = m
		case v.PersistentVolumeClaim != nil:
			if v.PersistentVolumeClaim.ClaimName == "" {
				return nil, define.Invalidf("%s: persistentVolumeClaim has no claimName", where)
			}
			p.vols[v.Name] = specgen.Mount{Type: "volume", Source: v.PersistentVolumeClaim.ClaimName, ReadOnly: v.PersistentVolumeClaim.ReadOnly}
		case v.EmptyDir != nil && v.EmptyDir.Medium == "Memory":
			m := specgen.Mount{Type: "tmpfs"}
			if v.EmptyDir.SizeLimit != "" {
				q, err := kube.ParseQuantity(v.EmptyDir.SizeLimit)
				if err != nil {
					return nil, define.Invalidf("%s: sizeLimit: %v", where, err)
				}
				m.Options = []string{fmt.Sprintf("size=%d", int64(q))}
			}
			p.vols[v.Name] = m
		case v.EmptyDir != nil:
			if v.EmptyDir.Medium != "" {
				return nil, define.Errorf(define.ErrUnsupported, "%s: emptyDir medium %q is not supported: use \"\" or Memory", where, v.EmptyDir.Medium)
			}
			p.vols[v.Name] = specgen.Mount{Type: "volume", Source: "emptydir:" + v.Name}
			p.empty = append(p.empty, "emptydir:"+v.Name)
		case v.ConfigMap != nil:
			files, ok, err := kube.ConfigMapFiles(v.ConfigMap, cms)
			if err != nil {
				return nil, define.Errorf(define.ErrNotFound, "%s: %v", where, err)
			}
			if !ok {
				continue // optional and missing: the mounts of it are dropped
			}
			p.vols[v.Name] = specgen.Mount{Type: "volume", Source: v.ConfigMap.Name, ReadOnly: true}
			p.cmVols[v.ConfigMap.Name] = files
		case v.Secret != nil:
			return nil, define.Errorf(define.ErrUnsupported, "%s: secret volumes are not supported", where)
		default:
			return nil, define.Errorf(define.ErrUnsupported, "%s: unsupported volume type: pm plays hostPath, emptyDir, persistentVolumeClaim and configMap volumes", where)
		}
	}
	optionalGone := func(c *kube.Container) {
		// Mounts of an optional ConfigMap that is missing are dropped.
		var keep []kube.VolumeMount
		for _, vm := range c.VolumeMounts {
			if _, ok := p.vols[vm.Name]; ok || !declared(w.Spec.Volumes, vm.Name) {
				keep = append(keep, vm)
			}
		}
		c.VolumeMounts = keep
	}
	names := map[string]bool{}
	request := func(c *kube.Container, init bool) (*specgen.Spec, error) {
		optionalGone(c)
		s, err := w.ContainerRequest(c, "", cms, p.vols, init)
		if err != nil {
			return nil, err
		}
		if names[c.Name] {
			return nil, define.Invalidf("%s %s names container %s twice", w.Kind, w.Name, c.Name)
		}
		names[c.Name] = true
		for k, v := range o.Annotations {
			s.Annotations[k] = v
		}
		return kubeSpec(s, o)
	}
	for i := range w.Spec.InitContainers {
		s, err := request(&w.Spec.InitContainers[i], true)
		if err != nil {
			return nil, err
		}
		p.inits = append(p.inits, s)
	}
	if len(w.Spec.Containers) == 0 {
		return nil, define.Invalidf("%s %s has no containers", w.Kind, w.Name)
	}
	for i := range w.Spec.Containers {
		s, err := request(&w.Spec.Containers[i], false)
		if err != nil {
			return nil, err
		}
		p.ctrs = append(p.ctrs, s)
	}
	return p, nil
}

func declared(vols []kube.Volume, name string) bool {
	for _, v := range vols {
		if v.Name == name {
			return true
		}
	}
	return false
}

// kubeSpec applies the play's options to a container request and checks
// it as container create will.
func kubeSpec(s *specgen.Spec, o KubePlayOptions) (*specgen.Spec, error) {
	s.LogDriver = o.LogDriver
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("container %s: %w", s.Name, err)
	}
	return s, nil
}

// hostPath checks a hostPath volume: a path (with a slash) is a bind
// mount, anything else names a volume.
func (p *playPlan) hostPath(h *kube.HostPathSource, where string) (specgen.Mount, error) {
	if !strings.Contains(h.Path, "/") {
		if h.Path == "" {
			return specgen.Mount{}, define.Invalidf("%s: hostPath has no path", where)
		}
		return specgen.Mount{Type: "volume", Source: h.Path}, nil
	}
	if !strings.HasPrefix(h.Path, "/") {
		return specgen.Mount{}, define.Invalidf("%s: hostPath %q is not an absolute path", where, h.Path)
	}
	st, err := os.Stat(h.Path)
	exists := err == nil
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return specgen.Mount{}, define.Invalidf("%s: %v", where, err)
	}
	mode := os.FileMode(0)
	if exists {
		mode = st.Mode()
	}
	need := func(ok bool, what string) error {
		if !exists {
			return define.Errorf(define.ErrNotFound, "%s: hostPath %s does not exist", where, h.Path)
		}
		if !ok {
			return define.Invalidf("%s: hostPath %s is not a %s", where, h.Path, what)
		}
		return nil
	}
	switch h.Type {
	case "":
	case kube.HostPathDirectoryOrCreate:
		if !exists {
			p.mkdirs = append(p.mkdirs, h.Path)
		} else if !mode.IsDir() {
			return specgen.Mount{}, define.Invalidf("%s: hostPath %s exists and is not a directory", where, h.Path)
		}
	case kube.HostPathFileOrCreate:
		if !exists {
			p.touch = append(p.touch, h.Path)
		} else if !mode.IsRegular() {
			return specgen.Mount{}, define.Invalidf("%s: hostPath %s exists and is not a file", where, h.Path)
		}
	case kube.HostPathDirectory:
		err = need(mode.IsDir(), "directory")
	case kube.HostPathFile:
		err = need(mode.IsRegular(), "file")
	case kube.HostPathSocket:
		err = need(mode&os.ModeSocket != 0, "socket")
	case kube.HostPathCharDevice:
		err = need(mode&os.ModeCharDevice != 0, "character device")
	case kube.HostPathBlockDevice:
		err = need(mode&os.ModeDevice != 0 && mode&os.ModeCharDevice == 0, "block device")
	default:
		return specgen.Mount{}, define.Errorf(define.ErrUnsupported, "%s: unsupported hostPath type %q", where, h.Type)
	}
	if err != nil {
		return specgen.Mount{}, err
	}
	return specgen.Mount{Type: "bind", Source: h.Path}, nil
}

// kubePull makes an image present per the pull policy, with progress to w.
func (e *Engine) kubePull(ctx context.Context, name, policy string, w io.Writer) error {
	svc, err := e.rt.Images()
	if err != nil {
		return err
	}
	if policy != "always" {
		if _, err := svc.Lookup(name); err == nil {
			return nil
		} else if !errors.Is(err, define.ErrNoSuchImage) {
			return err
		}
		if policy == "never" {
			return define.Errorf(define.ErrNoSuchImage, "image %s is not present and imagePullPolicy is Never", name)
		}
	}
	if _, err := svc.Pull(ctx, name, image.PullOptions{Progress: w}); err != nil {
		return fmt.Errorf("pulling image %s: %w", name, err)
	}
	return nil
}

// createWorkload makes one planned pod: its host paths and volumes, the
// pod, its init containers (run to completion when starting), its
// containers; then starts it.
func (e *Engine) createWorkload(ctx context.Context, p *playPlan, ensureVolume func(string, map[string]string, string, map[string]string) (bool, error), madePods, madeVols *[]string, start bool) (*KubePlayPod, error) {
	for _, d := range p.mkdirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("creating hostPath %s: %w", d, err)
		}
	}
	for _, f := range p.touch {
		fh, err := os.OpenFile(f, os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return nil, fmt.Errorf("creating hostPath %s: %w", f, err)
		}
		fh.Close()
	}
	for name, files := range p.cmVols {
		if _, err := ensureVolume(name, nil, "", nil); err != nil {
			return nil, err
		}
		if err := e.rt.ImportVolume(ctx, name, configMapTar(files)); err != nil {
			return nil, fmt.Errorf("filling configmap volume %s: %w", name, err)
		}
	}
	// emptyDir volumes: one anonymous volume each, shared by the pod's
	// containers, removed by kube down.
	emptyNames := map[string]string{}
	for _, key := range p.empty {
		v, err := e.rt.CreateVolume(ctx, libpod.VolumeCreateOptions{Anonymous: true, Labels: map[string]string{kubePodLabel: p.pod.Name}})
		if err != nil {
			return nil, fmt.Errorf("creating emptyDir volume: %w", err)
		}
		*madeVols = append(*madeVols, v.Name())
		emptyNames[key] = v.Name()
	}
	fix := func(s *specgen.Spec, podID string) {
		s.Pod = podID
		for i := range s.Mounts {
			if n, ok := emptyNames[s.Mounts[i].Source]; ok && s.Mounts[i].Type == "volume" {
				s.Mounts[i].Source = n
			}
		}
	}
	podID, err := e.PodCreate(ctx, p.pod)
	if err != nil {
		return nil, err
	}
	*madePods = append(*madePods, podID)
	out := &KubePlayPod{ID: podID}
	var initIDs []string
	for _, s := range p.inits {
		fix(s, podID)
		cr, err := e.ContainerCreate(ctx, s)
		if err != nil {
			return nil, fmt.Errorf("creating init container %s: %w", s.Name, err)
		}
		initIDs = append(initIDs, cr.ID)
	}
	for _, s := range p.ctrs {
		fix(s, podID)
		cr, err := e.ContainerCreate(ctx, s)
		if err != nil {
			return nil, fmt.Errorf("creating container %s: %w", s.Name, err)
		}
		out.Containers = append(out.Containers, cr.ID)
	}
	if !start {
		return out, nil
	}
	// Init containers run one by one to completion, then go, as
	// Kubernetes's do.
	for i, id := range initIDs {
		c, err := e.rt.StartContainer(ctx, id, e.startOptions(nil))
		if err != nil {
			return nil, fmt.Errorf("starting init container %s: %w", p.inits[i].Name, err)
		}
		e.emitCtr(c, "start", nil)
		code, err := e.rt.WaitContainer(ctx, id, nil, 50*time.Millisecond)
		if err != nil {
			return nil, fmt.Errorf("waiting for init container %s: %w", p.inits[i].Name, err)
		}
		if code != 0 {
			return nil, fmt.Errorf("init container %s exited with code %d", p.inits[i].Name, code)
		}
		if _, err := e.ContainerRemove(ctx, id, true, nil); err != nil {
			return nil, fmt.Errorf("removing init container %s: %w", p.inits[i].Name, err)
		}
	}
	if _, err := e.PodStart(ctx, podID); err != nil {
		return nil, err
	}
	return out, nil
}

// configMapTar packs a configMap volume's files.
func configMapTar(files map[string]string) io.Reader {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	now := time.Now()
	dirs := map[string]bool{}
	for _, name := range kube.SortedKeys(files) {
		parts := strings.Split(name, "/")
		for i := 1; i < len(parts); i++ {
			d := strings.Join(parts[:i], "/") + "/"
			if !dirs[d] {
				dirs[d] = true
				tw.WriteHeader(&tar.Header{Name: d, Typeflag: tar.TypeDir, Mode: 0o755, ModTime: now})
			}
		}
		data := files[name]
		tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(data)), ModTime: now})
		tw.Write([]byte(data))
	}
	tw.Close()
	return &buf
}

// KubeDownReport is what kube down removed.
type KubeDownReport struct {
	Stopped []string // pod IDs
	Removed []string // pod IDs
	Volumes []string // volume names (with force)
}

// KubeDown removes the pods (and their containers) that a play of the same
// YAML made, and the volumes made for their emptyDir volumes; with force,
// also the volumes of its PersistentVolumeClaims. Pods already gone are
// reported in the error, after the others were removed.
func (e *Engine) KubeDown(ctx context.Context, data []byte, force bool) (*KubeDownReport, error) {
	docs, err := kube.Parse(data)
	if err != nil {
		return nil, err
	}
	return e.kubeDown(ctx, docs, force, false)
}

// kubeDown is KubeDown of parsed documents; missingOK skips pods that are
// gone (kube play --replace).
func (e *Engine) kubeDown(ctx context.Context, docs *kube.Documents, force, missingOK bool) (*KubeDownReport, error) {
	rep := &KubeDownReport{}
	var errs []error
	zero := uint(0)
	for _, w := range docs.Workloads {
		p, err := e.rt.LookupPod(ctx, w.PodName)
		if err != nil {
			if errors.Is(err, define.ErrNoSuchPod) && missingOK {
				continue
			}
			if errors.Is(err, define.ErrNoSuchPod) {
				err = define.Errorf(define.ErrNoSuchPod, "no pod with name or ID %s found: no such pod", w.PodName)
			}
			errs = append(errs, err)
			continue
		}
		if _, err := e.PodStop(ctx, p.ID(), &zero); err != nil {
			errs = append(errs, err)
		} else {
			rep.Stopped = append(rep.Stopped, p.ID())
		}
		if _, err := e.PodRemove(ctx, p.ID(), true, &zero); err != nil {
			errs = append(errs, err)
			continue
		}
		rep.Removed = append(rep.Removed, p.ID())
		vols, err := e.rt.Volumes(ctx)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, v := range vols {
			if v.Config.Labels[kubePodLabel] == w.PodName {
				if err := e.rt.RemoveVolume(ctx, v.Name(), false, nil); err != nil {
					errs = append(errs, err)
				}
			}
		}
	}
	if force {
		for _, c := range docs.Claims {
			err := e.rt.RemoveVolume(ctx, c.Metadata.Name, false, nil)
			switch {
			case err == nil:
				rep.Volumes = append(rep.Volumes, c.Metadata.Name)
			case !errors.Is(err, define.ErrNoSuchVolume):
				errs = append(errs, err)
			}
		}
	}
	return rep, errors.Join(errs...)
}
