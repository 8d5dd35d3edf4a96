// Package stagelock is pm's implementation of the locks that
// go.podman.io/storage puts on its staging directories (the temporary
// directories a layer is extracted into before it is committed, and the
// ones a removal moves files into). The build puts it in place of
// storage's internal/staging_lockfile (hack/storage-overlay.sh).
//
// Storage's own version creates a lock file and locks it in two steps.
// Another process that looks for stale staging directories in between
// locks the new file, takes it for stale and deletes it; the creator then
// locks the deleted file and works in a directory that no lock file
// guards, so the next look for stale directories deletes it while it is
// in use (a parallel build or pull then fails with "rename
// .../tmp/temp-dir-N/0-addition ...: no such file or directory"). Here a
// lock counts only while the path still names the file that was locked.
package stagelock

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/sys/unix"
)

// Lock is a write lock (fcntl, whole file) on a staging lock file, held
// by this process until UnlockAndDelete.
type Lock struct {
	path string // "" once released
	fd   int
}

// createAttempts bounds CreateAndLock's tries with new names.
const createAttempts = 1000

var (
	// mu guards held. fcntl locks belong to the process and any close of
	// a descriptor of the file drops them, so a file this process holds
	// is never opened again until it is released.
	mu   sync.Mutex
	held = map[string]*Lock{}

	// betweenOpenAndLock, when set (by tests), runs after the lock file
	// is opened and before it is locked.
	betweenOpenAndLock func(path string)

	linked bool
)

// errMoved says the path no longer names the file that was locked.
var errMoved = errors.New("the lock file was removed or replaced before it was locked")

// MarkLinked records that storage uses this package (called by the
// overlay file's init).
func MarkLinked() { linked = true }

// Linked reports whether go.podman.io/storage in this binary was built
// with this package in place of its own staging locks.
func Linked() bool { return linked }

func tryLock(path string) (*Lock, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("absolute path of %q: %w", path, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if _, ok := held[abs]; ok {
		return nil, fmt.Errorf("lock %q is held by this process", abs)
	}
	fd, err := unix.Open(abs, unix.O_RDWR|unix.O_CREAT|unix.O_CLOEXEC, 0o644)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: abs, Err: err}
	}
	if betweenOpenAndLock != nil {
		betweenOpenAndLock(abs)
	}
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: 0}
	if err := unix.FcntlFlock(uintptr(fd), unix.F_SETLK, &lk); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("locking %q: %w", abs, err)
	}
	// Whoever held the lock before us may have removed the file (and
	// another process may have created a new one at the path): the lock
	// we got then guards nothing. Only a holder of the lock removes the
	// file, so once this check passes the file stays ours.
	var got, now unix.Stat_t
	if err := unix.Fstat(fd, &got); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("stat of %q: %w", abs, err)
	}
	if err := unix.Stat(abs, &now); err != nil || now.Dev != got.Dev || now.Ino != got.Ino {
		unix.Close(fd)
		return nil, fmt.Errorf("locking %q: %w", abs, errMoved)
	}
	l := &Lock{path: abs, fd: fd}
	held[abs] = l
	return l, nil
}

// TryLockPath locks path, creating the file if it does not exist, and
// fails at once if another process holds it.
func TryLockPath(path string) (*Lock, error) {
	return tryLock(path)
}

// CreateAndLock creates a new file in dir named pattern plus a random
// suffix, locks it, and returns the lock and the file's name.
func CreateAndLock(dir, pattern string) (*Lock, string, error) {
	var last error
	for range createAttempts {
		f, err := os.CreateTemp(dir, pattern)
		if err != nil {
			return nil, "", err
		}
		f.Close()
		l, err := tryLock(f.Name())
		if err == nil {
			return l, filepath.Base(f.Name()), nil
		}
		last = err
	}
	return nil, "", fmt.Errorf("no lock file could be created and locked in %q after %d attempts: %w", dir, createAttempts, last)
}

// UnlockAndDelete removes the lock file, then releases the lock (in that
// order, so no other process locks the file just before it goes). The
// Lock is unusable afterwards.
func (l *Lock) UnlockAndDelete() error {
	mu.Lock()
	defer mu.Unlock()
	if l.path == "" {
		panic("stagelock: UnlockAndDelete of a released lock")
	}
	err := os.Remove(l.path)
	unix.Close(l.fd)
	delete(held, l.path)
	l.path = ""
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
