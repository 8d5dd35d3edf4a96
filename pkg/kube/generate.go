package kube

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/specgen"
)

// ImageDefaults are what a container inherits from its image; kube
// generate writes only what differs from them.
type ImageDefaults struct {
	Entrypoint []string
	Cmd        []string
	Env        []string // KEY=VALUE
	WorkDir    string
	User       string
	Labels     map[string]string
}

// GenMount is one mount of a container to describe.
type GenMount struct {
	Type        string // volume, bind or tmpfs
	Source      string // the volume's name, or the host path
	Destination string
	ReadOnly    bool
	// HostPathType is Directory, File or DirectoryOrCreate (a bind whose
	// source is gone), as the caller found the host path.
	HostPathType string
	Options      []string // tmpfs options
}

// GenContainer is what kube generate knows of one container.
type GenContainer struct {
	Name        string
	Image       string
	Entrypoint  []string
	Cmd         []string
	Env         []string // the whole environment, KEY=VALUE
	WorkDir     string
	User        string
	Labels      map[string]string
	Annotations map[string]string
	Restart     string // pm's policy: no, always, on-failure, unless-stopped
	Ports       []define.PortMapping
	Privileged  bool
	ReadOnly    bool
	AutoRemove  bool
	Init        bool
	PublishAll  bool
	// Caps is the container's capability set (CAP_X), nil when unknown:
	// then CapAdd and CapDrop, relative to the pod's DefaultCaps, say it.
	Caps        []string
	CapAdd      []string
	CapDrop     []string
	MemoryBytes int64
	CPUs        float64
	Mounts      []GenMount
	Terminal    bool
	Stdin       bool
	Image0      ImageDefaults
}

// GenPod is a pod (or a group of containers) to describe as one Pod.
type GenPod struct {
	Name string
	// ID is the pod's, "" for a group of containers.
	ID       string
	Labels   map[string]string // the pod's, or nil to take the containers'
	Hostname string
	AddHosts []string // host:ip
	Created  time.Time
	// StripPrefix is cut from container names: "POD-" for a pod made by
	// kube play, so that its file plays back to the same names.
	StripPrefix string
	DefaultCaps []string // CAP_X names
	Containers  []GenContainer
}

// envDefaults are variables pm sets in every container.
var envDefaults = map[string]string{
	"container": "pm",
	"TERM":      "xterm",
	"PATH":      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
}

// GeneratePod describes p as a v1 Pod.
func GeneratePod(p *GenPod) *Pod {
	pod := &Pod{TypeMeta: TypeMeta{APIVersion: apiV1, Kind: KindPod}}
	pod.Metadata.Name = p.Name
	if !p.Created.IsZero() {
		pod.Metadata.CreationTimestamp = p.Created.UTC().Format(time.RFC3339)
	}
	labels := copyMap(p.Labels)
	annotations := map[string]string{}
	if labels == nil {
		labels = map[string]string{}
		for _, c := range p.Containers {
			for k, v := range c.Labels {
				if iv, ok := c.Image0.Labels[k]; !ok || iv != v {
					labels[k] = v
				}
			}
		}
	}
	if _, ok := labels["app"]; !ok {
		labels["app"] = p.Name
	}
	pod.Metadata.Labels = labels
	for _, c := range p.Containers {
		for k, v := range c.Annotations {
			annotations[k] = v
		}
		for k, v := range containerAnnotations(&c, p.ID) {
			annotations[k+"/"+containerName(c.Name, p.StripPrefix)] = v
		}
	}
	if p.ID != "" {
		pod.Status = &struct{}{}
	}
	if len(annotations) > 0 {
		pod.Metadata.Annotations = annotations
	}
	pod.Spec.Hostname = p.Hostname
	pod.Spec.HostAliases = hostAliases(p.AddHosts)
	if len(p.Containers) > 0 {
		pod.Spec.RestartPolicy = k8sRestart(p.Containers[0].Restart)
	}
	vols := &volumeNames{byKey: map[string]string{}, used: map[string]bool{}}
	for i := range p.Containers {
		c := &p.Containers[i]
		kc := Container{
			Name:       containerName(c.Name, p.StripPrefix),
			Image:      c.Image,
			WorkingDir: workDir(c),
			Env:        envDiff(c.Env, c.Image0.Env),
			Stdin:      c.Stdin,
			TTY:        c.Terminal,
		}
		kc.Command, kc.Args = commandArgs(c)
		kc.Ports = containerPorts(c.Ports)
		kc.SecurityContext = securityContext(c, p.DefaultCaps)
		kc.Resources = &Resources{}
		if c.MemoryBytes > 0 || c.CPUs > 0 {
			kc.Resources.Limits = map[string]string{}
			if c.MemoryBytes > 0 {
				kc.Resources.Limits["memory"] = FormatBytes(c.MemoryBytes)
			}
			if c.CPUs > 0 {
				kc.Resources.Limits["cpu"] = FormatCPUs(c.CPUs)
			}
		}
		for _, m := range c.Mounts {
			name, vol := vols.volume(m)
			if vol != nil {
				pod.Spec.Volumes = append(pod.Spec.Volumes, *vol)
			}
			kc.VolumeMounts = append(kc.VolumeMounts, VolumeMount{Name: name, MountPath: m.Destination, ReadOnly: m.ReadOnly})
		}
		pod.Spec.Containers = append(pod.Spec.Containers, kc)
	}
	return pod
}

