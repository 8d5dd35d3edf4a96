package kube

import (
	"fmt"
	"net"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/specgen"
)

// ConfigMaps are the ConfigMaps a play can refer to, by name.
type ConfigMaps map[string]ConfigMap

// NewConfigMaps indexes lists of ConfigMaps; a later one of the same name
// replaces an earlier one.
func NewConfigMaps(lists ...[]ConfigMap) ConfigMaps {
	out := ConfigMaps{}
	for _, l := range lists {
		for _, c := range l {
			out[c.Metadata.Name] = c
		}
	}
	return out
}

// PodRequest returns pm's request for the pod of w: its name, labels,
// hostname, the ports its containers publish (hostPort; with publishAll,
// also every containerPort without one, on the same host port) and its
// host aliases. Its exit policy is stop, as in Podman: once its last
// container exits, the pod stops. The caller adds its network choices.
func (w *Workload) PodRequest(publishAll bool) (*specgen.PodSpec, error) {
	if err := specgen.ValidName(w.PodName); err != nil {
		return nil, define.Invalidf("%s %s: %v", w.Kind, w.Name, err)
	}
	p := &specgen.PodSpec{
		Name: w.PodName, Labels: copyMap(w.Meta.Labels), Hostname: w.Spec.Hostname,
		Infra: true, Share: []string{"net", "ipc", "uts"}, ExitPolicy: "stop",
	}
	if w.Spec.HostNetwork {
		p.NetworkMode = "host"
	}
	for _, c := range append(append([]Container{}, w.Spec.InitContainers...), w.Spec.Containers...) {
		for _, cp := range c.Ports {
			if cp.ContainerPort == 0 && cp.HostPort != 0 {
				// A hostPort alone is published on the same port.
				cp.ContainerPort = cp.HostPort
			}
			if cp.ContainerPort < 1 || cp.ContainerPort > 65535 {
				return nil, define.Invalidf("container %s of %s: invalid containerPort %d", c.Name, w.Name, cp.ContainerPort)
			}
			if cp.HostPort == 0 && publishAll {
				cp.HostPort = cp.ContainerPort
			}
			if cp.HostPort == 0 {
				continue
			}
			if cp.HostPort < 0 || cp.HostPort > 65535 {
				return nil, define.Invalidf("container %s of %s: invalid hostPort %d", c.Name, w.Name, cp.HostPort)
			}
			proto, err := protocol(cp.Protocol)
			if err != nil {
				return nil, define.Invalidf("container %s of %s: %v", c.Name, w.Name, err)
			}
			if cp.HostIP != "" && net.ParseIP(cp.HostIP) == nil {
				return nil, define.Invalidf("container %s of %s: invalid hostIP %q", c.Name, w.Name, cp.HostIP)
			}
			p.Net.Ports = append(p.Net.Ports, define.PortMapping{
				HostIP: cp.HostIP, HostPort: uint16(cp.HostPort), ContainerPort: uint16(cp.ContainerPort), Range: 1, Protocol: proto,
			})
		}
	}
	for _, ha := range w.Spec.HostAliases {
		for _, h := range ha.Hostnames {
			p.Net.AddHosts = append(p.Net.AddHosts, h+":"+ha.IP)
		}
	}
	return p, nil
}

// protocol turns a Kubernetes protocol (TCP, UDP, SCTP) into pm's.
func protocol(p string) (string, error) {
	switch strings.ToUpper(p) {
	case "", "TCP":
		return "tcp", nil
	case "UDP":
		return "udp", nil
	case "SCTP":
		return "sctp", nil
	}
	return "", fmt.Errorf("invalid protocol %q: use TCP, UDP or SCTP", p)
}

// ContainerName is the name pm gives container c of a pod: POD-CONTAINER.
func ContainerName(pod, ctr string) string { return pod + "-" + ctr }

