package e2e

import (
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// idMap turns /proc/PID/{uid,gid}_map output into "inside host size" lines.
func idMap(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if f := strings.Fields(l); len(f) == 3 {
			out = append(out, strings.Join(f, " "))
		}
	}
	return out
}

// wantMap is the mapping pm should set up for u: itself as root, then its
// subordinate range from file, if any.
func wantMap(file string, id int, u testUser) []string {
	want := []string{"0 " + itoa(id) + " 1"}
	if r := subIDLine(file, u); r != "" {
		start, count, _ := strings.Cut(r, ":")
		want = append(want, "1 "+start+" "+count)
	}
	return want
}

func TestRootlessUnshareMaps(t *testing.T) {
	env := newEnv(t)
	if subIDLine("/etc/subuid", env.User) == "" {
		t.Skipf("%s has no range in /etc/subuid", env.User.Name)
	}
	res := env.PMOK("unshare", "cat", "/proc/self/uid_map")
	if got, want := idMap(res.Stdout), wantMap("/etc/subuid", env.User.UID, env.User); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("uid_map = %q, want %q", got, want)
	}
	res = env.PMOK("unshare", "cat", "/proc/self/gid_map")
	if got, want := idMap(res.Stdout), wantMap("/etc/subgid", env.User.GID, env.User); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("gid_map = %q, want %q", got, want)
	}
	res = env.PMOK("unshare", "id", "-u")
	if got := strings.TrimSpace(res.Stdout); got != "0" {
		t.Errorf("pm unshare id -u = %q, want 0", got)
	}
	// The exit code of the command is passed through.
	if res := env.PM("unshare", "sh", "-c", "exit 3"); res.Code != 3 {
		t.Errorf("pm unshare sh -c 'exit 3': exit %d, want 3", res.Code)
	}
	// The namespace is held by one pause process, shared by later commands.
	pid := env.PausePID()
	if pid <= 0 || !alive(pid) {
		t.Fatalf("no live pause process after pm unshare (pause.pid: %d)", pid)
	}
	env.PMOK("unshare", "true")
	if again := env.PausePID(); again != pid {
		t.Errorf("pause process changed from %d to %d between two commands", pid, again)
	}
}

func TestRootlessMigrate(t *testing.T) {
	env := newEnv(t)
	env.PMOK("unshare", "true")
	first := env.PausePID()
	if first <= 0 || !alive(first) {
		t.Fatalf("no live pause process after pm unshare (pause.pid: %d)", first)
	}
	env.PMOK("system", "migrate")
	if !waitGone(first, 5*time.Second) {
		t.Errorf("pause process %d still alive after pm system migrate", first)
	}
	env.PMOK("unshare", "true")
	second := env.PausePID()
	if second <= 0 || second == first || !alive(second) {
		t.Errorf("after migrate: pause pid %d (before %d), want a new live one", second, first)
	}
}

func TestRootlessNoSubordinateRanges(t *testing.T) {
	if user2 == nil {
		t.Skip("needs root to run as a second user")
	}
	env := newEnvWith(t, EnvConfig{User: user2})
	if subIDLine("/etc/subuid", *user2) != "" {
		t.Skipf("%s has a range in /etc/subuid", user2.Name)
	}
	res := env.PMOK("unshare", "cat", "/proc/self/uid_map")
	if got, want := idMap(res.Stdout), []string{"0 " + itoa(user2.UID) + " 1"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("uid_map without subordinate ranges = %q, want %q", got, want)
	}
	res = env.PMOK("unshare", "id", "-u")
	if got := strings.TrimSpace(res.Stdout); got != "0" {
		t.Errorf("pm unshare id -u = %q, want 0", got)
	}
	// pm info says why the mapping is a single id.
	res = env.PMOK("info", "--format", "{{.Host.IDMappings.Source}}|{{len .Host.IDMappings.UIDMap}}|{{.Host.Warnings}}")
	if !strings.HasPrefix(res.Stdout, "single id") || !strings.Contains(res.Stdout, "|1|") || !strings.Contains(res.Stdout, "subordinate") {
		t.Errorf("pm info for a user without ranges = %q, want a single-id source and a warning", res.Stdout)
	}
}

func TestRootlessNoRuntimeDir(t *testing.T) {
	env := newEnvWith(t, EnvConfig{NoRuntimeDir: true}) // the directory does not exist
	dir := fallbackRuntimeDir(env.User.UID)
	env.PMOK("unshare", "true")
	st, err := os.Lstat(dir)
	if err != nil {
		t.Fatalf("pm did not create its runtime directory: %v", err)
	}
	if !st.IsDir() || st.Mode().Perm() != 0o700 {
		t.Errorf("%s: mode %v, want a directory with 0700", dir, st.Mode())
	}
	if uid := int(st.Sys().(*syscall.Stat_t).Uid); uid != env.User.UID {
		t.Errorf("%s: owner %d, want %d", dir, uid, env.User.UID)
	}
	if pid := env.PausePID(); pid <= 0 || !alive(pid) {
		t.Errorf("no live pause process recorded in %s/pm/pause.pid", dir)
	}
}

func TestRootlessRuntimeDirOwnedByAnother(t *testing.T) {
	if !isRoot || user2 == nil {
		t.Skip("needs root to create a directory for another user")
	}
	env := newEnvWith(t, EnvConfig{NoRuntimeDir: true}) // the directory does not exist
	dir := fallbackRuntimeDir(env.User.UID)
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dir, user2.UID, user2.GID); err != nil {
		t.Fatal(err)
	}
	env.PM("unshare", "true").ExpectError(t, 125, dir)
	if pid := env.PausePID(); pid > 0 {
		t.Errorf("a pause process (%d) was started with a runtime directory owned by another user", pid)
	}
	st, err := os.Lstat(dir)
	if err != nil || int(st.Sys().(*syscall.Stat_t).Uid) != user2.UID {
		t.Errorf("%s was changed: %v", dir, err)
	}
}

func TestRootUnshare(t *testing.T) {
	root := newEnv(t).Root()
	root.PM("unshare", "true").ExpectError(t, 125, "rootless")
}

func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	st, err := os.ReadFile("/proc/" + itoa(pid) + "/stat")
	return err == nil && !strings.Contains(string(st), ") Z ")
}

func waitGone(pid int, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if !alive(pid) {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}
