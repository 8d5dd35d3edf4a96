package e2e

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The crash tests SIGKILL one pm command at several moments (fixed delays
// after it starts, and once when something shows it is midway), then run
// the commands that must repair whatever it left (pm ps -a, pm rm -af,
// pm system prune -af --volumes) and check that the environment is back
// to what it was before: no layer, mount, temporary file, runtime file or
// process more.

var crashDelays = []time.Duration{0, 10 * time.Millisecond, 30 * time.Millisecond, 60 * time.Millisecond, 120 * time.Millisecond}

// crashVerb is one command to kill.
type crashVerb struct {
	setup func(env *Env)      // before each kill, may be nil
	args  []string            // the command
	mid   func(env *Env) bool // true once the command is midway
	what  string              // what mid waits for
}

// crashEnv returns an environment whose temporary files (TMPDIR, which the
// image library would use too) are its own, to be counted.
func crashEnv(t *testing.T) *Env {
	env := newEnv(t)
	tmp := env.Path("tmp")
	env.Exec("mkdir", "-p", tmp)
	env.SetEnv("TMPDIR=" + tmp)
	t.Cleanup(func() { _ = env.quietRun("rm", "-af", "-t", "0") })
	return env
}

// layerDirs lists the layer directories of the environment's storage.
func (e *Env) layerDirs() []string {
	ents, _ := os.ReadDir(filepath.Join(e.graphRoot(), "overlay"))
	var out []string
	for _, ent := range ents {
		if ent.IsDir() && ent.Name() != "l" && ctrIDRe.MatchString(ent.Name()) {
			out = append(out, ent.Name())
		}
	}
	return out
}

// tempFiles lists what is in pm's scratch directory and in TMPDIR.
func (e *Env) tempFiles() []string {
	var out []string
	for _, dir := range []string{filepath.Join(e.graphRoot(), "pm", "tmp"), e.Path("tmp")} {
		ents, _ := os.ReadDir(dir)
		for _, ent := range ents {
			out = append(out, filepath.Join(dir, ent.Name()))
		}
	}
	return out
}

// tempRoots are where temporary files can go: pm's scratch directory,
// TMPDIR, and /var/tmp, the image library's default.
func (e *Env) tempRoots() []string {
	return []string{filepath.Join(e.graphRoot(), "pm", "tmp"), e.Path("tmp"), "/var/tmp"}
}

// heldTemps returns the temporary files and directories (their top
// level under a temp root) that process pid has open or works in.
func (e *Env) heldTemps(pid int) []string {
	seen := map[string]bool{}
	var out []string
	fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	links := []string{fmt.Sprintf("/proc/%d/cwd", pid)}
	for _, fd := range fds {
		links = append(links, fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name()))
	}
	for _, l := range links {
		target, err := os.Readlink(l)
		if err != nil {
			continue
		}
		target = strings.TrimSuffix(target, " (deleted)")
		for _, root := range e.tempRoots() {
			rel, err := filepath.Rel(root, target)
			if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
				continue
			}
			top := filepath.Join(root, strings.Split(rel, "/")[0])
			if !seen[top] {
				seen[top] = true
				out = append(out, top)
			}
		}
	}
	return out
}

// pmLockName is a lock of pm's own, not of a container, pod or volume.
var pmLockName = regexp.MustCompile(`^(scratch|network-bridge|hosts|userns-rootfs|pause-image)\.lock$`)

// runtimeEntries lists the files pm keeps in its runtime directory for
// containers, pods and volumes: bundles, exit files, locks, network
// namespaces and records, the OCI runtime's state. pm's own files (the
// pause process's, the event journal, storage's run root, its own locks)
// are not listed.
func (e *Env) runtimeEntries() []string {
	root := filepath.Join(e.RuntimeDir, "pm")
	var out []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		switch {
		case rel == "storage" || rel == "events":
			return filepath.SkipDir
		case d.IsDir():
			if ctrIDRe.MatchString(d.Name()) {
				out = append(out, rel+"/")
				return filepath.SkipDir
			}
			return nil
		case rel == "pause.pid" || rel == "pause.lock":
			return nil
		case strings.HasSuffix(filepath.Dir(rel), "-seccomp") && !strings.HasPrefix(d.Name(), ".tmp-"):
			// The seccomp filters crun compiled, kept for the boot (a
			// cache of at most 32; libpod/oci/seccomp_cache.go).
			return nil
		case filepath.Dir(rel) == "locks" && pmLockName.MatchString(d.Name()):
			return nil
		}
		out = append(out, rel)
		return nil
	})
	return out
}

