package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pm-project/pm/pkg/systemd"
)

// notifyListener is a systemd notify socket the environment's user may
// send to; it returns the socket's path and its connection.
func notifyListener(t *testing.T, env *Env) (string, *net.UnixConn) {
	t.Helper()
	path := env.Path("notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if err := os.Chmod(path, 0o777); err != nil {
		t.Fatal(err)
	}
	return path, conn
}

// readNotify returns the next message on the notify socket as its
// KEY=VALUE lines.
func readNotify(t *testing.T, conn *net.UnixConn) map[string]string {
	t.Helper()
	buf := make([]byte, 4096)
	// A bound on a hang, not a timing assertion: pm sent before it exited.
	conn.SetReadDeadline(time.Now().Add(time.Minute))
	n, err := conn.Read(buf)
	if err != nil {
		t.Fatalf("reading the notify socket: %v", err)
	}
	msg := map[string]string{}
	for _, l := range strings.Split(string(buf[:n]), "\n") {
		if k, v, ok := strings.Cut(l, "="); ok {
			msg[k] = v
		}
	}
	return msg
}

// pmWithNotify runs pm with NOTIFY_SOCKET set, as systemd runs a
// Type=notify unit's ExecStart.
func pmWithNotify(t *testing.T, env *Env, socket string, args ...string) Result {
	t.Helper()
	cmd := env.command(args...)
	cmd.Env = append(cmd.Env, "NOTIFY_SOCKET="+socket)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := Result{Args: args, Stdout: stdout.String(), Stderr: stderr.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		res.Code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("pm %s: %v", shellJoin(args), err)
	}
	t.Logf("$ NOTIFY_SOCKET=%s pm %s  # exit %d", socket, shellJoin(args), res.Code)
	return res
}

// conmonPid is the container's conmon pid, as inspect reports it.
func conmonPid(t *testing.T, env *Env, name string) int {
	t.Helper()
	s := strings.TrimSpace(env.PMOK("inspect", "--format", "{{.State.ConmonPid}}", name).Stdout)
	pid, err := strconv.Atoi(s)
	if err != nil || pid <= 0 {
		t.Fatalf("conmon pid of %s = %q", name, s)
	}
	return pid
}

// TestSdnotifyConmon: with NOTIFY_SOCKET set, pm run -d sends READY=1 and
// conmon's pid as MAINPID once the container runs; a bad mode is refused.
func TestSdnotifyConmon(t *testing.T) {
	env := ctrEnv(t)
	sock, conn := notifyListener(t, env)
	res := pmWithNotify(t, env, sock, "run", "-d", "--sdnotify=conmon", "--name", "notified", "busybox", "sleep", "1000")
	if res.Code != 0 {
		t.Fatalf("pm run: exit %d: %s", res.Code, res.Stderr)
	}
	msg := readNotify(t, conn)
	if msg["READY"] != "1" {
		t.Errorf("notify message %v: no READY=1", msg)
	}
	if want := conmonPid(t, env, "notified"); msg["MAINPID"] != strconv.Itoa(want) {
		t.Errorf("MAINPID = %q, want conmon's pid %d", msg["MAINPID"], want)
	}
	// The runtime never saw NOTIFY_SOCKET: the container's env lacks it.
	if out := env.PMOK("exec", "notified", "env").Stdout; strings.Contains(out, "NOTIFY_SOCKET") {
		t.Errorf("the container's environment has NOTIFY_SOCKET:\n%s", out)
	}
	if mode := strings.TrimSpace(env.PMOK("inspect", "--format", "{{.Config.SdNotifyMode}}", "notified").Stdout); mode != "conmon" {
		t.Errorf("inspect SdNotifyMode = %q", mode)
	}
	// --sdnotify=container gives the container the socket pm proxies.
	out := env.PMOK("run", "--rm", "--sdnotify=container", "busybox", "sh", "-c", `echo "$NOTIFY_SOCKET"; test -d /run/notify && echo mounted`).Stdout
	if out != "/run/notify/notify.sock\nmounted\n" {
		t.Errorf("--sdnotify=container: in the container %q", out)
	}
	before := env.psIDs()
	env.PM("run", "-d", "--sdnotify=bogus", "busybox", "true").ExpectError(t, 125, "--sdnotify")
	env.PM("run", "-d", "--cgroups=bogus", "busybox", "true").ExpectError(t, 125, "--cgroups")
	env.expectNoNewContainers(before, "bad --sdnotify")
}

