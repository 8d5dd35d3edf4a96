package e2e

// Behaviours Podman's own system tests (v4.3.1, make conformance) check.

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestRunWorkdirMissing: a --workdir that is in neither the image nor a
// mount is refused at start, with exit 126, as Podman does; one a volume
// or a mount provides is fine.
func TestRunWorkdirMissing(t *testing.T) {
	env := ctrEnv(t)
	res := env.PM("run", "--rm", "--workdir", "/i/do/not/exist", "busybox", "pwd")
	res.ExpectError(t, 126, `workdir "/i/do/not/exist" does not exist on container`)
	if ids := env.psIDs(); len(ids) != 0 {
		t.Errorf("run --rm with a missing workdir left containers %q", ids)
	}
	res = env.PM("run", "--name", "wdfile", "--workdir", "/etc/passwd", "busybox", "pwd")
	res.ExpectError(t, 126, `workdir "/etc/passwd" exists on container`)
	if st := env.ctrField("wdfile", ".State"); st == "running" || st == "" {
		t.Errorf("container with a file as workdir: state %q, want it created and not running", st)
	}
	// A failed start does not create it: the next start fails alike.
	env.PMOK("create", "--name", "wdmissing", "--workdir", "/not/there", "busybox", "pwd")
	for i := 0; i < 2; i++ {
		env.PM("start", "wdmissing").ExpectError(t, 125, `workdir "/not/there" does not exist on container`)
	}

	dir := env.Path("vol")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir+"/content", []byte("in the volume\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := env.PMOK("run", "--rm", "--workdir", "/NotOnTheImage", "-v", dir+":/NotOnTheImage", "busybox", "cat", "content").Stdout; out != "in the volume\n" {
		t.Errorf("workdir on a bind mount: %q", out)
	}
	if out := env.PMOK("run", "--rm", "--workdir", "/NotOnTheImage", "-v", dir+"/content:/NotOnTheImage/foo", "busybox", "cat", "foo").Stdout; out != "in the volume\n" {
		t.Errorf("workdir above a bind mount: %q", out)
	}
	if out := env.PMOK("run", "--rm", "--workdir", "/scratch/sub", "--tmpfs", "/scratch", "busybox", "pwd").Stdout; out != "/scratch/sub\n" {
		t.Errorf("workdir in a tmpfs: %q", out)
	}
}

// TestStopLetsKillThrough: a stop waiting out its timeout does not hold
// the container's lock, so a kill of the stopping container goes through
// at once and the stop ends with the container's exit, as in Podman.
func TestStopLetsKillThrough(t *testing.T) {
	env := ctrEnv(t)
	env.runID("--name", "stopme", "busybox", "sh", "-c",
		"trap 'echo got TERM' TERM; echo READY; while :; do sleep 0.2; done")
	env.waitFor(30*time.Second, "the container to be ready", func() bool {
		return strings.Contains(env.PMOK("logs", "stopme").Stdout, "READY")
	})
	// The stop's timeout is longer than the harness lets a command run:
	// if the kill waited for the stop's lock, it would time out.
	done := make(chan Result, 1)
	go func() { done <- env.pmAsync("stop", "-t", "600", "stopme") }()
	env.waitFor(30*time.Second, "the container to get SIGTERM", func() bool {
		return strings.Contains(env.PMOK("logs", "stopme").Stdout, "got TERM")
	})
	if st := env.PMOK("inspect", "--format", "{{.State.Status}}", "stopme").Stdout; st != "stopping\n" {
		t.Errorf("inspect while stop waits = %q, want stopping", st)
	}
	env.PMOK("kill", "stopme")
	if out := env.PMOK("wait", "stopme").Stdout; out != "137\n" {
		t.Errorf("wait after kill = %q, want 137", out)
	}
	select {
	case r := <-done:
		if r.Code != 0 || r.Stdout != "stopme\n" {
			t.Errorf("stop of a container killed meanwhile: %s", r)
		}
	case <-time.After(cmdTimeout):
		t.Fatal("stop did not end when the container was killed")
	}
	if out := env.PMOK("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", "stopme").Stdout; out != "exited 137\n" {
		t.Errorf("after kill during stop: %q, want exited 137", out)
	}
	// The container starts again: the stop left nothing of its run behind.
	env.PMOK("start", "stopme")
	env.PMOK("rm", "-f", "-t", "0", "stopme")
}

// TestTmpfsTwice: the same --tmpfs twice is one mount; two different ones
// on one path are refused, exit 125, nothing created (Podman's
// 160-volumes).
func TestTmpfsTwice(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("run", "--rm", "--tmpfs", "/vol1", "--tmpfs", "/vol1", "busybox", "true")
	before := env.psIDs()
	for _, verb := range []string{"run", "create"} {
		env.PM(verb, "--rm", "--tmpfs", "/vol1", "--tmpfs", "/vol1:ro", "busybox", "true").
			ExpectError(t, 125, "Error: /vol1: duplicate mount destination")
	}
	env.expectNoNewContainers(before, "two tmpfs on one path")
}

