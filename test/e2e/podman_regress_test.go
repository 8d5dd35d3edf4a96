package e2e

import (
	"strconv"
	"strings"
	"testing"
)

// Defects Podman 4.3's system tests found in pm.

// TestTopHostUser: top's HUSER is the uid the host sees (the user's own for
// the container's root, a subordinate one otherwise), USER the name inside.
func TestTopHostUser(t *testing.T) {
	env := ctrEnv(t)
	sub := subIDLine("/etc/subuid", env.User)
	if sub == "" {
		t.Skipf("%s has no range in /etc/subuid", env.User.Name)
	}
	start, _ := strconv.Atoi(strings.Split(sub, ":")[0])

	top := func(ctr string) []string {
		t.Helper()
		lines := env.PMOK("top", ctr, "huser", "user").Lines()
		if len(lines) < 2 || strings.Join(strings.Fields(lines[0]), " ") != "HUSER USER" {
			t.Fatalf("top %s huser user:\n%s", ctr, strings.Join(lines, "\n"))
		}
		return strings.Fields(lines[1])
	}
	env.runID("--name", "asroot", "busybox", "sleep", "300")
	if got := top("asroot"); len(got) != 2 || got[0] != itoa(env.User.UID) || got[1] != "root" {
		t.Errorf("root of the container: huser user = %q, want [%d root]", got, env.User.UID)
	}
	// uid 5 inside is the 5th subordinate id (pm's 1 is the first).
	env.runID("--name", "as5", "--user", "5", "busybox", "sleep", "300")
	if got := top("as5"); len(got) != 2 || got[0] != itoa(start+4) || got[1] != "5" {
		t.Errorf("uid 5: huser user = %q, want [%d 5]", got, start+4)
	}
	// A namespace of its own: root inside is a subordinate id outside.
	env.runID("--name", "auto", "--userns", "auto", "busybox", "sleep", "300")
	got := top("auto")
	if h, _ := strconv.Atoi(got[0]); len(got) != 2 || got[1] != "root" || h < start {
		t.Errorf("--userns auto: huser user = %q, want [subordinate-id root]", got)
	}
}

// TestInspectImageDigestRuntime: .ImageDigest is the image's manifest
// digest; .OCIRuntime is what --runtime named, a path as given.
func TestInspectImageDigestRuntime(t *testing.T) {
	env := ctrEnv(t)
	digest := strings.TrimSpace(env.PMOK("image", "inspect", "--format", "{{.Digest}}", "busybox").Stdout)
	if !strings.HasPrefix(digest, "sha256:") {
		t.Fatalf("image digest = %q", digest)
	}
	env.PMOK("create", "--name", "plain", "busybox", "true")
	if got := strings.TrimSpace(env.PMOK("inspect", "--format", "{{.ImageDigest}}", "plain").Stdout); got != digest {
		t.Errorf(".ImageDigest = %q, want %q", got, digest)
	}
	def := strings.TrimSpace(env.PMOK("inspect", "--format", "{{.OCIRuntime}}", "plain").Stdout)
	if def == "" || strings.Contains(def, "/") {
		t.Errorf("default .OCIRuntime = %q, want a name", def)
	}
	path := strings.TrimSpace(env.Exec("sh", "-c", "command -v runc || echo /usr/sbin/runc").Stdout)
	env.PMOK("--runtime", path, "run", "--name", "bypath", "busybox", "true")
	if got := strings.TrimSpace(env.PMOK("inspect", "--format", "{{.OCIRuntime}}", "bypath").Stdout); got != path {
		t.Errorf(".OCIRuntime with --runtime %s = %q", path, got)
	}
	env.PMOK("--runtime", "runc", "create", "--name", "byname", "busybox", "true")
	if got := strings.TrimSpace(env.PMOK("inspect", "--format", "{{.OCIRuntime}}", "byname").Stdout); got != "runc" {
		t.Errorf(".OCIRuntime with --runtime runc = %q", got)
	}
	// A container made with a path starts again later with no --runtime.
	env.PMOK("start", "-a", "bypath")
}

