package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// testRuntimes are the OCI runtimes every container test can run under;
// hack/install-deps.sh installs all three.
var testRuntimes = []string{"crun", "runc", "runsc"}

func needRuntime(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s is not installed (hack/install-deps.sh installs it): %v", name, err)
	}
}

// runtimeInfo is the part of `pm info --format json` about OCI runtimes.
type runtimeInfo struct {
	Host struct {
		OCIRuntime  runtimeEntry
		OCIRuntimes []runtimeEntry
	}
}

type runtimeEntry struct {
	Name, Path, Version, Reason string
	Usable                      bool
}

func (e *Env) runtimeInfo() runtimeInfo {
	e.t.Helper()
	var info runtimeInfo
	decodeJSON(e.t, e.PMOK("info", "--format", "json").Stdout, &info)
	return info
}

// TestRuntimesLifecycle runs the core lifecycle under each runtime: run,
// exec (and its 126/127 refusals), logs, stop, rm, a published port on the
// default network, --network none and a named network with name lookup.
func TestRuntimesLifecycle(t *testing.T) {
	for _, rt := range testRuntimes {
		t.Run(rt, func(t *testing.T) {
			needRuntime(t, rt)
			env := ctrEnv(t)
			if out := env.PMOK("--runtime", rt, "run", "--rm", "busybox", "echo", "hello").Stdout; out != "hello\n" {
				t.Errorf("run --rm echo = %q", out)
			}
			// The container really runs under rt: gVisor's kernel says so.
			dmesg := env.PM("--runtime", rt, "run", "--rm", "busybox", "dmesg")
			if gv := strings.Contains(dmesg.Stdout, "gVisor"); gv != (rt == "runsc") {
				t.Errorf("dmesg under %s mentions gVisor: %v\n%s", rt, gv, dmesg)
			}
			env.PM("--runtime", rt, "run", "--rm", "busybox", "/no/such/cmd").ExpectError(t, 127, "not found")
			env.expectNoConmon("after a command that was not found")

			hp := freeHostPort(t)
			env.PMOK("--runtime", rt, "run", "-d", "--name", "web", "-p", fmt.Sprintf("127.0.0.1:%d:80", hp),
				"busybox", "sh", "-c", "echo started; exec "+httpdCmd)
			if got := strings.TrimSpace(env.PMOK("inspect", "--format", "{{.OCIRuntime}}", "web").Stdout); got != rt {
				t.Errorf("inspect .OCIRuntime = %q, want %s", got, rt)
			}
			if body, err := httpGet(t, fmt.Sprintf("http://127.0.0.1:%d/", hp)); err != nil || body != "hello from pm\n" {
				t.Errorf("GET published port: %q, %v", body, err)
			}
			if out := env.PMOK("exec", "web", "cat", "/var/www/index.html").Stdout; out != "hello from pm\n" {
				t.Errorf("exec cat = %q", out)
			}
			env.PM("exec", "web", "/no/such/cmd").ExpectError(t, 127, "not found")
			env.PM("exec", "web", "/etc").ExpectError(t, 126, "permission denied")
			if res := env.PM("exec", "web", "sh", "-c", "exit 7"); res.Code != 7 {
				t.Errorf("exec exit 7: %s", res)
			}
			if out := env.PMOK("logs", "web").Stdout; out != "started\n" {
				t.Errorf("logs = %q", out)
			}
			env.PMOK("stop", "-t", "5", "web")
			if st := env.ctrField("web", ".State"); st != "exited" {
				t.Errorf("state after stop = %q", st)
			}
			env.PMOK("rm", "web")
			if ids := env.psIDs(); len(ids) != 0 {
				t.Errorf("containers left after rm: %q", ids)
			}

			none := env.PMOK("--runtime", rt, "run", "--rm", "--network", "none", "busybox", "cat", "/proc/net/dev").Stdout
			if !strings.Contains(none, "lo:") || strings.Contains(none, "eth0") {
				t.Errorf("--network none interfaces:\n%s", none)
			}

			env.PMOK("network", "create", "rtnet")
			env.PMOK("--runtime", rt, "run", "-d", "--name", "srv", "--network", "rtnet", "busybox", "sh", "-c", httpdCmd)
			// nc, not wget: busybox's wget cannot read a response through
			// gVisor's host network passthrough (EAGAIN), nc can.
			get := `printf 'GET / HTTP/1.0\r\n\r\n' | nc srv 80`
			if res := env.PM("--runtime", rt, "run", "--rm", "--network", "rtnet", "busybox", "sh", "-c", get); res.Code != 0 || !strings.HasSuffix(res.Stdout, "\r\n\r\nhello from pm\n") {
				t.Errorf("fetch srv by name on rtnet: %s", res)
			}
			env.PMOK("rm", "-f", "-t", "0", "srv")
			env.PMOK("network", "rm", "rtnet")
			env.expectNoHelpers("after the containers of " + rt)
			env.expectNoStorageContainers("after rm under " + rt)
		})
	}
}

