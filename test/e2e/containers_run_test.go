package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestContainerRunExitCodes: the container's exit code is pm's, and pm's
// own codes are 125, 126 (cannot invoke) and 127 (not found).
func TestContainerRunExitCodes(t *testing.T) {
	env := ctrEnv(t)
	if res := env.PM("run", "--rm", "busybox", "sh", "-c", "exit 3"); res.Code != 3 {
		t.Errorf("exit 3: got %d\n%s", res.Code, res)
	}
	if res := env.PM("run", "--rm", "busybox", "true"); res.Code != 0 || res.Stdout != "" {
		t.Errorf("true: %s", res)
	}
	res := env.PM("run", "--rm", "busybox", "nosuchcmd")
	res.ExpectError(t, 127, "nosuchcmd")
	res = env.PM("run", "--rm", "busybox", "/etc/passwd")
	res.ExpectError(t, 126, "permission denied")
	// Nothing is left of --rm containers, whatever their end.
	if ids := env.psIDs(); len(ids) != 0 {
		t.Errorf("--rm left containers: %q", ids)
	}
	// Without --rm the failed container stays, as in Podman, with its code.
	res = env.PM("run", "--name", "nf", "busybox", "nosuchcmd")
	if res.Code != 127 {
		t.Errorf("nosuchcmd without --rm: %s", res)
	}
	env.PMOK("rm", "-f", "nf")
}

// TestContainerRunBadInput: a bad flag value is exit 125, one line naming
// the problem, and nothing created.
func TestContainerRunBadInput(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("create", "--name", "taken", "busybox")
	before := env.psIDs()
	cases := []struct {
		args []string
		msg  string
	}{
		{[]string{"--restart", "bogus"}, "--restart"},
		{[]string{"--restart", "on-failure:x"}, "--restart"},
		{[]string{"--ulimit", "nofile=x"}, "--ulimit"},
		{[]string{"--ulimit", "nosuch=1:2"}, "nosuch"},
		{[]string{"--memory", "lots"}, "--memory"},
		{[]string{"--stop-signal", "NOPE"}, "NOPE"},
		{[]string{"--log-driver", "syslog"}, "--log-driver"},
		{[]string{"--name", "-bad"}, "-bad"},
		{[]string{"--name", "taken"}, "in use"},
		{[]string{"--pull", "sometimes"}, "--pull"},
		{[]string{"--pids-limit", "x"}, "pids-limit"},
		{[]string{"--tmpfs", "relative"}, "--tmpfs"},
		{[]string{"-v", ":/x"}, ":/x"},
		{[]string{"-v", "/nonexistent-dir-pm:/x"}, "/nonexistent-dir-pm"},
		{[]string{"--security-opt", "bogus"}, "--security-opt"},
		{[]string{"--cap-drop", "NOPE"}, "NOPE"},
		{[]string{"--env-file", "/nonexistent-env-pm"}, "/nonexistent-env-pm"},
		{[]string{"-u", "nosuchuser"}, "nosuchuser"},
		{[]string{"--no-such-flag"}, "no-such-flag"},
	}
	for _, c := range cases {
		for _, verb := range []string{"run", "create"} {
			args := append(append([]string{verb, "--rm"}, c.args...), "busybox", "true")
			if verb == "create" {
				args = append(append([]string{verb}, c.args...), "busybox", "true")
			}
			env.PM(args...).ExpectError(t, 125, c.msg)
		}
	}
	// A pull prints its progress on stderr first, as Podman does: the
	// error is the last line.
	res := env.PM("run", "--rm", "nosuchimage-pm")
	if lines := strings.Split(strings.TrimSpace(res.Stderr), "\n"); res.Code != 125 || res.Stdout != "" ||
		!strings.HasPrefix(lines[len(lines)-1], "Error: ") || !strings.Contains(lines[len(lines)-1], "nosuchimage-pm") {
		t.Errorf("run of an unknown image: want 125 and a last line Error: ...nosuchimage-pm\n%s", res)
	}
	env.PM("run", "--rm", "--pull", "never", "nosuchimage-pm").ExpectError(t, 125, "nosuchimage-pm")
	env.PM("run").ExpectError(t, 125, "")
	env.PM("run", "-d", "--rm", "--restart", "always", "busybox").ExpectError(t, 125, "--restart")
	env.expectNoNewContainers(before, "bad run/create")
	env.expectNoConmon("bad run/create")
}

