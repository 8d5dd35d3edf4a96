package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestSystemRenumber: pm system renumber verifies and rebuilds the lock
// files: the directory's mode, lock paths that are not files, stale locks
// of gone containers, pods, volumes and lists (not one that is held),
// missing locks of existing containers and pods; other locks stay.
func TestSystemRenumber(t *testing.T) {
	env := ctrEnv(t)
	t.Cleanup(func() { _ = env.quietRun("pod", "rm", "-af") })
	ctr := strings.TrimSpace(env.PMOK("create", "--name", "r1", "busybox", "true").Stdout)
	pod := strings.TrimSpace(env.PMOK("pod", "create", "--infra=false", "rp").Stdout)
	env.PMOK("volume", "create", "rv")
	locks := filepath.Join(env.pmRunDir(), "locks")
	gone := strings.Repeat("cd", 32)
	held := strings.Repeat("ef", 32)
	for _, n := range []string{gone, "pod-" + gone, "vol-gone", "manifest-" + gone, "custom", held} {
		if err := os.WriteFile(filepath.Join(locks, n+".lock"), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(locks, "baddir.lock"), 0o700); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(locks, ctr+".lock"))
	env.ownAll(locks)
	if err := os.Chmod(locks, 0o755); err != nil {
		t.Fatal(err)
	}
	// Another process holds one stale lock: it stays.
	hf, err := os.Open(filepath.Join(locks, held+".lock"))
	if err != nil {
		t.Fatal(err)
	}
	defer hf.Close()
	if err := unix.Flock(int(hf.Fd()), unix.LOCK_EX); err != nil {
		t.Fatal(err)
	}

	res := env.PMOK("system", "renumber")
	if res.Stdout != "" || res.Stderr != "" {
		t.Errorf("system renumber printed %q %q", res.Stdout, res.Stderr)
	}
	for _, n := range []string{gone, "pod-" + gone, "vol-gone", "manifest-" + gone, "baddir"} {
		if _, err := os.Lstat(filepath.Join(locks, n+".lock")); !os.IsNotExist(err) {
			t.Errorf("%s.lock after renumber: %v, want it removed", n, err)
		}
	}
	for _, n := range []string{ctr, "pod-" + pod, "vol-rv", "custom", held} {
		if fi, err := os.Lstat(filepath.Join(locks, n+".lock")); err != nil || !fi.Mode().IsRegular() {
			t.Errorf("%s.lock after renumber: %v, want a lock file", n, err)
		}
	}
	if fi, err := os.Stat(locks); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("lock directory after renumber: %v %v, want mode 0700", fi.Mode(), err)
	}
	// The objects still work under their locks.
	env.PMOK("start", "r1")
	env.PMOK("pod", "rm", "rp")
	env.PMOK("volume", "rm", "rv")
	env.PM("system", "renumber", "extra").ExpectError(t, 125, "takes no arguments")
	// Released, the stale lock goes at the next renumber.
	hf.Close()
	env.PMOK("system", "renumber")
	if _, err := os.Lstat(filepath.Join(locks, held+".lock")); !os.IsNotExist(err) {
		t.Errorf("%s.lock after it was released and renumber ran: %v, want it removed", held, err)
	}
}

// busyProcs returns the live processes of the environment other than its
// pause process: conmons, exit commands, pasta.
func (e *Env) busyProcs() []procInfo {
	marker := "XDG_RUNTIME_DIR=" + e.RuntimeDir
	pause := e.PausePID()
	var out []procInfo
	for _, p := range listProcs() {
		if p.pid == pause || p.comm == "pm-pause" || !p.hasEnv(marker) {
			continue
		}
		if st, err := os.ReadFile(filepath.Join("/proc", itoa(p.pid), "stat")); err == nil && strings.Contains(string(st), ") Z ") {
			continue
		}
		out = append(out, p)
	}
	return out
}

// TestRemovedContainerLeavesNoLock: a running container removed with
// rm -f, whose exit command (pm container cleanup) waits on its lock
// meanwhile, leaves no lock file once everything has settled.
func TestRemovedContainerLeavesNoLock(t *testing.T) {
	env := ctrEnv(t)
	var ids []string
	for _, n := range []string{"l1", "l2", "l3"} {
		ids = append(ids, env.runID("--name", n, "busybox", "sleep", "1000"))
	}
	env.PMOK("rm", "-f", "-t", "0", "l1", "l2", "l3")
	env.waitFor(60*time.Second, "the exit commands of the removed containers to end", func() bool { return len(env.busyProcs()) == 0 })
	for _, id := range ids {
		if _, err := os.Stat(filepath.Join(env.pmRunDir(), "locks", id+".lock")); !os.IsNotExist(err) {
			t.Errorf("lock file of removed container %s: %v, want none", id, err)
		}
	}
}
