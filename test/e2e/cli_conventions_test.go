package e2e

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// Podman's command-line conventions, as its system tests check them:
// exit codes of the rm verbs, help layout, version's Server, global flags,
// small flags and output formats.

// TestCLIRemoveExitCodes: a named object that does not exist is exit 1, one
// in use or running 2, anything else 125.
func TestCLIRemoveExitCodes(t *testing.T) {
	env := ctrEnv(t)
	for _, args := range [][]string{
		{"rm", "nosuch"},
		{"container", "rm", "nosuch"},
		{"rmi", "nosuch"},
		{"image", "rm", "nosuch"},
		{"pod", "rm", "nosuch"},
		{"network", "rm", "nosuch"},
		{"volume", "rm", "nosuch"},
	} {
		env.PM(args...).ExpectError(t, 1, "nosuch")
	}
	env.PM("rm", "nosuch").ExpectError(t, 1, `no container with name or ID "nosuch" found: no such container`)
	// --ignore turns the missing one into success.
	env.PMOK("rm", "-i", "nosuch")
	env.PMOK("rmi", "-i", "nosuch")

	env.PMOK("run", "-d", "--name", "busy", "busybox", "sleep", "100")
	env.PM("rm", "busy").ExpectError(t, 2, "running")
	env.PM("rmi", "busybox").ExpectError(t, 2, "in use")
	// A missing one and a running one: the running one decides.
	res := env.PM("rm", "nosuch", "busy")
	if res.Code != 2 {
		t.Errorf("rm nosuch busy: exit %d, want 2\n%s", res.Code, res.Stderr)
	}
	env.PMOK("rm", "-f", "-t", "0", "busy")

	env.PMOK("network", "create", "clinet")
	env.PMOK("create", "--network", "clinet", "--name", "netuser", "busybox", "true")
	env.PM("network", "rm", "clinet").ExpectError(t, 2, "used")
	env.PMOK("network", "rm", "-f", "clinet")
	// Other errors stay 125.
	env.PM("network", "rm", "pm").ExpectError(t, 125, "default network")
}

// TestCLIHelp: Podman's help layout, the missing-command error of group
// commands, the help hint after a flag error, arg-count wording.
func TestCLIHelp(t *testing.T) {
	env := newEnv(t)
	res := env.PMOK("attach", "--help")
	if !strings.Contains(res.Stdout, "Usage:\n  pm attach [options] CONTAINER\n") || !strings.Contains(res.Stdout, "\nOptions:\n") {
		t.Errorf("pm attach --help: want Podman's usage line and Options section:\n%s", res.Stdout)
	}
	if strings.Contains(res.Stdout, "[flags]") || strings.Contains(res.Stdout, "Flags:") {
		t.Errorf("pm attach --help has cobra's [flags]:\n%s", res.Stdout)
	}
	for _, group := range []string{"", "container", "image", "network", "pod", "system", "volume"} {
		args := strings.Fields(group)
		res := env.PM(args...)
		want := "Error: missing command '" + strings.TrimSpace("pm "+group) + " COMMAND'\n"
		if res.Code != 125 || !strings.HasSuffix(res.Stderr, want) || !strings.Contains(res.Stderr, "Usage:") {
			t.Errorf("pm %s: exit %d, stderr %q; want 125, usage, then %q", group, res.Code, res.Stderr, want)
		}
	}
	env.PM("container", "nosuch").ExpectError(t, 125, "unrecognized command `pm container nosuch`")

	// A flag error: the Error line first, then where to look.
	res = env.PM("run", "-h")
	if res.Code != 125 || res.Stderr != "Error: flag needs an argument: 'h' in -h\nSee 'pm run --help'\n" {
		t.Errorf("pm run -h: exit %d, stderr %q", res.Code, res.Stderr)
	}
	res = env.PM("bad", "--invalid")
	if res.Code != 125 || res.Stderr != "Error: unknown flag: --invalid\nSee 'pm --help'\n" {
		t.Errorf("pm bad --invalid: exit %d, stderr %q", res.Code, res.Stderr)
	}
	env.PM("images", "--nosuch").ExpectError(t, 125, "unknown flag: --nosuch")

	env.PM("attach").ExpectError(t, 125, "requires exactly 1 arg(s), received 0")
	env.PM("attach", "-l", "x").ExpectError(t, 125, "--latest and containers cannot be used together")
	env.PM("diff", "a", "b", "c").ExpectError(t, 125, "accepts at most 2 arg(s), received 3")
	env.PM("pod", "ps", "x").ExpectError(t, 125, "takes no arguments")
	// Podman prints this one bare, without "Error: ".
	res = env.PM("--log-level=telepathic", "info")
	if want := `Log Level "telepathic" is not supported, choose from: trace, debug, info, warn, warning, error, fatal, panic` + "\n"; res.Code != 1 || res.Stderr != want || res.Stdout != "" {
		t.Errorf("--log-level=telepathic: %s", res)
	}
}