// ContainerRequest returns the Spec of container c of w, in pod podID.
// mounts are the pod's volumes resolved by the caller (by volume name: a
// bind with its host path, a volume with its name, or a tmpfs); an init
// container never restarts.
func (w *Workload) ContainerRequest(c *Container, podID string, cms ConfigMaps, mounts map[string]specgen.Mount, init bool) (*specgen.Spec, error) {
	where := fmt.Sprintf("container %s of %s %s", c.Name, w.Kind, w.Name)
	if c.Name == "" {
		return nil, define.Invalidf("a container of %s %s has no name", w.Kind, w.Name)
	}
	if c.Image == "" {
		return nil, define.Invalidf("%s has no image", where)
	}
	s := &specgen.Spec{
		Name: ContainerName(w.PodName, c.Name), Image: c.Image, Pod: podID,
		Command: c.Args, WorkDir: c.WorkingDir, Terminal: c.TTY, Stdin: c.Stdin,
		Labels: copyMap(w.Meta.Labels), Annotations: podAnnotations(w.Meta.Annotations),
		Env: map[string]string{}, Tmpfs: map[string]string{}, LogOpts: map[string]string{},
		ReadOnlyTmpfs: true, Created: time.Now(),
	}
	if s.Labels == nil {
		s.Labels = map[string]string{}
	}
	if s.Annotations == nil {
		s.Annotations = map[string]string{}
	}
	if err := specgen.ValidName(s.Name); err != nil {
		return nil, define.Invalidf("%s: %v", where, err)
	}
	if len(c.Command) > 0 {
		s.Entrypoint = c.Command
	}
	switch c.ImagePullPolicy {
	case "", "IfNotPresent":
		s.PullPolicy = "missing"
	case "Always":
		s.PullPolicy = "always"
	case "Never":
		s.PullPolicy = "never"
	default:
		return nil, define.Invalidf("%s: invalid imagePullPolicy %q: use Always, IfNotPresent or Never", where, c.ImagePullPolicy)
	}
	restart, err := restartPolicy(w.Spec.RestartPolicy)
	if err != nil {
		return nil, define.Invalidf("%s %s: %v", w.Kind, w.Name, err)
	}
	if init {
		restart = "no"
	}
	s.Restart = specgen.RestartPolicy{Name: restart}
	if err := containerEnv(s, c, cms, where); err != nil {
		return nil, err
	}
	if err := security(s, c.SecurityContext, w.Spec.SecurityContext, where); err != nil {
		return nil, err
	}
	if r := c.Resources; r != nil {
		for k, v := range r.Limits {
			q, err := ParseQuantity(v)
			if err != nil {
				return nil, define.Invalidf("%s: limits.%s: %v", where, k, err)
			}
			switch k {
			case "memory":
				s.Resources.MemoryBytes = int64(q)
			case "cpu":
				s.Resources.CPUs = q
			}
		}
	}
	for _, vm := range c.VolumeMounts {
		m, ok := mounts[vm.Name]
		if !ok {
			return nil, define.Invalidf("%s mounts volume %q, which the pod does not define", where, vm.Name)
		}
		if !path.IsAbs(vm.MountPath) {
			return nil, define.Invalidf("%s: mountPath %q of volume %s is not an absolute path", where, vm.MountPath, vm.Name)
		}
		if m.Type == "tmpfs" {
			s.Tmpfs[vm.MountPath] = strings.Join(m.Options, ",")
			continue
		}
		if vm.SubPath != "" {
			if m.Type != "bind" {
				return nil, define.Errorf(define.ErrUnsupported, "%s: subPath is supported for hostPath volumes only", where)
			}
			m.Source = path.Join(m.Source, path.Clean("/"+vm.SubPath))
		}
		m.Destination = vm.MountPath
		m.ReadOnly = m.ReadOnly || vm.ReadOnly
		m.Options = append([]string(nil), m.Options...)
		s.Mounts = append(s.Mounts, m)
	}
	return s, nil
}

// restartPolicy turns a pod's restartPolicy into pm's; Kubernetes's
// default is Always.
func restartPolicy(p string) (string, error) {
	switch p {
	case "", "Always":
		return "always", nil
	case "OnFailure":
		return "on-failure", nil
	case "Never":
		return "no", nil
	}
	return "", fmt.Errorf("invalid restartPolicy %q: use Always, OnFailure or Never", p)
}

