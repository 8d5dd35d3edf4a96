package kube

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/specgen"
)

const stream = `# a comment before the first document
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  MODE: fast
  LEVEL: "3"
---
---   # an empty document
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
  annotations:
    volume.podman.io/type: tmpfs
spec:
  accessModes: [ReadWriteOnce]
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  restartPolicy: Never
  hostAliases:
  - ip: 10.0.0.1
    hostnames: [db, cache]
  containers:
  - name: srv
    image: busybox
    command: [httpd]
    args: ["-f", "-p", "80"]
    workingDir: /srv
    env:
    - name: A
      value: "1"
    - name: B
      valueFrom:
        configMapKeyRef: {name: settings, key: MODE}
    envFrom:
    - configMapRef: {name: settings}
      prefix: S_
    ports:
    - containerPort: 80
      hostPort: 8080
      hostIP: 127.0.0.1
    - containerPort: 53
      protocol: UDP
    securityContext:
      privileged: true
      readOnlyRootFilesystem: true
      runAsUser: 1000
      runAsGroup: 100
      capabilities: {add: [NET_ADMIN], drop: [KILL]}
    resources:
      limits: {memory: 64Mi, cpu: 500m}
    volumeMounts:
    - name: data
      mountPath: /data
    - name: scratch
      mountPath: /scratch
  volumes:
  - name: data
    persistentVolumeClaim: {claimName: data}
  - name: scratch
    emptyDir: {medium: Memory}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  labels: {tier: back}
spec:
  replicas: 3
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: main
        image: busybox
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports: [{port: 80}]
`

func TestParse(t *testing.T) {
	t.Parallel()
	docs, err := Parse([]byte(stream))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs.ConfigMaps) != 1 || docs.ConfigMaps[0].Data["LEVEL"] != "3" {
		t.Errorf("configmaps = %+v", docs.ConfigMaps)
	}
	if len(docs.Claims) != 1 || docs.Claims[0].Metadata.Name != "data" {
		t.Errorf("claims = %+v", docs.Claims)
	}
	if driver, opts := ClaimVolume(&docs.Claims[0]); driver != "" || opts["type"] != "tmpfs" {
		t.Errorf("ClaimVolume = %q %v", driver, opts)
	}
	if len(docs.Services) != 1 {
		t.Errorf("services = %+v", docs.Services)
	}
	if len(docs.Workloads) != 2 {
		t.Fatalf("workloads = %+v", docs.Workloads)
	}
	w := docs.Workloads[0]
	if w.Kind != KindPod || w.PodName != "web" || len(w.Spec.Containers) != 1 || w.Spec.Containers[0].Ports[1].Protocol != "UDP" {
		t.Errorf("pod = %+v", w)
	}
	d := docs.Workloads[1]
	if d.Kind != KindDeployment || d.PodName != "api-pod" || d.Replicas != 3 ||
		!reflect.DeepEqual(d.Meta.Labels, map[string]string{"app": "api", "tier": "back"}) {
		t.Errorf("deployment = %+v", d)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in, want string
		class          error
	}{
		{"malformed", "kind: Pod\nmetadata: [unclosed\n", "malformed YAML in document 1", define.ErrInvalidArg},
		{"unknown kind", "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n", `unsupported kind "Secret" in document 1`, define.ErrUnsupported},
		{"no kind", "apiVersion: v1\nmetadata: {name: s}\n", "document 1 has no kind", define.ErrInvalidArg},
		{"not an object", "just a string\n", "not a Kubernetes object", define.ErrInvalidArg},
		{"wrong type", "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    ports:\n    - containerPort: eighty\n", "malformed Pod in document 1: field spec.containers.ports.containerPort", define.ErrInvalidArg},
		{"no name", "kind: Pod\nspec: {containers: []}\n", "has no metadata.name", define.ErrInvalidArg},
		{"second document", "kind: ConfigMap\nmetadata: {name: a}\n---\nkind: Nope\n", "document 2", define.ErrUnsupported},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, tc.class) {
				t.Errorf("Parse = %v, want %q (%v)", err, tc.want, tc.class)
			}
			if err != nil && strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
	if _, err := ParseConfigMaps([]byte(stream)); err == nil {
		t.Error("ParseConfigMaps accepted a Pod")
	}
}

