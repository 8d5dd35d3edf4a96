package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestVolumeChownEveryStart: a :U bind mount is owned by the container's
// user at every start; a source whose top already has that owner is left
// alone (Podman's "volume user test").
func TestVolumeChownEveryStart(t *testing.T) {
	env := ctrEnv(t)
	dir := env.userDir("udata")
	os.WriteFile(filepath.Join(dir, "test1"), nil, 0o644)
	if isRoot {
		os.Chown(filepath.Join(dir, "test1"), env.User.UID, env.User.GID)
	}
	if got := strings.TrimSpace(env.PMOK("run", "--name", "u", "--user", "1000:2000", "-v", dir+":/data:U",
		"busybox", "stat", "-c", "%u:%g", "/data").Stdout); got != "1000:2000" {
		t.Errorf("first run: /data is %s", got)
	}
	env.PMOK("unshare", "chown", "-R", "100:200", dir)
	if got := strings.TrimSpace(env.PMOK("start", "--attach", "u").Stdout); got != "1000:2000" {
		t.Errorf("start after a chown on the host: /data is %s, want 1000:2000", got)
	}
	env.PMOK("unshare", "chown", "100:200", filepath.Join(dir, "test1"))
	if got := strings.TrimSpace(env.PMOK("start", "--attach", "u").Stdout); got != "1000:2000" {
		t.Errorf("second start: /data is %s", got)
	}
	if got := strings.TrimSpace(env.PMOK("unshare", "stat", "-c", "%u:%g", filepath.Join(dir, "test1")).Stdout); got != "100:200" {
		t.Errorf("test1 was chowned again (%s) though /data had the right owner", got)
	}
	env.PMOK("unshare", "rm", "-rf", dir)
	env.PMOK("rm", "u")
}

// TestVolumeTypeBind: -o type=bind -o device=PATH is a bind volume.
func TestVolumeTypeBind(t *testing.T) {
	env := ctrEnv(t)
	dir := env.userDir("bound")
	os.WriteFile(filepath.Join(dir, "myfile"), nil, 0o644)
	if isRoot {
		os.Chown(filepath.Join(dir, "myfile"), env.User.UID, env.User.GID)
	}
	expectStderr(t, env.PM("volume", "create", "-o", "type=bind", "-o", "device=/bogus", "bv"), 125,
		`Error: invalid volume option device for driver 'local': stat /bogus: no such file or directory`)
	if got := env.volumeNames(); len(got) != 0 {
		t.Errorf("a refused volume was created: %q", got)
	}
	if got := strings.TrimSpace(env.PMOK("volume", "create", "-o", "type=bind", "-o", "device=/"+dir, "bv").Stdout); got != "bv" {
		t.Errorf("volume create: %q", got)
	}
	if got := strings.TrimSpace(env.PMOK("run", "--rm", "-v", "bv:/vol:z", "busybox", "stat", "-c", "%u:%s", "/vol/myfile").Stdout); got != "0:0" {
		t.Errorf("file of a type=bind volume: %q", got)
	}
	env.PMOK("volume", "rm", "bv")
	if _, err := os.Stat(filepath.Join(dir, "myfile")); err != nil {
		t.Errorf("volume rm touched the device: %v", err)
	}
}

// TestVolumeNeedsCopyUpKept: a first use where the image has nothing at the
// destination leaves NeedsCopyUp true; NeedsChown is cleared.
func TestVolumeNeedsCopyUpKept(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("volume", "create", "cu")
	field := func(f string) string {
		return strings.TrimSpace(env.PMOK("volume", "inspect", "--format", "{{ ."+f+" }}", "cu").Stdout)
	}
	if a, b := field("NeedsCopyUp"), field("NeedsChown"); a != "true" || b != "true" {
		t.Errorf("new volume: NeedsCopyUp %s, NeedsChown %s", a, b)
	}
	env.PMOK("run", "--rm", "-v", "cu:/vol", "busybox", "true")
	if a, b := field("NeedsCopyUp"), field("NeedsChown"); a != "true" || b != "false" {
		t.Errorf("after an empty destination: NeedsCopyUp %s (want true), NeedsChown %s (want false)", a, b)
	}
	env.PMOK("run", "--rm", "-v", "cu:/etc", "busybox", "ls", "/etc/passwd")
	if a := field("NeedsCopyUp"); a != "false" {
		t.Errorf("after /etc: NeedsCopyUp %s, want false", a)
	}
	mp := strings.TrimSpace(env.PMOK("volume", "inspect", "--format", "{{.Mountpoint}}", "cu").Stdout)
	env.PMOK("unshare", "test", "-e", mp+"/passwd")
	env.PMOK("volume", "rm", "cu")
}

