package e2e

import (
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRunIPC: --ipc host, none, private, shareable and container:NAME,
// as Podman's 190-run-ipcns tests them, and bad values.
func TestRunIPC(t *testing.T) {
	env := ctrEnv(t)
	hostIPC, err := os.Readlink("/proc/self/ns/ipc")
	if err != nil {
		t.Fatal(err)
	}
	if out := env.PMOK("run", "--rm", "--ipc=host", "busybox", "readlink", "/proc/self/ns/ipc").Stdout; strings.TrimSpace(out) != hostIPC {
		t.Errorf("--ipc=host: ipc namespace %q, want the host's %q", out, hostIPC)
	}
	if out := env.PMOK("run", "--rm", "--ipc=none", "busybox", "readlink", "/proc/self/ns/ipc").Stdout; strings.TrimSpace(out) == hostIPC {
		t.Errorf("--ipc=none shares the host's ipc namespace")
	}
	if res := env.PM("run", "--rm", "--ipc=none", "busybox", "ls", "/dev/shm"); res.Code != 1 || !strings.Contains(res.Stdout+res.Stderr, "No such file or directory") {
		t.Errorf("--ipc=none has a /dev/shm: %s", res)
	}

	env.runID("--ipc=private", "--name", "priv", "busybox", "sleep", "100")
	before := env.psIDs()
	env.PM("run", "--rm", "--ipc=container:priv", "busybox", "true").ExpectError(t, 125, "is not allowed: non-shareable IPC (hint: use IpcMode:shareable for the donor container)")
	env.expectNoNewContainers(before, "--ipc container: of a private container")

	env.runID("--ipc=shareable", "--name", "donor", "busybox", "sleep", "100")
	donorIPC := strings.TrimSpace(env.PMOK("exec", "donor", "readlink", "/proc/self/ns/ipc").Stdout)
	if donorIPC == hostIPC || donorIPC == "" {
		t.Errorf("shareable container's ipc namespace = %q", donorIPC)
	}
	if out := env.PMOK("run", "--rm", "--ipc=container:donor", "busybox", "readlink", "/proc/self/ns/ipc").Stdout; strings.TrimSpace(out) != donorIPC {
		t.Errorf("--ipc=container:donor: %q, want %q", out, donorIPC)
	}
	// A shareable container's /dev/shm is shared with those that join it.
	env.PMOK("exec", "donor", "touch", "/dev/shm/from-donor")
	env.PMOK("run", "--rm", "--ipc=container:donor", "busybox", "ls", "/dev/shm/from-donor")

	// The default is shareable too (the namespace, not /dev/shm).
	env.runID("--name", "plain", "busybox", "sleep", "100")
	plainIPC := strings.TrimSpace(env.PMOK("exec", "plain", "readlink", "/proc/self/ns/ipc").Stdout)
	if out := env.PMOK("run", "--rm", "--ipc=container:plain", "busybox", "readlink", "/proc/self/ns/ipc").Stdout; strings.TrimSpace(out) != plainIPC {
		t.Errorf("--ipc=container:plain: %q, want %q", out, plainIPC)
	}
	env.PMOK("rm", "-f", "-t", "0", "donor", "plain", "priv")

	before = env.psIDs()
	env.PM("run", "--rm", "--ipc=bogus", "busybox", "true").ExpectError(t, 125, "invalid --ipc")
	env.PM("create", "--ipc=container:nosuch", "busybox", "true").ExpectError(t, 125, "nosuch")
	env.expectNoNewContainers(before, "bad --ipc")
}

// TestRunPodSharesShm: members of a pod share the infra container's IPC
// namespace and /dev/shm (Podman's 200-pod).
func TestRunPodSharesShm(t *testing.T) {
	env := podEnv(t)
	env.PMOK("pod", "create", "--name", "shmpod")
	env.PMOK("run", "--rm", "--pod", "shmpod", "busybox", "touch", "/dev/shm/test1")
	env.PMOK("run", "--rm", "--pod", "shmpod", "busybox", "ls", "/dev/shm/test1")
	a := env.PMOK("run", "--rm", "--pod", "shmpod", "busybox", "readlink", "/proc/self/ns/ipc").Stdout
	b := env.PMOK("run", "--rm", "--pod", "shmpod", "busybox", "readlink", "/proc/self/ns/ipc").Stdout
	if a != b || a == "" {
		t.Errorf("pod members' ipc namespaces differ: %q, %q", a, b)
	}
	// --pod new: keeps --hostname (Podman's 200-pod #9).
	if out := env.PMOK("run", "--rm", "--pod", "new:hostpod", "--hostname", "foobar", "busybox", "hostname").Stdout; out != "foobar\n" {
		t.Errorf("run --pod new:hostpod --hostname foobar: hostname %q", out)
	}
	env.PMOK("pod", "rm", "-f", "-t", "0", "shmpod", "hostpod")
}

// TestRunSmallOptions: --dns-opt, --kernel-memory, no-new-privileges
// forms, TERM, --http-proxy, --net=host with -p, --tz.
func TestRunSmallOptions(t *testing.T) {
	env := ctrEnv(t)
	if out := env.PMOK("run", "--rm", "--dns-opt=ndots:3", "--dns-option=timeout:2", "busybox", "cat", "/etc/resolv.conf").Stdout; !strings.Contains(out, "ndots:3") || !strings.Contains(out, "timeout:2") {
		t.Errorf("--dns-opt with --dns-option: resolv.conf = %q", out)
	}
	res := env.PMOK("run", "--rm", "--kernel-memory=100", "busybox", "echo", "ok")
	if res.Stdout != "ok\n" || !strings.Contains(res.Stderr, "The --kernel-memory flag is no longer supported. This flag is a noop.") {
		t.Errorf("--kernel-memory: %s", res)
	}
	for _, o := range []string{"no-new-privileges", "no-new-privileges=true", "no-new-privileges:true"} {
		if out := env.PMOK("run", "--rm", "--security-opt", o, "busybox", "grep", "NoNewPrivs", "/proc/self/status").Stdout; !strings.Contains(out, "1") {
			t.Errorf("--security-opt %s: %q", o, out)
		}
	}
	if out := env.PMOK("run", "--rm", "--security-opt", "no-new-privileges:false", "busybox", "grep", "NoNewPrivs", "/proc/self/status").Stdout; !strings.Contains(out, "0") {
		t.Errorf("--security-opt no-new-privileges:false: %q", out)
	}
	env.PM("run", "--rm", "--security-opt", "no-new-privileges:maybe", "busybox", "true").ExpectError(t, 125, "invalid --security-opt")

	// TERM is set without a terminal, as in Podman.
	if out := env.PMOK("run", "--rm", "busybox", "sh", "-c", "echo $TERM").Stdout; out != "xterm\n" {
		t.Errorf("TERM = %q", out)
	}

	env.SetEnv("http_proxy=http://proxy.example:3128", "NO_PROXY=localhost")
	if out := env.PMOK("run", "--rm", "busybox", "sh", "-c", "echo $http_proxy $NO_PROXY").Stdout; out != "http://proxy.example:3128 localhost\n" {
		t.Errorf("--http-proxy default: %q", out)
	}
	if out := env.PMOK("run", "--rm", "--http-proxy=false", "busybox", "sh", "-c", "echo $http_proxy").Stdout; out != "\n" {
		t.Errorf("--http-proxy=false passed %q", out)
	}
	if out := env.PMOK("run", "--rm", "-e", "http_proxy=mine", "busybox", "sh", "-c", "echo $http_proxy").Stdout; out != "mine\n" {
		t.Errorf("-e overrides the host proxy: %q", out)
	}

	res = env.PMOK("run", "--rm", "-p", "8080", "--net=host", "busybox", "echo", "hi")
	if !strings.HasPrefix(res.Stderr, "Port mappings have been discarded as one of the Host, Container, Pod, and None network modes are in use") || res.Stdout != "hi\n" {
		t.Errorf("--net=host -p: %s", res)
	}

	// --tz: a zone sets TZ and /etc/localtime; the last one wins.
	const epoch = "1600000000"
	if out := env.PMOK("run", "--rm", "--tz=Asia/Tokyo", "--tz=MST7MDT", "busybox", "date", "-d", "@"+epoch).Stdout; !strings.Contains(out, "MDT 2020") {
		t.Errorf("--tz=MST7MDT: %q", out)
	}
	if out := env.PMOK("run", "--rm", "--tz=MST7MDT", "busybox", "sh", "-c", "echo $TZ").Stdout; out != "MST7MDT\n" {
		t.Errorf("--tz: TZ = %q", out)
	}
	host, err := os.ReadFile("/etc/localtime")
	if err == nil {
		if out := env.PMOK("run", "--rm", "--tz=local", "busybox", "cat", "/etc/localtime").Stdout; out != string(host) {
			t.Errorf("--tz=local: /etc/localtime differs from the host's")
		}
	}
	before := env.psIDs()
	env.PM("run", "--rm", "--tz=Bogus/Zone", "busybox", "true").ExpectError(t, 125, "unknown time zone Bogus/Zone")
	env.PM("create", "--group-add", "keep-groups", "--group-add", "457", "busybox", "true").ExpectError(t, 125, "the '--group-add keep-groups' option is not allowed with any other --group-add options")
	env.PM("run", "--rm", "-a", "stdfoo", "busybox", "true").ExpectError(t, 125, "invalid stream")
	env.expectNoNewContainers(before, "bad options")
}

// TestRunReplaceRmiAttach: --replace, --rmi, -a/--attach.
func TestRunReplaceRmiAttach(t *testing.T) {
	env := ctrEnv(t)
	old := env.runID("--name", "rep", "busybox", "sleep", "100")
	id := env.runID("--replace", "--name", "rep", "busybox", "sleep", "100")
	if id == old {
		t.Fatalf("--replace kept the old container")
	}
	if ids := env.PMOK("ps", "-aq", "--no-trunc").Stdout; strings.Contains(ids, old) || !strings.Contains(ids, id) {
		t.Errorf("after --replace, ps -a = %q", ids)
	}
	// --replace without an existing container just creates.
	env.PMOK("create", "--replace", "--name", "fresh", "busybox", "true")
	env.PMOK("rm", "-f", "-t", "0", "rep", "fresh")

	// -a: only the named streams are attached.
	res := env.PMOK("run", "--rm", "-a", "stderr", "busybox", "sh", "-c", "echo out; echo err >&2")
	if res.Stdout != "" || res.Stderr != "err\n" {
		t.Errorf("-a stderr: %s", res)
	}
	res = env.PMOK("run", "--rm", "--attach", "stdout", "busybox", "sh", "-c", "echo out; echo err >&2")
	if res.Stdout != "out\n" || res.Stderr != "" {
		t.Errorf("--attach stdout: %s", res)
	}
	res = env.PMOK("run", "--name", "onlyin", "--attach", "stdin", "busybox", "echo", "hello")
	cid := env.PMOK("inspect", "--format", "{{.ID}}", "onlyin").Stdout
	if res.Stdout != cid {
		t.Errorf("--attach stdin printed %q, want the ID %q", res.Stdout, cid)
	}
	env.PMOK("rm", "onlyin")

	// --rmi: the image goes once the container is gone, unless in use.
	// The image must have one name only, or removing it just untags it.
	env.PMOK("tag", "busybox", "rmi-test:1")
	env.PMOK("rmi", "busybox")
	env.PMOK("create", "--name", "holder", "rmi-test:1", "true")
	env.PMOK("run", "--rmi", "--rm", "rmi-test:1", "true")
	env.PMOK("image", "exists", "rmi-test:1")
	env.PMOK("rm", "holder")
	env.PMOK("run", "--rmi", "rmi-test:1", "true")
	if res := env.PM("image", "exists", "rmi-test:1"); res.Code != 1 {
		t.Errorf("--rmi left the image: %s", res)
	}
	if ids := env.psIDs(); len(ids) != 0 {
		t.Errorf("--rmi left containers: %q", ids)
	}
	env.PM("run", "-d", "--rmi", "busybox", "true").ExpectError(t, 125, "--rmi")
}

// TestRunConmonOptions: --preserve-fds, --timeout, --conmon-pidfile.
func TestRunConmonOptions(t *testing.T) {
	env := ctrEnv(t)
	f := env.Path("fdfile")
	if err := os.WriteFile(f, []byte("through fd 4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chown(f, env.User.UID, env.User.GID)
	res := env.Exec("sh", "-c", pmBinary+" "+strings.Join(env.globalArgs, " ")+` run --rm -i --preserve-fds=2 busybox sh -c "cat <&4" 3</dev/null 4<`+f)
	if res.Code != 0 || res.Stdout != "through fd 4\n" {
		t.Errorf("--preserve-fds: %s", res)
	}

	pidfile := env.Path("conmon.pid")
	env.runID("--name", "cp", "--conmon-pidfile", pidfile, "busybox", "sleep", "100")
	b, err := os.ReadFile(pidfile)
	if err != nil {
		t.Fatalf("--conmon-pidfile: %v", err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	if comm, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "comm")); strings.TrimSpace(string(comm)) != "conmon" {
		t.Errorf("--conmon-pidfile holds %d, comm %q", pid, comm)
	}
	env.PMOK("rm", "-f", "-t", "0", "cp")

	start := time.Now()
	res = env.PM("run", "--name", "to", "--timeout", "2", "busybox", "sleep", "60")
	if res.Code != 255 {
		t.Errorf("--timeout: %s, want exit 255", res)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("--timeout 2 took %v", d)
	}
	if st := env.PMOK("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", "to").Stdout; st != "exited -1\n" && st != "stopped -1\n" {
		t.Errorf("state after --timeout = %q", st)
	}
	env.PMOK("rm", "to")
}

// TestRunKeepIDPasswd: --userns=keep-id names the user in /etc/passwd
// and sets HOME; --hostuser adds a host account, and an unknown one
// cannot run (Podman's 030-run).
func TestRunKeepIDPasswd(t *testing.T) {
	env := ctrEnv(t)
	if out := env.PMOK("run", "--rm", "--userns=keep-id", "busybox", "id", "-un").Stdout; out != env.User.Name+"\n" {
		t.Errorf("keep-id: id -un = %q, want %q", out, env.User.Name)
	}
	if out := env.PMOK("run", "--rm", "--userns=keep-id", "busybox", "sh", "-c", "echo $HOME").Stdout; out != "/\n" {
		t.Errorf("keep-id: HOME = %q", out)
	}
	// HOME is the host user's home when it, or a directory above it, is
	// mounted in (an anonymous volume here), as in Podman.
	u, err := user.Lookup(env.User.Name)
	if err != nil {
		t.Fatal(err)
	}
	for _, vol := range []string{u.HomeDir, filepath.Dir(u.HomeDir)} {
		out := env.PMOK("run", "--rm", "-v", vol, "--userns=keep-id", "busybox", "sh", "-c", "echo $HOME ~").Stdout
		if want := u.HomeDir + " " + u.HomeDir + "\n"; out != want {
			t.Errorf("keep-id with %s mounted: HOME and ~ = %q, want %q", vol, out, want)
		}
	}
	// Without keep-id HOME comes from the image's passwd, and is / for a
	// user it has no entry for (Podman's "do not set empty HOME").
	if out := env.PMOK("run", "--rm", "busybox", "sh", "-c", "echo $HOME").Stdout; out != "/root\n" {
		t.Errorf("root's HOME = %q", out)
	}
	if out := env.PMOK("run", "--rm", "--user", "100", "busybox", "sh", "-c", "echo $HOME").Stdout; out != "/\n" {
		t.Errorf("--user 100 (no passwd entry): HOME = %q", out)
	}
	if out := env.PMOK("run", "--rm", "--userns=keep-id", "--user=0", "busybox", "id", "-un").Stdout; out != "root\n" {
		t.Errorf("keep-id --user=0: %q", out)
	}
	if res := env.PM("run", "--rm", "busybox", "grep", env.User.Name, "/etc/passwd"); res.Code != 1 {
		t.Errorf("the user is in a plain container's passwd: %s", res)
	}
	env.PMOK("run", "--rm", "--hostuser", env.User.Name, "busybox", "grep", env.User.Name, "/etc/passwd")
	env.PMOK("run", "--rm", "--hostuser", strconv.Itoa(env.User.UID), "busybox", "grep", env.User.Name, "/etc/passwd")
	before := env.psIDs()
	// The container cannot run: 126 for run, as Podman; create refuses it
	// as pm's own error.
	env.PM("run", "--rm", "--hostuser", "bogus-user", "busybox", "true").ExpectError(t, 126, "--hostuser bogus-user: no such user on the host")
	env.PM("create", "--hostuser", "bogus-user", "busybox", "true").ExpectError(t, 125, "--hostuser bogus-user: no such user on the host")
	env.expectNoNewContainers(before, "bad --hostuser")
}

// TestRunContainerEnvFile: /run/.containerenv tells an ordinary container
// only that it is one (an empty file); a --privileged one learns its
// engine, name and image, as in Podman.
func TestRunContainerEnvFile(t *testing.T) {
	env := ctrEnv(t)
	if out := env.PMOK("run", "--rm", "busybox", "sh", "-c", "test -f /run/.containerenv && wc -c < /run/.containerenv").Stdout; strings.TrimSpace(out) != "0" {
		t.Errorf("/run/.containerenv of an unprivileged container: %q bytes, want 0", out)
	}
	out := env.PMOK("run", "--rm", "--privileged", "--name", "priv", "busybox", "cat", "/run/.containerenv").Stdout
	for _, want := range []string{`engine="pm"`, `name="priv"`, `image="`} {
		if !strings.Contains(out, want) {
			t.Errorf("/run/.containerenv of a privileged container lacks %s:\n%s", want, out)
		}
	}
}

// TestRunRuntimeRefusal: when the OCI runtime refuses to create the
// container, run exits 126 with the runtime's message, as in Podman.
func TestRunRuntimeRefusal(t *testing.T) {
	env := ctrEnv(t)
	env.PM("--runtime-flag", "invalidflag", "run", "--rm", "busybox", "true").ExpectError(t, 126, "invalidflag")
}
