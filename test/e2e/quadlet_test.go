package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pm-project/pm/pkg/systemd"
)

// quadletDirs makes the directory quadlet files are read from (set as
// QUADLET_UNIT_DIRS) and the one units are written into.
func quadletDirs(t *testing.T, env *Env) (src, out string) {
	t.Helper()
	src, out = env.Path("quadlets"), env.Path("generated")
	for _, d := range []string{src, out} {
		if err := os.Mkdir(d, 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(d, 0o777); err != nil {
			t.Fatal(err)
		}
	}
	env.SetEnv("QUADLET_UNIT_DIRS=" + src)
	return src, out
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// readUnit parses the unit file at path.
func readUnit(t *testing.T, path string) *systemd.UnitFile {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return unitFile(t, filepath.Base(path), string(b))
}

// TestQuadlet: a .container and a .volume file become units that pass
// systemd-analyze verify; running the units' commands by hand makes the
// volume and a container with the file's options, and removes it.
func TestQuadlet(t *testing.T) {
	env := ctrEnv(t)
	src, out := quadletDirs(t, env)
	write := func(name, text string) { writeFile(t, filepath.Join(src, name), text) }
	write("data.volume", "[Volume]\nLabel=kind=quadlet\n")
	write("web.container", `[Unit]
Description=A quadlet container

[Container]
Image=busybox
Exec=sleep 1000
Environment=A=1 "B=two words"
Label=app=quadlet
Volume=data.volume:/data
WorkingDir=/data
PodmanArgs=--hostname=qhost
PmArgs=--stop-timeout=2

[Service]
Restart=always

[Install]
WantedBy=default.target
`)
	dry := env.PMOK("generate", "quadlet", "--user", "--dryrun").Stdout
	if !strings.Contains(dry, "---web.service---\n") || !strings.Contains(dry, "---data-volume.service---\n") {
		t.Errorf("--dryrun output:\n%s", dry)
	}
	// As systemd runs the user generator of contrib/, with its three
	// directories.
	gen, err := os.ReadFile("../../contrib/systemd/user-generators/pm-user-generator")
	if err != nil {
		t.Fatal(err)
	}
	genPath := env.Path("pm-user-generator")
	writeFile(t, genPath, strings.Replace(string(gen), "/usr/bin/pm", pmBinary, 1))
	if res := env.Exec("sh", genPath, out, env.Path("early"), env.Path("late")); res.Code != 0 {
		t.Fatalf("the user generator: exit %d: %s", res.Code, res.Stderr)
	}
	webPath, volPath := filepath.Join(out, "web.service"), filepath.Join(out, "data-volume.service")
	if l, err := os.Readlink(filepath.Join(out, "default.target.wants", "web.service")); err != nil || l != "../web.service" {
		t.Errorf("[Install] link: %q, %v", l, err)
	}
	verifyUnits(t, env, webPath, volPath)
	vol, web := readUnit(t, volPath), readUnit(t, webPath)
	if v, _ := web.Lookup("Unit", "Requires"); v != "data-volume.service" {
		t.Errorf("web Requires = %q", v)
	}
	if res := execLine(t, env, vol, "ExecStart", "data-volume.service", ""); res.Code != 0 {
		t.Fatalf("volume ExecStart: %s", res.Stderr)
	}
	if l := env.PMOK("volume", "inspect", "--format", "{{.Labels.kind}}", "systemd-data").Stdout; l != "quadlet\n" {
		t.Errorf("volume label = %q", l)
	}
	sock, conn := notifyListener(t, env)
	if res := execLine(t, env, web, "ExecStart", "web.service", sock); res.Code != 0 {
		t.Fatalf("web ExecStart: exit %d: %s", res.Code, res.Stderr)
	}
	if msg := readNotify(t, conn); msg["READY"] != "1" {
		t.Errorf("notify message %v", msg)
	}
	if st := env.ctrField("systemd-web", ".State"); st != "running" {
		t.Fatalf("systemd-web is %q", st)
	}
	got := env.PMOK("exec", "systemd-web", "sh", "-c", `echo "$A|$B|$(pwd)|$(hostname)"; mount | grep -c " /data "`).Stdout
	if got != "1|two words|/data|qhost\n1\n" {
		t.Errorf("in the quadlet container: %q", got)
	}
	if l := env.PMOK("inspect", "--format", "{{.Config.Labels.app}} {{.Config.StopTimeout}}", "systemd-web").Stdout; l != "quadlet 2\n" {
		t.Errorf("label and stop timeout = %q", l)
	}
	if res := execLine(t, env, web, "ExecStop", "web.service", ""); res.Code != 0 {
		t.Errorf("web ExecStop: %s", res.Stderr)
	}
	if ids := env.psIDs(); len(ids) != 0 {
		t.Errorf("after ExecStop, containers %q remain", ids)
	}
	if res := execLine(t, env, web, "ExecStopPost", "web.service", ""); res.Code != 0 {
		t.Errorf("web ExecStopPost (container gone): %s", res.Stderr)
	}
}

// TestQuadletErrors: an unknown key or a missing Image is an error naming
// the file; the good files' units are still written.
func TestQuadletErrors(t *testing.T) {
	env := newEnv(t)
	src, out := quadletDirs(t, env)
	os.Remove(out)
	write := func(name, text string) { writeFile(t, filepath.Join(src, name), text) }
	write("bad.container", "[Container]\nImage=busybox\nFrobnicate=yes\n")
	env.PM("generate", "quadlet", "--user", out).ExpectError(t, 125, `bad.container:3: unsupported key "Frobnicate" in group [Container]`)
	os.Remove(filepath.Join(src, "bad.container"))
	write("noimage.container", "[Container]\nExec=true\n")
	write("good.container", "[Container]\nImage=busybox\n")
	env.PM("generate", "quadlet", "--user", out).ExpectError(t, 125, "noimage.container: no Image key specified")
	if _, err := os.Stat(filepath.Join(out, "good.service")); err != nil {
		t.Errorf("the good file's unit: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "noimage.service")); err == nil {
		t.Error("a unit was written for the bad file")
	}
	env.PM("generate", "quadlet", "--user").ExpectError(t, 125, "output directory")
	os.Remove(filepath.Join(src, "noimage.container"))
	// A reference to a file that does not exist, and a key Podman
	// documents that pm cannot honour.
	write("ref.container", "[Container]\nImage=busybox\nNetwork=missing.network\n")
	write("v6.network", "[Network]\nIPv6=true\n")
	res := env.PM("generate", "quadlet", "--user", out)
	res.ExpectError(t, 125, "ref.container: missing.network: no such quadlet file")
	if !strings.Contains(res.Stderr, `v6.network:2: key "IPv6" in group [Network] is not supported by pm`) {
		t.Errorf("stderr lacks the .network error: %s", res.Stderr)
	}
	for _, n := range []string{"ref.service", "v6-network.service"} {
		if _, err := os.Stat(filepath.Join(out, n)); err == nil {
			t.Errorf("%s was written for a bad file", n)
		}
	}
}

// TestQuadletFileTypes: .network, .image, .volume, .pod and .container
// files that refer to each other become units that pass systemd-analyze
// verify and require each other; running their commands by hand in
// dependency order makes the network, pulls the image, creates the
// volume and the pod, and runs a container in the pod on the network,
// reachable through the pod's published port; stopping removes them.
func TestQuadletFileTypes(t *testing.T) {
	env := newEnv(t)
	t.Cleanup(func() {
		_ = env.quietRun("pod", "rm", "-af", "-t", "0")
		_ = env.quietRun("rm", "-af", "-t", "0")
		_ = env.quietRun("network", "rm", "-f", "systemd-net")
	})
	src, out := quadletDirs(t, env)
	hp := freeHostPort(t)
	image := registry + "/busybox"
	files := map[string]string{
		"net.network": "[Network]\nSubnet=10.93.0.0/24\nLabel=kind=quadlet\nNetworkDeleteOnStop=true\n",
		"base.image":  "[Image]\nImage=" + image + "\nTLSVerify=false\n",
		"data.volume": "[Volume]\nLabel=kind=quadlet\n",
		"app.pod":     fmt.Sprintf("[Pod]\nNetwork=net.network\nPublishPort=127.0.0.1:%d:8080\nLabel=app=quadlet\n", hp),
		"web.container": "[Container]\nImage=base.image\nPod=app.pod\nVolume=data.volume:/data\n" +
			"Exec=sh -c 'echo hello from quadlet > /data/index.html; exec httpd -f -p 8080 -h /data'\n",
	}
	for name, text := range files {
		writeFile(t, filepath.Join(src, name), text)
	}
	env.PMOK("generate", "quadlet", "--user", out)
	names := []string{"net-network.service", "base-image.service", "data-volume.service", "app-pod.service", "web.service"}
	var paths []string
	units := map[string]*systemd.UnitFile{}
	for _, n := range names {
		paths = append(paths, filepath.Join(out, n))
		units[n] = readUnit(t, filepath.Join(out, n))
	}
	verifyUnits(t, env, paths...)
	web, pod := units["web.service"], units["app-pod.service"]
	if v := strings.Join(web.LookupAll("Unit", "Requires"), " "); v != "base-image.service data-volume.service" {
		t.Errorf("web Requires = %q", v)
	}
	if v, _ := web.Lookup("Unit", "BindsTo"); v != "app-pod.service" {
		t.Errorf("web BindsTo = %q", v)
	}
	if v := strings.Join(pod.LookupAll("Unit", "Wants"), " "); v != "network-online.target web.service" {
		t.Errorf("pod Wants = %q", v)
	}
	if v, _ := pod.Lookup("Unit", "Requires"); v != "net-network.service" {
		t.Errorf("pod Requires = %q", v)
	}

	run := func(unit, key, socket string) {
		t.Helper()
		if res := execLine(t, env, units[unit], key, unit, socket); res.Code != 0 {
			t.Fatalf("%s %s: exit %d: %s", unit, key, res.Code, res.Stderr)
		}
	}
	run("net-network.service", "ExecStart", "")
	run("net-network.service", "ExecStart", "") // a second start is no error
	if l := env.PMOK("network", "inspect", "--format", "{{.Labels.kind}}", "systemd-net").Stdout; l != "quadlet\n" {
		t.Errorf("network label = %q", l)
	}
	run("base-image.service", "ExecStart", "")
	env.PMOK("image", "exists", image)
	run("data-volume.service", "ExecStart", "")
	env.PMOK("volume", "exists", "systemd-data")
	run("app-pod.service", "ExecStartPre", "")
	run("app-pod.service", "ExecStart", "")
	infra := strings.TrimSpace(env.PMOK("pod", "inspect", "--format", "{{.InfraContainerID}}", "systemd-app").Stdout)
	if name := strings.TrimSpace(env.PMOK("inspect", "--format", "{{.Name}}", infra).Stdout); name != "systemd-app-infra" {
		t.Errorf("infra container name = %q", name)
	}
	// The pod's unit is Type=forking with the infra container's conmon as
	// its PIDFile.
	pidFile := filepath.Join(env.RuntimeDir, "app-pod.pid")
	if b, err := os.ReadFile(pidFile); err != nil || strings.TrimSpace(string(b)) != strconv.Itoa(conmonPid(t, env, infra)) {
		t.Errorf("pod PIDFile %s = %q, %v; want the infra conmon's pid", pidFile, b, err)
	}
	sock, conn := notifyListener(t, env)
	run("web.service", "ExecStart", sock)
	if msg := readNotify(t, conn); msg["READY"] != "1" || msg["MAINPID"] != strconv.Itoa(conmonPid(t, env, "systemd-web")) {
		t.Errorf("notify message %v", msg)
	}
	if p := env.PMOK("inspect", "--format", "{{.Pod}}", "systemd-web").Stdout; p != env.PMOK("pod", "inspect", "--format", "{{.ID}}", "systemd-app").Stdout {
		t.Errorf("systemd-web's pod = %q", p)
	}
	if body, err := httpGet(t, fmt.Sprintf("http://127.0.0.1:%d/", hp)); err != nil || body != "hello from quadlet\n" {
		t.Errorf("GET through the pod's port: %q, %v", body, err)
	}
	if nets := env.PMOK("inspect", "--format", "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}", infra).Stdout; !strings.Contains(nets, "systemd-net") {
		t.Errorf("infra networks = %q", nets)
	}
	run("web.service", "ExecStop", "")
	run("app-pod.service", "ExecStop", "")
	run("app-pod.service", "ExecStopPost", "")
	run("app-pod.service", "ExecStopPost", "") // nothing left: no error
	run("net-network.service", "ExecStopPost", "")
	if ids := env.psIDs(); len(ids) != 0 {
		t.Errorf("containers left: %q", ids)
	}
	if pods := env.PMOK("pod", "ps", "-q").Stdout; pods != "" {
		t.Errorf("pods left: %q", pods)
	}
	if res := env.PM("network", "exists", "systemd-net"); res.Code != 1 {
		t.Errorf("network exists after ExecStopPost: exit %d", res.Code)
	}
	env.expectNoHelpers("after the units stopped")
}

// TestQuadletKube: a .kube file becomes a Type=notify unit that passes
// systemd-analyze verify; its ExecStart plays the YAML with a service
// container whose conmon it names to systemd as the main process, and its
// ExecStopPost removes what the play made.
func TestQuadletKube(t *testing.T) {
	env := kubeEnv(t)
	src, out := quadletDirs(t, env)
	writeFile(t, filepath.Join(src, "web.yaml"), sleepPodYAML("kpod", "busybox", ""))
	writeFile(t, filepath.Join(src, "web.kube"), "[Unit]\nDescription=A played pod\n\n[Kube]\nYaml=web.yaml\nAutoUpdate=registry\nKubeDownForce=true\nSetWorkingDirectory=yaml\n\n[Install]\nWantedBy=default.target\n")
	env.PMOK("generate", "quadlet", "--user", out)
	path := filepath.Join(out, "web.service")
	verifyUnits(t, env, path)
	u := readUnit(t, path)
	for key, want := range map[string]string{"Type": "notify", "NotifyAccess": "all", "KillMode": "mixed", "WorkingDirectory": src} {
		if v, _ := u.Lookup("Service", key); v != want {
			t.Errorf("%s = %q, want %q", key, v, want)
		}
	}
	sock, conn := notifyListener(t, env)
	if res := execLine(t, env, u, "ExecStart", "web.service", sock); res.Code != 0 {
		t.Fatalf("ExecStart: exit %d: %s", res.Code, res.Stderr)
	}
	service := strings.TrimSpace(env.PMOK("ps", "-a", "--filter", "name=-service$", "--format", "{{.Names}}").Stdout)
	if msg := readNotify(t, conn); msg["READY"] != "1" || msg["MAINPID"] != strconv.Itoa(conmonPid(t, env, service)) {
		t.Errorf("notify message %v, want the service container %q's conmon as MAINPID", msg, service)
	}
	if st := env.ctrField("kpod-c", ".State"); st != "running" {
		t.Errorf("kpod-c is %q", st)
	}
	if a := env.PMOK("inspect", "--format", `{{index .Config.Annotations "io.containers.autoupdate"}}`, "kpod-c").Stdout; a != "registry\n" {
		t.Errorf("AutoUpdate annotation = %q", a)
	}
	// A restart of the unit replaces what the last start made.
	if res := execLine(t, env, u, "ExecStart", "web.service", sock); res.Code != 0 {
		t.Fatalf("second ExecStart: exit %d: %s", res.Code, res.Stderr)
	}
	readNotify(t, conn)
	if res := execLine(t, env, u, "ExecStopPost", "web.service", ""); res.Code != 0 {
		t.Errorf("ExecStopPost: exit %d: %s", res.Code, res.Stderr)
	}
	env.expectNothingLeft("after ExecStopPost")
	env.expectNoHelpers("after ExecStopPost")
}