// k8sRestart turns pm's restart policy into a pod's.
func k8sRestart(p string) string {
	switch p {
	case "always", "unless-stopped":
		return "Always"
	case "on-failure":
		return "OnFailure"
	}
	return "Never"
}

var nonDNS = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[^a-zA-Z0-9-]+`) })

// dnsLabel makes s a Kubernetes name: lower case letters, digits and
// dashes, starting and ending with a letter or digit.
func dnsLabel(s string) string {
	return nameLabel(strings.ToLower(s))
}

// nameLabel is dnsLabel keeping s's case: a container's name, which, as
// in Podman, keeps its capitals so that a play gives it back.
func nameLabel(s string) string {
	s = nonDNS().ReplaceAllString(s, "-")
	s = strings.Trim(s, "-")
	if len(s) > 63 {
		s = strings.Trim(s[len(s)-63:], "-")
	}
	if s == "" {
		s = "x"
	}
	return s
}

func containerName(name, strip string) string {
	if strip != "" && strings.HasPrefix(name, strip) && len(name) > len(strip) {
		name = name[len(strip):]
	}
	return nameLabel(name)
}

// Annotations Podman writes for each container, keyed KEY/CONTAINER: what
// the container's runtime annotations say of it.
const (
	annotationTTY           = "io.kubernetes.cri-o.TTY"
	annotationContainerType = "io.kubernetes.cri-o.ContainerType"
	annotationSandboxID     = "io.kubernetes.cri-o.SandboxID"
	annotationAutoremove    = "io.podman.annotations.autoremove"
	annotationInit          = "io.podman.annotations.init"
	annotationPrivileged    = "io.podman.annotations.privileged"
	annotationPublishAll    = "io.podman.annotations.publish-all"
)

// IsContainerAnnotation reports whether a pod's annotation key is one
// kube generate writes to describe one container (KEY/CONTAINER): a play
// does not give it to the containers.
func IsContainerAnnotation(key string) bool {
	k, _, ok := strings.Cut(key, "/")
	if !ok {
		return false
	}
	switch k {
	case annotationTTY, annotationContainerType, annotationSandboxID,
		annotationAutoremove, annotationInit, annotationPrivileged, annotationPublishAll:
		return true
	}
	return false
}

// containerAnnotations are the annotations describing c, in Podman's
// words: TTY true/false, the others TRUE/FALSE; in a pod (podID), its
// type and sandbox.
func containerAnnotations(c *GenContainer, podID string) map[string]string {
	upper := func(b bool) string { return strings.ToUpper(strconv.FormatBool(b)) }
	a := map[string]string{
		annotationTTY:        strconv.FormatBool(c.Terminal),
		annotationAutoremove: upper(c.AutoRemove),
		annotationInit:       upper(c.Init),
		annotationPrivileged: upper(c.Privileged),
		annotationPublishAll: upper(c.PublishAll),
	}
	if podID != "" {
		a[annotationContainerType] = "container"
		a[annotationSandboxID] = podID
	}
	return a
}

// commandArgs splits a container's command as Kubernetes does: the
// entrypoint is command, the cmd args. What equals the image's is left
// out, except args once command is written (command drops the image's CMD).
// Without an entrypoint at all, the cmd is the command, as Podman writes it.
func commandArgs(c *GenContainer) ([]string, []string) {
	var cmd, args []string
	if len(c.Entrypoint) == 0 && len(c.Image0.Entrypoint) == 0 {
		if !slices.Equal(c.Cmd, c.Image0.Cmd) {
			cmd = c.Cmd
		}
		return cmd, nil
	}
	if !slices.Equal(c.Entrypoint, c.Image0.Entrypoint) {
		cmd = c.Entrypoint
	}
	if cmd != nil || !slices.Equal(c.Cmd, c.Image0.Cmd) {
		args = c.Cmd
	}
	return cmd, args
}

func workDir(c *GenContainer) string {
	if c.WorkDir == "" || c.WorkDir == c.Image0.WorkDir || (c.WorkDir == "/" && c.Image0.WorkDir == "") {
		return ""
	}
	return c.WorkDir
}

// envDiff returns the variables of env that are neither the image's nor
// pm's defaults, in env's order.
func envDiff(env, image []string) []EnvVar {
	img := map[string]string{}
	for _, kv := range image {
		k, v, _ := strings.Cut(kv, "=")
		img[k] = v
	}
	var out []EnvVar
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		if iv, ok := img[k]; ok && iv == v {
			continue
		}
		if dv, ok := envDefaults[k]; ok && dv == v {
			continue
		}
		if k == "HOSTNAME" {
			continue
		}
		out = append(out, EnvVar{Name: k, Value: v})
	}
	return out
}

// containerPorts lists published ports one by one, ranges expanded.
func containerPorts(ports []define.PortMapping) []ContainerPort {
	var out []ContainerPort
	for _, p := range ports {
		n := max(p.Range, 1)
		for i := uint16(0); i < n; i++ {
			cp := ContainerPort{ContainerPort: int32(p.ContainerPort + i), Protocol: strings.ToUpper(p.Protocol)}
			if p.HostPort != 0 {
				cp.HostPort = int32(p.HostPort + i)
			}
			if p.HostIP != "" && p.HostIP != "0.0.0.0" && p.HostIP != "::" {
				cp.HostIP = p.HostIP
			}
			if cp.Protocol == "" {
				cp.Protocol = defaultProtocol
			}
			out = append(out, cp)
		}
	}
	return out
}

var numericUser = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([0-9]+)(?::([0-9]+))?$`) })