// TestRuntimeDefaultIsCrun: crun is the default wherever it can run, which
// on this host (cgroup v1 hybrid) takes the tmpfs pm mounts over
// /sys/fs/cgroup/unified in its own mount namespace; the host's mounts do
// not change. pm info lists every configured runtime.
func TestRuntimeDefaultIsCrun(t *testing.T) {
	needRuntime(t, "crun")
	env := ctrEnv(t)
	hostInfo := readFile(t, "/proc/self/mountinfo")
	hostBefore := cgroupMounts(t, hostInfo)
	info := env.runtimeInfo()
	if r := info.Host.OCIRuntime; r.Name != "crun" || !r.Usable || r.Path == "" || !strings.Contains(r.Version, "crun version") ||
		!strings.Contains(r.Reason, "the first of crun, runc, runsc, kata that can run here") {
		t.Errorf("ociRuntime = %+v", r)
	}
	byName := map[string]runtimeEntry{}
	for _, r := range info.Host.OCIRuntimes {
		byName[r.Name] = r
	}
	for _, n := range testRuntimes {
		if r := byName[n]; !r.Usable || r.Path == "" || r.Version == "" || r.Reason != "" {
			t.Errorf("ociRuntimes[%s] = %+v, want usable with path and version", n, r)
		}
	}
	if _, err := exec.LookPath("kata-runtime"); err != nil {
		if r := byName["kata"]; r.Usable || !strings.Contains(r.Reason, "no kata binary") {
			t.Errorf("ociRuntimes[kata] = %+v, want unusable for its missing binary", r)
		}
	}

	env.PMOK("run", "--name", "dflt", "busybox", "true")
	if got := strings.TrimSpace(env.PMOK("inspect", "--format", "{{.OCIRuntime}}", "dflt").Stdout); got != "crun" {
		t.Errorf("default .OCIRuntime = %q, want crun", got)
	}
	inside := env.PMOK("unshare", "cat", "/proc/self/mountinfo").Stdout
	if mountFS(hostInfo, "/sys/fs/cgroup/unified") == "cgroup2" {
		if fs := mountFS(inside, "/sys/fs/cgroup/unified"); fs != "tmpfs" {
			t.Errorf("pm's namespace: /sys/fs/cgroup/unified is %q, want the tmpfs over the hybrid cgroup2", fs)
		}
	}
	if after := cgroupMounts(t, readFile(t, "/proc/self/mountinfo")); !slices.Equal(hostBefore, after) {
		t.Errorf("the host's cgroup mounts changed: before %v, after %v", hostBefore, after)
	}
}

// mountFS returns the type of the topmost mount at point in mountinfo text.
func mountFS(mountinfo, point string) string {
	fs := ""
	for _, l := range strings.Split(mountinfo, "\n") {
		f := strings.Fields(l)
		if len(f) >= 9 && f[4] == point {
			if i := slices.Index(f, "-"); i > 0 && i+1 < len(f) {
				fs = f[i+1]
			}
		}
	}
	return fs
}

