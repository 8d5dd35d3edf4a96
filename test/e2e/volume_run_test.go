package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// ctrMounts is the Mounts part of pm inspect's JSON.
type ctrMount struct {
	Type, Name, Source, Destination string
	RW                              bool
}

func (e *Env) ctrMounts(name string) []ctrMount {
	e.t.Helper()
	var out []struct{ Mounts []ctrMount }
	decodeJSON(e.t, e.PMOK("inspect", "--type", "container", name).Stdout, &out)
	if len(out) != 1 {
		e.t.Fatalf("inspect %s: %d entries", name, len(out))
	}
	return out[0].Mounts
}

func TestVolumeNamedFirstUseAndSurvival(t *testing.T) {
	env := ctrEnv(t, "busybox", "volimg")
	// Created on first use, with the image's content copied up.
	env.PMOK("run", "--name", "w", "-v", "vdata:/data", "volimg", "sh", "-c", "echo kept > /data/new")
	env.PMOK("volume", "exists", "vdata")
	ms := env.ctrMounts("w")
	found := false
	for _, m := range ms {
		if m.Destination == "/data" {
			found = true
			if m.Type != "volume" || m.Name != "vdata" || !m.RW || !strings.HasSuffix(m.Source, "/vdata/_data") {
				t.Errorf("inspect mount: %+v", m)
			}
		}
	}
	if !found {
		t.Errorf("inspect lists no /data mount: %+v", ms)
	}
	if env.inspectVolume("vdata").NeedsCopyUp {
		t.Error("NeedsCopyUp still set after first use")
	}
	// In use: refused without -f (exit 2, as Podman), nothing lost.
	r := env.PM("volume", "rm", "vdata")
	if r.Code != 2 || !strings.Contains(r.Stderr, "is being used") {
		t.Errorf("volume rm of a used volume: exit %d, %s", r.Code, r.Stderr)
	}
	env.PMOK("rm", "w")
	// Survives its container; copy-up happened once (seed stays deleted).
	env.PMOK("run", "--rm", "-v", "vdata:/data", "volimg", "rm", "/data/seed")
	if got := env.PMOK("run", "--rm", "-v", "vdata:/data", "volimg", "ls", "/data").Stdout; got != "new\n" {
		t.Errorf("volume content after rm of writers: %q", got)
	}
	// A second volume gets the image content; nocopy skips it.
	if got := env.PMOK("run", "--rm", "-v", "v2:/data", "volimg", "cat", "/data/seed").Stdout; got != "seed\n" {
		t.Errorf("copy-up: %q", got)
	}
	if got := env.PMOK("run", "--rm", "-v", "v3:/data:nocopy", "volimg", "ls", "/data").Stdout; got != "" {
		t.Errorf("nocopy: %q", got)
	}
	// Read-only.
	expectExit(t, env.PM("run", "--rm", "-v", "vdata:/data:ro", "busybox", "touch", "/data/x"), 1, "Read-only")

	// Still there after pm system migrate and after the pause process is killed.
	env.PMOK("system", "migrate")
	if !contains(env.volumeNames(), "vdata") {
		t.Fatal("volume gone after system migrate")
	}
	if pid := env.PausePID(); pid > 0 {
		syscall.Kill(pid, syscall.SIGKILL)
	}
	if !contains(env.volumeNames(), "vdata") {
		t.Fatal("volume gone after the pause process was killed")
	}
	if got := env.PMOK("run", "--rm", "-v", "vdata:/data", "busybox", "cat", "/data/new").Stdout; got != "kept\n" {
		t.Errorf("data after the pause process was killed: %q", got)
	}
	env.PMOK("volume", "rm", "vdata", "v2", "v3")
}