// securityContext writes what differs from pm's defaults, or nil.
func securityContext(c *GenContainer, defaults []string) *SecurityContext {
	sc := &SecurityContext{}
	set := false
	if c.Privileged {
		t := true
		sc.Privileged, set = &t, true
	}
	if c.ReadOnly {
		t := true
		sc.ReadOnlyRootFilesystem, set = &t, true
	}
	caps := capabilities(c, defaults)
	if !c.Privileged && caps != nil && (len(caps.Add) > 0 || len(caps.Drop) > 0) {
		sc.Capabilities, set = caps, true
	}
	if c.User != "" && c.User != c.Image0.User {
		if m := numericUser().FindStringSubmatch(c.User); m != nil {
			uid, _ := strconv.ParseInt(m[1], 10, 64)
			sc.RunAsUser, set = &uid, true
			if m[2] != "" {
				gid, _ := strconv.ParseInt(m[2], 10, 64)
				sc.RunAsGroup = &gid
			}
		}
	}
	if !set {
		return nil
	}
	return sc
}

// kubeDefaultCaps is the capability set a Kubernetes runtime (containerd,
// the OCI runtime tools) gives a container by default, in their order.
var kubeDefaultCaps = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
	"CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
}

// capabilities says how c's capability set differs from the one a
// Kubernetes runtime gives, as Podman writes it (CAP_X): played in a
// cluster, or here, the container gets the same set. Without the set,
// c's --cap-add and --cap-drop against pm's defaults stand for it.
func capabilities(c *GenContainer, defaults []string) *Capabilities {
	caps := &Capabilities{}
	if c.Caps != nil {
		for _, d := range kubeDefaultCaps {
			if !slices.Contains(c.Caps, d) {
				caps.Drop = append(caps.Drop, d)
			}
		}
		for _, a := range c.Caps {
			if !slices.Contains(kubeDefaultCaps, a) {
				caps.Add = appendNew(caps.Add, a)
			}
		}
		return caps
	}
	def := map[string]bool{}
	for _, d := range defaults {
		def[capName(d)] = true
	}
	for _, a := range c.CapAdd {
		if n := capName(a); n == "ALL" || !def[n] {
			caps.Add = appendNew(caps.Add, n)
		}
	}
	for _, d := range c.CapDrop {
		if n := capName(d); n == "ALL" || def[n] {
			caps.Drop = appendNew(caps.Drop, n)
		}
	}
	return caps
}

