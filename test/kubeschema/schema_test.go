// Package kubeschema checks the Kubernetes YAML pm writes against
// Kubernetes's own API types, decoded strictly: a field Kubernetes does
// not know, or a value of the wrong type, fails. Only tests import
// k8s.io/api, so that the pm binary does not carry it.
package kubeschema

import (
	"bytes"
	"testing"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/kube"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// fixture is a pod with what kube generate writes: ports, env, resources,
// security settings, named volumes, bind mounts (directory and file),
// tmpfs, host aliases, labels and annotations, two containers.
func fixture() *kube.GenPod {
	return &kube.GenPod{
		Name: "web", Labels: map[string]string{"app": "web"}, Hostname: "web",
		AddHosts: []string{"db:10.0.0.1", "cache:10.0.0.1"},
		Created:  time.Date(2024, 5, 2, 10, 0, 0, 0, time.UTC),
		Containers: []kube.GenContainer{{
			Name: "web-srv", Image: "docker.io/library/busybox:latest",
			Entrypoint: []string{"httpd"}, Cmd: []string{"-f", "-p", "80"},
			Env: []string{"A=1", "B=two words", "PATH=/bin"}, WorkDir: "/srv", User: "1000:100",
			Labels: map[string]string{"app": "web"}, Annotations: map[string]string{"note": "x"},
			Restart: "on-failure",
			Ports: []define.PortMapping{
				{HostIP: "127.0.0.1", HostPort: 8080, ContainerPort: 80, Range: 1, Protocol: "tcp"},
				{HostPort: 5353, ContainerPort: 53, Range: 1, Protocol: "udp"},
			},
			Privileged: true, ReadOnly: true, CapAdd: []string{"CAP_NET_ADMIN"}, CapDrop: []string{"CAP_KILL"},
			MemoryBytes: 64 << 20, CPUs: 1.5, Terminal: true, Stdin: true,
			Mounts: []kube.GenMount{
				{Type: "volume", Source: "webdata", Destination: "/data"},
				{Type: "bind", Source: "/srv/www", Destination: "/www", ReadOnly: true, HostPathType: "Directory"},
				{Type: "bind", Source: "/etc/app.conf", Destination: "/app.conf", HostPathType: "File"},
				{Type: "bind", Source: "/gone", Destination: "/gone", HostPathType: "DirectoryOrCreate"},
				{Type: "tmpfs", Destination: "/cache", Options: []string{"size=1m"}},
			},
			Image0: kube.ImageDefaults{Env: []string{"PATH=/bin"}, Cmd: []string{"sh"}},
		}, {
			Name: "web-side", Image: "docker.io/library/busybox:latest",
			Entrypoint: []string{"/bin/echo"}, Cmd: []string{"default"},
			Mounts: []kube.GenMount{{Type: "volume", Source: "webdata", Destination: "/data", ReadOnly: true}},
		}},
		StripPrefix: "web-",
	}
}

// strict decodes one YAML document into v, refusing unknown fields.
func strict(t *testing.T, doc []byte, v any) {
	t.Helper()
	if err := yaml.UnmarshalStrict(doc, v); err != nil {
		t.Fatalf("YAML pm wrote does not decode strictly into %T: %v\n%s", v, err, doc)
	}
}

// documents marshals objs as kube generate writes them and splits the
// stream back into its documents.
func documents(t *testing.T, objs ...any) [][]byte {
	t.Helper()
	b, err := kube.Marshal(objs...)
	if err != nil {
		t.Fatal(err)
	}
	b = append([]byte(kube.Header("1.0", time.Now())), b...)
	var out [][]byte
	for _, d := range bytes.Split(b, []byte("\n---\n")) {
		out = append(out, d)
	}
	if len(out) != len(objs) {
		t.Fatalf("%d documents for %d objects:\n%s", len(out), len(objs), b)
	}
	return out
}

func TestPodStrict(t *testing.T) {
	t.Parallel()
	pod := kube.GeneratePod(fixture())
	var p corev1.Pod
	strict(t, documents(t, pod)[0], &p)
	if p.Kind != "Pod" || p.APIVersion != "v1" || p.Name != "web" || len(p.Spec.Containers) != 2 {
		t.Fatalf("decoded pod = %+v", p)
	}
	c := p.Spec.Containers[0]
	if c.Ports[0].HostPort != 8080 || c.Ports[0].Protocol != corev1.ProtocolTCP || c.Ports[1].Protocol != corev1.ProtocolUDP {
		t.Errorf("ports = %+v", c.Ports)
	}
	if c.Resources.Limits.Memory().Value() != 64<<20 || c.Resources.Limits.Cpu().MilliValue() != 1500 {
		t.Errorf("limits = %v", c.Resources.Limits)
	}
	if p.Spec.RestartPolicy != corev1.RestartPolicyOnFailure || len(p.Spec.HostAliases) != 1 {
		t.Errorf("spec = %+v", p.Spec)
	}
	kinds := map[string]bool{}
	for _, v := range p.Spec.Volumes {
		switch {
		case v.PersistentVolumeClaim != nil:
			kinds["pvc"] = true
		case v.HostPath != nil:
			kinds["hostPath "+string(*v.HostPath.Type)] = true
		case v.EmptyDir != nil:
			kinds["emptyDir "+string(v.EmptyDir.Medium)] = v.EmptyDir.SizeLimit.Value() == 1<<20
		}
	}
	for _, k := range []string{"pvc", "hostPath Directory", "hostPath File", "hostPath DirectoryOrCreate", "emptyDir Memory"} {
		if !kinds[k] {
			t.Errorf("no %s volume decoded: %v", k, kinds)
		}
	}
}

func TestDeploymentServiceClaimStrict(t *testing.T) {
	t.Parallel()
	pod := kube.GeneratePod(fixture())
	next := int32(30000)
	svc := kube.GenerateService(pod, func() int32 { next++; return next })
	dep := kube.GenerateDeployment(pod, 1)
	claim := kube.GenerateClaim("webdata", time.Date(2024, 5, 2, 10, 0, 0, 0, time.UTC), map[string]string{"app": "web"},
		"local", map[string]string{"type": "tmpfs", "device": "tmpfs", "o": "size=1m"})
	docs := documents(t, dep, svc, claim)
	var d appsv1.Deployment
	strict(t, docs[0], &d)
	if d.Kind != "Deployment" || d.Spec.Replicas == nil || *d.Spec.Replicas != 1 || len(d.Spec.Template.Spec.Containers) != 2 {
		t.Errorf("decoded deployment = %+v", d)
	}
	if d.Spec.Selector == nil || d.Spec.Selector.MatchLabels["app"] != d.Spec.Template.Labels["app"] {
		t.Errorf("deployment selector %+v does not select its template %v", d.Spec.Selector, d.Spec.Template.Labels)
	}
	var s corev1.Service
	strict(t, docs[1], &s)
	if s.Kind != "Service" || len(s.Spec.Ports) != 2 || s.Spec.Ports[0].NodePort == 0 || s.Spec.Type != corev1.ServiceTypeNodePort {
		t.Errorf("decoded service = %+v", s)
	}
	var c corev1.PersistentVolumeClaim
	strict(t, docs[2], &c)
	if c.Name != "webdata" || c.Spec.Resources.Requests.Storage().IsZero() || len(c.Spec.AccessModes) == 0 {
		t.Errorf("decoded claim = %+v", c)
	}
	if c.Annotations["volume.podman.io/device"] != "tmpfs" || c.Annotations["volume.podman.io/mount-options"] != "size=1m" {
		t.Errorf("claim annotations = %v", c.Annotations)
	}
}