// envMounts lists the mount points under the environment's directory in
// the pause process's mount namespace, where pm mounts.
func (e *Env) envMounts() []string {
	pause := e.PausePID()
	if pause == 0 {
		return nil
	}
	f, err := os.Open(fmt.Sprintf("/proc/%d/mountinfo", pause))
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) > 4 && strings.HasPrefix(fields[4], e.Dir+"/") {
			out = append(out, fields[4])
		}
	}
	sort.Strings(out)
	return out
}

// crashProcs lists the environment's processes but its pause process: those
// with its runtime directory in their environment (pm, conmon, pasta,
// helpers) and those in its user namespace (containers).
func (e *Env) crashProcs() []string {
	pause := e.PausePID()
	marker := "XDG_RUNTIME_DIR=" + e.RuntimeDir
	var userns string
	if pause > 0 {
		userns, _ = os.Readlink(fmt.Sprintf("/proc/%d/ns/user", pause))
	}
	var out []string
	for _, p := range listProcs() {
		if p.pid == pause {
			continue
		}
		if st, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.pid)); err == nil && bytes.Contains(st, []byte(") Z ")) {
			continue
		}
		if p.hasEnv(marker) || (userns != "" && p.userns == userns) {
			cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", p.pid))
			out = append(out, fmt.Sprintf("%d (%s) %s", p.pid, p.comm, strings.ReplaceAll(strings.TrimRight(string(cmdline), "\x00"), "\x00", " ")))
		}
	}
	return out
}

// leftovers is what the environment holds beyond its baseline.
type leftovers struct {
	layers, temps, runtime, mounts, procs []string
}

func (e *Env) snapshot() leftovers {
	return leftovers{layers: e.layerDirs(), temps: e.tempFiles(), runtime: e.runtimeEntries(), mounts: e.envMounts(), procs: e.crashProcs()}
}

// compare reports, for each kind, what now holds beyond base.
func (base leftovers) compare(now leftovers, report func(what string, x []string)) {
	for _, c := range []struct {
		what      string
		base, now []string
	}{
		{"layers", base.layers, now.layers},
		{"temporary files", base.temps, now.temps},
		{"runtime files", base.runtime, now.runtime},
		{"mounts", base.mounts, now.mounts},
		{"processes", base.procs, now.procs},
	} {
		if x := extra(c.base, c.now); len(x) > 0 {
			report(c.what, x)
		}
	}
}

// extra returns the entries of now not in base.
func extra(base, now []string) []string {
	in := map[string]bool{}
	for _, b := range base {
		in[b] = true
	}
	var out []string
	for _, n := range now {
		if !in[n] {
			out = append(out, n)
		}
	}
	return out
}

// crashAndRepair runs verb, SIGKILLs it at each kill point, repairs and
// checks the environment against base after each.
func (e *Env) crashAndRepair(name string, v crashVerb, base leftovers) {
	t := e.t
	t.Helper()
	points := append(append([]time.Duration{}, crashDelays...), -1) // -1: when v.mid holds
	for _, d := range points {
		point := fmt.Sprint(d)
		if d < 0 {
			point = "once " + v.what
		}
		if v.setup != nil {
			v.setup(e)
		}
		cmd := e.command(v.args...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatalf("starting pm %s: %v", shellJoin(v.args), err)
		}
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		killed := false
		if d >= 0 {
			select {
			case <-done:
			case <-time.After(d):
				killed = true
			}
		} else {
			deadline := time.Now().Add(cmdTimeout)
		poll:
			for {
				select {
				case <-done:
					break poll
				default:
				}
				if v.mid(e) {
					killed = true
					break
				}
				if time.Now().After(deadline) {
					break
				}
				time.Sleep(time.Millisecond)
			}
			if !killed {
				t.Errorf("%s: pm %s ended before %s", name, shellJoin(v.args), v.what)
			}
		}
		var held []string
		if killed {
			held = e.heldTemps(cmd.Process.Pid)
			syscall.Kill(cmd.Process.Pid, syscall.SIGKILL)
		}
		<-done
		t.Logf("%s: pm %s killed at %s (killed: %v)", name, shellJoin(v.args), point, killed)
		e.repair(name + " at " + point)
		// Processes killed by the repair take a moment to go.
		deadline := time.Now().Add(10 * time.Second)
		for len(extra(base.procs, e.crashProcs())) > 0 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		now := e.snapshot()
		for _, h := range held {
			if _, err := os.Lstat(h); err == nil {
				t.Errorf("%s: pm %s killed at %s: its temporary %s is left after the repair", name, shellJoin(v.args), point, h)
			}
		}
		base.compare(now, func(what string, x []string) {
			t.Errorf("%s: pm %s killed at %s: %s left after the repair: %q", name, shellJoin(v.args), point, what, x)
		})
	}
}

