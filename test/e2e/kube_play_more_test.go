package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sleepPodYAML is a pod of one container that sleeps.
func sleepPodYAML(pod, image string, extraSpec string) string {
	return fmt.Sprintf("apiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\nspec:\n%s  containers:\n  - name: c\n    image: %s\n    command: [sleep, \"1000\"]\n", pod, extraSpec, image)
}

// yamlServer serves files (path to text) on 127.0.0.1 and returns its
// base URL.
func yamlServer(t *testing.T, files map[string]string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		text, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, text)
	})}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return "http://" + l.Addr().String()
}

// TestKubePlayURL: kube play and kube down of YAML served over http; a
// URL that answers 404 is an error that makes nothing.
func TestKubePlayURL(t *testing.T) {
	env := kubeEnv(t)
	base := yamlServer(t, map[string]string{"/pod.yaml": sleepPodYAML("webpod", "busybox", "")})
	podID, _ := playIDs(t, env.PMOK("kube", "play", base+"/pod.yaml").Stdout)
	if st := env.ctrField("webpod-c", ".State"); st != "running" {
		t.Errorf("webpod-c is %q", st)
	}
	if out := env.PMOK("kube", "down", base+"/pod.yaml").Stdout; !strings.Contains(out, podID) {
		t.Errorf("kube down of the URL printed %q", out)
	}
	env.expectNothingLeft("after kube down of the URL")
	env.PM("kube", "play", base+"/missing.yaml").ExpectError(t, 125, "404 Not Found")
	env.expectNothingLeft("after a 404")
}

// TestKubePlayAnnotation: --annotation goes to every container; a value
// without = is refused.
func TestKubePlayAnnotation(t *testing.T) {
	env := kubeEnv(t)
	file := env.writeFile("a.yaml", sleepPodYAML("apod", "busybox", ""))
	env.PMOK("kube", "play", "--annotation", "team=blue", "--annotation", "note=a=b", file)
	if got := env.PMOK("inspect", "--format", `{{index .Config.Annotations "team"}} {{index .Config.Annotations "note"}}`, "apod-c").Stdout; got != "blue a=b\n" {
		t.Errorf("annotations = %q", got)
	}
	env.PMOK("kube", "down", file)
	env.PM("kube", "play", "--annotation", "novalue", file).ExpectError(t, 125, "--annotation")
	env.expectNothingLeft("after a bad --annotation")
}

// TestKubePlayBuild: an image named as a directory holding a
// Containerfile is built from it (under --context-dir, or the current
// directory) when it is missing, rebuilt with --build, never with
// --build=false; --context-dir needs --build.
func TestKubePlayBuild(t *testing.T) {
	env := kubeEnv(t)
	t.Cleanup(func() { _ = env.quietRun("rmi", "-f", "localhost/kbuilt") })
	ctxDir := env.Path("ctx")
	for _, d := range []string{ctxDir, filepath.Join(ctxDir, "kbuilt")} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	containerfile := filepath.Join(ctxDir, "kbuilt", "Containerfile")
	writeFile(t, containerfile, "FROM busybox\nRUN echo one > /built\n")
	file := env.writeFile("b.yaml", sleepPodYAML("bpod", "kbuilt", ""))
	env.PM("kube", "play", "--context-dir", ctxDir, file).ExpectError(t, 125, "--build must be specified when using --context-dir option")
	env.expectNothingLeft("after --context-dir without --build")
	env.PMOK("kube", "play", "--build", "--context-dir", ctxDir, file)
	if got := env.PMOK("exec", "bpod-c", "cat", "/built").Stdout; got != "one\n" {
		t.Errorf("/built = %q", got)
	}
	env.PMOK("kube", "down", file)
	// Present: not built again unless --build says so.
	writeFile(t, containerfile, "FROM busybox\nRUN echo two > /built\n")
	env.PMOK("kube", "play", "--build=false", file)
	if got := env.PMOK("exec", "bpod-c", "cat", "/built").Stdout; got != "one\n" {
		t.Errorf("--build=false: /built = %q", got)
	}
	env.PMOK("kube", "down", file)
	env.PMOK("kube", "play", "--build", "--context-dir", ctxDir, file)
	if got := env.PMOK("exec", "bpod-c", "cat", "/built").Stdout; got != "two\n" {
		t.Errorf("--build: /built = %q", got)
	}
	env.PMOK("kube", "down", file)
	// Without --context-dir, the directory is looked for in the current
	// one (the environment's).
	env.PMOK("rmi", "-f", "localhost/kbuilt")
	if err := os.Rename(filepath.Join(ctxDir, "kbuilt"), env.Path("kbuilt")); err != nil {
		t.Fatal(err)
	}
	env.PMOK("kube", "play", file)
	if got := env.PMOK("exec", "bpod-c", "cat", "/built").Stdout; got != "two\n" {
		t.Errorf("from the current directory: /built = %q", got)
	}
	env.PMOK("kube", "down", file)
}