func TestContainerRequest(t *testing.T) {
	t.Parallel()
	docs, err := Parse([]byte(stream))
	if err != nil {
		t.Fatal(err)
	}
	w := &docs.Workloads[0]
	pod, err := w.PodRequest(false)
	if err != nil {
		t.Fatal(err)
	}
	wantPorts := []define.PortMapping{{HostIP: "127.0.0.1", HostPort: 8080, ContainerPort: 80, Range: 1, Protocol: "tcp"}}
	if pod.Name != "web" || pod.ExitPolicy != "stop" || !reflect.DeepEqual(pod.Net.Ports, wantPorts) || !reflect.DeepEqual(pod.Net.AddHosts, []string{"db:10.0.0.1", "cache:10.0.0.1"}) {
		t.Errorf("pod request = %+v", pod)
	}
	cms := NewConfigMaps(docs.ConfigMaps)
	mounts := map[string]specgen.Mount{"data": {Type: "volume", Source: "data"}, "scratch": {Type: "tmpfs"}}
	s, err := w.ContainerRequest(&w.Spec.Containers[0], "podid", cms, mounts, false)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "web-srv" || s.Pod != "podid" || !reflect.DeepEqual(s.Entrypoint, []string{"httpd"}) || !reflect.DeepEqual(s.Command, []string{"-f", "-p", "80"}) {
		t.Errorf("name/command = %q %q %q %q", s.Name, s.Pod, s.Entrypoint, s.Command)
	}
	wantEnv := map[string]string{"A": "1", "B": "fast", "S_MODE": "fast", "S_LEVEL": "3"}
	if !reflect.DeepEqual(s.Env, wantEnv) {
		t.Errorf("env = %v, want %v", s.Env, wantEnv)
	}
	if s.Restart.Name != "no" || s.WorkDir != "/srv" || s.User != "1000:100" || !s.ReadOnly || !s.Security.Privileged ||
		s.Security.CapAdd[0] != "NET_ADMIN" || s.Security.CapDrop[0] != "KILL" || s.Labels["app"] != "web" {
		t.Errorf("spec = %+v", s)
	}
	if s.Resources.MemoryBytes != 64<<20 || s.Resources.CPUs != 0.5 {
		t.Errorf("resources = %+v", s.Resources)
	}
	if len(s.Mounts) != 1 || s.Mounts[0].Destination != "/data" || s.Mounts[0].Source != "data" {
		t.Errorf("mounts = %+v", s.Mounts)
	}
	if _, ok := s.Tmpfs["/scratch"]; !ok {
		t.Errorf("tmpfs = %v", s.Tmpfs)
	}
	init, err := w.ContainerRequest(&w.Spec.Containers[0], "podid", cms, mounts, true)
	if err != nil || init.Restart.Name != "no" {
		t.Errorf("init container restart = %+v, %v", init, err)
	}
}