// containerEnv fills s.Env: envFrom first, then env, which overrides it.
func containerEnv(s *specgen.Spec, c *Container, cms ConfigMaps, where string) error {
	for _, ef := range c.EnvFrom {
		switch {
		case ef.ConfigMapRef != nil:
			cm, ok := cms[ef.ConfigMapRef.Name]
			if !ok {
				if optional(ef.ConfigMapRef.Optional) {
					continue
				}
				return define.Errorf(define.ErrNotFound, "%s: envFrom: configmap %q not found", where, ef.ConfigMapRef.Name)
			}
			for k, v := range cm.Data {
				s.Env[ef.Prefix+k] = v
			}
		case ef.SecretRef != nil:
			return define.Errorf(define.ErrUnsupported, "%s: envFrom.secretRef is not supported", where)
		}
	}
	for _, e := range c.Env {
		if e.Name == "" {
			return define.Invalidf("%s: an env entry has no name", where)
		}
		if e.ValueFrom == nil {
			s.Env[e.Name] = e.Value
			continue
		}
		vf := e.ValueFrom
		switch {
		case vf.ConfigMapKeyRef != nil:
			ref := vf.ConfigMapKeyRef
			cm, ok := cms[ref.Name]
			if !ok {
				if optional(ref.Optional) {
					continue
				}
				return define.Errorf(define.ErrNotFound, "%s: env %s: configmap %q not found", where, e.Name, ref.Name)
			}
			v, ok := cm.Data[ref.Key]
			if !ok {
				if optional(ref.Optional) {
					continue
				}
				return define.Errorf(define.ErrNotFound, "%s: env %s: configmap %q has no key %q", where, e.Name, ref.Name, ref.Key)
			}
			s.Env[e.Name] = v
		case vf.FieldRef != nil:
			return define.Errorf(define.ErrUnsupported, "%s: env %s: valueFrom.fieldRef is not supported", where, e.Name)
		case vf.ResourceFieldRef != nil:
			return define.Errorf(define.ErrUnsupported, "%s: env %s: valueFrom.resourceFieldRef is not supported", where, e.Name)
		case vf.SecretKeyRef != nil:
			return define.Errorf(define.ErrUnsupported, "%s: env %s: valueFrom.secretKeyRef is not supported", where, e.Name)
		default:
			return define.Invalidf("%s: env %s: empty valueFrom", where, e.Name)
		}
	}
	return nil
}

func optional(b *bool) bool { return b != nil && *b }