// TestContainerRunIO: stdout and stderr stay apart, -i forwards stdin,
// -d prints the ID.
func TestContainerRunIO(t *testing.T) {
	env := ctrEnv(t)
	res := env.PMOK("run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2")
	if res.Stdout != "out\n" || res.Stderr != "err\n" {
		t.Errorf("stdout %q (want \"out\\n\"), stderr %q (want \"err\\n\")", res.Stdout, res.Stderr)
	}
	res = env.PMStdin(strings.NewReader("hello\nworld\n"), "run", "--rm", "-i", "busybox", "sh", "-c", "cat; echo done")
	if res.Code != 0 || res.Stdout != "hello\nworld\ndone\n" {
		t.Errorf("run -i: %s", res)
	}
	// Without -i the container's stdin is empty.
	res = env.PMStdin(strings.NewReader("hello\n"), "run", "--rm", "busybox", "cat")
	if res.Code != 0 || res.Stdout != "" {
		t.Errorf("run without -i read stdin: %s", res)
	}
	// A large output arrives whole.
	res = env.PMOK("run", "--rm", "busybox", "sh", "-c", "seq 1 20000")
	if n := len(res.Lines()); n != 20000 {
		t.Errorf("seq 1 20000: %d lines", n)
	}
	id := env.runID("--name", "bg", "busybox", "sleep", "100")
	if got := env.ctrField("bg", ".ID"); !strings.HasPrefix(id, got) || len(got) != 12 {
		t.Errorf("ps ID %q is not the 12-char prefix of %s", got, id)
	}
	env.PMOK("rm", "-f", "-t", "0", "bg")
	if ids := env.psIDs(); len(ids) != 0 {
		t.Errorf("containers left: %q", ids)
	}
}

