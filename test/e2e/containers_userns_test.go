package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestContainerUserNS covers --userns keep-id, nomap and auto: the id
// maps inside the container, image files keeping their owners, and files
// written to a bind mount belonging to the user.
func TestContainerUserNS(t *testing.T) {
	env := newEnv(t)
	env.pull(registry + "/busybox")
	img := registry + "/busybox"
	uid := itoa(mainUser.UID)

	dir := env.Path("bind")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dir, mainUser.UID, mainUser.GID); err != nil {
		t.Fatal(err)
	}
	res := env.PMOK("run", "--rm", "--userns", "keep-id", "-v", dir+":/b", img,
		"sh", "-c", "id -u; stat -c %u /bin/busybox; touch /b/made")
	if got := strings.Fields(res.Stdout); len(got) != 2 || got[0] != uid || got[1] != "0" {
		t.Errorf("keep-id: id -u and owner of /bin/busybox = %q, want [%s 0]", got, uid)
	}
	st, err := os.Stat(filepath.Join(dir, "made"))
	if err != nil {
		t.Fatal(err)
	}
	if owner := fileOwner(st); owner != mainUser.UID {
		t.Errorf("file written under keep-id belongs to %d, want %d", owner, mainUser.UID)
	}

	res = env.PMOK("run", "--rm", "--userns", "keep-id:uid=5,gid=6", img, "id", "-u")
	if strings.TrimSpace(res.Stdout) != "5" {
		t.Errorf("keep-id:uid=5: id -u = %q", res.Stdout)
	}
	res = env.PMOK("run", "--rm", "--userns", "nomap", img, "cat", "/proc/self/uid_map")
	if f := strings.Fields(res.Stdout); len(f) != 3 || f[0] != "0" || f[1] != "1" {
		t.Errorf("nomap uid_map = %q, want one line 0 1 N", res.Stdout)
	}
	a := env.PMOK("run", "-d", "--userns", "auto", img, "sleep", "100")
	b := env.PMOK("run", "--rm", "--userns", "auto:size=500", img, "cat", "/proc/self/uid_map")
	if f := strings.Fields(b.Stdout); len(f) != 3 || f[2] != "500" || f[1] == "1" {
		t.Errorf("second auto container's uid_map = %q, want a 500-id block after the first", b.Stdout)
	}
	env.PMOK("rm", "-f", strings.TrimSpace(a.Stdout))

	env.PM("run", "--rm", "--userns", "bogus", img, "true").ExpectError(t, 125, "--userns")
	env.PM("run", "--rm", "--userns", "keep-id", "--uidmap", "0:1:10", img, "true").ExpectError(t, 125, "conflicts")
	if out := env.PMOK("ps", "-aq").Stdout; strings.TrimSpace(out) != "" {
		t.Errorf("containers left: %q", out)
	}
}

func fileOwner(st os.FileInfo) int {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return int(s.Uid)
	}
	return -1
}