// TestCLIVersionServer: `version` has a Server section, the same as the
// Client one.
func TestCLIVersionServer(t *testing.T) {
	env := newEnv(t)
	c := env.PMOK("version", "--format", "{{.Client.Version}}-{{.Client.Built}}").Stdout
	s := env.PMOK("version", "--format", "{{.Server.Version}}-{{.Server.Built}}").Stdout
	if c != s || strings.TrimSpace(s) == "" {
		t.Errorf("version: Client %q, Server %q", c, s)
	}
	if js := env.PMOK("version", "--format", "json").Stdout; !strings.Contains(js, `"Server"`) {
		t.Errorf("version --format json has no Server:\n%s", js)
	}
}

// TestCLIGlobalFlags: --noout, --volumepath, --tmpdir, --runtime-flag,
// --cgroup-manager, --conmon, --events-backend, --network-cmd-path.
func TestCLIGlobalFlags(t *testing.T) {
	env := ctrEnv(t)
	res := env.PMOK("--noout", "create", "--name", "quiet", "busybox", "true")
	if res.Stdout != "" {
		t.Errorf("--noout create printed %q", res.Stdout)
	}
	env.PMOK("container", "exists", "quiet")
	env.PM("--noout", "rm", "nosuch").ExpectError(t, 1, "nosuch")

	// --runtime-flag reaches the OCI runtime: an unknown option makes it
	// fail, a known one works.
	env.PMOK("--runtime-flag", "debug", "run", "--rm", "busybox", "true")
	res = env.PM("--runtime-flag", "invalidflag", "run", "--rm", "busybox", "true")
	if res.Code == 0 || !strings.Contains(res.Stderr, "invalidflag") {
		t.Errorf("--runtime-flag invalidflag run: exit %d, stderr %q", res.Code, res.Stderr)
	}

	env.PMOK("--cgroup-manager", "cgroupfs", "ps")
	env.PM("--cgroup-manager", "systemd", "ps").ExpectError(t, 125, "systemd")
	env.PM("--cgroup-manager", "bogus", "ps").ExpectError(t, 125, "--cgroup-manager")
	env.PM("--conmon", "/nonexistent/conmon", "ps").ExpectError(t, 125, "--conmon")
	env.PM("--events-backend", "bogus", "ps").ExpectError(t, 125, "--events-backend")
	if got := env.PMOK("--events-backend", "none", "info", "--format", "{{.Host.EventLogger}}").Stdout; got != "none\n" {
		t.Errorf("--events-backend none: info says %q", got)
	}
	if slirp := "/usr/bin/slirp4netns"; fileExists(slirp) {
		env.PMOK("--network-cmd-path", slirp, "run", "--rm", "--network", "slirp4netns", "busybox", "true")
	}
	env.PM("--network-cmd-path", "/nonexistent/slirp", "run", "--rm", "--network", "slirp4netns", "busybox", "true").ExpectError(t, 125, "")
}