func TestVolumeAnonymous(t *testing.T) {
	env := ctrEnv(t, "busybox", "volimg")
	// The image's VOLUME and -v /path make anonymous volumes.
	env.PMOK("create", "--name", "a", "-v", "/scratch", "volimg", "true")
	vols := env.volumeNames("--filter", "anonymous=true")
	if len(vols) != 2 {
		t.Fatalf("anonymous volumes: %q", vols)
	}
	for _, m := range env.ctrMounts("a") {
		if m.Type != "volume" || !ctrIDRe.MatchString(m.Name) {
			t.Errorf("mount %+v", m)
		}
	}
	if got := env.PMOK("start", "-a", "a").Stdout; got != "" {
		t.Errorf("start: %q", got)
	}
	env.PMOK("rm", "-v", "a")
	if got := env.volumeNames(); len(got) != 0 {
		t.Errorf("rm -v left volumes: %q", got)
	}
	// --rm removes them too; rm without -v keeps them.
	if got := env.PMOK("run", "--rm", "volimg", "cat", "/data/seed").Stdout; got != "seed\n" {
		t.Errorf("image VOLUME copy-up: %q", got)
	}
	if got := env.volumeNames(); len(got) != 0 {
		t.Errorf("--rm left volumes: %q", got)
	}
	env.PMOK("run", "--name", "b", "volimg", "true")
	env.PMOK("rm", "b")
	if got := env.volumeNames(); len(got) != 1 {
		t.Errorf("rm without -v: volumes %q", got)
	}
	env.PMOK("volume", "prune", "-f")
	if got := env.volumeNames(); len(got) != 0 {
		t.Errorf("prune left %q", got)
	}
}

func TestVolumeMountFlag(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("run", "--rm", "--mount", "type=volume,source=mv,target=/m", "busybox", "sh", "-c", "echo x > /m/f")
	if got := env.PMOK("run", "--rm", "--mount", "type=volume,src=mv,dst=/m,readonly", "busybox", "sh", "-c", "cat /m/f; touch /m/g 2>/dev/null || echo ro").Stdout; got != "x\nro\n" {
		t.Errorf("--mount readonly volume: %q", got)
	}
	// volume-opt makes a tmpfs volume.
	if got := env.PMOK("run", "--rm", "--mount", "type=volume,source=tv,target=/t,volume-opt=type=tmpfs,volume-opt=o=size=1m", "busybox", "sh", "-c", "grep ' /t ' /proc/mounts | cut -d' ' -f3").Stdout; got != "tmpfs\n" {
		t.Errorf("tmpfs volume: %q", got)
	}
	if v := env.inspectVolume("tv"); v.Options["type"] != "tmpfs" {
		t.Errorf("tmpfs volume options: %+v", v.Options)
	}
	dir := env.Path("bindsrc")
	os.Mkdir(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "hello"), []byte("hi\n"), 0o644)
	if isRoot {
		os.Chown(dir, env.User.UID, env.User.GID)
	}
	if got := env.PMOK("run", "--rm", "--mount", "type=bind,source="+dir+",target=/b", "busybox", "cat", "/b/hello").Stdout; got != "hi\n" {
		t.Errorf("bind: %q", got)
	}
	if got := env.PMOK("run", "--rm", "--mount", "type=tmpfs,target=/tm", "busybox", "sh", "-c", "grep ' /tm ' /proc/mounts | cut -d' ' -f3").Stdout; got != "tmpfs\n" {
		t.Errorf("tmpfs mount: %q", got)
	}
	if got := env.PMOK("run", "--rm", "--mount", "type=devpts,target=/dev/pts2", "busybox", "sh", "-c", "grep ' /dev/pts2 ' /proc/mounts | cut -d' ' -f3").Stdout; got != "devpts\n" {
		t.Errorf("devpts mount: %q", got)
	}
	// A bind volume (-o type=none,o=bind,device=).
	env.PMOK("volume", "create", "-o", "type=none", "-o", "o=bind", "-o", "device="+dir, "bv")
	if got := env.PMOK("run", "--rm", "-v", "bv:/bv", "busybox", "cat", "/bv/hello").Stdout; got != "hi\n" {
		t.Errorf("bind volume: %q", got)
	}
	env.PMOK("volume", "rm", "bv")
	if _, err := os.Stat(filepath.Join(dir, "hello")); err != nil {
		t.Errorf("volume rm of a bind volume removed the device's files: %v", err)
	}
	env.PM("run", "--rm", "--mount", "type=bogus,target=/x", "busybox", "true").ExpectError(t, 125, "unknown type")
	env.PM("run", "--rm", "--mount", "type=volume,source=x,target=rel", "busybox", "true").ExpectError(t, 125, "absolute")
	env.PM("run", "--rm", "--mount", "type=volume,source=../x,target=/x", "busybox", "true").ExpectError(t, 125, "invalid volume name")
	env.PMOK("volume", "rm", "mv", "tv")
	if got := env.volumeNames(); len(got) != 0 {
		t.Errorf("left volumes %q", got)
	}
}

