package libpod

import (
	"os/exec"
	"syscall"
	"testing"
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