// TestMtabAndResourceWarning: /etc/mtab is made a link to /proc/mounts
// when the image lacks it; a resource flag given (even zero) warns where
// rootless cgroups v1 cannot apply it.
func TestMtabAndResourceWarning(t *testing.T) {
	env := ctrEnv(t)
	res := env.PMOK("run", "--rm", "busybox", "readlink", "/etc/mtab")
	if strings.TrimSpace(res.Stdout) != "/proc/mounts" {
		t.Errorf("/etc/mtab -> %q, want /proc/mounts", res.Stdout)
	}
	const warning = "Resource limits are not supported and ignored on cgroups V1 rootless systems"
	if strings.Contains(res.Stderr, warning) {
		t.Errorf("warning without resource flags: %q", res.Stderr)
	}
	if !cgroupV1() {
		return
	}
	for _, flag := range []string{"--memory=0", "--memory=10m", "--pids-limit=0", "--cpus=0"} {
		res := env.PMOK("run", "--rm", flag, "busybox", "true")
		if !strings.Contains(res.Stderr, warning) {
			t.Errorf("run %s: stderr %q lacks the cgroups v1 warning", flag, res.Stderr)
		}
	}
}

// TestLogSizeAndHistoryFormat: --log-opt max-size counts in powers of
// 1000, as Podman; history knows Podman's template fields.
func TestLogSizeAndHistoryFormat(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("create", "--name", "logsz", "--log-opt", "max-size=1.079m", "busybox", "true")
	if got := env.PMOK("inspect", "--format", "{{.HostConfig.LogConfig.Size}}", "logsz").Stdout; got != "1.079MB\n" {
		t.Errorf("LogConfig.Size = %q, want 1.079MB", got)
	}
	env.PM("create", "--log-opt", "max-size=lots", "busybox", "true").ExpectError(t, 125, "max-size")

	lines := env.PMOK("image", "history", "--format", "{{.CreatedSince}}--{{.CreatedAt}}", "busybox").Lines()
	if len(lines) == 0 {
		t.Fatal("no history")
	}
	for _, l := range lines {
		since, at, ok := strings.Cut(l, "--")
		if !ok || !strings.HasSuffix(since, " ago") || !strings.HasSuffix(at, " +0000 UTC") {
			t.Errorf("history line %q, want \"... ago--YYYY-MM-DD hh:mm:ss +0000 UTC\"", l)
		}
	}
	res := env.PMOK("image", "history", "--format", "{{.ID}} {{.Created}} {{.CreatedBy}} {{.Size}} {{.Comment}} {{.Tags}}", "busybox")
	if len(res.Lines()) != len(lines) {
		t.Errorf("history with every field:\n%s", res.Stdout)
	}
}

// TestHelpersOutsidePath: pm and the helpers it runs find what lives in
// /usr/sbin and /sbin (iptables for netavark, runc on Debian) when the
// user's PATH lacks them.
func TestHelpersOutsidePath(t *testing.T) {
	env := ctrEnv(t)
	env.SetEnv("PATH=/usr/bin:/bin")
	env.PMOK("network", "create", "nosbin")
	env.PMOK("run", "--rm", "--network", "nosbin", "busybox", "true")
}

// TestInfoPackagesAndWording: info names the packages of conmon and the
// OCI runtime; container cleanup needs a container; completion's usage is
// Podman's.
func TestInfoPackagesAndWording(t *testing.T) {
	env := newEnv(t)
	out := env.PMOK("info", "--format", "{{.Host.Conmon.Package}} {{.Host.OCIRuntime.Package}} {{.Host.OCIRuntime.Name}}").Stdout
	f := strings.Fields(out)
	if len(f) != 3 {
		t.Fatalf("info packages = %q", out)
	}
	dpkg := env.Exec("dpkg-query", "-W", "conmon").Code == 0
	if dpkg && !strings.HasPrefix(f[0], "conmon_") || !dpkg && f[0] != "Unknown" {
		t.Errorf("host.conmon.package = %q", f[0])
	}
	if f[1] != "Unknown" && !strings.HasPrefix(f[1], f[2]+"_") {
		t.Errorf("host.ociRuntime.package = %q for runtime %s", f[1], f[2])
	}

	env.PM("container", "cleanup").ExpectError(t, 125, "you must provide at least one name or id")
	if res := env.PMOK("completion", "--help"); !strings.Contains(res.Stdout, "pm completion [options] {bash|zsh|fish|powershell}") {
		t.Errorf("completion usage:\n%s", res.Stdout)
	}
	if res := env.PMOK("completion", "bash"); !strings.Contains(res.Stdout, "pm") {
		t.Errorf("completion bash printed %d bytes", len(res.Stdout))
	}
}