// TestVolumeDuplicateDestination: two mounts at one place, in Podman's words.
func TestVolumeDuplicateDestination(t *testing.T) {
	env := ctrEnv(t)
	expectStderr(t, env.PM("run", "--rm", "-v", "dupa:/x", "-v", "dupb:/x", "busybox", "true"), 125,
		`Error: /x: duplicate mount destination`)
	if got := env.volumeNames(); len(got) != 0 {
		t.Errorf("volumes made for a refused container: %q", got)
	}
}

// TestVolumeMountCommand: pm volume mount needs pm unshare when rootless,
// and prints the volume's data directory there.
func TestVolumeMountCommand(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("volume", "create", "mv")
	env.PM("volume", "mount", "mv").ExpectError(t, 125, "cannot run command \"pm volume mount\" in rootless mode, must execute `pm unshare` first")
	env.PM("volume", "unmount", "mv").ExpectError(t, 125, "in rootless mode, must execute `pm unshare` first")
	want := strings.TrimSpace(env.PMOK("volume", "inspect", "--format", "{{.Mountpoint}}", "mv").Stdout)
	mp := strings.TrimSpace(env.PMOK("unshare", pmBinary, "volume", "mount", "mv").Stdout)
	if mp != want {
		t.Fatalf("volume mount printed %q, want %q", mp, want)
	}
	env.PMOK("unshare", "sh", "-c", "echo mytext > "+mp+"/myfile")
	if got := env.PMOK("run", "--rm", "-v", "mv:/vol:z", "busybox", "cat", "/vol/myfile").Stdout; got != "mytext\n" {
		t.Errorf("file written at the mountpoint, in a container: %q", got)
	}
	if got := strings.TrimSpace(env.PMOK("unshare", pmBinary, "volume", "unmount", "mv").Stdout); got != "mv" {
		t.Errorf("volume unmount printed %q", got)
	}
	env.PM("unshare", pmBinary, "volume", "mount", "nosuchvol").ExpectError(t, 125, "no such volume")
	env.PMOK("volume", "rm", "mv")
}

// TestVolumeImageVolumeMode: --image-volume says what an image's VOLUME
// becomes: an anonymous volume (bind), a tmpfs, or nothing.
func TestVolumeImageVolumeMode(t *testing.T) {
	env := ctrEnv(t, "busybox", "volimg")
	fsType := func(args ...string) string {
		return strings.TrimSpace(env.PMOK(append(append([]string{"run", "--rm"}, args...), "volimg", "stat", "-f", "-c", "%T", "/data")...).Stdout)
	}
	if got := fsType("--image-volume", "tmpfs"); got != "tmpfs" {
		t.Errorf("--image-volume tmpfs: /data is %s", got)
	}
	if got := env.volumeNames(); len(got) != 0 {
		t.Errorf("--image-volume tmpfs made volumes: %q", got)
	}
	if got := fsType("--image-volume", "ignore"); got == "tmpfs" {
		t.Errorf("--image-volume ignore: /data is %s", got)
	}
	if got := env.volumeNames(); len(got) != 0 {
		t.Errorf("--image-volume ignore made volumes: %q", got)
	}
	env.PMOK("create", "--name", "b", "--image-volume", "bind", "volimg", "true")
	if got := env.volumeNames("--filter", "anonymous=true"); len(got) != 1 {
		t.Errorf("--image-volume bind: anonymous volumes %q", got)
	}
	env.PMOK("rm", "-v", "b")
	env.PM("run", "--rm", "--image-volume", "bogus", "volimg", "true").ExpectError(t, 125, "--image-volume")
	if out := env.PMOK("ps", "-aq").Stdout; out != "" {
		t.Errorf("containers after a refused --image-volume: %q", out)
	}

	conf := filepath.Join(env.ConfigHome, "containers", "containers.conf")
	if err := os.WriteFile(conf, []byte("[engine]\nimage_volume_mode = \"tmpfs\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := fsType(); got != "tmpfs" {
		t.Errorf("image_volume_mode tmpfs: /data is %s", got)
	}
	if got := fsType("--image-volume", "bind"); got == "tmpfs" {
		t.Errorf("--image-volume bind over image_volume_mode tmpfs: /data is %s", got)
	}
}