// repair waits for what the killed command started to finish on its own
// (a build's reaper, exit commands), then runs the repairing commands.
func (e *Env) repair(what string) {
	e.t.Helper()
	e.waitFor(60*time.Second, "the helpers of the killed command to finish ("+what+")", func() bool {
		for _, p := range e.crashProcs() {
			if strings.Contains(p, " build-reaper") || strings.Contains(p, " container cleanup ") {
				return false
			}
		}
		return true
	})
	e.PMOK("ps", "-a")
	e.PMOK("rm", "-af", "-t", "0")
	e.PMOK("system", "prune", "-af", "--volumes")
	e.waitFor(30*time.Second, "the exit commands of the removed containers to finish", func() bool {
		for _, p := range e.crashProcs() {
			if strings.Contains(p, " container cleanup ") {
				return false
			}
		}
		return true
	})
}

// baseline is the environment with its pause process and empty storage.
func (e *Env) baseline() leftovers {
	e.t.Helper()
	e.PMOK("images")
	e.PMOK("ps", "-a")
	return e.snapshot()
}

// holdsTemp reports whether the environment's pm process that runs has
// temporary files open.
func holdsTemp(e *Env) bool {
	for _, p := range listProcs() {
		if p.comm == "pm" && p.hasEnv("XDG_RUNTIME_DIR="+e.RuntimeDir) && len(e.heldTemps(p.pid)) > 0 {
			return true
		}
	}
	return false
}

// newLayer reports whether a layer directory appeared since the setup.
func newLayer(before *[]string) func(env *Env) bool {
	return func(env *Env) bool { return len(extra(*before, env.layerDirs())) > 0 }
}

func TestCrashCreate(t *testing.T) {
	env := crashEnv(t)
	base := env.baseline()
	var layers []string
	env.crashAndRepair("create", crashVerb{
		setup: func(e *Env) { e.pull("busybox"); layers = e.layerDirs() },
		args:  []string{"create", "--name", "c", "busybox", "true"},
		mid:   newLayer(&layers), what: "its layer exists",
	}, base)
}

func TestCrashRun(t *testing.T) {
	env := crashEnv(t)
	base := env.baseline()
	var layers []string
	env.crashAndRepair("run", crashVerb{
		setup: func(e *Env) { e.pull("busybox"); layers = e.layerDirs() },
		args:  []string{"run", "-d", "--name", "r", "-p", "127.0.0.1::80", "busybox", "sleep", "300"},
		mid:   newLayer(&layers), what: "its layer exists",
	}, base)
}

func TestCrashStart(t *testing.T) {
	env := crashEnv(t)
	base := env.baseline()
	env.crashAndRepair("start", crashVerb{
		setup: func(e *Env) {
			e.pull("busybox")
			e.PMOK("create", "--name", "s", "busybox", "sleep", "300")
		},
		args: []string{"start", "s"},
		mid:  func(e *Env) bool { return len(e.conmons()) > 0 }, what: "its conmon runs",
	}, base)
}

func TestCrashRemove(t *testing.T) {
	env := crashEnv(t)
	base := env.baseline()
	env.crashAndRepair("rm", crashVerb{
		setup: func(e *Env) {
			e.pull("busybox")
			e.PMOK("run", "-d", "--name", "d", "busybox", "sleep", "300")
		},
		args: []string{"rm", "-f", "-t", "0", "d"},
		mid:  func(e *Env) bool { return len(e.conmons()) == 0 }, what: "its conmon is gone",
	}, base)
}

func TestCrashLoad(t *testing.T) {
	env := crashEnv(t)
	base := env.baseline()
	env.crashAndRepair("load", crashVerb{
		args: []string{"load", "-i", Fixture("busybox.docker.tar")},
		mid:  holdsTemp, what: "it has temporary files",
	}, base)
}