// TestDiffLeavesOutRunMounts: diff lists what the container changed, not
// the mount points of pm's own bind mounts (/etc/hosts, /etc/resolv.conf,
// /etc/hostname, /run/.containerenv), as Podman's does.
func TestDiffLeavesOutRunMounts(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("run", "--name", "d", "busybox", "sh", "-c", "touch /newfile /run/mine; rm /bin/true")
	out := env.PMOK("diff", "d").Stdout
	for _, want := range []string{"A /newfile\n", "A /run/mine\n", "D /bin/true\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("diff lacks %q:\n%s", want, out)
		}
	}
	for _, p := range []string{"/etc/hosts", "/etc/resolv.conf", "/etc/hostname", "/run/.containerenv", "/etc/mtab", "/run"} {
		if regexpMatch(`(?m)^[ACD] `+regexp.QuoteMeta(p)+`$`, out) {
			t.Errorf("diff lists pm's own %s:\n%s", p, out)
		}
	}
	var js map[string][]string
	decodeJSON(t, env.PMOK("diff", "--format", "json", "d").Stdout, &js)
	if strings.Join(js["added"], " ") != "/newfile /run/mine" || strings.Join(js["deleted"], " ") != "/bin/true" {
		t.Errorf("diff --format json = %v", js)
	}
}

// TestInspectEntrypointTemplate: {{.Config.Entrypoint}} prints the
// entrypoint's words as Podman 4 does ("/bin/true", not "[/bin/true]");
// the JSON keeps an array.
func TestInspectEntrypointTemplate(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("create", "--name", "one", "--entrypoint", "/bin/true", "busybox")
	env.PMOK("create", "--name", "two", "--entrypoint", `["sh","-c"]`, "busybox", "true")
	for name, want := range map[string]string{"one": "/bin/true", "two": "sh -c"} {
		if out := env.PMOK("inspect", "--format", "{{.Config.Entrypoint}}", name).Stdout; out != want+"\n" {
			t.Errorf("%s: {{.Config.Entrypoint}} = %q, want %q", name, out, want)
		}
	}
	if out := env.PMOK("inspect", "--format", "{{json .Config.Entrypoint}}", "one").Stdout; out != "[\"/bin/true\"]\n" {
		t.Errorf("{{json .Config.Entrypoint}} = %q", out)
	}
	if out := env.PMOK("inspect", "--format", "{{index .Config.Entrypoint 1}}", "two").Stdout; out != "-c\n" {
		t.Errorf("{{index .Config.Entrypoint 1}} = %q", out)
	}
}

// TestPodInfraPullQuiet: pod create pulls a missing infra image without
// progress, as Podman; with --noout it prints nothing at all.
func TestPodInfraPullQuiet(t *testing.T) {
	env := newEnv(t)
	res := env.PMOK("--noout", "pod", "create", "--name", "quiet", "--infra-image", env.Registry+"/busybox", "--infra-command", "sleep 1000")
	if res.Stdout != "" || res.Stderr != "" {
		t.Errorf("--noout pod create printed:\nstdout: %q\nstderr: %q", res.Stdout, res.Stderr)
	}
	env.PMOK("pod", "rm", "-f", "-t", "0", "quiet")
}

// TestInfoPodmanKeys: info shows conmon's package first, as Podman's
// (conmon: package, path, version), pasta's and slirp4netns's executables,
// and the API socket pm system service listens on by default.
func TestInfoPodmanKeys(t *testing.T) {
	env := newEnv(t)
	out := env.PMOK("info").Stdout
	if !regexpMatch(`(?m)^  conmon:\n    package: \S+\n    path: /\S+\n    version: `, out) {
		t.Errorf("info's conmon is not package, path, version:\n%s", out)
	}
	var info struct {
		Host struct {
			RemoteSocket struct {
				Path   string `json:"path"`
				Exists bool   `json:"exists"`
			} `json:"remoteSocket"`
			Slirp4NetNS map[string]string `json:"slirp4netns"`
		} `json:"host"`
	}
	decodeJSON(t, env.PMOK("info", "--format", "json").Stdout, &info)
	sock := "unix://" + env.RuntimeDir + "/pm/pm.sock"
	if info.Host.RemoteSocket.Path != sock || info.Host.RemoteSocket.Exists {
		t.Errorf("remoteSocket = %+v, want %s, not existing", info.Host.RemoteSocket, sock)
	}
	if p := info.Host.Slirp4NetNS["executable"]; !strings.HasPrefix(p, "/") {
		t.Errorf("slirp4netns.executable = %q", p)
	}
	if out := env.PMOK("info", "--format", "{{.Host.RemoteSocket.Path}}").Stdout; out != sock+"\n" {
		t.Errorf("{{.Host.RemoteSocket.Path}} = %q", out)
	}
}