// TestKubePlayServiceContainer: --service-container makes a container
// named after the YAML's hash that runs while the pod's containers do
// and, with NOTIFY_SOCKET set, tells systemd its conmon is the main
// process; it cannot be removed alone, stops when the pod's containers
// exited (killed, exit 137, when one failed and propagation is any), and
// goes with the pod.
func TestKubePlayServiceContainer(t *testing.T) {
	env := kubeEnv(t)
	yaml := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: spod\nspec:\n  restartPolicy: Never\n  containers:\n  - name: c\n    image: busybox\n    command: [sh, -c, 'while ! test -e /tmp/done; do sleep 0.1; done; rm /tmp/done; exit 3']\n"
	file := env.writeFile("s.yaml", yaml)
	sum := sha256.Sum256([]byte(yaml))
	service := hex.EncodeToString(sum[:])[:12] + "-service"
	env.PM("kube", "play", "--service-container", "--start=false", file).ExpectError(t, 125, "--service-container")
	env.PM("kube", "play", "--service-container", "--service-exit-code-propagation=some", file).ExpectError(t, 125, "--service-exit-code-propagation")
	env.expectNothingLeft("after bad service options")

	sock, conn := notifyListener(t, env)
	res := pmWithNotify(t, env, sock, "kube", "play", "--service-container", "--service-exit-code-propagation=any", file)
	if res.Code != 0 {
		t.Fatalf("kube play: exit %d: %s", res.Code, res.Stderr)
	}
	msg := readNotify(t, conn)
	if want := conmonPid(t, env, service); msg["READY"] != "1" || msg["MAINPID"] != strconv.Itoa(want) {
		t.Errorf("notify message %v, want READY=1 and the service container's conmon pid %d", msg, want)
	}
	if got := env.PMOK("inspect", "--format", "{{.IsService}} {{.State.Status}}", service).Stdout; got != "true running\n" {
		t.Errorf("service container: %q", got)
	}
	env.PM("rm", "-f", service).ExpectError(t, 125, "is the service container of pod(s)")
	env.PMOK("exec", "spod-c", "touch", "/tmp/done")
	deadline := time.Now().Add(time.Minute)
	for env.ctrField(service, ".State") == "running" && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if got := env.PMOK("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", service).Stdout; got != "exited 137\n" {
		t.Errorf("service container after its pod's container failed: %q", got)
	}
	// pod start starts it again with the pod (whose container waits
	// again).
	env.PMOK("pod", "start", "spod")
	if st := env.ctrField(service, ".State"); st != "running" {
		t.Errorf("service container after pod start: %q", st)
	}
	env.PMOK("pod", "rm", "-f", "-t", "0", "spod")
	if res := env.PM("container", "exists", service); res.Code != 1 {
		t.Errorf("the service container outlived its pod: exists exit %d", res.Code)
	}
	env.expectNothingLeft("after pod rm")
	env.expectNoHelpers("after pod rm")
}

// TestKubePlayExitPolicyStop: as in Podman, a played pod's exit policy
// is stop: once its containers have exited, its infra container stops
// and the pod is Exited.
func TestKubePlayExitPolicyStop(t *testing.T) {
	env := kubeEnv(t)
	file := env.writeFile("once.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: once\nspec:\n  restartPolicy: OnFailure\n  containers:\n  - name: c\n    image: busybox\n    command: [\"true\"]\n")
	env.PMOK("kube", "play", file)
	if got := env.PMOK("pod", "inspect", "--format", "{{.ExitPolicy}}", "once").Stdout; got != "stop\n" {
		t.Errorf("exit policy of a played pod: %q, want stop", got)
	}
	env.waitFor(time.Minute, "the played pod to exit", func() bool {
		return env.PMOK("pod", "inspect", "--format", "{{.State}}", "once").Stdout == "Exited\n"
	})
	env.PMOK("kube", "down", file)
	env.expectNothingLeft("after kube down")
}

