package lock

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pm-project/pm/libpod/define"
	"golang.org/x/sys/unix"
)

// ErrLocked is returned by TryLock and TryRLock when another holder has
// the lock.
var ErrLocked = define.NewError(define.ErrConflict, "locked by another process")

// Manager hands out the locks of one directory.
type Manager struct {
	dir string
}

// New returns a Manager of the lock files in dir. The directory is created
// (mode 0700) when the first lock is taken.
func New(dir string) *Manager {
	return &Manager{dir: dir}
}

// Lock is a held lock. Release it with Unlock (or Remove) exactly once.
type Lock struct {
	name   string
	path   string
	file   *os.File
	shared bool
}

// Name returns the name the lock was taken with.
func (l *Lock) Name() string { return l.name }

// Lock takes the exclusive lock called name, waiting until it is free or
// ctx is done.
func (m *Manager) Lock(ctx context.Context, name string) (*Lock, error) {
	return m.acquire(ctx, name, unix.LOCK_EX, true)
}

// RLock takes the lock called name shared with other readers, waiting
// until no one holds it exclusively or ctx is done.
func (m *Manager) RLock(ctx context.Context, name string) (*Lock, error) {
	return m.acquire(ctx, name, unix.LOCK_SH, true)
}

// TryLock takes the exclusive lock called name if it is free, or returns
// an error wrapping ErrLocked.
func (m *Manager) TryLock(name string) (*Lock, error) {
	return m.acquire(context.Background(), name, unix.LOCK_EX, false)
}

// TryRLock takes the lock called name shared if no one holds it
// exclusively, or returns an error wrapping ErrLocked.
func (m *Manager) TryRLock(name string) (*Lock, error) {
	return m.acquire(context.Background(), name, unix.LOCK_SH, false)
}

func (m *Manager) acquire(ctx context.Context, name string, how int, wait bool) (*Lock, error) {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") {
		return nil, define.Invalidf("invalid lock name %q", name)
	}
	path := filepath.Join(m.dir, name+".lock")
	for {
		f, err := m.open(path)
		if err != nil {
			return nil, err
		}
		if err := flock(ctx, f, how, wait); err != nil {
			f.Close()
			if errors.Is(err, unix.EWOULDBLOCK) {
				return nil, define.Errorf(ErrLocked, "lock %s: locked by another process", name)
			}
			return nil, fmt.Errorf("taking lock %s: %w", name, err)
		}
		// Remove may have unlinked the file while we waited on it: then
		// our lock is on a file no one else will open. Start again.
		same, err := sameFile(f, path)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("taking lock %s: %w", name, err)
		}
		if same {
			return &Lock{name: name, path: path, file: f, shared: how == unix.LOCK_SH}, nil
		}
		f.Close()
	}
}

// open opens (creating) the lock file, creating the directory if needed.
func (m *Manager) open(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(m.dir, 0o700); err != nil {
			return nil, fmt.Errorf("creating lock directory: %w", err)
		}
		f, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	}
	if err != nil {
		return nil, fmt.Errorf("opening lock file: %w", err)
	}
	return f, nil
}

// flock locks f. Without wait it fails at once with EWOULDBLOCK. With
// wait it blocks in the kernel, which hands the lock over the moment it
// is free; when ctx can be cancelled, a goroutine blocks on a duplicate
// of f's descriptor so that cancelling ctx ends the wait. A lock such a
// goroutine gets after its caller gave up (and closed f) goes when it
// closes the duplicate: flock locks belong to the open file, which then
// has no descriptor left.
func flock(ctx context.Context, f *os.File, how int, wait bool) error {
	fd := int(f.Fd())
	if !wait {
		return retryEINTR(func() error { return unix.Flock(fd, how|unix.LOCK_NB) })
	}
	if ctx.Done() == nil {
		return retryEINTR(func() error { return unix.Flock(fd, how) })
	}
	// Free now: no goroutine needed.
	if err := retryEINTR(func() error { return unix.Flock(fd, how|unix.LOCK_NB) }); !errors.Is(err, unix.EWOULDBLOCK) {
		return err
	}
	// Close-on-exec: a child started meanwhile must not inherit it, or
	// it would hold the open file, and with it the lock.
	dup, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 3)
	if err != nil {
		return err
	}
	got := make(chan error, 1)
	go func() {
		var err error
		defer func() { got <- err }()
		defer unix.Close(dup)
		defer define.Recover("waiting for a lock", &err)
		err = retryEINTR(func() error { return unix.Flock(dup, how) })
	}()
	select {
	case err := <-got:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func retryEINTR(fn func() error) error {
	for {
		if err := fn(); !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}

// sameFile reports whether f is still the file at path.
func sameFile(f *os.File, path string) (bool, error) {
	fi, err := f.Stat()
	if err != nil {
		return false, err
	}
	pi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return os.SameFile(fi, pi), nil
}

// Unlock releases the lock.
func (l *Lock) Unlock() error {
	if l == nil || l.file == nil {
		return define.Errorf(define.ErrInternal, "unlocking a lock that is not held")
	}
	f := l.file
	l.file = nil
	// Closing the only descriptor releases the flock.
	if err := f.Close(); err != nil {
		return fmt.Errorf("releasing lock %s: %w", l.name, err)
	}
	return nil
}

// Remove deletes the lock file and releases the lock, for a lock whose
// object is gone (a removed container). It must be held exclusively.
// Waiters on the old file notice and retry on a new one.
func (l *Lock) Remove() error {
	if l == nil || l.file == nil {
		return define.Errorf(define.ErrInternal, "removing a lock that is not held")
	}
	if l.shared {
		return define.Errorf(define.ErrInternal, "removing lock %s held shared", l.name)
	}
	if err := os.Remove(l.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		l.Unlock()
		return fmt.Errorf("removing lock %s: %w", l.name, err)
	}
	return l.Unlock()
}