// security applies a container's securityContext over its pod's. The
// settings that are security options go through the parser of
// --security-opt, with its checks.
func security(s *specgen.Spec, sc *SecurityContext, psc *PodSecurityContext, where string) error {
	var uid, gid *int64
	var se *SELinuxOptions
	var sp *SeccompProfile
	var ap *AppArmorProfile
	if psc != nil {
		uid, gid = psc.RunAsUser, psc.RunAsGroup
		se, sp, ap = psc.SELinuxOptions, psc.SeccompProfile, psc.AppArmorProfile
	}
	var opts []string
	if sc != nil {
		if sc.RunAsUser != nil {
			uid = sc.RunAsUser
		}
		if sc.RunAsGroup != nil {
			gid = sc.RunAsGroup
		}
		if sc.Privileged != nil {
			s.Security.Privileged = *sc.Privileged
		}
		if sc.ReadOnlyRootFilesystem != nil {
			s.ReadOnly = *sc.ReadOnlyRootFilesystem
		}
		if sc.AllowPrivilegeEscalation != nil && !*sc.AllowPrivilegeEscalation {
			opts = append(opts, "no-new-privileges")
		}
		if caps := sc.Capabilities; caps != nil {
			s.Security.CapAdd = append(s.Security.CapAdd, caps.Add...)
			s.Security.CapDrop = append(s.Security.CapDrop, caps.Drop...)
		}
		switch sc.ProcMount {
		case "", "Default":
		case "Unmasked":
			opts = append(opts, "unmask=ALL")
		default:
			return define.Invalidf("%s: invalid securityContext.procMount %q: use Default or Unmasked", where, sc.ProcMount)
		}
		if sc.SELinuxOptions != nil {
			se = sc.SELinuxOptions
		}
		if sc.SeccompProfile != nil {
			sp = sc.SeccompProfile
		}
		if sc.AppArmorProfile != nil {
			ap = sc.AppArmorProfile
		}
	}
	if se != nil {
		for _, l := range []struct{ key, val string }{{"user", se.User}, {"role", se.Role}, {"type", se.Type}, {"level", se.Level}} {
			if l.val != "" {
				opts = append(opts, "label="+l.key+":"+l.val)
			}
		}
	}
	if sp != nil {
		o, err := seccompOpt(sp)
		if err != nil {
			return define.Invalidf("%s: %v", where, err)
		}
		opts = append(opts, o...)
	}
	if ap != nil {
		switch ap.Type {
		case "RuntimeDefault":
		case "Unconfined":
			opts = append(opts, "apparmor=unconfined")
		case "Localhost":
			opts = append(opts, "apparmor="+ap.LocalhostProfile)
		default:
			return define.Invalidf("%s: invalid appArmorProfile.type %q: use RuntimeDefault, Unconfined or Localhost", where, ap.Type)
		}
	}
	if err := s.Security.ParseSecurityOpts(opts, specgen.SecurityOptSyntax{Field: where + ": securityContext"}); err != nil {
		return err
	}
	switch {
	case uid != nil && (*uid < 0 || (gid != nil && *gid < 0)):
		return define.Invalidf("%s: runAsUser and runAsGroup must not be negative", where)
	case uid != nil && gid != nil:
		s.User = strconv.FormatInt(*uid, 10) + ":" + strconv.FormatInt(*gid, 10)
	case uid != nil:
		s.User = strconv.FormatInt(*uid, 10)
	}
	return nil
}

// KubeletSeccompRoot is where a Localhost seccompProfile's relative path
// points, as Podman's --seccomp-profile-root.
const KubeletSeccompRoot = "/var/lib/kubelet/seccomp"

// seccompOpt turns a seccompProfile into a security option.
func seccompOpt(sp *SeccompProfile) ([]string, error) {
	switch sp.Type {
	case "RuntimeDefault":
		return nil, nil
	case "Unconfined":
		return []string{"seccomp=unconfined"}, nil
	case "Localhost":
		p := sp.LocalhostProfile
		if p == "" {
			return nil, define.Invalidf("seccompProfile Localhost needs localhostProfile")
		}
		if !path.IsAbs(p) {
			p = path.Join(KubeletSeccompRoot, p)
		}
		return []string{"seccomp=" + p}, nil
	}
	return nil, define.Invalidf("invalid seccompProfile.type %q: use RuntimeDefault, Unconfined or Localhost", sp.Type)
}

// ConfigMapFiles returns the files a configMap volume holds: each key (or
// each item) by its path inside the volume, sorted.
func ConfigMapFiles(src *ConfigMapSource, cms ConfigMaps) (map[string]string, bool, error) {
	cm, ok := cms[src.Name]
	if !ok {
		if optional(src.Optional) {
			return nil, false, nil
		}
		return nil, false, define.Errorf(define.ErrNotFound, "configmap %q not found", src.Name)
	}
	files := map[string]string{}
	if len(src.Items) == 0 {
		for k, v := range cm.Data {
			files[k] = v
		}
		return files, true, nil
	}
	for _, it := range src.Items {
		v, ok := cm.Data[it.Key]
		if !ok {
			return nil, false, define.Errorf(define.ErrNotFound, "configmap %q has no key %q", src.Name, it.Key)
		}
		p := path.Clean("/" + it.Path)[1:]
		if p == "" {
			return nil, false, define.Invalidf("configmap %q: item %q has an empty path", src.Name, it.Key)
		}
		files[p] = v
	}
	return files, true, nil
}

// SortedKeys returns m's keys in order.
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func copyMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// podAnnotations are the annotations of a Pod its containers get: all
// but those kube generate wrote to describe one container.
func podAnnotations(a map[string]string) map[string]string {
	out := copyMap(a)
	for k := range out {
		if IsContainerAnnotation(k) {
			delete(out, k)
		}
	}
	return out
}
