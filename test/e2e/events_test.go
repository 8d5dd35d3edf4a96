package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// events runs pm events over the recorded events with a format and
// filters, and returns its lines.
func (e *Env) events(format string, filters ...string) []string {
	e.t.Helper()
	args := []string{"events", "--stream=false", "--format", format}
	for _, f := range filters {
		args = append(args, "--filter", f)
	}
	return e.PMOK(args...).Lines()
}

// inOrder reports whether want appears in got in that order, other
// lines between.
func inOrder(got, want []string) bool {
	i := 0
	for _, g := range got {
		if i < len(want) && g == want[i] {
			i++
		}
	}
	return i == len(want)
}

// lockedBuffer is a bytes.Buffer that a process writes while the test
// reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// follow starts `pm events ARGS` in the background as the environment's
// user; the returned buffer fills with its output, and stop ends it.
func (e *Env) follow(args ...string) (out *lockedBuffer, stop func()) {
	e.t.Helper()
	return e.background(pmBinary, append(append(append([]string{}, e.globalArgs...), "events"), args...)...)
}

// background starts a program in the background as the environment's
// user; the returned buffer fills with its output, and stop ends it.
func (e *Env) background(bin string, args ...string) (out *lockedBuffer, stop func()) {
	e.t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = e.environ()
	cmd.Dir = e.Dir
	out = &lockedBuffer{}
	var stderr lockedBuffer
	cmd.Stdout, cmd.Stderr = out, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if isRoot && !e.root {
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: uint32(e.User.UID), Gid: uint32(e.User.GID), Groups: []uint32{}}
	}
	if err := cmd.Start(); err != nil {
		e.t.Fatalf("starting %s: %v", bin, err)
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			_ = cmd.Wait()
			if s := stderr.String(); s != "" {
				e.t.Logf("%s %s: stderr: %s", filepath.Base(bin), shellJoin(args), s)
			}
		})
	}
	e.t.Cleanup(stop)
	return out, stop
}

// TestEventsPod: pod verbs record pod events (create, start, pause,
// unpause, stop, kill, remove) with the pod's ID and name, found by
// type=pod and pod=NAME or ID; the members record their own container
// events; JSON output has Podman's keys.
func TestEventsPod(t *testing.T) {
	env := podEnv(t)
	podID := strings.TrimSpace(env.PMOK("pod", "create", "--name", "evpod").Stdout)
	env.PMOK("create", "--pod", "evpod", "--name", "evm", "busybox", "sleep", "1000")
	env.PMOK("pod", "start", "evpod")
	want := []string{"create", "start"}
	if res := env.PM("pod", "pause", "evpod"); res.Code != 0 {
		res.ExpectError(t, 125, "cgroup") // rootless on cgroup v1
	} else {
		env.PMOK("pod", "unpause", "evpod")
		want = append(want, "pause", "unpause")
	}
	env.PMOK("pod", "stop", "-t", "0", "evpod")
	env.PMOK("pod", "start", "evpod")
	env.PMOK("pod", "kill", "evpod")
	env.waitFor(10*time.Second, "pod exited", func() bool {
		return env.PMOK("pod", "ps", "--format", "{{.Status}}").Stdout == "Exited\n"
	})
	env.PMOK("pod", "rm", "evpod")
	want = append(want, "stop", "start", "kill", "remove")

	var wantLines []string
	for _, a := range want {
		wantLines = append(wantLines, a+" evpod "+podID)
	}
	const f = "{{.Status}} {{.Name}} {{.ID}}"
	for _, filter := range []string{"type=pod", "pod=evpod", "pod=" + podID[:12]} {
		if got := env.events(f, filter); strings.Join(got, "\n") != strings.Join(wantLines, "\n") {
			t.Errorf("events --filter %s:\n%s\nwant:\n%s", filter, strings.Join(got, "\n"), strings.Join(wantLines, "\n"))
		}
	}
	if got := env.events(f, "pod=nosuchpod"); len(got) != 0 {
		t.Errorf("events --filter pod=nosuchpod: %q", got)
	}
	// The default line and the JSON of a pod event.
	if got := env.events("", "pod=evpod", "event=create"); len(got) != 1 || !strings.HasSuffix(got[0], " pod create "+podID+" (name=evpod)") {
		t.Errorf("default format: %q", got)
	}
	js := env.events("json", "pod=evpod", "event=remove")
	var ev map[string]any
	if len(js) != 1 {
		t.Fatalf("json: %q", js)
	}
	decodeJSON(t, js[0], &ev)
	if ev["Type"] != "pod" || ev["Status"] != "remove" || ev["Name"] != "evpod" || ev["ID"] != podID || ev["Time"] == nil || ev["TimeNano"] == nil {
		t.Errorf("json of a pod event: %s", js[0])
	}
	if _, ok := ev["Image"]; ok {
		t.Errorf("json of a pod event has an Image: %s", js[0])
	}
	// The member and the infra container record their own events.
	ctr := env.events("{{.Status}}", "container=evm")
	if !inOrder(ctr, []string{"create", "start", "stop", "start", "kill", "remove"}) {
		t.Errorf("events of the pod's member: %q", ctr)
	}
	gone := env.events("{{.Name}}", "type=container", "event=remove")
	if !contains(gone, "evm") || !contains(gone, podID[:12]+"-infra") {
		t.Errorf("containers removed with the pod: %q", gone)
	}
}