func TestContainerRequestErrors(t *testing.T) {
	t.Parallel()
	yes := true
	for _, tc := range []struct {
		name string
		c    Container
		want string
	}{
		{"fieldRef", Container{Name: "c", Image: "i", Env: []EnvVar{{Name: "N", ValueFrom: &EnvVarSource{FieldRef: map[string]any{"fieldPath": "metadata.name"}}}}}, "valueFrom.fieldRef is not supported"},
		{"secret", Container{Name: "c", Image: "i", Env: []EnvVar{{Name: "N", ValueFrom: &EnvVarSource{SecretKeyRef: &KeyRef{Name: "s", Key: "k"}}}}}, "secretKeyRef is not supported"},
		{"missing configmap", Container{Name: "c", Image: "i", Env: []EnvVar{{Name: "N", ValueFrom: &EnvVarSource{ConfigMapKeyRef: &KeyRef{Name: "nope", Key: "k"}}}}}, `configmap "nope" not found`},
		{"missing key", Container{Name: "c", Image: "i", Env: []EnvVar{{Name: "N", ValueFrom: &EnvVarSource{ConfigMapKeyRef: &KeyRef{Name: "cm", Key: "nokey"}}}}}, `has no key "nokey"`},
		{"missing envFrom", Container{Name: "c", Image: "i", EnvFrom: []EnvFromSource{{ConfigMapRef: &MapRef{Name: "nope"}}}}, `configmap "nope" not found`},
		{"no image", Container{Name: "c"}, "has no image"},
		{"no name", Container{Image: "i"}, "has no name"},
		{"bad mount", Container{Name: "c", Image: "i", VolumeMounts: []VolumeMount{{Name: "v", MountPath: "/x"}}}, `volume "v", which the pod does not define`},
		{"bad limit", Container{Name: "c", Image: "i", Resources: &Resources{Limits: map[string]string{"memory": "lots"}}}, `invalid quantity "lots"`},
		{"bad pull", Container{Name: "c", Image: "i", ImagePullPolicy: "Sometimes"}, "invalid imagePullPolicy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := &Workload{Kind: KindPod, Name: "p", PodName: "p"}
			cms := NewConfigMaps([]ConfigMap{{Metadata: ObjectMeta{Name: "cm"}, Data: map[string]string{"k": "v"}}})
			_, err := w.ContainerRequest(&tc.c, "", cms, nil, false)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ContainerRequest = %v, want %q", err, tc.want)
			}
		})
	}
	// Optional references that are missing are skipped.
	w := &Workload{Kind: KindPod, Name: "p", PodName: "p"}
	c := Container{Name: "c", Image: "i", Env: []EnvVar{{Name: "N", ValueFrom: &EnvVarSource{ConfigMapKeyRef: &KeyRef{Name: "nope", Key: "k", Optional: &yes}}}}}
	if s, err := w.ContainerRequest(&c, "", ConfigMaps{}, nil, false); err != nil || len(s.Env) != 0 {
		t.Errorf("optional configmap: %v, %v", s, err)
	}
	w.Spec.RestartPolicy = "Sometimes"
	if _, err := w.ContainerRequest(&Container{Name: "c", Image: "i"}, "", nil, nil, false); err == nil || !strings.Contains(err.Error(), "invalid restartPolicy") {
		t.Errorf("bad restartPolicy: %v", err)
	}
}

func genFixture() *GenPod {
	return &GenPod{
		Name: "web", Labels: map[string]string{"tier": "front"}, AddHosts: []string{"db:10.0.0.1", "cache:10.0.0.1", "log:10.0.0.2"},
		Created: time.Date(2024, 5, 2, 10, 0, 0, 0, time.UTC), StripPrefix: "web-",
		DefaultCaps: []string{"CAP_CHOWN", "CAP_KILL"},
		Containers: []GenContainer{{
			Name: "web-srv", Image: "localhost/busybox:latest",
			Cmd: []string{"httpd", "-f"}, Env: []string{"A=1", "HOSTNAME=x", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "PM_TEST=1", "TERM=xterm", "container=pm"},
			WorkDir: "/", User: "1000:100", Restart: "always",
			Ports:      []define.PortMapping{{HostIP: "0.0.0.0", HostPort: 8080, ContainerPort: 80, Range: 2, Protocol: "tcp"}},
			Privileged: true, CapAdd: []string{"CAP_NET_ADMIN", "CAP_CHOWN"}, CapDrop: []string{"KILL", "CAP_SYS_ADMIN"},
			MemoryBytes: 64 << 20, CPUs: 1.5,
			Annotations: map[string]string{"note": "x"},
			Mounts: []GenMount{
				{Type: "volume", Source: "webdata", Destination: "/data"},
				{Type: "bind", Source: "/srv/www", Destination: "/www", ReadOnly: true, HostPathType: HostPathDirectory},
				{Type: "tmpfs", Destination: "/cache", Options: []string{"size=1m"}},
			},
			Image0: ImageDefaults{Cmd: []string{"sh"}, Env: []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "PM_TEST=1"}, WorkDir: "/"},
		}, {
			Name: "web-side", Image: "entry", Entrypoint: []string{"/bin/echo"}, Cmd: []string{"default"},
			Mounts: []GenMount{{Type: "volume", Source: "webdata", Destination: "/data"}},
			Image0: ImageDefaults{Entrypoint: []string{"/bin/echo", "entry"}, Cmd: []string{"default"}},
		}},
	}
}