// capName is a capability as Kubernetes writes it: NET_ADMIN.
func capName(c string) string {
	return strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(c)), "CAP_")
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// hostAliases groups host:ip entries by address, in order.
func hostAliases(addHosts []string) []HostAlias {
	var out []HostAlias
	idx := map[string]int{}
	for _, h := range addHosts {
		name, ip, ok := strings.Cut(h, ":")
		if !ok {
			continue
		}
		i, seen := idx[ip]
		if !seen {
			i = len(out)
			idx[ip] = i
			out = append(out, HostAlias{IP: ip})
		}
		out[i].Hostnames = append(out[i].Hostnames, name)
	}
	return out
}

// volumeNames names a pod's volumes: the same source is one volume, and
// the names of different sources never collide.
type volumeNames struct {
	byKey map[string]string
	used  map[string]bool
}

// volume returns the name of m's volume and, the first time it is seen,
// the volume itself.
func (vn *volumeNames) volume(m GenMount) (string, *Volume) {
	key := m.Type + "\x00" + m.Source
	if m.Type == "tmpfs" {
		key += "\x00" + m.Destination
	}
	if n, ok := vn.byKey[key]; ok {
		return n, nil
	}
	var base, suffix string
	v := &Volume{}
	switch m.Type {
	case "volume":
		base, suffix = dnsLabel(m.Source), "-pvc"
		v.PersistentVolumeClaim = &ClaimSource{ClaimName: m.Source}
	case "tmpfs":
		base, suffix = pathName(m.Destination), "-tmpfs"
		v.EmptyDir = &EmptyDirSource{Medium: "Memory"}
		for _, o := range m.Options {
			// tmpfs's size (1m: a mebibyte) as a Kubernetes quantity
			// (1Mi; 1m would be a thousandth); a size in % has none.
			if size, ok := strings.CutPrefix(o, "size="); ok {
				if n, err := specgen.ParseBytes(size); err == nil {
					v.EmptyDir.SizeLimit = FormatBytes(n)
				}
			}
		}
	default:
		base, suffix = pathName(m.Source), "-host"
		v.HostPath = &HostPathSource{Path: m.Source, Type: m.HostPathType}
	}
	// Names are DNS labels of at most 63 characters: a long path keeps
	// its end, which tells the volumes apart best.
	label := func(n int) string {
		tail := suffix
		if n > 0 {
			tail = fmt.Sprintf("-%d%s", n, suffix)
		}
		b := base
		if over := len(b) + len(tail) - 63; over > 0 {
			b = strings.TrimLeft(b[over:], "-")
		}
		return b + tail
	}
	name := label(0)
	for i := 1; vn.used[name]; i++ {
		name = label(i)
	}
	vn.used[name], vn.byKey[key] = true, name
	v.Name = name
	return name, v
}

// pathName turns /srv/data into srv-data, and / into root.
func pathName(p string) string {
	p = strings.Trim(p, "/")
	if p == "" {
		return "root"
	}
	return dnsLabel(strings.ReplaceAll(p, "/", "-"))
}