func TestCrashPull(t *testing.T) {
	env := crashEnv(t)
	base := env.baseline()
	env.crashAndRepair("pull", crashVerb{
		args: []string{"pull", "busybox"},
		mid:  holdsTemp, what: "it has temporary files",
	}, base)
}

func TestCrashBuild(t *testing.T) {
	env := crashEnv(t)
	base := env.baseline()
	dir := env.Path("ctx")
	env.Exec("mkdir", "-p", dir)
	cf := "FROM busybox\nRUN head -c 3000000 /dev/urandom > /a\nRUN echo done > /b\n"
	if err := os.WriteFile(filepath.Join(dir, "Containerfile"), []byte(cf), 0o644); err != nil {
		t.Fatal(err)
	}
	env.crashAndRepair("build", crashVerb{
		setup: func(e *Env) { e.pull("busybox") },
		args:  []string{"build", "-t", "built", dir},
		mid: func(e *Env) bool {
			s, _ := os.ReadFile(filepath.Join(e.graphRoot(), "overlay-containers", "containers.json"))
			return len(bytes.TrimSpace(s)) > 2
		}, what: "its step container exists",
	}, base)
}

func TestCrashCommit(t *testing.T) {
	env := crashEnv(t)
	base := env.baseline()
	var layers []string
	env.crashAndRepair("commit", crashVerb{
		setup: func(e *Env) {
			e.pull("busybox")
			e.PMOK("run", "--name", "cm", "busybox", "sh", "-c", "head -c 3000000 /dev/urandom > /big")
			layers = e.layerDirs()
		},
		args: []string{"commit", "cm", "committed"},
		mid:  newLayer(&layers), what: "its layer exists",
	}, base)
}

// TestCrashRunBridgePorts: pm run killed while it publishes ports on a
// bridge network leaves no port helper once repaired.
func TestCrashRunBridgePorts(t *testing.T) {
	env := crashEnv(t)
	// What an uninterrupted run and rm leave (netavark's aardvark.lock)
	// is no crash's doing.
	env.pull("busybox")
	env.PMOK("network", "create", "crashnet")
	env.PMOK("run", "-d", "--name", "r", "--network", "crashnet", "-p", "127.0.0.1::80", "busybox", "sleep", "300")
	env.PMOK("rm", "-f", "-t", "0", "r")
	base := env.baseline()
	env.crashAndRepair("run on a bridge", crashVerb{
		setup: func(e *Env) {
			e.pull("busybox")
			e.PMOK("network", "create", "--ignore", "crashnet")
		},
		args: []string{"run", "-d", "--name", "r", "--network", "crashnet", "-p", "127.0.0.1::80", "busybox", "sleep", "300"},
		mid:  func(e *Env) bool { return e.helperProcs()["pm-rootlessport"] > 0 }, what: "its port helper runs",
	}, base)
	// Killed while netavark attaches it: netavark dies with pm, and what
	// it did is undone by the repair.
	pending := filepath.Join(env.RuntimeDir, "pm", "netns", "bridge-pending")
	env.crashAndRepair("run on a bridge", crashVerb{
		setup: func(e *Env) {
			e.pull("busybox")
			e.PMOK("network", "create", "--ignore", "crashnet")
		},
		args: []string{"run", "-d", "--name", "r", "--network", "crashnet", "-p", "127.0.0.1::80", "busybox", "sleep", "300"},
		mid: func(e *Env) bool {
			ents, _ := os.ReadDir(pending)
			return len(ents) > 0
		}, what: "netavark attaches it",
	}, base)
}

