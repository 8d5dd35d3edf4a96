package network

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// StopPasta waits for the pasta recorded in pidFile to exit, which it does
// once its namespace file is gone (RemoveNS first), so that its ports are
// free when StopPasta returns; one still running after a second is
// terminated. The pid file is removed.
func StopPasta(pidFile string) error {
	defer os.Remove(pidFile)
	b, err := os.ReadFile(pidFile)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		// No pid yet: a pasta still starting when its pm was killed
		// writes it later. It is found by the pid file it was told to
		// write and killed (the caller holds the lock under which
		// pastas of pidFile start).
		for _, pid := range pastasWriting(pidFile) {
			syscall.Kill(pid, syscall.SIGKILL)
			waitGone(pid, "pas", 2*time.Second)
		}
		return nil
	}
	waitGone(pid, "pas", time.Second)
	if isProc(pid, "pas") {
		syscall.Kill(pid, syscall.SIGTERM)
		waitGone(pid, "pas", 2*time.Second)
	}
	return nil
}

// pastasWriting returns the pasta processes of this user started with
// --pid pidFile: before it daemonizes, and its daemon, which carries the
// same command line.
func pastasWriting(pidFile string) []int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || !isProc(pid, "pas") {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil {
			continue
		}
		args := strings.Split(string(b), "\x00")
		for i := 0; i+1 < len(args); i++ {
			if args[i] == "--pid" && args[i+1] == pidFile {
				pids = append(pids, pid)
				break
			}
		}
	}
	return pids
}

// StopAardvark ends the aardvark-dns that netavark started for confDir
// (its --config), whatever networks it still serves, and removes its
// state: for a reset, when nothing of pm's is left to resolve.
func StopAardvark(confDir string) error {
	dir := filepath.Join(confDir, "aardvark-dns")
	if b, err := os.ReadFile(filepath.Join(dir, "aardvark.pid")); err == nil {
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 && isProc(pid, "aardvark") {
			syscall.Kill(pid, syscall.SIGTERM)
			waitGone(pid, "aardvark", 2*time.Second)
		}
	}
	return os.RemoveAll(dir)
}

// isProc reports whether pid runs a binary whose name starts with prefix
// (pasta runs as passt.avx2 and similar).
func isProc(pid int, prefix string) bool {
	comm, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	if err != nil {
		return false
	}
	if st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil && strings.Contains(string(st), ") Z ") {
		return false
	}
	return strings.HasPrefix(string(comm), prefix)
}

func waitGone(pid int, prefix string, d time.Duration) {
	deadline := time.Now().Add(d)
	for isProc(pid, prefix) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
}
