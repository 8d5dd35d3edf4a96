package network

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// The helper stands for a pasta that is still starting: it runs (under a
// name that begins as pasta's) with pasta's --pid option and has not
// written the file.
func TestPastaHelper(t *testing.T) {
	if os.Getenv("PM_FAKE_PASTA") == "" {
		return
	}
	select {}
}

// A pm killed while the pasta it started was starting leaves that pasta
// to write its pid file after StopPasta looked: StopPasta stops it.
func TestStopPastaStarting(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "pasta.fake")
	if err := os.Symlink(os.Args[0], exe); err != nil {
		t.Fatal(err)
	}
	pidFile := filepath.Join(dir, "ns.pasta.pid")
	cmd := exec.Command(exe, "-test.run=^TestPastaHelper$", "--", "--pid", pidFile)
	cmd.Env = append(os.Environ(), "PM_FAKE_PASTA=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer cmd.Process.Kill()

	if got := pastasWriting(pidFile); len(got) != 1 || got[0] != cmd.Process.Pid {
		t.Fatalf("pastas started with --pid %s: %v, want [%d]", pidFile, got, cmd.Process.Pid)
	}
	if got := pastasWriting(pidFile + ".other"); len(got) != 0 {
		t.Fatalf("pastas of another pid file: %v", got)
	}
	if err := StopPasta(pidFile); err != nil {
		t.Fatal(err)
	}
	// StopPasta returns once the process is dead; it is reaped here.
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("the starting pasta exited on its own")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the starting pasta runs after StopPasta")
	}
	if _, err := os.Stat(pidFile); !os.IsNotExist(err) {
		t.Fatalf("pid file after StopPasta: %v", err)
	}
}