// TestKubePlayNetworkAndPorts: --network host and none put the pod on
// the host's network or none; a hostPort alone, and with --publish-all a
// containerPort alone, are published and shown by pod inspect.
func TestKubePlayNetworkAndPorts(t *testing.T) {
	env := kubeEnv(t)
	file := env.writeFile("n.yaml", sleepPodYAML("npod", "busybox", ""))
	env.PMOK("kube", "play", "--network", "host", file)
	if got := env.PMOK("pod", "inspect", "--format", "{{.InfraConfig.HostNetwork}}", "npod").Stdout; got != "true\n" {
		t.Errorf("--network host: HostNetwork = %q", got)
	}
	if st := env.ctrField("npod-c", ".State"); st != "running" {
		t.Errorf("--network host: npod-c is %q", st)
	}
	env.PMOK("kube", "down", file)
	env.PMOK("kube", "play", "--network", "none", file)
	if got := env.PMOK("exec", "npod-c", "ls", "/sys/class/net").Stdout; got != "lo\n" {
		t.Errorf("--network none: interfaces %q", got)
	}
	env.PMOK("kube", "down", file)

	hp, cp := freeHostPort(t), freeHostPort(t)
	ports := fmt.Sprintf("apiVersion: v1\nkind: Pod\nmetadata:\n  name: ppod\nspec:\n  containers:\n  - name: c\n    image: busybox\n    command: [sleep, \"1000\"]\n    ports:\n    - hostPort: %d\n    - containerPort: %d\n", hp, cp)
	pfile := env.writeFile("p.yaml", ports)
	env.PMOK("kube", "play", pfile)
	want := fmt.Sprintf("map[%d/tcp:[{ %d}]]\n", hp, hp)
	if got := env.PMOK("pod", "inspect", "--format", "{{.InfraConfig.PortBindings}}", "ppod").Stdout; got != want {
		t.Errorf("PortBindings = %q, want %q", got, want)
	}
	env.PMOK("kube", "down", pfile)
	env.PMOK("kube", "play", "--publish-all", pfile)
	got := env.PMOK("pod", "inspect", "--format", "{{.InfraConfig.PortBindings}}", "ppod").Stdout
	if !strings.Contains(got, fmt.Sprintf("%d/tcp:[{ %d}]", cp, cp)) || !strings.Contains(got, fmt.Sprintf("%d/tcp:[{ %d}]", hp, hp)) {
		t.Errorf("--publish-all: PortBindings = %q", got)
	}
	env.PMOK("kube", "down", pfile)
	env.expectNothingLeft("after kube down")
}

// TestKubePlayExitPolicy: a played pod's exit policy is stop, as in
// Podman: when its last container is stopped, its infra container stops
// too, the pod shows Exited, and its service container stops; a pod made
// by pod create keeps continue.
func TestKubePlayExitPolicy(t *testing.T) {
	env := kubeEnv(t)
	yaml := sleepPodYAML("xpod", "busybox", "")
	file := env.writeFile("x.yaml", yaml)
	sum := sha256.Sum256([]byte(yaml))
	service := hex.EncodeToString(sum[:])[:12] + "-service"
	env.PMOK("kube", "play", "--service-container", file)
	if got := env.PMOK("pod", "inspect", "--format", "{{.ExitPolicy}} {{.State}}", "xpod").Stdout; got != "stop Running\n" {
		t.Errorf("played pod: %q, want stop Running", got)
	}
	env.PMOK("stop", "-t", "0", "xpod-c")
	env.waitFor(time.Minute, "the pod to exit", func() bool {
		return env.PMOK("pod", "inspect", "--format", "{{.State}}", "xpod").Stdout == "Exited\n"
	})
	env.waitFor(time.Minute, "the service container to stop", func() bool {
		return env.ctrField(service, ".State") != "running"
	})
	env.PMOK("pod", "create", "--name", "cpod")
	if got := env.PMOK("pod", "inspect", "--format", "{{.ExitPolicy}}", "cpod").Stdout; got != "continue\n" {
		t.Errorf("pod create's exit policy: %q, want continue", got)
	}
	env.PMOK("pod", "rm", "-f", "-t", "0", "xpod", "cpod")
	env.expectNothingLeft("after pod rm")
}