func TestGeneratePod(t *testing.T) {
	t.Parallel()
	pod := GeneratePod(genFixture())
	if pod.APIVersion != "v1" || pod.Kind != "Pod" || pod.Metadata.Name != "web" || pod.Metadata.CreationTimestamp != "2024-05-02T10:00:00Z" {
		t.Errorf("meta = %+v %+v", pod.TypeMeta, pod.Metadata)
	}
	if !reflect.DeepEqual(pod.Metadata.Labels, map[string]string{"tier": "front", "app": "web"}) || pod.Metadata.Annotations["note"] != "x" {
		t.Errorf("labels = %v, annotations = %v", pod.Metadata.Labels, pod.Metadata.Annotations)
	}
	if pod.Spec.RestartPolicy != "Always" || len(pod.Spec.HostAliases) != 2 || len(pod.Spec.HostAliases[0].Hostnames) != 2 {
		t.Errorf("spec = %+v", pod.Spec)
	}
	c := pod.Spec.Containers[0]
	// Without an entrypoint, the command is command.
	if c.Name != "srv" || !reflect.DeepEqual(c.Command, []string{"httpd", "-f"}) || c.Args != nil || c.WorkingDir != "" {
		t.Errorf("container = %+v", c)
	}
	if !reflect.DeepEqual(c.Env, []EnvVar{{Name: "A", Value: "1"}}) {
		t.Errorf("env = %+v", c.Env)
	}
	wantPorts := []ContainerPort{{ContainerPort: 80, HostPort: 8080, Protocol: "TCP"}, {ContainerPort: 81, HostPort: 8081, Protocol: "TCP"}}
	if !reflect.DeepEqual(c.Ports, wantPorts) {
		t.Errorf("ports = %+v", c.Ports)
	}
	sc := c.SecurityContext
	// A privileged container has every capability: none are written.
	if sc == nil || !*sc.Privileged || *sc.RunAsUser != 1000 || *sc.RunAsGroup != 100 || sc.Capabilities != nil {
		t.Errorf("securityContext = %+v", sc)
	}
	if c.Resources.Limits["memory"] != "64Mi" || c.Resources.Limits["cpu"] != "1500m" {
		t.Errorf("limits = %v", c.Resources.Limits)
	}
	wantVols := []Volume{
		{Name: "webdata-pvc", PersistentVolumeClaim: &ClaimSource{ClaimName: "webdata"}},
		{Name: "srv-www-host", HostPath: &HostPathSource{Path: "/srv/www", Type: "Directory"}},
		{Name: "cache-tmpfs", EmptyDir: &EmptyDirSource{Medium: "Memory", SizeLimit: "1Mi"}},
	}
	if !reflect.DeepEqual(pod.Spec.Volumes, wantVols) {
		t.Errorf("volumes = %+v", pod.Spec.Volumes)
	}
	if c.VolumeMounts[1] != (VolumeMount{Name: "srv-www-host", MountPath: "/www", ReadOnly: true}) {
		t.Errorf("mounts = %+v", c.VolumeMounts)
	}
	side := pod.Spec.Containers[1]
	// A new entrypoint is written with the command, even the image's.
	if side.Name != "side" || !reflect.DeepEqual(side.Command, []string{"/bin/echo"}) || !reflect.DeepEqual(side.Args, []string{"default"}) ||
		side.SecurityContext != nil || side.VolumeMounts[0].Name != "webdata-pvc" {
		t.Errorf("side = %+v", side)
	}
}

