package e2e

import (
	"strings"
	"testing"
)

// TestImageMount: pm image mount refuses to run rootless outside pm
// unshare; inside it mounts read-only, counts mounts, lists them, and
// pm image unmount takes them back and prints the image's ID.
func TestImageMount(t *testing.T) {
	env := newEnv(t)
	id := env.pull("busybox")

	env.PM("image", "mount", "busybox").ExpectError(t, 125,
		"cannot run command \"pm image mount\" in rootless mode, must execute `pm unshare` first")
	if out := env.PMOK("unshare", pmBinary, "image", "mount").Stdout; out != "" {
		t.Fatalf("image mount after a refused mount lists %q, want nothing", out)
	}

	script := `set -e
pm=` + pmBinary + `
mp=$($pm image mount busybox)
test -x "$mp/bin/busybox"
if touch "$mp/new" 2>/dev/null; then echo "mount is writable"; exit 1; fi
$pm image mount busybox >/dev/null
echo "list: $($pm image mount)"
echo "mp: $mp"
$pm image mount --format json
`
	res := env.PMOK("unshare", "sh", "-c", script)
	var mp string
	for _, l := range strings.Split(res.Stdout, "\n") {
		if v, ok := strings.CutPrefix(l, "mp: "); ok {
			mp = v
		}
	}
	if mp == "" || !strings.Contains(res.Stdout, "list: "+registry+"/busybox:latest  "+mp+"\n") {
		t.Errorf("image mount: want a list line naming the image and %q:\n%s", mp, res.Stdout)
	}
	var js []struct {
		ID           string `json:"id"`
		Repositories []string
		Mountpoint   string `json:"mountpoint"`
	}
	decodeJSON(t, res.Stdout[strings.Index(res.Stdout, "["):], &js)
	if len(js) != 1 || js[0].ID != id || js[0].Mountpoint != mp || len(js[0].Repositories) != 1 {
		t.Errorf("image mount --format json: %+v, want one entry for %s at %s", js, id, mp)
	}

	// Two mounts: one unmount leaves it mounted, --force takes the rest.
	if out := env.PMOK("image", "unmount", "busybox").Stdout; out != id+"\n" {
		t.Errorf("image unmount: %q, want the image ID", out)
	}
	if out := env.PMOK("unshare", pmBinary, "image", "mount").Stdout; !strings.Contains(out, mp) {
		t.Errorf("after one of two unmounts the image is not listed: %q", out)
	}
	if out := env.PMOK("image", "umount", "-f", "busybox").Stdout; out != id+"\n" {
		t.Errorf("image umount -f: %q, want the image ID", out)
	}
	if out := env.PMOK("image", "unmount", "busybox").Stdout; out != "" {
		t.Errorf("image unmount of an unmounted image printed %q", out)
	}
	if out := env.PMOK("unshare", pmBinary, "image", "mount").Stdout; out != "" {
		t.Errorf("image mount lists %q after all unmounts", out)
	}
	if out := env.PMOK("unshare", "sh", "-c", "grep -c "+mp+" /proc/self/mountinfo || true").Stdout; strings.TrimSpace(out) != "0" {
		t.Errorf("%s still in the mount table: %s", mp, out)
	}
}

// TestImageMountBadInput: Podman's messages for missing images and
// conflicting arguments, exit 125, nothing mounted.
func TestImageMountBadInput(t *testing.T) {
	env := newEnv(t)
	env.pull("busybox")
	env.PM("image", "unmount", "nosuch").ExpectError(t, 125, "nosuch: image not known")
	env.PM("image", "unmount").ExpectError(t, 125, "image name or ID must be specified")
	env.PM("image", "unmount", "-a", "busybox").ExpectError(t, 125, "when using the --all switch, you may not pass any image names or IDs")
	un := func(args ...string) Result { return env.PM(append([]string{"unshare", pmBinary, "image"}, args...)...) }
	for _, args := range [][]string{{"mount", "nosuch"}, {"mount", "busybox", "nosuch"}, {"mount", "-a", "busybox"}, {"mount", "--format", "table", "busybox"}} {
		res := un(args...)
		if res.Code != 125 || res.Stdout != "" || !strings.HasPrefix(res.Stderr, "Error: ") {
			t.Errorf("pm image %s: exit %d stdout %q stderr %q, want a 125 error", strings.Join(args, " "), res.Code, res.Stdout, res.Stderr)
		}
	}
	if out := un("mount").Stdout; out != "" {
		t.Errorf("a failed mount left %q mounted", out)
	}
	env.PMOK("image", "unmount", "-a")
}
