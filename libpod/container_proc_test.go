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