func TestVolumeVolumesFromAndChown(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("create", "--name", "src", "-v", "shared:/shared", "-v", "/anon", "busybox", "true")
	if got := env.PMOK("run", "--rm", "--volumes-from", "src", "busybox", "sh", "-c", "echo a > /shared/f && echo b > /anon/f && cat /shared/f /anon/f").Stdout; got != "a\nb\n" {
		t.Errorf("--volumes-from: %q", got)
	}
	expectExit(t, env.PM("run", "--rm", "--volumes-from", "src:ro", "busybox", "touch", "/shared/g"), 1, "Read-only")
	env.PM("run", "--rm", "--volumes-from", "nope", "busybox", "true").ExpectError(t, 125, "nope")
	env.PM("run", "--rm", "--volumes-from", "src:bad", "busybox", "true").ExpectError(t, 125, "--volumes-from")
	// :U owns the volume by the container's user.
	if got := env.PMOK("run", "--rm", "--user", "tuser", "-v", "uvol:/u:U", "busybox", "sh", "-c", "touch /u/x && stat -c %u:%g /u /u/x").Stdout; got != "1000:1000\n1000:1000\n" {
		t.Errorf(":U: %q", got)
	}
	env.PMOK("rm", "-v", "src")
	if got := env.volumeNames(); !equal(got, []string{"shared", "uvol"}) {
		t.Errorf("volumes after rm -v src: %q", got)
	}
	// volume rm -f removes the containers that use it.
	env.PMOK("create", "--name", "user1", "-v", "shared:/s", "busybox", "true")
	env.PMOK("volume", "rm", "-f", "shared", "uvol")
	if env.PM("container", "exists", "user1").Code != 1 {
		t.Error("volume rm -f kept the container using it")
	}
}

func TestVolumeUnreadableBind(t *testing.T) {
	if !isRoot {
		t.Skip("needs root to make a directory the test user cannot read")
	}
	env := ctrEnv(t)
	dir := env.Path("secret")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	os.Chown(dir, 0, 0)
	before := env.psIDs()
	env.PM("run", "--rm", "-v", dir+":/s", "busybox", "true").ExpectError(t, 125, "cannot read")
	env.PM("create", "--mount", "type=bind,src="+dir+",dst=/s", "busybox", "true").ExpectError(t, 125, "cannot read")
	env.expectNoNewContainers(before, "unreadable bind")
	env.PM("run", "--rm", "-v", env.Path("missing")+":/s", "busybox", "true").ExpectError(t, 125, "invalid bind mount source")
}

func TestVolumeParallelFirstUse(t *testing.T) {
	env := ctrEnv(t, "busybox", "volimg")
	var wg sync.WaitGroup
	res := make([]Result, 3)
	for i := range res {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[i] = env.PM("run", "--rm", "-v", "race:/data", "volimg", "sh", "-c", "ls /data")
		}()
	}
	wg.Wait()
	for i, r := range res {
		if r.Code != 0 {
			t.Errorf("run %d: exit %d: %s", i, r.Code, r.Stderr)
		}
	}
	if got := env.PMOK("run", "--rm", "-v", "race:/data", "busybox", "ls", "/data").Stdout; got != "seed\n" {
		t.Errorf("race volume content: %q", got)
	}
	env.PMOK("volume", "rm", "race")
}

// expectExit checks a failure of the container's command (not pm's own
// error): its exit code and a part of its stderr.
func expectExit(t *testing.T, r Result, code int, substr string) {
	t.Helper()
	if r.Code != code || !strings.Contains(r.Stderr, substr) {
		t.Errorf("pm %s: exit %d (want %d), stderr %q (want %q)", strings.Join(r.Args, " "), r.Code, code, r.Stderr, substr)
	}
}
