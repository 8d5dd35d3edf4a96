package stagelock

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The helper process stands for another pm: it locks the file named by
// STAGELOCK_PATH as storage's search for stale directories does, and
// reports "locked" (then, with STAGELOCK_REMOVE set, deletes the file as a
// stale one) or "busy".
func TestHelperProcess(t *testing.T) {
	path := os.Getenv("STAGELOCK_PATH")
	if path == "" {
		return
	}
	l, err := TryLockPath(path)
	if err != nil {
		os.Stdout.WriteString("busy")
		os.Exit(0)
	}
	if os.Getenv("STAGELOCK_REMOVE") == "" {
		os.Stdout.WriteString("locked")
		os.Exit(0)
	}
	if err := l.UnlockAndDelete(); err != nil {
		os.Stdout.WriteString(err.Error())
		os.Exit(1)
	}
	os.Stdout.WriteString("locked")
	os.Exit(0)
}

// otherProcess runs the helper on path and returns what it reported.
func otherProcess(t *testing.T, path string, remove bool) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), "STAGELOCK_PATH="+path)
	if remove {
		cmd.Env = append(cmd.Env, "STAGELOCK_REMOVE=1")
	}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helper process on %s: %v: %s", path, err, out)
	}
	return strings.TrimSpace(string(out))
}

func TestHeldLockExcludesOtherProcesses(t *testing.T) {
	dir := t.TempDir()
	l, name, err := CreateAndLock(dir, "lock-")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if got := otherProcess(t, path, true); got != "busy" {
		t.Fatalf("another process locking %s while it is held: %q, want busy", name, got)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("lock file after another process failed to lock it: %v", err)
	}
	if _, err := TryLockPath(path); err == nil {
		t.Fatal("this process locked a file it already holds")
	}
	if err := l.UnlockAndDelete(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("lock file after UnlockAndDelete: %v", err)
	}
	if got := otherProcess(t, path, true); got != "locked" {
		t.Fatalf("another process locking %s after its release: %q", name, got)
	}
}

// Another process takes the new lock file for stale between its creation
// and its locking here, locks it, deletes it and lets go. The lock this
// process then gets on the deleted file must not count: a directory that
// such a lock "guards" is deleted by the next search for stale ones.
func TestLockFileRemovedBeforeLocked(t *testing.T) {
	dir := t.TempDir()
	stolen := ""
	betweenOpenAndLock = func(path string) {
		if stolen == "" {
			stolen = path
			if got := otherProcess(t, path, true); got != "locked" {
				t.Errorf("the other process could not take the unlocked new file: %q", got)
			}
		}
	}
	defer func() { betweenOpenAndLock = nil }()

	l, name, err := CreateAndLock(dir, "lock-")
	if err != nil {
		t.Fatal(err)
	}
	defer l.UnlockAndDelete()
	path := filepath.Join(dir, name)
	if stolen == "" {
		t.Fatal("the hook did not run")
	}
	if path == stolen {
		t.Errorf("CreateAndLock returned the file another process deleted (%s)", name)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the returned lock file: %v", err)
	}
	if got := otherProcess(t, path, true); got != "busy" {
		t.Fatalf("another process locking the returned file %s: %q, want busy", name, got)
	}
}

// TryLockPath refuses a file replaced between its opening and its locking,
// and leaves the new file to whoever made it.
func TestTryLockPathReplaced(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock-x")
	betweenOpenAndLock = func(p string) {
		if err := os.Remove(p); err != nil {
			t.Error(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Error(err)
		}
	}
	defer func() { betweenOpenAndLock = nil }()
	if l, err := TryLockPath(path); err == nil {
		l.UnlockAndDelete()
		t.Fatal("locked a file no longer at its path")
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the new file at the path: %v", err)
	}
	if got := otherProcess(t, path, false); got != "locked" {
		t.Fatalf("the new file after the refusal: %q, want it free", got)
	}
}
