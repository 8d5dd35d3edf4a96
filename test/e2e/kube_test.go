package e2e

import (
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pm-project/pm/pkg/kube"
)

// kubeEnv is podEnv whose volumes are removed too when the test ends.
func kubeEnv(t *testing.T) *Env {
	t.Helper()
	env := podEnv(t)
	t.Cleanup(func() { _ = env.quietRun("volume", "rm", "-af") })
	return env
}

// writeFile writes a file the test user can read into the environment.
func (e *Env) writeFile(name, text string) string {
	e.t.Helper()
	p := e.Path(name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// parseKube parses generated YAML, failing the test on an error.
func parseKube(t *testing.T, text string) *kube.Documents {
	t.Helper()
	docs, err := kube.Parse([]byte(text))
	if err != nil {
		t.Fatalf("parsing generated YAML: %v\n%s", err, text)
	}
	return docs
}

var hex64 = regexp.MustCompile(`^[0-9a-f]{64}$`)

// playIDs checks kube play's output (Pod:, ID, Container(s):, IDs) and
// returns the pod's ID and its containers'.
func playIDs(t *testing.T, out string) (string, []string) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for len(lines) > 0 && lines[0] != "Pod:" {
		lines = lines[1:] // Volumes: ...
	}
	if len(lines) < 4 || !hex64.MatchString(lines[1]) || (lines[2] != "Container:" && lines[2] != "Containers:") {
		t.Fatalf("kube play output = %q", out)
	}
	ids := lines[3:]
	for _, id := range ids {
		if !hex64.MatchString(id) {
			t.Fatalf("kube play output = %q", out)
		}
	}
	return lines[1], ids
}

func (e *Env) expectNothingLeft(what string) {
	e.t.Helper()
	if ids := e.PMOK("pod", "ps", "-q").Stdout; ids != "" {
		e.t.Errorf("%s: pod ps -q = %q", what, ids)
	}
	if ids := e.PMOK("ps", "-aq").Stdout; ids != "" {
		e.t.Errorf("%s: ps -aq = %q", what, ids)
	}
}

// TestKubeGeneratePlayRoundTrip: a pod of two containers (an httpd with a
// published port, env, a named volume and a bind mount) is generated,
// removed, played back from the file and generated again to the same
// YAML; --down removes it and leaves the volume.
func TestKubeGeneratePlayRoundTrip(t *testing.T) {
	env := kubeEnv(t)
	hp := freeHostPort(t)
	env.Exec("sh", "-c", "mkdir -p site && echo from-bind > site/index.html")
	site := env.Path("site")
	env.PMOK("volume", "create", "webdata")
	env.PMOK("pod", "create", "--name", "web", "-p", fmt.Sprintf("127.0.0.1:%d:8080", hp), "--label", "tier=front", "--add-host", "db.local:10.0.0.9")
	env.PMOK("run", "-d", "--pod", "web", "--name", "srv", "-e", "GREETING=hello", "-v", "webdata:/data", "-v", site+":/site:ro",
		"busybox", "sh", "-c", "echo kept > /data/f; exec httpd -f -p 8080 -h /site")
	env.PMOK("run", "-d", "--pod", "web", "--name", "side", "--cap-add", "NET_ADMIN", "--read-only", "busybox", "sleep", "1000")
	if body, err := httpGet(t, fmt.Sprintf("http://127.0.0.1:%d/", hp)); err != nil || body != "from-bind\n" {
		t.Fatalf("GET the original pod: %q, %v", body, err)
	}

	gen := env.PMOK("kube", "generate", "web").Stdout
	t.Logf("generated:\n%s", gen)
	if !strings.HasPrefix(gen, "# Kubernetes YAML written by pm ") {
		t.Errorf("generated YAML does not open with pm's comment:\n%s", gen)
	}
	if strings.Contains(gen, "infra") || strings.Contains(gen, "PM_TEST") || strings.Contains(gen, "container=") {
		t.Errorf("generated YAML has the infra container or image/default env:\n%s", gen)
	}
	docs := parseKube(t, gen)
	if len(docs.Workloads) != 1 || docs.Workloads[0].Kind != "Pod" || docs.Workloads[0].Name != "web" {
		t.Fatalf("generated objects = %+v", docs)
	}
	spec := docs.Workloads[0].Spec
	meta := docs.Workloads[0].Meta
	if meta.Labels["tier"] != "front" || meta.Labels["app"] != "web" {
		t.Errorf("labels = %v", meta.Labels)
	}
	if spec.RestartPolicy != "Never" || len(spec.HostAliases) != 1 || spec.HostAliases[0].IP != "10.0.0.9" || spec.HostAliases[0].Hostnames[0] != "db.local" {
		t.Errorf("pod spec = %+v", spec)
	}
	if len(spec.Containers) != 2 {
		t.Fatalf("containers = %+v", spec.Containers)
	}
	srv, side := spec.Containers[0], spec.Containers[1]
	if srv.Name != "srv" || !strings.Contains(srv.Image, "busybox") || srv.Args != nil ||
		!reflect.DeepEqual(srv.Command, []string{"sh", "-c", "echo kept > /data/f; exec httpd -f -p 8080 -h /site"}) {
		t.Errorf("srv = %+v", srv)
	}
	if !reflect.DeepEqual(srv.Env, []kube.EnvVar{{Name: "GREETING", Value: "hello"}}) {
		t.Errorf("srv env = %+v", srv.Env)
	}
	if !reflect.DeepEqual(srv.Ports, []kube.ContainerPort{{ContainerPort: 8080, HostPort: int32(hp), HostIP: "127.0.0.1", Protocol: "TCP"}}) {
		t.Errorf("srv ports = %+v", srv.Ports)
	}
	if len(spec.Volumes) != 2 || spec.Volumes[0].Name != "webdata-pvc" || spec.Volumes[0].PersistentVolumeClaim == nil ||
		spec.Volumes[0].PersistentVolumeClaim.ClaimName != "webdata" || !strings.HasSuffix(spec.Volumes[1].Name, "-host") ||
		!reflect.DeepEqual(spec.Volumes[1].HostPath, &kube.HostPathSource{Path: site, Type: "Directory"}) {
		t.Errorf("volumes = %+v", spec.Volumes)
	}
	if len(srv.VolumeMounts) != 2 || srv.VolumeMounts[0].MountPath != "/data" || srv.VolumeMounts[1].MountPath != "/site" || !srv.VolumeMounts[1].ReadOnly {
		t.Errorf("srv volumeMounts = %+v", srv.VolumeMounts)
	}
	if side.Name != "side" || side.SecurityContext == nil || side.SecurityContext.Capabilities == nil ||
		!reflect.DeepEqual(side.SecurityContext.Capabilities.Add, []string{"CAP_NET_ADMIN"}) ||
		side.SecurityContext.ReadOnlyRootFilesystem == nil || !*side.SecurityContext.ReadOnlyRootFilesystem {
		t.Errorf("side = %+v", side)
	}

	// -f writes a file, and refuses to replace one.
	file := env.Path("web.yaml")
	env.PMOK("kube", "generate", "-f", file, "web")
	if b, err := os.ReadFile(file); err != nil || !strings.Contains(string(b), "kind: Pod") {
		t.Fatalf("kube generate -f wrote %q, %v", b, err)
	}
	env.PM("kube", "generate", "-f", file, "web").ExpectError(t, 125, "exists")
	// A pod with nothing but its infra container has nothing to describe.
	env.PMOK("pod", "create", "--name", "bare")
	env.PM("kube", "generate", "bare").ExpectError(t, 125, "pod bare only has an infra container")
	env.PMOK("pod", "rm", "bare")
	// A volume is a PersistentVolumeClaim; a service is NodePort for ports.
	claim := parseKube(t, env.PMOK("kube", "generate", "webdata").Stdout)
	if len(claim.Claims) != 1 || claim.Claims[0].Metadata.Name != "webdata" {
		t.Errorf("kube generate VOLUME = %+v", claim)
	}
	svc := parseKube(t, env.PMOK("kube", "generate", "-s", "web").Stdout)
	if len(svc.Services) != 1 || svc.Services[0].Spec.Type != "NodePort" || len(svc.Services[0].Spec.Ports) != 1 ||
		svc.Services[0].Spec.Ports[0].Port != 8080 || svc.Services[0].Spec.Ports[0].NodePort < 30000 {
		t.Errorf("kube generate -s = %+v", svc.Services)
	}
	env.PM("kube", "generate", "nosuch").ExpectError(t, 125, "nosuch does not name a container, pod or volume")

	// Remove the originals and play the file back.
	env.PMOK("pod", "rm", "-f", "-t", "0", "web")
	env.expectNothingLeft("after pod rm")
	podID, ctrIDs := playIDs(t, env.PMOK("kube", "play", file).Stdout)
	if len(ctrIDs) != 2 {
		t.Errorf("kube play made %d containers", len(ctrIDs))
	}
	if st := env.PMOK("pod", "ps", "-q", "--no-trunc").Stdout; st != podID+"\n" {
		t.Errorf("pod ps -q after play = %q, want %s", st, podID)
	}
	if st := env.PMOK("pod", "ps", "--format", "{{.Name}} {{.Status}}").Stdout; st != "web Running\n" {
		t.Errorf("pod ps after play = %q", st)
	}
	if names := env.ctrField("web-srv", ".Status"); !strings.HasPrefix(names, "Up") {
		t.Errorf("web-srv status = %q", names)
	}
	if body, err := httpGet(t, fmt.Sprintf("http://127.0.0.1:%d/", hp)); err != nil || body != "from-bind\n" {
		t.Errorf("GET the played pod: %q, %v", body, err)
	}
	if got := env.PMOK("exec", "web-srv", "cat", "/data/f").Stdout; got != "kept\n" {
		t.Errorf("volume content after play = %q", got)
	}
	if got := env.PMOK("exec", "web-srv", "sh", "-c", "echo $GREETING").Stdout; got != "hello\n" {
		t.Errorf("env after play = %q", got)
	}
	if got := env.PMOK("exec", "web-srv", "cat", "/etc/hosts").Stdout; !strings.Contains(got, "db.local") {
		t.Errorf("/etc/hosts after play = %q", got)
	}
	// Generated again, the played pod is the same YAML.
	again := parseKube(t, env.PMOK("kube", "generate", "web").Stdout)
	if !reflect.DeepEqual(again.Workloads[0].Spec, spec) || !reflect.DeepEqual(again.Workloads[0].Meta.Labels, meta.Labels) {
		t.Errorf("generate after play differs:\n got %+v\nwant %+v", again.Workloads[0], docs.Workloads[0])
	}

	// --down removes the pod and its containers, not the volume.
	down := env.PMOK("kube", "play", "--down", file).Stdout
	if !strings.HasPrefix(down, "Pods stopped:\n"+podID+"\nPods removed:\n"+podID+"\n") {
		t.Errorf("kube play --down printed %q", down)
	}
	env.expectNothingLeft("after --down")
	env.PMOK("volume", "exists", "webdata")
	res := env.PM("kube", "down", file)
	if res.Code != 125 || !strings.Contains(res.Stderr, "no such pod") {
		t.Errorf("kube down of a pod already gone: %s", res)
	}

	// --publish moves the pod's port; the pod generates as a Deployment,
	// which plays back as pod NAME-pod with one replica.
	hp2 := freeHostPort(t)
	env.PMOK("kube", "play", "--publish", fmt.Sprintf("127.0.0.1:%d:8080", hp2), file)
	if body, err := httpGet(t, fmt.Sprintf("http://127.0.0.1:%d/", hp2)); err != nil || body != "from-bind\n" {
		t.Errorf("GET the port given by --publish: %q, %v", body, err)
	}
	dep := env.PMOK("kube", "generate", "--type", "deployment", "--replicas", "2", "web").Stdout
	ddocs := parseKube(t, dep)
	if len(ddocs.Workloads) != 1 || ddocs.Workloads[0].Kind != "Deployment" || ddocs.Workloads[0].Name != "web-deployment" ||
		ddocs.Workloads[0].Replicas != 2 || !strings.Contains(dep, "apiVersion: apps/v1") {
		t.Errorf("kube generate --type deployment:\n%s", dep)
	}
	env.PM("kube", "generate", "--replicas", "2", "web").ExpectError(t, 125, "--type deployment")
	env.PMOK("kube", "down", file)
	depFile := env.writeFile("dep.yaml", dep)
	res = env.PMOK("kube", "play", depFile)
	if !strings.Contains(res.Stderr, "one replica") {
		t.Errorf("kube play of 2 replicas warned %q", res.Stderr)
	}
	if st := env.PMOK("pod", "ps", "--format", "{{.Name}} {{.Status}}").Stdout; st != "web-deployment-pod Running\n" {
		t.Errorf("pod of the Deployment = %q", st)
	}
	if got := env.PMOK("exec", "web-deployment-pod-srv", "cat", "/data/f").Stdout; got != "kept\n" {
		t.Errorf("volume in the Deployment's pod = %q", got)
	}
	env.PMOK("kube", "down", depFile)
	env.expectNothingLeft("after the Deployment's kube down")
	env.expectNoConmon("after kube down")
}

const deploymentYAML = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  MODE: fast
  COLOR: blue
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  labels:
    app: api
spec:
  replicas: 1
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      restartPolicy: Never
      initContainers:
      - name: prep
        image: busybox
        command: ["sh", "-c", "echo prepared > /work/ready"]
        volumeMounts:
        - name: work
          mountPath: /work
      containers:
      - name: main
        image: busybox
        command: ["sleep"]
        args: ["1000"]
        workingDir: /tmp
        env:
        - name: MODE
          valueFrom:
            configMapKeyRef:
              name: settings
              key: MODE
        - name: EXTRA
          valueFrom:
            configMapKeyRef:
              name: external
              key: EXTRA
        envFrom:
        - configMapRef:
            name: settings
          prefix: CFG_
        volumeMounts:
        - name: work
          mountPath: /work
        - name: conf
          mountPath: /etc/conf
      volumes:
      - name: work
        emptyDir: {}
      - name: conf
        configMap:
          name: settings
`

// TestKubePlayDeployment: a Deployment becomes pod NAME-pod; ConfigMaps
// from the YAML and from --configmap feed env and a volume; an init
// container runs first into a shared emptyDir; kube down (from stdin)
// removes it all.
func TestKubePlayDeployment(t *testing.T) {
	env := kubeEnv(t)
	file := env.writeFile("api.yaml", deploymentYAML)
	// Without the external ConfigMap, nothing is made.
	env.PM("kube", "play", file).ExpectError(t, 125, `configmap "external" not found`)
	env.expectNothingLeft("after a missing configmap")
	cm := env.writeFile("external.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: external\ndata:\n  EXTRA: more\n")
	_, ids := playIDs(t, env.PMOK("kube", "play", "--configmap", cm, file).Stdout)
	if len(ids) != 1 {
		t.Fatalf("containers = %q", ids)
	}
	if st := env.PMOK("pod", "ps", "--format", "{{.Name}} {{.Status}} {{.NumberOfContainers}}").Stdout; st != "api-pod Running 2\n" {
		t.Errorf("pod ps = %q", st)
	}
	if got := env.ctrField("api-pod-main", ".Status"); !strings.HasPrefix(got, "Up") {
		t.Errorf("api-pod-main status = %q", got)
	}
	envOut := env.PMOK("exec", "api-pod-main", "env").Stdout
	for _, kv := range []string{"MODE=fast", "EXTRA=more", "CFG_MODE=fast", "CFG_COLOR=blue"} {
		if !strings.Contains(envOut, kv+"\n") {
			t.Errorf("env of api-pod-main lacks %s:\n%s", kv, envOut)
		}
	}
	if got := env.PMOK("exec", "api-pod-main", "pwd").Stdout; got != "/tmp\n" {
		t.Errorf("workingDir = %q", got)
	}
	if got := env.PMOK("exec", "api-pod-main", "cat", "/work/ready", "/etc/conf/COLOR").Stdout; got != "prepared\nblue" {
		t.Errorf("init container output and configmap volume = %q", got)
	}
	var insp []struct{ Labels map[string]string }
	decodeJSON(t, env.PMOK("pod", "inspect", "api-pod").Stdout, &insp)
	if len(insp) != 1 || insp[0].Labels["app"] != "api" {
		t.Errorf("pod labels = %+v", insp)
	}
	// kube down from stdin; the emptyDir volume goes with the pod.
	down := env.PMStdin(strings.NewReader(deploymentYAML), "kube", "down", "-")
	if down.Code != 0 || !strings.HasPrefix(down.Stdout, "Pods stopped:\n") {
		t.Errorf("kube down - = %s", down)
	}
	env.expectNothingLeft("after kube down")
	if vols := env.PMOK("volume", "ls", "-q").Lines(); len(vols) != 1 || vols[0] != "settings" {
		t.Errorf("volumes after kube down = %q (want only the configmap's)", vols)
	}
}

const replaceYAML = `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: store
spec:
  accessModes: [ReadWriteOnce]
---
apiVersion: v1
kind: Pod
metadata:
  name: rep
spec:
  containers:
  - name: c
    image: busybox
    command: ["sh", "-c", "echo $VERSION >> /store/log; exec sleep 1000"]
    env:
    - name: VERSION
      value: "%s"
    volumeMounts:
    - name: store
      mountPath: /store
  volumes:
  - name: store
    persistentVolumeClaim:
      claimName: store
`

// TestKubePlayReplace: playing over a running play fails (name in use,
// nothing changed); --replace tears it down and plays the new YAML; the
// claim's volume is kept across; --start=false only creates.
func TestKubePlayReplace(t *testing.T) {
	env := kubeEnv(t)
	file := env.writeFile("rep.yaml", fmt.Sprintf(replaceYAML, "one"))
	out := env.PMOK("kube", "play", file).Stdout
	if !strings.HasPrefix(out, "Volumes:\nstore\nPod:\n") {
		t.Errorf("kube play with a claim printed %q", out)
	}
	pod1, ctr1 := playIDs(t, out)
	env.PM("kube", "play", file).ExpectError(t, 125, "rep")
	if ids := env.PMOK("pod", "ps", "-q", "--no-trunc").Stdout; ids != pod1+"\n" {
		t.Errorf("pods after a refused play = %q, want the first pod", ids)
	}
	env.writeFile("rep.yaml", fmt.Sprintf(replaceYAML, "two"))
	pod2, ctr2 := playIDs(t, env.PMOK("kube", "play", "--replace", file).Stdout)
	if pod2 == pod1 || ctr2[0] == ctr1[0] {
		t.Error("--replace kept the old pod or container")
	}
	if got := env.PMOK("exec", "rep-c", "sh", "-c", "echo $VERSION").Stdout; got != "two\n" {
		t.Errorf("env after --replace = %q", got)
	}
	// The new container appends to the log as it starts, after play returns.
	var log string
	env.waitFor(30*time.Second, "the new container to write its line", func() bool {
		log = env.PMOK("exec", "rep-c", "cat", "/store/log").Stdout
		return log != "one\n"
	})
	if log != "one\ntwo\n" {
		t.Errorf("claim volume after --replace = %q", log)
	}
	env.PMOK("kube", "down", "--force", file)
	env.expectNothingLeft("after kube down --force")
	if res := env.PM("volume", "exists", "store"); res.Code != 1 {
		t.Errorf("kube down --force left the claim's volume: %s", res)
	}
	// --start=false creates the pod without starting it.
	env.PMOK("kube", "play", "--start=false", file)
	if st := env.PMOK("pod", "ps", "--format", "{{.Name}} {{.Status}}").Stdout; st != "rep Created\n" {
		t.Errorf("pod after --start=false = %q", st)
	}
	env.PMOK("kube", "play", "--down", file)
	env.expectNothingLeft("after the last --down")
}

// TestKubePlayBadInput: each bad input is one clear error, exit 125, and
// leaves nothing behind, even when an earlier object of the file was made.
func TestKubePlayBadInput(t *testing.T) {
	env := kubeEnv(t)
	pod := func(name, ctr, extra string) string {
		return fmt.Sprintf("apiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\nspec:\n  containers:\n  - name: %s\n    image: busybox\n    command: [sleep, \"1000\"]\n%s", name, ctr, extra)
	}
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"malformed", "apiVersion: v1\nkind: Pod\nmetadata: [oops\n", "malformed YAML"},
		{"unknown kind", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n", `unsupported kind "Secret"`},
		{"fieldRef", pod("f", "c", "    env:\n    - name: NODE\n      valueFrom:\n        fieldRef:\n          fieldPath: spec.nodeName\n"), "valueFrom.fieldRef is not supported"},
		{"missing image", pod("m", "c", "") + "  - name: d\n    image: nosuchimage-pm-test\n", "nosuchimage-pm-test"},
		{"bad hostPath", pod("h", "c", "    volumeMounts:\n    - name: v\n      mountPath: /v\n  volumes:\n  - name: v\n    hostPath:\n      path: /nonexistent/pm-kube\n      type: Directory\n"), "does not exist"},
		{"no containers", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: e\nspec:\n  containers: []\n", "has no containers"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := env.writeFile("bad.yaml", tc.yaml)
			// -q: pull progress stays off stderr.
			env.PM("kube", "play", "-q", file).ExpectError(t, 125, tc.want)
			env.expectNothingLeft(tc.name)
		})
	}
	env.PM("kube", "play", env.Path("nosuch.yaml")).ExpectError(t, 125, "no such file")
	env.PMStdin(strings.NewReader("kind: Pod\n\tbad: [\n"), "kube", "play", "-").ExpectError(t, 125, "malformed YAML")
	env.expectNothingLeft("after bad files")

	// A name in use: the first pod of the file and the claim's volume,
	// made before the clash, are removed again; the existing pod stays.
	env.PMOK("pod", "create", "--name", "taken")
	taken := strings.TrimSpace(env.PMOK("pod", "ps", "-q", "--no-trunc").Stdout)
	clash := "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: clashvol\n---\n" +
		pod("fresh", "c", "") + "---\n" + pod("taken", "c", "")
	env.PM("kube", "play", env.writeFile("clash.yaml", clash)).ExpectError(t, 125, "taken")
	if ids := env.PMOK("pod", "ps", "-q", "--no-trunc").Stdout; ids != taken+"\n" {
		t.Errorf("pods after a name clash = %q, want only the existing one", ids)
	}
	if res := env.PM("volume", "exists", "clashvol"); res.Code != 1 {
		t.Errorf("the claim's volume outlived the failed play: %s", res)
	}
	// A container name in use (POD-CONTAINER) fails the same way.
	env.PMOK("create", "--name", "solo-c", "busybox", "true")
	env.PM("kube", "play", env.writeFile("solo.yaml", pod("solo", "c", ""))).ExpectError(t, 125, "solo-c")
	if res := env.PM("pod", "exists", "solo"); res.Code != 1 {
		t.Errorf("pod solo outlived the failed play: %s", res)
	}
	env.PMOK("rm", "solo-c")
	env.PMOK("pod", "rm", "taken")
	env.expectNothingLeft("at the end")
}

// TestKubeOlderSpellings: Podman's pm generate kube and pm play kube are
// kube generate and kube play under their older names.
func TestKubeOlderSpellings(t *testing.T) {
	env := kubeEnv(t)
	file := env.writeFile("old.yaml", fmt.Sprintf(replaceYAML, "one"))
	env.PMOK("play", "kube", "--start=false", file)
	gen := env.PMOK("generate", "kube", "rep").Stdout
	if !strings.Contains(gen, "kind: Pod") || !strings.Contains(gen, "name: rep") {
		t.Errorf("generate kube of the played pod:\n%s", gen)
	}
	env.PMOK("play", "kube", "--down", "--force", file)
	env.expectNothingLeft("after play kube --down")
	env.PM("play", "kube", env.Path("nosuch.yaml")).ExpectError(t, 125, "no such file")
}

// TestKubeGenerateDescribesContainers: kube generate writes, as Podman
// does, each container's annotations (TTY, autoremove, init, privileged,
// publish-all; in a pod also its type and sandbox) keyed by its name, which
// keeps its capitals; a command without entrypoint as command; the
// capabilities against a Kubernetes runtime's defaults; a pod's hostname
// and empty status. Played back, the containers do not carry them.
func TestKubeGenerateDescribesContainers(t *testing.T) {
	env := kubeEnv(t)
	env.PMOK("create", "--name", "Solo", "--init", "busybox", "top")
	gen := env.PMOK("kube", "generate", "Solo").Stdout
	w := parseKube(t, gen).Workloads[0]
	c := w.Spec.Containers[0]
	want := map[string]string{
		"io.kubernetes.cri-o.TTY/Solo": "false", "io.podman.annotations.autoremove/Solo": "FALSE", "io.podman.annotations.init/Solo": "TRUE",
		"io.podman.annotations.privileged/Solo": "FALSE", "io.podman.annotations.publish-all/Solo": "FALSE",
	}
	if !reflect.DeepEqual(w.Meta.Annotations, want) || w.Name != "Solo-pod" || c.Name != "Solo" ||
		!reflect.DeepEqual(c.Command, []string{"top"}) || c.Args != nil || strings.Contains(gen, "status:") {
		t.Errorf("kube generate of a container:\n%s", gen)
	}
	caps := &kube.Capabilities{Drop: []string{"CAP_MKNOD", "CAP_NET_RAW", "CAP_AUDIT_WRITE"}}
	if c.SecurityContext == nil || !reflect.DeepEqual(c.SecurityContext.Capabilities, caps) {
		t.Errorf("capabilities: %+v", c.SecurityContext)
	}
	env.PMOK("rm", "Solo")

	env.PMOK("pod", "create", "--name", "Pd")
	podID := strings.TrimSpace(env.PMOK("pod", "inspect", "--format", "{{.ID}}", "Pd").Stdout)
	env.PMOK("create", "--pod", "Pd", "--name", "C1", "-t", "--cap-add", "NET_ADMIN", "--cap-drop", "CHOWN", "busybox", "top")
	gen = env.PMOK("kube", "generate", "Pd").Stdout
	w = parseKube(t, gen).Workloads[0]
	c = w.Spec.Containers[0]
	a := w.Meta.Annotations
	if a["io.kubernetes.cri-o.ContainerType/C1"] != "container" || a["io.kubernetes.cri-o.SandboxID/C1"] != podID ||
		a["io.kubernetes.cri-o.TTY/C1"] != "true" || w.Spec.Hostname != "Pd" || !strings.Contains(gen, "\nstatus: {}\n") {
		t.Errorf("kube generate of a pod:\n%s", gen)
	}
	caps = &kube.Capabilities{Add: []string{"CAP_NET_ADMIN"}, Drop: []string{"CAP_CHOWN", "CAP_MKNOD", "CAP_NET_RAW", "CAP_AUDIT_WRITE"}}
	if c.SecurityContext == nil || !reflect.DeepEqual(c.SecurityContext.Capabilities, caps) {
		t.Errorf("capabilities: %+v", c.SecurityContext)
	}
	file := env.writeFile("pd.yaml", gen)
	env.PMOK("pod", "rm", "-f", "-t", "0", "Pd")
	env.PMOK("kube", "play", "--start=false", file)
	if got := env.PMOK("inspect", "--format", "{{.Config.Annotations}}", "Pd-C1").Stdout; strings.Contains(got, "cri-o") || strings.Contains(got, "io.podman") {
		t.Errorf("played container's annotations: %s", got)
	}
	if got := env.PMOK("inspect", "--format", "{{.EffectiveCaps}}", "Pd-C1").Stdout; !strings.Contains(got, "CAP_NET_ADMIN") || strings.Contains(got, "CAP_CHOWN") {
		t.Errorf("played container's capabilities: %s", got)
	}
	env.PMOK("pod", "rm", "-f", "-t", "0", "Pd")
	env.expectNothingLeft("after pod rm")
}
