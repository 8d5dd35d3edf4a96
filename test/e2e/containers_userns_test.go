package e2e

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
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

// twoRangesUserName has two subordinate uid and gid ranges.
const twoRangesUserName = "pmtest3"

var twoRanges struct {
	once sync.Once
	user testUser
	err  error
}

// twoRangesUser returns pmtest3, made (once, as root) with two ranges of
// 65536 ids in /etc/subuid and /etc/subgid, apart from each other and above
// every range of those files, so that they overlap nobody's.
func twoRangesUser(t *testing.T) testUser {
	t.Helper()
	twoRanges.once.Do(func() {
		// A system account: useradd gives ordinary ones a range of its own.
		u, err := ensureUser(twoRangesUserName, true)
		if err != nil {
			twoRanges.err = err
			return
		}
		top := 0
		for _, f := range []string{"/etc/subuid", "/etc/subgid"} {
			for _, r := range subIDRanges(f, "") {
				top = max(top, r[0]+r[1])
			}
		}
		base := (top/65536 + 2) * 65536
		lines := fmt.Sprintf("%s:%d:65536\n%s:%d:65536\n", u.Name, base, u.Name, base+2*65536)
		for _, f := range []string{"/etc/subuid", "/etc/subgid"} {
			if n := len(subIDRanges(f, u.Name)); n == 2 {
				continue
			} else if n != 0 {
				twoRanges.err = fmt.Errorf("%s has %d ranges in %s, want 0 or 2", u.Name, n, f)
				return
			}
			if err := appendLines(f, lines); err != nil {
				twoRanges.err = err
				return
			}
		}
		twoRanges.user = u
	})
	if twoRanges.err != nil {
		t.Fatalf("making %s: %v", twoRangesUserName, twoRanges.err)
	}
	return twoRanges.user
}

// subIDRanges returns the [start, count] ranges of user in file, or of
// every user when user is "".
func subIDRanges(file, user string) [][2]int {
	f, err := os.Open(file)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out [][2]int
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(strings.TrimSpace(sc.Text()), ":")
		if len(fields) != 3 || (user != "" && fields[0] != user) {
			continue
		}
		start, err1 := strconv.Atoi(fields[1])
		count, err2 := strconv.Atoi(fields[2])
		if err1 == nil && err2 == nil {
			out = append(out, [2]int{start, count})
		}
	}
	return out
}

func appendLines(file, lines string) error {
	data, err := os.ReadFile(file)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	if len(data) > 0 && !strings.HasSuffix(string(data), "\n") {
		lines = "\n" + lines
	}
	f, err := os.OpenFile(file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(lines); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// TestContainerUserNSTwoRanges: a user with two subordinate ranges gets
// both in pm's namespace, and every --userns mode works, with maps that
// run from one range into the other.
func TestContainerUserNSTwoRanges(t *testing.T) {
	if !isRoot {
		t.Skip("needs root to make a user with two ranges")
	}
	u := twoRangesUser(t)
	env := newEnvWith(t, EnvConfig{User: &u})
	img := registry + "/busybox"
	env.pull(img)
	r := subIDRanges("/etc/subuid", u.Name)
	want := fmt.Sprintf("0 %d 1\n1 %d %d\n%d %d %d", u.UID, r[0][0], r[0][1], 1+r[0][1], r[1][0], r[1][1])
	if got := strings.Join(idMap(env.PMOK("unshare", "cat", "/proc/self/uid_map").Stdout), "\n"); got != want {
		t.Errorf("pm's uid_map:\n%s\nwant:\n%s", got, want)
	}
	total := 1 + r[0][1] + r[1][1]
	for _, c := range []struct {
		userns string
		id     int // id -u in the container
		ids    int // ids its namespace maps
	}{
		{"", 0, total},
		{"keep-id", u.UID, total},
		{"nomap", 0, total - 1},
		{"auto:size=" + itoa(r[0][1]+1000), 0, r[0][1] + 1000},
	} {
		res := env.PM("run", "--rm", "--userns="+c.userns, img, "sh", "-c", "id -u; cat /proc/self/uid_map; echo --; cat /proc/self/gid_map")
		lines := res.Lines()
		if res.Code != 0 || len(lines) < 4 {
			t.Errorf("--userns=%s: %s", c.userns, res)
			continue
		}
		if lines[0] != itoa(c.id) {
			t.Errorf("--userns=%s: id -u = %s, want %d", c.userns, lines[0], c.id)
		}
		sizes := []int{0}
		for _, l := range lines[1:] {
			if l == "--" {
				sizes = append(sizes, 0)
				continue
			}
			f := strings.Fields(l)
			n, _ := strconv.Atoi(f[len(f)-1])
			sizes[len(sizes)-1] += n
		}
		if len(sizes) != 2 || sizes[0] != c.ids || sizes[1] != c.ids {
			t.Errorf("--userns=%s: maps of %v uids and gids, want %d:\n%s", c.userns, sizes, c.ids, strings.Join(lines[1:], "\n"))
		}
	}
	// Under keep-id a file written to a bind mount is the user's.
	dir := env.Path("bind")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dir, u.UID, u.GID); err != nil {
		t.Fatal(err)
	}
	env.PMOK("run", "--rm", "--userns=keep-id", "-v", dir+":/b", img, "touch", "/b/f")
	if st, err := os.Stat(filepath.Join(dir, "f")); err != nil {
		t.Error(err)
	} else if owner := fileOwner(st); owner != u.UID {
		t.Errorf("file written in the bind mount under keep-id belongs to %d, want %d", owner, u.UID)
	}
}