// GenerateDeployment wraps a Pod into a Deployment of replicas copies,
// named POD-deployment.
func GenerateDeployment(pod *Pod, replicas int32) *Deployment {
	sel := map[string]string{"app": pod.Metadata.Labels["app"]}
	return &Deployment{
		TypeMeta: TypeMeta{APIVersion: apiAppsV1, Kind: KindDeployment},
		Metadata: ObjectMeta{Name: pod.Metadata.Name + "-deployment", CreationTimestamp: pod.Metadata.CreationTimestamp, Labels: copyMap(sel)},
		Spec: DeploymentSpec{
			Replicas: &replicas,
			Selector: &LabelSelector{MatchLabels: sel},
			Template: PodTemplate{
				Metadata: ObjectMeta{Name: pod.Metadata.Name, Labels: pod.Metadata.Labels, Annotations: pod.Metadata.Annotations},
				Spec:     pod.Spec,
			},
		},
	}
}

// GenerateService describes the published ports of a Pod as a NodePort
// Service selecting it (as Podman does); nodePort picks each node port.
// A pod without published ports gets a ClusterIP Service with none.
func GenerateService(pod *Pod, nodePort func() int32) *Service {
	svc := &Service{
		TypeMeta: TypeMeta{APIVersion: apiV1, Kind: KindService},
		Metadata: ObjectMeta{Name: pod.Metadata.Name, CreationTimestamp: pod.Metadata.CreationTimestamp, Labels: map[string]string{"app": pod.Metadata.Labels["app"]}},
		Spec:     ServiceSpec{Type: "ClusterIP", Selector: map[string]string{"app": pod.Metadata.Labels["app"]}},
	}
	for _, c := range pod.Spec.Containers {
		for _, p := range c.Ports {
			if p.HostPort == 0 {
				continue
			}
			svc.Spec.Ports = append(svc.Spec.Ports, ServicePort{
				Name:     fmt.Sprintf("%d-%s", p.ContainerPort, strings.ToLower(p.Protocol)),
				Protocol: p.Protocol, Port: p.ContainerPort, TargetPort: p.ContainerPort, NodePort: nodePort(),
			})
		}
	}
	if len(svc.Spec.Ports) > 0 {
		svc.Spec.Type = "NodePort"
	}
	return svc
}

// GenerateClaim describes a named volume as a PersistentVolumeClaim; its
// driver and options travel as annotations.
func GenerateClaim(name string, created time.Time, labels map[string]string, driver string, opts map[string]string) *PersistentVolumeClaim {
	c := &PersistentVolumeClaim{
		TypeMeta: TypeMeta{APIVersion: apiV1, Kind: KindClaim},
		Metadata: ObjectMeta{Name: name, Labels: copyMap(labels)},
		Spec: ClaimSpec{
			AccessModes: []string{"ReadWriteOnce"},
			Resources:   &Resources{Requests: map[string]string{"storage": "1Gi"}},
		},
	}
	if !created.IsZero() {
		c.Metadata.CreationTimestamp = created.UTC().Format(time.RFC3339)
	}
	ann := map[string]string{}
	if driver != "" && driver != "local" {
		ann[AnnotationVolumeDriver] = driver
	}
	if v := opts["device"]; v != "" {
		ann[AnnotationVolumeDevice] = v
	}
	if v := opts["type"]; v != "" {
		ann[AnnotationVolumeType] = v
	}
	if v := opts["o"]; v != "" {
		ann[AnnotationVolumeOptions] = v
	}
	if len(ann) > 0 {
		c.Metadata.Annotations = ann
	}
	return c
}

// ClaimVolume returns the driver and options a claim's annotations ask for.
func ClaimVolume(c *PersistentVolumeClaim) (driver string, opts map[string]string) {
	a := c.Metadata.Annotations
	opts = map[string]string{}
	if v := a[AnnotationVolumeDevice]; v != "" {
		opts["device"] = v
	}
	if v := a[AnnotationVolumeType]; v != "" {
		opts["type"] = v
	}
	if v := a[AnnotationVolumeOptions]; v != "" {
		opts["o"] = v
	}
	return a[AnnotationVolumeDriver], opts
}

// Header is the comment that opens a generated file: what made it, when,
// and what to do with it.
func Header(version string, now time.Time) string {
	return fmt.Sprintf("# Kubernetes YAML written by pm %s on %s.\n"+
		"# Create these objects in a cluster with \"kubectl create -f FILE\",\n"+
		"# or run them again here with \"pm kube play FILE\".\n",
		version, now.UTC().Format(time.RFC3339))
}