// TestCLIPathFlags: --volumepath and --tmpdir on a fresh store.
func TestCLIPathFlags(t *testing.T) {
	env := newEnv(t)
	root, vols, tmp := env.Path("r2"), env.Path("vols"), env.Path("tmp2")
	g := []string{"--root", root, "--runroot", env.Path("rr2"), "--volumepath", vols, "--tmpdir", tmp}
	got := env.PMOK(append(g, "info", "--format", "{{.Store.VolumePath}}")...).Stdout
	if got != vols+"\n" {
		t.Errorf("info Store.VolumePath = %q, want %q", got, vols)
	}
	env.PMOK(append(g, "volume", "create", "v1")...)
	if _, err := os.Stat(vols + "/v1/_data"); err != nil {
		t.Errorf("volume not under --volumepath: %v", err)
	}
	if entries, err := os.ReadDir(tmp); err != nil || len(entries) == 0 {
		t.Errorf("nothing under --tmpdir %s: %v", tmp, err)
	}
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// TestCLISmallFlags: network ls --noheading, cp --pause, stop --timeout,
// save --uncompressed, volume ls --filter name=REGEX.
func TestCLISmallFlags(t *testing.T) {
	env := ctrEnv(t)
	if out := env.PMOK("network", "ls", "--noheading").Stdout; strings.Contains(out, "NETWORK ID") || !strings.Contains(out, "pm") {
		t.Errorf("network ls --noheading:\n%s", out)
	}
	env.PMOK("run", "-d", "--name", "flags", "busybox", "sleep", "100")
	src := env.Path("cpfile")
	if err := os.WriteFile(src, []byte("hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env.PMOK("cp", "--pause=false", src, "flags:/tmp/x")
	env.PMOK("cp", "--pause", src, "flags:/tmp/y")
	if got := env.PMOK("exec", "flags", "cat", "/tmp/x", "/tmp/y").Stdout; got != "hi\nhi\n" {
		t.Errorf("cp --pause: got %q", got)
	}
	env.PMOK("stop", "--timeout", "0", "flags")
	if st := env.PMOK("inspect", "--format", "{{.State.Status}}", "flags").Stdout; st != "exited\n" {
		t.Errorf("after stop --timeout 0: %q", st)
	}

	archive := env.Path("img.tar")
	env.PMOK("save", "-q", "-o", archive, "--format", "oci-archive", "--uncompressed", "busybox")
	// Every layer blob is a plain tar: no gzip magic.
	dir := env.Path("unpacked")
	env.Exec("mkdir", dir)
	env.Exec("tar", "-xf", archive, "-C", dir)
	blobs, _ := os.ReadDir(dir + "/blobs/sha256")
	if len(blobs) == 0 {
		t.Fatalf("no blobs in the saved archive")
	}
	for _, b := range blobs {
		data, _ := os.ReadFile(dir + "/blobs/sha256/" + b.Name())
		if len(data) > 2 && data[0] == 0x1f && data[1] == 0x8b {
			t.Errorf("blob %s is gzip-compressed", b.Name())
		}
	}

	for _, v := range []string{"vf_1_a", "vf_2_a", "vf_1"} {
		env.PMOK("volume", "create", v)
	}
	if got := env.PMOK("volume", "ls", "--filter", "name=vf_1.+", "--format", "{{.Name}}").Stdout; got != "vf_1_a\n" {
		t.Errorf("volume ls --filter name=vf_1.+ = %q", got)
	}
}

// TestCLIOutputFormats: aligned "table" templates with spaces, images'
// History and CreatedAt, ps --sort created, ps {{.Pod}}, df -v image IDs,
// inspect's log size, info's Podman fields.
func TestCLIOutputFormats(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("tag", "busybox", "a.b/c:d")
	env.PMOK("tag", "busybox", "zzzzzzzzzz.yyy/xxx:longertag")
	lines := env.PMOK("images", "--sort", "repository", "--format", "table {{.Repository}} {{.Tag}} {{.ID}}").Lines()
	// Every row's tag starts in the header's TAG column.
	col := strings.Index(lines[0], "TAG")
	for _, l := range lines[1:] {
		if col < 0 || len(l) <= col || l[col-1] != ' ' || l[col] == ' ' {
			t.Errorf("table format with spaces is not aligned:\n%s", strings.Join(lines, "\n"))
			break
		}
	}
	at := env.PMOK("images", "--format", "{{.CreatedAt}}", "a.b/c:d").Stdout
	if strings.Contains(at, ".") || !strings.HasSuffix(at, "UTC\n") && !strings.Contains(at, " +") {
		t.Errorf("images {{.CreatedAt}} = %q: want seconds only", at)
	}
	if h := env.PMOK("images", "--format", "{{.History}}", "a.b/c:d").Stdout; strings.HasPrefix(h, "[") {
		t.Errorf("images {{.History}} = %q: want a string, not a list", h)
	}

	env.PMOK("create", "--name", "first", "busybox", "true")
	env.PMOK("create", "--name", "second", "busybox", "true")
	if got := env.PMOK("ps", "-a", "--sort", "created", "--format", "{{.Names}}").Lines(); len(got) != 2 || got[0] != "first" {
		t.Errorf("ps --sort created = %q, want oldest first", got)
	}
	if got := env.PMOK("ps", "-a", "--format", "{{.Names}}").Lines(); len(got) != 2 || got[0] != "second" {
		t.Errorf("ps = %q, want newest first", got)
	}

	env.PMOK("create", "--name", "logsz", "--log-opt", "max-size=10k", "busybox", "true")
	if got := env.PMOK("inspect", "--format", "{{.HostConfig.LogConfig.Size}}", "logsz").Stdout; !strings.HasSuffix(got, "kB\n") {
		t.Errorf("LogConfig.Size = %q, want a decimal size such as 10.24kB", got)
	}
	env.PMOK("create", "--name", "nolog", "--log-driver", "none", "busybox", "true")
	env.PM("logs", "nolog").ExpectError(t, 125, "this container is using the 'none' log driver, cannot read logs")
	// Following journald logs needs, as in Podman, the journald events
	// backend first (TestLogsJournald reads them).
	env.PMOK("create", "--name", "jlog", "--log-driver", "journald", "busybox", "true")
	env.PM("--events-backend", "file", "logs", "--follow", "jlog").ExpectError(t, 125,
		"Error: using --follow with the journald --log-driver but without the journald --events-backend (file) is not supported")
	env.PM("stop", "nosuch").ExpectError(t, 125, `no container with name or ID "nosuch" found: no such container`)

	bb := env.PMOK("inspect", "--format", "{{.Id}}", "busybox").Stdout[:12]
	if df := env.PMOK("system", "df", "-v").Stdout; !strings.Contains(df, bb) || !regexpMatch(`(?m)^[0-9a-f]{12}\s+`+bb+`\s`, df) {
		t.Errorf("system df -v: the containers' image column is not the image ID %s:\n%s", bb, df)
	}

	info := env.PMOK("info", "--format", "{{.Host.LogDriver}} {{.Store.GraphOptions}} {{.Host.BuildahVersion}}").Stdout
	if !strings.HasPrefix(info, "k8s-file map[") {
		t.Errorf("info LogDriver/GraphOptions = %q", info)
	}
}

// TestCLIPodShortID: {{.Pod}} in ps is the 12-character pod ID.
func TestCLIPodShortID(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("pod", "create", "--name", "clipod", "--infra=false")
	id := strings.TrimSpace(env.PMOK("pod", "inspect", "--format", "{{.ID}}", "clipod").Stdout)
	env.PMOK("create", "--pod", "clipod", "--name", "inpod", "busybox", "true")
	if got := env.PMOK("ps", "-a", "--filter", "name=inpod", "--format", "{{.Pod}}").Stdout; got != id[:12]+"\n" {
		t.Errorf("ps {{.Pod}} = %q, want %q", got, id[:12])
	}
	env.PMOK("pod", "rm", "-f", "clipod")
}

func regexpMatch(re, s string) bool { return regexp.MustCompile(re).MatchString(s) }