// TestContainerRunOptions: the process options reach the container.
func TestContainerRunOptions(t *testing.T) {
	env := ctrEnv(t, "busybox", "entry")
	envFile := env.Path("env.list")
	if err := os.WriteFile(envFile, []byte("# comment\nFROMFILE=yes\n\nSPACED=a b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	check := func(want string, args ...string) {
		t.Helper()
		res := env.PM(append([]string{"run", "--rm"}, args...)...)
		if res.Code != 0 || strings.TrimSpace(res.Stdout) != want {
			t.Errorf("got %q, want %q\n%s", strings.TrimSpace(res.Stdout), want, res)
		}
	}
	check("1", "busybox", "sh", "-c", "echo $PM_TEST")
	check("bar 1", "-e", "FOO=bar", "busybox", "sh", "-c", `echo $FOO $PM_TEST`)
	check("2", "-e", "PM_TEST=2", "busybox", "sh", "-c", `echo $PM_TEST`)
	check("yes|a b", "--env-file", envFile, "busybox", "sh", "-c", `echo "$FROMFILE|$SPACED"`)
	check("/tmp", "-w", "/tmp", "busybox", "pwd")
	check("/var/www", "-w", "/var/www", "busybox", "pwd")
	check("1000", "-u", "tuser", "busybox", "id", "-u")
	check("1000", "-u", "1000", "busybox", "id", "-u")
	check("1234:5678", "-u", "1234:5678", "busybox", "sh", "-c", "echo $(id -u):$(id -g)")
	check("0", "busybox", "id", "-u")
	check("myhost", "--hostname", "myhost", "busybox", "hostname")
	check("myhost", "--hostname", "myhost", "busybox", "cat", "/etc/hostname")
	check("x y", "--entrypoint", "/bin/echo", "busybox", "x", "y")
	check("hi", "--entrypoint", `["/bin/sh","-c"]`, "busybox", "echo hi")
	check("entry default", "entry")
	check("entry a b", "entry", "a", "b")
	check("over", "--entrypoint", "/bin/echo", "entry", "over")
	check("named", "--name", "named", "busybox", "sh", "-c", "echo named")

	// --name and -l are what ps shows and filters on.
	env.runID("--name", "lab", "-l", "app=web", "-l", "tier=1", "busybox", "sleep", "100")
	env.runID("--name", "other", "busybox", "sleep", "100")
	res := env.PMOK("ps", "--filter", "label=app=web", "--format", "{{.Names}}")
	if got := res.Lines(); len(got) != 1 || got[0] != "lab" {
		t.Errorf("ps --filter label=app=web: %q", got)
	}
	res = env.PMOK("ps", "--filter", "label=tier", "--format", "{{.Names}}")
	if got := res.Lines(); len(got) != 1 || got[0] != "lab" {
		t.Errorf("ps --filter label=tier: %q", got)
	}
	// The image's label is the container's too, as in Podman.
	res = env.PMOK("ps", "--filter", "label=org.pm.test=busybox", "--format", "{{.Names}}")
	if got := sortedCopy(res.Lines()...); !equal(got, []string{"lab", "other"}) {
		t.Errorf("ps --filter label=org.pm.test=busybox: %q", got)
	}
	env.PMOK("rm", "-f", "-t", "0", "lab", "other")
}

// TestContainerRunMounts: bind mounts, :ro, --tmpfs, --read-only.
func TestContainerRunMounts(t *testing.T) {
	env := ctrEnv(t)
	host := env.Path("hostdir")
	if err := os.Mkdir(host, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(host, "in.txt"), []byte("from host\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if isRoot {
		for _, p := range []string{host, filepath.Join(host, "in.txt")} {
			if err := os.Chown(p, env.User.UID, env.User.GID); err != nil {
				t.Fatal(err)
			}
		}
	}
	res := env.PM("run", "--rm", "-v", host+":/data", "busybox", "sh", "-c", "cat /data/in.txt && echo written > /data/out.txt")
	if res.Code != 0 || res.Stdout != "from host\n" {
		t.Errorf("bind mount: %s", res)
	}
	if b, err := os.ReadFile(filepath.Join(host, "out.txt")); err != nil || string(b) != "written\n" {
		t.Errorf("file written in the bind mount: %q, %v", b, err)
	} else if st, err := os.Stat(filepath.Join(host, "out.txt")); err == nil {
		// Root in the container is the user outside.
		if uid := int(st.Sys().(*syscall.Stat_t).Uid); uid != env.User.UID {
			t.Errorf("out.txt written by root in the container is owned by %d, want %d", uid, env.User.UID)
		}
	}
	res = env.PM("run", "--rm", "-v", host+":/data:ro", "busybox", "sh", "-c", "cat /data/in.txt; touch /data/x")
	if res.Code == 0 || res.Stdout != "from host\n" || !strings.Contains(res.Stderr, "Read-only") {
		t.Errorf("bind mount :ro: want cat to work and touch to fail with Read-only\n%s", res)
	}
	res = env.PM("run", "--rm", "--tmpfs", "/scratch", "busybox", "sh", "-c", "grep ' /scratch ' /proc/mounts && touch /scratch/f")
	if res.Code != 0 || !strings.Contains(res.Stdout, "tmpfs /scratch tmpfs") {
		t.Errorf("--tmpfs: %s", res)
	}
	res = env.PM("run", "--rm", "--read-only", "busybox", "touch", "/x")
	if res.Code == 0 || !strings.Contains(res.Stderr, "Read-only") {
		t.Errorf("--read-only: touch / should fail with Read-only\n%s", res)
	}
	// Podman's --read-only keeps /tmp, /var/tmp and /run writable.
	res = env.PM("run", "--rm", "--read-only", "busybox", "sh", "-c", "touch /tmp/x /run/x /var/tmp/x")
	if res.Code != 0 {
		t.Errorf("--read-only: Podman's --read-only-tmpfs (default true) keeps /tmp, /run and /var/tmp writable tmpfs; pm does not\n%s", res)
	}
	// The image's files are there, and the container's writes stay in it.
	res = env.PMOK("run", "--name", "w", "busybox", "sh", "-c", "cat /var/www/index.html >/dev/null && echo x > /var/www/new")
	env.PMOK("start", "-a", "w")
	res = env.PM("run", "--rm", "busybox", "test", "-e", "/var/www/new")
	if res.Code != 1 {
		t.Errorf("a file written by another container is visible: %s", res)
	}
	env.PMOK("rm", "w")
}

// TestContainerRunSecurity: --init, capabilities, --privileged,
// no-new-privileges, ulimits, resource limits without cgroups.
func TestContainerRunSecurity(t *testing.T) {
	env := ctrEnv(t)
	status := func(args ...string) map[string]string {
		t.Helper()
		res := env.PM(append(append([]string{"run", "--rm"}, args...), "busybox", "cat", "/proc/self/status")...)
		if res.Code != 0 {
			t.Errorf("%s", res)
		}
		m := map[string]string{}
		for _, l := range res.Lines() {
			k, v, _ := strings.Cut(l, ":")
			m[k] = strings.TrimSpace(v)
		}
		return m
	}
	st := status()
	want := map[string]string{"CapEff": "00000000800405fb", "CapPrm": "00000000800405fb", "CapBnd": "00000000800405fb",
		"CapInh": "0000000000000000", "CapAmb": "0000000000000000", "Seccomp": "2", "NoNewPrivs": "0"}
	for k, v := range want {
		if st[k] != v {
			t.Errorf("default %s = %q, want %q", k, st[k], v)
		}
	}
	if st := status("--security-opt", "no-new-privileges"); st["NoNewPrivs"] != "1" {
		t.Errorf("no-new-privileges: NoNewPrivs = %q", st["NoNewPrivs"])
	}
	if st := status("--cap-drop", "all"); st["CapEff"] != "0000000000000000" || st["CapBnd"] != "0000000000000000" {
		t.Errorf("--cap-drop all: CapEff %q CapBnd %q", st["CapEff"], st["CapBnd"])
	}
	if st := status("--cap-drop", "all", "--cap-add", "net_raw"); st["CapEff"] != "0000000000002000" {
		t.Errorf("--cap-drop all --cap-add net_raw: CapEff %q", st["CapEff"])
	}
	if st := status("--privileged"); st["Seccomp"] != "0" || st["CapEff"] == want["CapEff"] || st["CapEff"] == "" {
		t.Errorf("--privileged: Seccomp %q (want 0), CapEff %q (want all)", st["Seccomp"], st["CapEff"])
	}
	if st := status("--security-opt", "seccomp=unconfined"); st["Seccomp"] != "0" {
		t.Errorf("seccomp=unconfined: Seccomp %q", st["Seccomp"])
	}
	// A non-root user has no effective capabilities.
	if st := status("-u", "tuser"); st["CapEff"] != "0000000000000000" {
		t.Errorf("-u tuser: CapEff %q", st["CapEff"])
	}

	res := env.PM("run", "--rm", "--init", "busybox", "sh", "-c", "cat /proc/1/cmdline | tr '\\0' ' '; echo; echo $$")
	if lines := res.Lines(); res.Code != 0 || len(lines) != 2 || !strings.Contains(lines[0], "init") || lines[1] == "1" {
		t.Errorf("--init: PID 1 should be the init, the command another pid\n%s", res)
	}
	res = env.PM("run", "--rm", "busybox", "sh", "-c", "echo $$")
	if strings.TrimSpace(res.Stdout) != "1" {
		t.Errorf("without --init the command is PID 1: %s", res)
	}
	res = env.PM("run", "--rm", "--init", "busybox", "sh", "-c", "exit 4")
	if res.Code != 4 {
		t.Errorf("--init passes the exit code: %s", res)
	}

	res = env.PM("run", "--rm", "--ulimit", "nofile=100:200", "busybox", "sh", "-c", "ulimit -n; ulimit -Hn")
	if got := res.Lines(); res.Code != 0 || strings.Join(got, " ") != "100 200" {
		t.Errorf("--ulimit nofile=100:200: %s", res)
	}
	res = env.PM("run", "--rm", "--pids-limit", "100", "--memory", "64m", "busybox", "echo", "ok")
	if res.Code != 0 || res.Stdout != "ok\n" {
		t.Errorf("--pids-limit/--memory rootless: the run should succeed\n%s", res)
	}
	if cgroupV1() && !isRootEnv(env) && !strings.Contains(strings.ToLower(res.Stderr), "cgroup") {
		t.Errorf("--pids-limit/--memory on cgroup v1 rootless: want a warning on stderr, got %q", res.Stderr)
	}
}

// TestContainerRunHardening: the defaults a Podman container gets.
func TestContainerRunHardening(t *testing.T) {
	env := ctrEnv(t)
	res := env.PM("run", "--rm", "busybox", "sh", "-c",
		"cat /proc/kcore 2>/dev/null | head -c 16 | wc -c; ls -A /sys/firmware 2>/dev/null | wc -l; "+
			"ls /proc/acpi /proc/keys /proc/timer_list /proc/sched_debug /proc/scsi 2>/dev/null | wc -l")
	if lines := res.Lines(); res.Code != 0 || len(lines) != 3 || lines[0] != "0" || lines[1] != "0" {
		t.Errorf("masked paths: kcore bytes / sys/firmware entries should be 0\n%s", res)
	}
	for _, f := range []string{"/proc/sys/kernel/domainname", "/proc/sysrq-trigger", "/proc/sys/vm/drop_caches"} {
		res = env.PM("run", "--rm", "busybox", "sh", "-c", "echo 1 > "+f)
		if res.Code == 0 {
			t.Errorf("writing %s succeeded", f)
		}
	}
	res = env.PM("run", "--rm", "busybox", "sh", "-c", "grep -E ' /proc/(sys|bus|fs|irq) ' /proc/mounts")
	for _, l := range res.Lines() {
		if f := strings.Fields(l); len(f) > 3 && !strings.HasPrefix(f[3], "ro") {
			t.Errorf("read-only path mounted rw: %s", l)
		}
	}

	res = env.PMOK("run", "--name", "hn", "busybox", "sh", "-c", "cat /etc/hostname; hostname; cat /etc/hosts")
	id := strings.TrimSpace(env.PMOK("ps", "-aq", "--no-trunc", "--filter", "name=hn").Stdout)
	lines := res.Lines()
	if len(lines) < 3 || len(id) != 64 || lines[0] != id[:12] || lines[1] != id[:12] {
		t.Errorf("/etc/hostname and hostname should be the short ID of %s: %q", id, lines)
	}
	if !strings.Contains(res.Stdout, "host.containers.internal") || strings.Count(res.Stdout, id[:min(12, len(id))]) < 3 {
		t.Errorf("/etc/hosts: want the hostname and host.containers.internal:\n%s", res.Stdout)
	}
	env.PMOK("rm", "hn")
	res = env.PMOK("run", "--rm", "--hostname", "hh", "busybox", "cat", "/etc/hosts")
	if !strings.Contains(res.Stdout, "hh") || !strings.Contains(res.Stdout, "host.containers.internal") ||
		!strings.Contains(res.Stdout, "localhost") {
		t.Errorf("/etc/hosts: want localhost, hh and host.containers.internal:\n%s", res.Stdout)
	}

	res = env.PMOK("run", "--rm", "busybox", "ls", "-A", "/dev")
	got := map[string]bool{}
	for _, f := range strings.Fields(res.Stdout) {
		got[f] = true
	}
	allowed := map[string]bool{"null": true, "zero": true, "full": true, "random": true, "urandom": true, "tty": true,
		"pts": true, "shm": true, "mqueue": true, "console": true, "ptmx": true, "fd": true,
		"stdin": true, "stdout": true, "stderr": true, "core": true}
	for _, must := range []string{"null", "zero", "full", "random", "urandom", "tty", "pts", "shm", "mqueue", "ptmx", "fd", "stdin", "stdout", "stderr"} {
		if !got[must] {
			t.Errorf("/dev has no %s: %q", must, res.Stdout)
		}
	}
	for f := range got {
		if !allowed[f] {
			t.Errorf("/dev has %s, which Podman's containers do not", f)
		}
	}
	res = env.PMOK("run", "--rm", "busybox", "sh", "-c", "echo x > /dev/null && head -c 4 /dev/zero | wc -c && test -c /dev/urandom && echo ok")
	if strings.Join(res.Lines(), " ") != "4 ok" {
		t.Errorf("devices do not work: %s", res)
	}
}

// cgroupV1 reports whether the host runs cgroup v1 (or hybrid).
func cgroupV1() bool {
	_, err := os.Stat("/sys/fs/cgroup/cgroup.controllers")
	return err != nil
}

func isRootEnv(e *Env) bool { return e.root }