// TestRuntimeKataRefused: Kata without its binary, and Kata without
// /dev/kvm, are refused with the reason and exit code 126, before any image
// is pulled or anything is created; pm info says why.
func TestRuntimeKataRefused(t *testing.T) {
	env := newEnv(t)
	if _, err := exec.LookPath("kata-runtime"); err == nil {
		t.Fatalf("kata-runtime is installed: this test expects a host without Kata")
	}
	env.PM("run", "--runtime", "kata", "busybox", "true").ExpectError(t, 126, `OCI runtime "kata" not found: no kata binary`)
	env.PM("create", "--runtime", "kata", "busybox", "true").ExpectError(t, 126, "no kata binary")

	if _, err := os.Stat("/dev/kvm"); err == nil {
		t.Logf("/dev/kvm exists: the missing /dev/kvm case is not checked here")
	} else {
		// A kata binary that exists (any executable): /dev/kvm is what lacks.
		conf := filepath.Join(env.ConfigHome, "containers", "containers.conf")
		if err := os.WriteFile(conf, []byte("[engine.runtimes]\nkata = [\"/bin/true\"]\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		env.PM("--runtime", "kata", "run", "--rm", "busybox", "true").ExpectError(t, 126, "no /dev/kvm")
		info := env.runtimeInfo()
		for _, r := range info.Host.OCIRuntimes {
			if r.Name == "kata" && (r.Usable || r.Path != "/bin/true" || !strings.Contains(r.Reason, "no /dev/kvm")) {
				t.Errorf("ociRuntimes[kata] = %+v", r)
			}
		}
	}
	if ids := env.psIDs(); len(ids) != 0 {
		t.Errorf("refused runs created containers: %q", ids)
	}
	if ids := env.imageIDs(); len(ids) != 0 {
		t.Errorf("refused runs pulled images: %q", ids)
	}
	env.expectNoStorageContainers("after the refused runs")
	env.expectNoConmon("after the refused runs")
}

// TestRuntimeSpecVersion: the spec carries the lowest ociVersion its fields
// need (1.1.0 with the default seccomp profile's errno returns, 1.0.2
// without it), and every runtime accepts it.
func TestRuntimeSpecVersion(t *testing.T) {
	for _, rt := range testRuntimes {
		t.Run(rt, func(t *testing.T) {
			needRuntime(t, rt)
			env := ctrEnv(t)
			for _, c := range []struct {
				name string
				opts []string
				want string
			}{
				{"seccomp", nil, "1.1.0"},
				{"unconfined", []string{"--security-opt", "seccomp=unconfined"}, "1.0.2"},
			} {
				args := append(append([]string{"--runtime", rt, "run", "--name", c.name}, c.opts...), "busybox", "echo", "ran")
				if out := env.PMOK(args...).Stdout; out != "ran\n" {
					t.Errorf("%s: output %q", c.name, out)
				}
				path := strings.TrimSpace(env.PMOK("inspect", "--format", "{{.OCIConfigPath}}", c.name).Stdout)
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%s: reading the bundle's spec: %v", c.name, err)
				}
				var sp struct {
					OCIVersion string `json:"ociVersion"`
				}
				if err := json.Unmarshal(b, &sp); err != nil || sp.OCIVersion != c.want {
					t.Errorf("%s: ociVersion %q (%v), want %s", c.name, sp.OCIVersion, err, c.want)
				}
			}
		})
	}
}

// TestRuntimeFlagsConf: containers.conf's [engine.runtimes_flags] reach the
// runtime they name, on every call (a flag runc does not know fails the
// run, exit 126, nothing left behind); --runtime-flag replaces them.
func TestRuntimeFlagsConf(t *testing.T) {
	needRuntime(t, "runc")
	env := ctrEnv(t)
	conf := filepath.Join(env.ConfigHome, "containers", "containers.conf")
	if err := os.WriteFile(conf, []byte("[engine.runtimes_flags]\nrunc = [\"no-such-flag\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env.PM("--runtime", "runc", "run", "--rm", "busybox", "true").ExpectError(t, 126, "no-such-flag")
	env.expectNoConmon("after the refused flag")
	// crun is not named by the table: its flags are its own.
	env.PMOK("--runtime", "crun", "run", "--rm", "busybox", "true")
	// --runtime-flag replaces the table's flags.
	logFile := filepath.Join(env.Dir, "runc.log")
	env.PMOK("--runtime", "runc", "--runtime-flag", "log="+logFile, "run", "--rm", "busybox", "true")
	if _, err := os.Stat(logFile); err != nil {
		t.Errorf("--runtime-flag log=%s: runc wrote no log: %v", logFile, err)
	}
	if ids := env.psIDs(); len(ids) != 0 {
		t.Errorf("containers left: %q", ids)
	}
}
