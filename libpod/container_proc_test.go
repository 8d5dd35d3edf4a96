package libpod

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestKillProcess: killProcess returns once the process has exited, not
// after a fixed wait.
func TestKillProcess(t *testing.T) {
	cmd := exec.Command("sleep", "100")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	killProcess(pid)
	if alive(pid) {
		t.Errorf("process %d still alive after killProcess", pid)
	}
	err := cmd.Wait()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Errorf("sleep ended with %v, want killed by SIGKILL", err)
	}
}

// TestExitWatch: a file written into the exit directory wakes the
// watch, also when written before the wait began.
func TestExitWatch(t *testing.T) {
	dir := t.TempDir()
	w := newExitWatch(dir)
	if w == nil {
		t.Skip("no inotify")
	}
	defer w.close()
	if err := os.WriteFile(filepath.Join(dir, "abc"), []byte("0"), 0o600); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	w.wait(30 * time.Second)
	if d := time.Since(start); d > 25*time.Second {
		t.Errorf("the exit file did not wake the watch (waited %v)", d)
	}
}

func TestIsRuntimeCreate(t *testing.T) {
	const b, id = "/run/pm/containers/abc", "abc"
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{[]string{"/usr/bin/crun", "--root", "/r", "create", "--bundle", b, "--pid-file", b + "/pidfile", id}, true},
		{[]string{"/bin/sh", "/w/crun", "create", "--bundle=" + b, id}, true},
		{[]string{"runc", "create", "-b", b, id}, true},
		{[]string{"/usr/bin/crun", "create", "--bundle", b, "other"}, false},
		{[]string{"/usr/bin/crun", "create", "--bundle", "/elsewhere", id}, false},
		{[]string{"/usr/bin/crun", "delete", "--bundle", b, id}, false},
		{[]string{"/usr/bin/crun", "--bundle", b, id}, false},
		{[]string{id}, false},
		{nil, false},
	} {
		if got := isRuntimeCreate(tc.args, b, id); got != tc.want {
			t.Errorf("isRuntimeCreate(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}