// TestRoundTrip: a generated Pod, written and read back, plays as the pod
// it describes.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	pod := GeneratePod(genFixture())
	svc := GenerateService(pod, func() int32 { return 30080 })
	claim := GenerateClaim("webdata", time.Time{}, map[string]string{"k": "v"}, "local", map[string]string{"type": "tmpfs", "o": "size=1m"})
	out, err := Marshal(pod, svc, claim)
	if err != nil {
		t.Fatal(err)
	}
	text := Header("1.2.3", time.Date(2024, 5, 2, 10, 0, 0, 0, time.UTC)) + string(out)
	if !strings.HasPrefix(text, "# Kubernetes YAML written by pm 1.2.3 on 2024-05-02T10:00:00Z.\n") || strings.Count(text, "\n---\n") != 2 {
		t.Errorf("text:\n%s", text)
	}
	docs, err := Parse([]byte(text))
	if err != nil {
		t.Fatalf("parsing generated YAML: %v\n%s", err, text)
	}
	if len(docs.Workloads) != 1 || len(docs.Services) != 1 || len(docs.Claims) != 1 {
		t.Fatalf("docs = %+v", docs)
	}
	if got := docs.Services[0].Spec; got.Type != "NodePort" || len(got.Ports) != 2 || got.Ports[0].NodePort != 30080 || got.Ports[0].Name != "80-tcp" {
		t.Errorf("service = %+v", got)
	}
	if _, opts := ClaimVolume(&docs.Claims[0]); opts["type"] != "tmpfs" || opts["o"] != "size=1m" {
		t.Errorf("claim options = %v", opts)
	}
	w := &docs.Workloads[0]
	if !reflect.DeepEqual(w.Spec, pod.Spec) {
		t.Errorf("spec changed on the way:\n got %+v\nwant %+v", w.Spec, pod.Spec)
	}
	s, err := w.ContainerRequest(&w.Spec.Containers[0], "", nil, map[string]specgen.Mount{
		"webdata-pvc": {Type: "volume", Source: "webdata"}, "srv-www-host": {Type: "bind", Source: "/srv/www"}, "cache-tmpfs": {Type: "tmpfs", Options: []string{"size=1m"}},
	}, false)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "web-srv" || s.Env["A"] != "1" || s.Restart.Name != "always" || s.Tmpfs["/cache"] != "size=1m" || len(s.Mounts) != 2 || !s.Mounts[1].ReadOnly {
		t.Errorf("played spec = %+v", s)
	}
	// The played container generates back to the same container.
	dep := GenerateDeployment(pod, 2)
	if dep.Metadata.Name != "web-deployment" || *dep.Spec.Replicas != 2 || dep.Spec.Selector.MatchLabels["app"] != "web" || dep.APIVersion != "apps/v1" {
		t.Errorf("deployment = %+v", dep)
	}
}

func TestVolumeNames(t *testing.T) {
	t.Parallel()
	long := "/" + strings.Repeat("very-long-directory/", 6) + "site"
	vn := &volumeNames{byKey: map[string]string{}, used: map[string]bool{}}
	a, va := vn.volume(GenMount{Type: "bind", Source: long})
	b, vb := vn.volume(GenMount{Type: "bind", Source: long + "/"})
	again, vagain := vn.volume(GenMount{Type: "bind", Source: long})
	root, _ := vn.volume(GenMount{Type: "bind", Source: "/"})
	if len(a) > 63 || !strings.HasSuffix(a, "-directory-site-host") || va == nil {
		t.Errorf("long path name = %q", a)
	}
	if b == a || len(b) > 63 || vb == nil {
		t.Errorf("a second source with the same name = %q", b)
	}
	if again != a || vagain != nil {
		t.Errorf("the same source again = %q, %v", again, vagain)
	}
	if root != "root-host" {
		t.Errorf("/ = %q", root)
	}
}