// TestEventsAnonymousVolumes: volumes made implicitly (-v /dir, an
// image's VOLUME, a named volume on first use) record their create, and
// their removal by rm -v, --rm (at exit or by rm -f) records remove;
// volume create, rm and prune record theirs.
func TestEventsAnonymousVolumes(t *testing.T) {
	env := ctrEnv(t, "busybox", "volimg")
	volOf := func(ctr, dest string) string {
		t.Helper()
		for _, m := range env.ctrMounts(ctr) {
			if m.Destination == dest {
				return m.Name
			}
		}
		t.Fatalf("%s has no volume at %s", ctr, dest)
		return ""
	}
	env.PMOK("create", "--name", "anon1", "-v", "/data", "busybox", "true")
	a1 := volOf("anon1", "/data")
	env.PMOK("rm", "-v", "anon1")

	env.runID("--rm", "--name", "anon2", "volimg", "sleep", "1000")
	var a2 []string
	for _, m := range env.ctrMounts("anon2") {
		if m.Type == "volume" {
			a2 = append(a2, m.Name)
		}
	}
	if len(a2) == 0 {
		t.Fatalf("volimg gave anon2 no volume")
	}
	env.PMOK("stop", "-t", "0", "anon2") // --rm: the exit's cleanup removes it
	env.waitFor(10*time.Second, "anon2's volumes removed", func() bool {
		return len(env.events("{{.Name}}", "type=volume", "event=remove", "volume="+a2[len(a2)-1])) == 1
	})

	env.runID("--rm", "--name", "anon3", "-v", "/x", "busybox", "sleep", "1000")
	a3 := volOf("anon3", "/x")
	env.PMOK("rm", "-f", "-t", "0", "anon3")

	env.PMOK("run", "--rm", "-v", "firstuse:/d", "busybox", "true")
	env.waitFor(10*time.Second, "firstuse unused", func() bool {
		return env.PM("volume", "rm", "firstuse").Code == 0
	})
	env.PMOK("volume", "create", "pv1")
	env.PMOK("volume", "prune", "-f")

	got := env.events("{{.Status}} {{.Name}}", "type=volume")
	want := []string{"create " + a1, "remove " + a1}
	for _, v := range a2 {
		want = append(want, "create "+v)
	}
	for _, v := range a2 {
		want = append(want, "remove "+v)
	}
	// Podman's prune event for each volume, then Docker's for the prune.
	want = append(want, "create "+a3, "remove "+a3, "create firstuse", "remove firstuse", "create pv1", "remove pv1", "prune pv1", "prune ")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("volume events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Docker's word finds Podman's, and rm -v recorded the container's
	// removal too.
	if d := env.events("{{.Name}}", "type=volume", "event=destroy", "volume="+a1); len(d) != 1 {
		t.Errorf("event=destroy for volume %s: %q", a1, d)
	}
	if d := env.events("{{.Status}}", "container=anon1", "event=remove"); strings.Join(d, ",") != "remove" {
		t.Errorf("rm -v container event: %q", d)
	}
}

// TestEventsNetworkRemove: network rm -f records the removal of the
// containers it removes, then the network's; network prune records each
// network it removes, then the prune.
func TestEventsNetworkRemove(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("network", "create", "evnet")
	env.PMOK("create", "--network", "evnet", "--name", "evn1", "busybox", "true")
	env.PMOK("create", "--network", "evnet", "--name", "evn2", "busybox", "true")
	if res := env.PM("network", "rm", "evnet"); res.Code == 0 || !strings.Contains(res.Stderr, "is being used") {
		t.Errorf("network rm of a network in use: %s", res)
	}
	env.PMOK("network", "rm", "-f", "evnet")
	env.PMOK("network", "create", "evp1")
	env.PMOK("network", "create", "evp2")
	env.PMOK("network", "prune", "-f")

	got := env.events("{{.Type}} {{.Status}} {{.Name}}", "type=network")
	want := []string{"network create evnet", "network remove evnet", "network create evp1", "network create evp2"}
	if !inOrder(got, want) || len(got) != 7 || !contains(got, "network remove evp1") || !contains(got, "network remove evp2") ||
		got[6] != "network prune " {
		t.Errorf("network events:\n%s", strings.Join(got, "\n"))
	}
	all := env.events("{{.Type}} {{.Status}} {{.Name}}")
	for _, c := range []string{"evn1", "evn2"} {
		if !inOrder(all, []string{"container remove " + c, "network remove evnet"}) {
			t.Errorf("no removal of %s before the network's in\n%s", c, strings.Join(all, "\n"))
		}
	}
}

// TestEventsRotation: with a small events_logfile_max_size the journal
// is rotated, keeping the newest events and a log-rotation event, and a
// follower sees every event once across the rotations.
func TestEventsRotation(t *testing.T) {
	env := newEnv(t)
	conf := filepath.Join(env.ConfigHome, "containers", "containers.conf")
	if err := os.WriteFile(conf, []byte("[engine]\nevents_logfile_max_size = \"4k\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	journal := filepath.Join(env.RuntimeDir, "pm", "events", "events.log")

	// --since: the follower may read the journal only after vstart is made.
	out, stop := env.follow("--since", unixNano(time.Now()), "--filter", "type=volume", "--format", "{{.Status}} {{.Name}}")
	env.PMOK("volume", "create", "vstart")
	env.waitFor(30*time.Second, "the follower", func() bool { return strings.Contains(out.String(), "create vstart\n") })
	want := []string{"create vstart"}
	const n = 40
	for i := 0; i < n; i++ {
		v := fmt.Sprintf("v%02d", i)
		env.PMOK("volume", "create", v)
		env.PMOK("volume", "rm", v)
		want = append(want, "create "+v, "remove "+v)
	}
	env.waitFor(30*time.Second, "the follower to see the last event", func() bool {
		return strings.HasSuffix(out.String(), fmt.Sprintf("remove v%02d\n", n-1))
	})
	stop()
	if got := strings.TrimSuffix(out.String(), "\n"); got != strings.Join(want, "\n") {
		t.Errorf("follower across rotations:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}

	fi, err := os.Stat(journal)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() > 4000 {
		t.Errorf("journal of %d bytes, cap 4000", fi.Size())
	}
	past := env.PMOK("events", "--stream=false").Lines()
	if len(past) == 0 || !strings.Contains(strings.Join(past, "\n"), " system log-rotation "+journal) {
		t.Errorf("no log-rotation event in\n%s", strings.Join(past, "\n"))
	}
	vols := env.events("{{.Status}} {{.Name}}", "type=volume")
	if contains(vols, "create vstart") || !contains(vols, fmt.Sprintf("remove v%02d", n-1)) {
		t.Errorf("after rotation, volume events:\n%s", strings.Join(vols, "\n"))
	}
	var rot map[string]any
	js := env.events("json", "type=system")
	if len(js) == 0 {
		t.Fatal("no system event")
	}
	decodeJSON(t, js[len(js)-1], &rot)
	if rot["Status"] != "log-rotation" || rot["Name"] != journal {
		t.Errorf("log-rotation event: %s", js[len(js)-1])
	}

	// A size that does not parse is an error naming the key.
	if err := os.WriteFile(conf, []byte("[engine]\nevents_logfile_max_size = \"lots\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env.PM("volume", "ls").ExpectError(t, 125, "events_logfile_max_size")
}

// TestEventsBackendNone: --events-backend none records nothing, and
// reading events is then an error.
func TestEventsBackendNone(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("--events-backend", "none", "create", "--name", "quiet", "busybox", "true")
	if out := env.PMOK("events", "--stream=false", "--filter", "container=quiet").Stdout; out != "" {
		t.Errorf("events of a container created with the none backend: %q", out)
	}
	env.PM("--events-backend", "none", "events", "--stream=false").ExpectError(t, 125, `cannot read events with the "none" backend`)
}

// TestEventsLineShape: the default line puts image and name first, as
// Podman's; --no-trunc=false shortens IDs; status= is event='s old name.
func TestEventsLineShape(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("run", "--rm", "--name", "shape", "--label", "zz=1", "busybox", "true")
	lines := env.PMOK("events", "--stream=false", "--no-trunc=false", "--filter", "status=died", "--filter", "container=shape").Lines()
	if len(lines) != 1 {
		t.Fatalf("one die event expected: %q", lines)
	}
	f := strings.Fields(lines[0])
	if len(f) < 8 || len(f[6]) != 12 || !strings.HasPrefix(f[7], "(image=") || !strings.HasPrefix(f[8], "name=shape,") {
		t.Errorf("event line %q", lines[0])
	}
}

// TestEventsDiedOnce: a container's exit is in the journal, once, by the
// time the pm that ended it returns — whether conmon's exit command, the
// waiting run --rm, stop or rm -f handled it — and before its removal.
func TestEventsDiedOnce(t *testing.T) {
	env := ctrEnv(t)
	if r := env.PM("run", "--rm", "--name", "gone", "busybox", "sh", "-c", "exit 3"); r.Code != 3 {
		t.Fatalf("run --rm exit 3: %v", r)
	}
	got := env.events(`{{.Status}} {{index .Attributes "exitCode"}}`, "container=gone")
	if want := []string{"died 3", "remove "}; !inOrder(got, want) || count(got, "died 3") != 1 {
		t.Errorf("run --rm events %q, want %q with one died", got, want)
	}

	env.PMOK("run", "-d", "--name", "stopped", "busybox", "sleep", "60")
	env.PMOK("stop", "-t", "0", "stopped")
	got = env.events("{{.Status}}", "container=stopped")
	if !inOrder(got, []string{"start", "died", "stop"}) || count(got, "died") != 1 {
		t.Errorf("stop events %q", got)
	}

	env.PMOK("run", "-d", "--name", "forced", "busybox", "sleep", "60")
	env.PMOK("rm", "-f", "-t", "0", "forced")
	got = env.events("{{.Status}}", "container=forced")
	if !inOrder(got, []string{"start", "died", "remove"}) || count(got, "died") != 1 {
		t.Errorf("rm -f events %q", got)
	}
}

func count(lines []string, s string) int {
	n := 0
	for _, l := range lines {
		if l == s {
			n++
		}
	}
	return n
}

// unixNano is t as a Unix timestamp with nanoseconds, the form --since
// and --until take.
func unixNano(t time.Time) string { return fmt.Sprintf("%d.%09d", t.Unix(), t.Nanosecond()) }