// TestCrashImageWithoutManifest: an image record a killed writer left
// without its manifest (storage saves the record with each of its items)
// is removed with its layers by system prune, which succeeds (it failed
// on reading the image).
func TestCrashImageWithoutManifest(t *testing.T) {
	env := crashEnv(t)
	env.pull("busybox")
	env.PMOK("run", "--name", "cm", "busybox", "sh", "-c", "echo x > /x")
	id := strings.TrimSpace(env.PMOK("commit", "-q", "cm", "half").Stdout)
	env.PMOK("rm", "cm")
	// Take the manifest out of the record, as a kill between storage's
	// writes of the image's items leaves it.
	path := filepath.Join(env.graphRoot(), "overlay-images", "images.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var recs []map[string]any
	if err := json.Unmarshal(b, &recs); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range recs {
		if r["id"] != id {
			continue
		}
		var keep []any
		for _, n := range r["big-data-names"].([]any) {
			if !strings.HasPrefix(n.(string), "manifest") {
				keep = append(keep, n)
			}
		}
		r["big-data-names"], found = keep, true
	}
	if !found {
		t.Fatalf("image %s not in %s", id, path)
	}
	if b, err = json.Marshal(recs); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	// And the items' files ("manifest", and "manifest-DIGEST" as storage
	// encodes that name).
	items, _ := filepath.Glob(filepath.Join(env.graphRoot(), "overlay-images", id, "*"))
	for _, f := range items {
		if n := filepath.Base(f); n == "manifest" || strings.HasPrefix(n, "="+base64.StdEncoding.EncodeToString([]byte("manifest-"))[:12]) {
			os.Remove(f)
		}
	}
	env.PM("image", "inspect", "half").ExpectError(t, 125, "manifest")
	env.PMOK("system", "prune", "-af")
	if env.PM("image", "exists", "half").Code != 1 {
		t.Errorf("the incomplete image %s outlived system prune", id)
	}
	if out := env.PMOK("images", "-aq").Stdout; out != "" {
		t.Errorf("images left after system prune -af: %q", out)
	}
}

// TestCrashSlirpStart: slirp4netns lives as long as whoever holds its
// exit pipe: the pm that starts it, then the container's conmon. With a
// slirp4netns the containers.conf names, one that records its pid and,
// when told, SIGKILLs the pm that started it and removes the pid file pm
// may have written (as when pm is killed between starting slirp4netns
// and recording it) before it runs the real one: a run that is not
// killed leaves slirp4netns running with the container; a conmon killed
// takes its slirp4netns with it; and after a pm killed while
// slirp4netns starts, slirp4netns runs only while a conmon does, and the
// repair leaves none.
func TestCrashSlirpStart(t *testing.T) {
	env := crashEnv(t)
	real, err := exec.LookPath("slirp4netns")
	if err != nil {
		t.Skip("slirp4netns is not installed")
	}
	env.pull("busybox")
	base := env.baseline()
	pidFile, killFlag := env.Path("slirp.pid"), env.Path("kill-pm")
	wrapper := env.Path("slirp-wrapper")
	script := `#!/bin/sh
if [ -e ` + killFlag + ` ]; then
	pm=$PPID
	kill -9 $pm
	while [ -e /proc/$pm ] && ! grep -q ') Z' /proc/$pm/stat; do sleep 0.01; done
	find "$XDG_RUNTIME_DIR" -name '*.slirp.pid' -delete
fi
echo $$ > ` + pidFile + `
exec ` + real + ` "$@"
`
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	env.writeContainersConf(t, "[engine]\nnetwork_cmd_path = \""+wrapper+"\"\n")
	slirpPid := func() int {
		b, err := os.ReadFile(pidFile)
		if err != nil {
			return 0
		}
		pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
		return pid
	}
	isSlirp := func(pid int) bool {
		exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
		return pid > 0 && exe == real
	}

	env.PMOK("run", "-d", "--name", "s", "--network", "slirp4netns", "busybox", "sleep", "300")
	pid := slirpPid()
	if !isSlirp(pid) {
		t.Fatalf("after run -d: slirp4netns (pid %d) does not run", pid)
	}
	// The pipe goes to conmon, not on into the container.
	if got := env.PMOK("exec", "s", "ls", "/proc/1/fd").Stdout; got != "0\n1\n2\n" {
		t.Errorf("the container's fds: %q, want 0 1 2", got)
	}
	conmon, _ := strconv.Atoi(strings.TrimSpace(env.PMOK("inspect", "--format", "{{.State.ConmonPid}}", "s").Stdout))
	if conmon <= 0 {
		t.Fatalf("conmon pid %d", conmon)
	}
	syscall.Kill(conmon, syscall.SIGKILL)
	env.waitFor(10*time.Second, "slirp4netns to end with the conmon killed", func() bool { return !isSlirp(pid) })
	env.PMOK("rm", "-f", "-t", "0", "s")
	os.Remove(pidFile)

	if err := os.WriteFile(killFlag, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := env.command("run", "-d", "--name", "s", "--network", "slirp4netns", "busybox", "sleep", "300")
	out, err := cmd.CombinedOutput()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("pm run: %v, want it killed by its slirp4netns\n%s", err, out)
	}
	env.waitFor(10*time.Second, "the wrapper to run slirp4netns", func() bool { return slirpPid() > 0 })
	pid = slirpPid()
	// The conmon pm may have started meanwhile holds the pipe; without
	// one, slirp4netns ends on its own.
	env.waitFor(10*time.Second, "the slirp4netns of the killed pm to end, or a conmon to hold it", func() bool {
		return !isSlirp(pid) || env.helperProcs()["conmon"] > 0
	})
	t.Logf("after the kill: slirp4netns runs: %v, conmons: %d", isSlirp(pid), env.helperProcs()["conmon"])
	env.writeContainersConf(t, "")
	env.repair("run killed while slirp4netns started")
	base.compare(env.snapshot(), func(what string, x []string) {
		t.Errorf("%s left after the repair: %q", what, x)
	})
}

// TestCrashRuntimeCreate: a pm killed while conmon's runtime creates the
// container (slow on the loaded machine of a CI run) leaves crun's
// container process, which carries crun's create command line and waits
// for a start forever, when the runtime state that delete looks for was
// not written yet as the repair ran. The wrapper here has the real crun
// create the container with its state elsewhere, then holds the create
// until the test lets it go.
func TestCrashRuntimeCreate(t *testing.T) {
	env := crashEnv(t)
	real, err := exec.LookPath("crun")
	if err != nil {
		t.Skip("crun is not installed")
	}
	env.pull("busybox")
	base := env.baseline()
	dir := env.Path("rt")
	if err := os.MkdirAll(filepath.Join(dir, "state"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o777)
	os.Chmod(filepath.Join(dir, "state"), 0o777)
	t.Cleanup(func() { os.RemoveAll(dir) })
	mark, gate, wrapper := filepath.Join(dir, "created"), filepath.Join(dir, "gate"), filepath.Join(dir, "crun")
	if err := syscall.Mkfifo(gate, 0o666); err != nil {
		t.Fatal(err)
	}
	os.Chmod(gate, 0o666)
	script := `#!/bin/sh
case " $* " in
*" create "*)
	[ "$1" = --root ] && shift 2
	` + real + ` --root ` + filepath.Join(dir, "state") + ` "$@" || exit 1
	: > ` + mark + `
	read -r _ < ` + gate + `
	exit 1;;
esac
exec ` + real + ` "$@"
`
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := env.command("--runtime", wrapper, "run", "-d", "--name", "c", "busybox", "sleep", "300")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	env.waitFor(30*time.Second, "the runtime to create the container", func() bool {
		_, err := os.Stat(mark)
		return err == nil
	})
	syscall.Kill(cmd.Process.Pid, syscall.SIGKILL)
	cmd.Wait()
	env.repair("run killed while the runtime created the container")
	// A wrapper still waiting at the gate has a reader on it.
	if f, err := os.OpenFile(gate, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		t.Errorf("the runtime's create still runs after the repair")
		f.Write([]byte("go\n"))
		f.Close()
	}
	base.compare(env.snapshot(), func(what string, x []string) {
		t.Errorf("%s left after the repair: %q", what, x)
	})
}

// TestPartialExitFile: the half-written exit file a conmon killed while
// writing it leaves (ID.XXXXXX; conmon writes it under another name and
// renames it) goes with its container, and the orphan sweep takes one
// whose container is gone.
func TestPartialExitFile(t *testing.T) {
	env := crashEnv(t)
	env.pull("busybox")
	id := strings.TrimSpace(env.PMOK("create", "--network", "none", "busybox", "true").Stdout)
	partial := filepath.Join(env.pmRunDir(), "exits", id+".AbC123")
	env.oldFile(partial, false)
	env.PMOK("rm", id)
	if _, err := os.Lstat(partial); !os.IsNotExist(err) {
		t.Errorf("%s left after rm: %v", partial, err)
	}
	gone := strings.Repeat("ab", 32)
	orphan := filepath.Join(env.pmRunDir(), "exits", gone+".XyZ789")
	env.oldFile(orphan, false)
	env.PMOK("system", "prune", "-f")
	if _, err := os.Lstat(orphan); !os.IsNotExist(err) {
		t.Errorf("%s of no container left after system prune: %v", orphan, err)
	}
}