// TestLogLevels: each --log-level shows its level and those above it, in
// Podman's format off a terminal (level=...); --debug and -D are
// --log-level=debug, and refused together with --log-level (exit 1).
func TestLogLevels(t *testing.T) {
	env := newEnv(t)
	cases := []struct {
		args       []string
		want, none []string
	}{
		{[]string{"--log-level=trace"}, []string{" level=trace ", " level=debug ", " level=info "}, []string{" level=warn"}},
		{[]string{"--log-level=debug"}, []string{" level=debug ", " level=info "}, []string{" level=trace ", " level=warn"}},
		{[]string{"--log-level=info"}, []string{" level=info "}, []string{" level=trace ", " level=debug "}},
		{[]string{"--log-level=warn"}, nil, []string{"level="}},
		{[]string{"--log-level=error"}, nil, []string{"level="}},
		{[]string{"--debug"}, []string{" level=debug "}, []string{" level=trace "}},
		{[]string{"-D"}, []string{" level=debug "}, nil},
	}
	for _, c := range cases {
		res := env.PMOK(append(c.args, "version")...)
		for _, w := range c.want {
			if !strings.Contains(res.Stderr, w) {
				t.Errorf("%v: stderr lacks %q:\n%s", c.args, w, res.Stderr)
			}
		}
		for _, n := range c.none {
			if strings.Contains(res.Stderr, n) {
				t.Errorf("%v: stderr has %q:\n%s", c.args, n, res.Stderr)
			}
		}
	}
	res := env.PM("--debug", "--log-level=panic", "version")
	if res.Code != 1 || res.Stderr != "Setting --log-level and --debug is not allowed\n" || res.Stdout != "" {
		t.Errorf("--debug with --log-level: %s", res)
	}
}

// TestCalledAs: pm names itself in usage lines and hints as it was called,
// as Podman does (a link named podman says "podman attach").
func TestCalledAs(t *testing.T) {
	env := newEnv(t)
	link := env.Path("podman")
	if err := os.Symlink(pmBinary, link); err != nil {
		t.Fatal(err)
	}
	if out := env.Exec(link, "attach", "--help").Stdout; !strings.Contains(out, "Usage:\n  podman attach [options] CONTAINER\n") {
		t.Errorf("attach --help called as podman:\n%s", out)
	}
	res := env.Exec(link, "container", "bogus")
	if res.Code != 125 || !strings.Contains(res.Stderr, "podman container bogus") {
		t.Errorf("an unknown command called as podman: %s", res)
	}
	// Rootless, a mount needs pm unshare first, and the message says so by
	// the name pm was called.
	if res := env.Exec(link, "volume", "mount", "v"); !env.root && !strings.Contains(res.Stderr, "cannot run command \"podman volume mount\" in rootless mode, must execute `podman unshare` first") {
		t.Errorf("volume mount called as podman: %s", res)
	}
	if out := env.PMOK("attach", "--help").Stdout; !strings.Contains(out, "Usage:\n  pm attach [options] CONTAINER\n") {
		t.Errorf("attach --help:\n%s", out)
	}
}

// TestServiceBadScheme: system service refuses a URI of no scheme it
// serves in Podman's words, exit 125, and listens nowhere.
func TestServiceBadScheme(t *testing.T) {
	env := newEnv(t)
	env.PM("system", "service", "--time", "0", "localhost:9292").ExpectError(t, 125,
		`Error: API Service endpoint scheme "localhost" is not supported. Try tcp://localhost:9292 or unix:/localhost:9292`)
	sock := env.Path("my.sock")
	env.PM("system", "service", "--time", "0", sock).ExpectError(t, 125,
		fmt.Sprintf(`Error: API Service endpoint scheme "" is not supported. Try tcp://%s or unix:/%s`, sock, sock))
	if _, err := os.Lstat(sock); !os.IsNotExist(err) {
		t.Errorf("a refused service URI left %s: %v", sock, err)
	}
}

// TestRemoteClientRefused: Podman's remote client options are refused,
// exit 125, saying that pm has none.
func TestRemoteClientRefused(t *testing.T) {
	env := newEnv(t)
	for _, args := range [][]string{
		{"--url", "tcp://127.0.0.1:9", "info"}, {"--host", "tcp://127.0.0.1:9", "info"},
		{"-H", "tcp://127.0.0.1:9", "info"}, {"--remote", "ps"}, {"ps", "--connection", "other"},
	} {
		env.PM(args...).ExpectError(t, 125, "pm has no remote client")
	}
}