func TestQuantity(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]float64{"128Mi": 128 << 20, "1G": 1e9, "500m": 0.5, "2": 2, "1.5Gi": 1.5 * (1 << 30), "100k": 1e5} {
		if got, err := ParseQuantity(in); err != nil || got != want {
			t.Errorf("ParseQuantity(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "x", "-1", "1Zi", "nan", "inf", "9Ei", "1e30"} {
		if _, err := ParseQuantity(bad); err == nil {
			t.Errorf("ParseQuantity(%q) accepted", bad)
		}
	}
	if FormatBytes(3<<30) != "3Gi" || FormatBytes(1000) != "1000" || FormatCPUs(2) != "2" || FormatCPUs(0.25) != "250m" {
		t.Error("formatting quantities")
	}
}

// TestPodRequestPorts: a hostPort alone is published on the same port; a
// containerPort alone only with publishAll.
func TestPodRequestPorts(t *testing.T) {
	t.Parallel()
	w := &Workload{Kind: "Pod", Name: "p", PodName: "p", Spec: PodSpec{Containers: []Container{{Name: "c", Image: "i",
		Ports: []ContainerPort{{HostPort: 8080}, {ContainerPort: 9090}, {ContainerPort: 80, HostPort: 8000, Protocol: "UDP"}}}}}}
	for _, tc := range []struct {
		all  bool
		want []define.PortMapping
	}{
		{false, []define.PortMapping{
			{HostPort: 8080, ContainerPort: 8080, Range: 1, Protocol: "tcp"},
			{HostPort: 8000, ContainerPort: 80, Range: 1, Protocol: "udp"}}},
		{true, []define.PortMapping{
			{HostPort: 8080, ContainerPort: 8080, Range: 1, Protocol: "tcp"},
			{HostPort: 9090, ContainerPort: 9090, Range: 1, Protocol: "tcp"},
			{HostPort: 8000, ContainerPort: 80, Range: 1, Protocol: "udp"}}},
	} {
		p, err := w.PodRequest(tc.all)
		if err != nil || !reflect.DeepEqual(p.Net.Ports, tc.want) {
			t.Errorf("publishAll=%v: ports %+v, %v; want %+v", tc.all, p.Net.Ports, err, tc.want)
		}
	}
}

// TestGenerateCapabilities: a container's capability set is written as
// Podman does, against a Kubernetes runtime's defaults; without it,
// --cap-add and --cap-drop against pm's defaults stand for it.
func TestGenerateCapabilities(t *testing.T) {
	t.Parallel()
	g := genFixture()
	g.Containers[0].Privileged = false
	if got := GeneratePod(g).Spec.Containers[0].SecurityContext.Capabilities; !reflect.DeepEqual(got, &Capabilities{Add: []string{"NET_ADMIN"}, Drop: []string{"KILL"}}) {
		t.Errorf("from --cap-add/--cap-drop: %+v", got)
	}
	g.Containers[0].Caps = []string{"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_NET_BIND_SERVICE",
		"CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_CHROOT", "CAP_NET_ADMIN"}
	want := &Capabilities{Add: []string{"CAP_NET_ADMIN"}, Drop: []string{"CAP_MKNOD", "CAP_NET_RAW", "CAP_AUDIT_WRITE"}}
	if got := GeneratePod(g).Spec.Containers[0].SecurityContext.Capabilities; !reflect.DeepEqual(got, want) {
		t.Errorf("from the set: %+v, want %+v", got, want)
	}
}

// TestGenerateContainerAnnotations: each container is described by
// Podman's annotations, keyed by its name; in a pod also its type and
// sandbox; a play does not hand them to the containers.
func TestGenerateContainerAnnotations(t *testing.T) {
	t.Parallel()
	g := genFixture()
	g.Containers[1].Terminal, g.Containers[1].AutoRemove, g.Containers[1].Init = true, true, true
	a := GeneratePod(g).Metadata.Annotations
	want := map[string]string{
		"io.kubernetes.cri-o.TTY/srv": "false", "io.podman.annotations.privileged/srv": "TRUE",
		"io.kubernetes.cri-o.TTY/side": "true", "io.podman.annotations.autoremove/side": "TRUE", "io.podman.annotations.init/side": "TRUE",
		"io.podman.annotations.privileged/side": "FALSE", "io.podman.annotations.publish-all/side": "FALSE",
	}
	for k, v := range want {
		if a[k] != v {
			t.Errorf("annotation %s = %q, want %q", k, a[k], v)
		}
	}
	if _, ok := a["io.kubernetes.cri-o.SandboxID/srv"]; ok {
		t.Errorf("containers outside a pod have a sandbox: %v", a)
	}
	g.ID = "0123abcd"
	pod := GeneratePod(g)
	if pod.Metadata.Annotations["io.kubernetes.cri-o.SandboxID/side"] != "0123abcd" || pod.Metadata.Annotations["io.kubernetes.cri-o.ContainerType/side"] != "container" || pod.Status == nil {
		t.Errorf("pod annotations = %v, status %v", pod.Metadata.Annotations, pod.Status)
	}
	w := Workload{Kind: KindPod, Name: "web", PodName: "web", Meta: pod.Metadata, Spec: pod.Spec}
	side := pod.Spec.Containers[1]
	side.VolumeMounts = nil
	s, err := w.ContainerRequest(&side, "", nil, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s.Annotations, map[string]string{"note": "x"}) {
		t.Errorf("played container's annotations = %v", s.Annotations)
	}
}