// unitFile parses a generated unit.
func unitFile(t *testing.T, name, text string) *systemd.UnitFile {
	t.Helper()
	u, err := systemd.ParseUnit(name, strings.NewReader(text))
	if err != nil {
		t.Fatalf("parsing %s: %v\n%s", name, err, text)
	}
	return u
}

// verifyUnits runs systemd-analyze verify --user on unit files, as the
// environment's user (its XDG_RUNTIME_DIR is the user manager's %t).
func verifyUnits(t *testing.T, env *Env, paths ...string) {
	t.Helper()
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		t.Skip("systemd-analyze is not installed")
	}
	// pm's man pages (Documentation=man:...) are not installed here.
	res := env.Exec("systemd-analyze", append([]string{"verify", "--user", "--man=no"}, paths...)...)
	if res.Code != 0 {
		t.Errorf("systemd-analyze verify %s: exit %d\n%s%s", strings.Join(paths, " "), res.Code, res.Stdout, res.Stderr)
	}
	for _, l := range strings.Split(res.Stderr, "\n") {
		for _, p := range paths {
			if strings.Contains(l, filepath.Base(p)) {
				t.Errorf("systemd-analyze verify warns about %s: %s", filepath.Base(p), l)
			}
		}
	}
}

// execLine runs one Exec*= line of unit as systemd would, as the
// environment's user, with NOTIFY_SOCKET set to socket when not "".
func execLine(t *testing.T, env *Env, u *systemd.UnitFile, key, unitName, socket string) Result {
	t.Helper()
	line, ok := u.Lookup("Service", key)
	if !ok {
		t.Fatalf("%s has no %s", unitName, key)
	}
	words, err := systemd.ExpandCommand(line, map[byte]string{
		't': env.RuntimeDir, 'n': unitName, 'N': strings.TrimSuffix(unitName, ".service"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if words[0] != pmBinary {
		t.Fatalf("%s of %s runs %q, want the pm binary %s", key, unitName, words[0], pmBinary)
	}
	if socket != "" {
		return pmWithNotify(t, env, socket, words[1:]...)
	}
	return env.PM(words[1:]...)
}

// TestGenerateSystemdContainer: units for an existing container and for a
// --new one pass systemd-analyze verify; the --new unit's commands create,
// notify, stop and remove the container.
func TestGenerateSystemdContainer(t *testing.T) {
	env := ctrEnv(t)
	id := strings.TrimSpace(env.PMOK("create", "--name", "web", "-e", "GREETING=hello world", "-l", "app=demo", "busybox", "sleep", "1000").Stdout)
	if cmd := env.PMOK("inspect", "--format", "{{json .Config.CreateCommand}}", "web").Stdout; !strings.Contains(cmd, `"GREETING=hello world"`) {
		t.Errorf("inspect CreateCommand = %s", cmd)
	}

	// Existing container, by ID, with options.
	out := env.PMOK("generate", "systemd", "--restart-policy", "always", "--restart-sec", "5", "-t", "3", "--after", "x.service", "web").Stdout
	name := "container-" + id + ".service"
	if !strings.HasPrefix(out, "# "+name+"\n") {
		t.Errorf("unit header:\n%s", out)
	}
	u := unitFile(t, name, out)
	for key, want := range map[string]string{
		"ExecStart": pmBinary + " start " + id, "Type": "forking", "Restart": "always", "RestartSec": "5",
		"TimeoutStopSec": "63", "Environment": "PM_SYSTEMD_UNIT=%n",
	} {
		if v, _ := u.Lookup("Service", key); strings.Join(strings.Fields(v), " ") != want {
			t.Errorf("%s = %q, want %q", key, v, want)
		}
	}
	if pid, _ := u.Lookup("Service", "PIDFile"); !strings.HasSuffix(pid, "/conmon.pid") || !strings.Contains(pid, id) {
		t.Errorf("PIDFile = %q", pid)
	}
	// --files writes into the current directory and prints the path.
	res := env.PMOK("generate", "systemd", "--name", "--files", "web")
	path := filepath.Join(env.Dir, "container-web.service")
	if strings.TrimSpace(res.Stdout) != path {
		t.Errorf("--files printed %q, want %q", res.Stdout, path)
	}
	verifyUnits(t, env, path)
	os.Remove(path)

	// --new, as JSON.
	var units map[string]string
	if err := json.Unmarshal([]byte(env.PMOK("generate", "systemd", "--new", "--name", "--format", "json", "web").Stdout), &units); err != nil {
		t.Fatal(err)
	}
	text, ok := units["container-web"]
	if !ok || len(units) != 1 {
		t.Fatalf("--format json: %v", units)
	}
	newPath := env.Path("container-web.service")
	if err := os.WriteFile(newPath, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	verifyUnits(t, env, newPath)
	u = unitFile(t, "container-web.service", text)
	if v, _ := u.Lookup("Service", "Type"); v != "notify" {
		t.Errorf("--new Type = %q", v)
	}

	// Run the unit by hand: ExecStart replaces the created container.
	sock, conn := notifyListener(t, env)
	if res := execLine(t, env, u, "ExecStart", "container-web.service", sock); res.Code != 0 {
		t.Fatalf("ExecStart: exit %d: %s", res.Code, res.Stderr)
	}
	msg := readNotify(t, conn)
	if msg["READY"] != "1" || msg["MAINPID"] != strconv.Itoa(conmonPid(t, env, "web")) {
		t.Errorf("notify message %v: want READY=1 and conmon's MAINPID", msg)
	}
	if st := env.ctrField("web", ".State"); st != "running" {
		t.Errorf("after ExecStart, web is %q", st)
	}
	newID := strings.TrimSpace(env.PMOK("inspect", "--format", "{{.Id}}", "web").Stdout)
	if newID == id {
		t.Error("ExecStart did not replace the container")
	}
	if out := env.PMOK("exec", "web", "sh", "-c", `echo "$GREETING"`).Stdout; out != "hello world\n" {
		t.Errorf("GREETING in the unit's container = %q", out)
	}
	cidFile := filepath.Join(env.RuntimeDir, "container-web.service.ctr-id")
	if b, err := os.ReadFile(cidFile); err != nil || string(b) != newID {
		t.Errorf("cid file %s: %q, %v", cidFile, b, err)
	}
	if res := execLine(t, env, u, "ExecStop", "container-web.service", ""); res.Code != 0 {
		t.Errorf("ExecStop: exit %d: %s", res.Code, res.Stderr)
	}
	if res := execLine(t, env, u, "ExecStopPost", "container-web.service", ""); res.Code != 0 {
		t.Errorf("ExecStopPost: exit %d: %s", res.Code, res.Stderr)
	}
	if ids := env.psIDs(); len(ids) != 0 {
		t.Errorf("after ExecStopPost, containers %q remain", ids)
	}
	if _, err := os.Stat(cidFile); err == nil {
		t.Error("ExecStopPost left the cid file")
	}
	// Stopping again (systemd runs ExecStopPost after a failed start too)
	// is no error.
	if res := execLine(t, env, u, "ExecStopPost", "container-web.service", ""); res.Code != 0 {
		t.Errorf("second ExecStopPost: exit %d: %s", res.Code, res.Stderr)
	}
	// And the unit starts again.
	if res := execLine(t, env, u, "ExecStart", "container-web.service", sock); res.Code != 0 {
		t.Fatalf("second ExecStart: exit %d: %s", res.Code, res.Stderr)
	}
	readNotify(t, conn)
	execLine(t, env, u, "ExecStopPost", "container-web.service", "")
}

// TestGenerateSystemdPod: a pod's unit wants its members' units, which
// bind to it; all pass systemd-analyze verify.
func TestGenerateSystemdPod(t *testing.T) {
	env := podEnv(t)
	env.PMOK("pod", "create", "--name", "app")
	env.PMOK("create", "--pod", "app", "--name", "m1", "busybox", "sleep", "1000")
	env.PMOK("create", "--pod", "app", "--name", "m2", "busybox", "sleep", "1000")
	res := env.PMOK("generate", "systemd", "--name", "--files", "app")
	var paths []string
	for _, n := range []string{"pod-app.service", "container-m1.service", "container-m2.service"} {
		paths = append(paths, filepath.Join(env.Dir, n))
	}
	if got := res.Lines(); strings.Join(got, " ") != strings.Join(paths, " ") {
		t.Errorf("--files printed %q, want %q", got, paths)
	}
	verifyUnits(t, env, paths...)
	read := func(p string) *systemd.UnitFile {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return unitFile(t, p, string(b))
	}
	pod := read(paths[0])
	for _, key := range []string{"Wants", "Before"} {
		if v, _ := pod.Lookup("Unit", key); v != "container-m1.service container-m2.service" {
			t.Errorf("pod unit %s = %q", key, v)
		}
	}
	infra := strings.TrimSpace(env.PMOK("pod", "inspect", "--format", "{{.InfraContainerID}}", "app").Stdout)
	infraName := strings.TrimSpace(env.PMOK("inspect", "--format", "{{.Name}}", infra).Stdout)
	if v, _ := pod.Lookup("Service", "ExecStart"); v != pmBinary+" start "+infraName {
		t.Errorf("pod ExecStart = %q", v)
	}
	for _, p := range paths[1:] {
		m := read(p)
		if v, _ := m.Lookup("Unit", "BindsTo"); v != "pod-app.service" {
			t.Errorf("%s BindsTo = %q", filepath.Base(p), v)
		}
		if v, _ := m.Lookup("Unit", "After"); v != "pod-app.service" {
			t.Errorf("%s After = %q", filepath.Base(p), v)
		}
	}
	// Starting the pod's unit by hand starts the infra container.
	pu := pod
	if res := execLine(t, env, pu, "ExecStart", "pod-app.service", ""); res.Code != 0 {
		t.Errorf("pod ExecStart: %s", res.Stderr)
	}
	if st := env.ctrField(infraName, ".State"); st != "running" {
		t.Errorf("infra after the pod's ExecStart: %q", st)
	}
	env.PM("generate", "systemd", "--new", "--template", "app").ExpectError(t, 125, "--template is not supported for pods")
}

// TestGenerateSystemdPodNew: --new units of a pod create the pod from its
// create command and its members in it; the member's --restart becomes
// its unit's Restart=; stopping the units removes everything.
func TestGenerateSystemdPodNew(t *testing.T) {
	env := podEnv(t)
	hp := freeHostPort(t)
	env.PMOK("pod", "create", "--name", "app", "-p", fmt.Sprintf("127.0.0.1:%d:8080", hp), "--label", "tier=web")
	env.PMOK("create", "--pod", "app", "--name", "srv", "--restart", "always", "busybox",
		"sh", "-c", "echo hello from the unit > /tmp/index.html; exec httpd -f -p 8080 -h /tmp")
	// Without --new, the container's own restart policy is kept, with a
	// warning, as Podman's.
	res := env.PMOK("generate", "systemd", "--name", "srv")
	if !strings.Contains(res.Logged(), `restart policy "always"`) {
		t.Errorf("no warning about the restart policy: %q", res.Stderr)
	}
	if u := unitFile(t, "srv", res.Stdout); u.LookupAll("Service", "Restart")[0] != "on-failure" {
		t.Errorf("existing container's unit Restart = %q", u.LookupAll("Service", "Restart"))
	}
	res = env.PMOK("generate", "systemd", "--new", "--name", "--files", "app")
	podPath, srvPath := filepath.Join(env.Dir, "pod-app.service"), filepath.Join(env.Dir, "container-srv.service")
	if got := strings.Join(res.Lines(), " "); got != podPath+" "+srvPath {
		t.Errorf("--files printed %q", got)
	}
	verifyUnits(t, env, podPath, srvPath)
	pod, srv := readUnit(t, podPath), readUnit(t, srvPath)
	if v, _ := srv.Lookup("Service", "Restart"); v != "always" {
		t.Errorf("member Restart = %q, want the container's always", v)
	}
	if v, _ := pod.Lookup("Service", "PIDFile"); v != "%t/pod-app.pid" {
		t.Errorf("pod PIDFile = %q", v)
	}
	// The units make their own pod and container: the originals go.
	env.PMOK("pod", "rm", "-f", "app")
	run := func(u *systemd.UnitFile, name, key, socket string) {
		t.Helper()
		if res := execLine(t, env, u, key, name, socket); res.Code != 0 {
			t.Fatalf("%s %s: exit %d: %s", name, key, res.Code, res.Stderr)
		}
	}
	run(pod, "pod-app.service", "ExecStartPre", "")
	run(pod, "pod-app.service", "ExecStart", "")
	idFile := filepath.Join(env.RuntimeDir, "pod-app.pod-id")
	before := env.psIDs()
	env.PM("run", "--pod", "app", "--pod-id-file", idFile, "busybox", "true").ExpectError(t, 125, "--pod and --pod-id-file cannot be used together")
	env.PM("run", "--pod-id-file", env.Path("nosuch"), "busybox", "true").ExpectError(t, 125, "reading --pod-id-file")
	env.expectNoNewContainers(before, "bad --pod-id-file")
	podID, err := os.ReadFile(idFile)
	if err != nil || strings.TrimSpace(string(podID)) != strings.TrimSpace(env.PMOK("pod", "inspect", "--format", "{{.ID}}", "app").Stdout) {
		t.Errorf("pod ID file: %q, %v", podID, err)
	}
	if l := env.PMOK("pod", "inspect", "--format", "{{.Labels.tier}}", "app").Stdout; l != "web\n" {
		t.Errorf("the unit's pod lacks the label: %q", l)
	}
	infra := strings.TrimSpace(env.PMOK("pod", "inspect", "--format", "{{.InfraContainerID}}", "app").Stdout)
	if b, err := os.ReadFile(filepath.Join(env.RuntimeDir, "pod-app.pid")); err != nil || strings.TrimSpace(string(b)) != strconv.Itoa(conmonPid(t, env, infra)) {
		t.Errorf("pod PIDFile: %q, %v; want the infra conmon's pid", b, err)
	}
	sock, conn := notifyListener(t, env)
	run(srv, "container-srv.service", "ExecStart", sock)
	if msg := readNotify(t, conn); msg["READY"] != "1" {
		t.Errorf("notify message %v", msg)
	}
	if p := env.PMOK("inspect", "--format", "{{.Pod}}", "srv").Stdout; strings.TrimSpace(p) != strings.TrimSpace(string(podID)) {
		t.Errorf("srv's pod = %q, want %q", p, podID)
	}
	// systemd restarts the unit; the container itself has no policy.
	if p := env.PMOK("inspect", "--format", "{{.HostConfig.RestartPolicy.Name}}", "srv").Stdout; strings.TrimSpace(p) != "" && strings.TrimSpace(p) != "no" {
		t.Errorf("the unit's container has restart policy %q", p)
	}
	if body, err := httpGet(t, fmt.Sprintf("http://127.0.0.1:%d/", hp)); err != nil || body != "hello from the unit\n" {
		t.Errorf("GET through the pod's port: %q, %v", body, err)
	}
	run(srv, "container-srv.service", "ExecStop", "")
	run(srv, "container-srv.service", "ExecStopPost", "")
	run(pod, "pod-app.service", "ExecStop", "")
	run(pod, "pod-app.service", "ExecStopPost", "")
	run(pod, "pod-app.service", "ExecStopPost", "") // once more: nothing to do
	if ids := env.psIDs(); len(ids) != 0 {
		t.Errorf("containers left: %q", ids)
	}
	if pods := env.PMOK("pod", "ps", "-q").Stdout; pods != "" {
		t.Errorf("pods left: %q", pods)
	}
	// (systemd itself removes the PIDFile of a stopped unit.)
	if _, err := os.Stat(idFile); err == nil {
		t.Errorf("ExecStopPost left the pod ID file")
	}
	env.expectNoHelpers("after the units stopped")
}

// TestGenerateSystemdErrors: bad input is a one-line error, exit 125,
// and writes no file.
func TestGenerateSystemdErrors(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("create", "--name", "c1", "busybox", "true")
	env.PM("generate", "systemd", "nosuch").ExpectError(t, 125, "nosuch does not refer to a container or pod")
	env.PM("generate", "systemd", "--restart-policy", "sometimes", "c1").ExpectError(t, 125, "--restart-policy")
	env.PM("generate", "systemd", "--template", "c1").ExpectError(t, 125, "--template cannot be set without --new")
	env.PM("generate", "systemd", "--format", "{{.Name}}", "c1").ExpectError(t, 125, "--format")
	env.PM("generate", "systemd", "--files", "--restart-policy", "bad", "c1").ExpectError(t, 125, "restart")
	env.PM("generate", "systemd").ExpectError(t, 125, "")
	if m, _ := filepath.Glob(env.Path("*.service")); len(m) != 0 {
		t.Errorf("failed commands wrote %q", m)
	}
}
