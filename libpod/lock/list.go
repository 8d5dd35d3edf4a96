package lock

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// Entry is one file of the lock directory.
type Entry struct {
	Name    string // the lock's name (the file's, without ".lock")
	Regular bool   // a regular file, as a lock file must be
}

// Entries lists the lock files of the directory; a missing directory has
// none.
func (m *Manager) Entries() ([]Entry, error) {
	ents, err := os.ReadDir(m.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading lock directory: %w", err)
	}
	var out []Entry
	for _, e := range ents {
		name, ok := strings.CutSuffix(e.Name(), ".lock")
		if !ok || name == "" {
			continue
		}
		out = append(out, Entry{Name: name, Regular: e.Type().IsRegular()})
	}
	return out, nil
}

// Discard removes a lock file that is not a regular file (a directory, a
// link, a device), which no lock could be taken on. Regular files are
// removed only through Lock.Remove.
func (m *Manager) Discard(name string) error {
	path := filepath.Join(m.dir, name+".lock")
	fi, err := os.Lstat(path)
	if err != nil {
		return fmt.Errorf("checking lock %s: %w", name, err)
	}
	if fi.Mode().IsRegular() {
		return fmt.Errorf("lock %s is a regular file: remove it with its lock held", name)
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("removing lock %s: %w", name, err)
	}
	return nil
}

// Verify makes the lock directory what pm makes it: a directory of the
// user's, mode 0700, created if missing. It reports what it changed.
func (m *Manager) Verify() ([]string, error) {
	fi, err := os.Lstat(m.dir)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(m.dir, 0o700); err != nil {
			return nil, fmt.Errorf("creating lock directory: %w", err)
		}
		return []string{"created the lock directory " + m.dir}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("checking lock directory: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("lock directory %s is not a directory", m.dir)
	}
	if st, ok := fi.Sys().(*unix.Stat_t); ok && int(st.Uid) != os.Geteuid() {
		return nil, fmt.Errorf("lock directory %s belongs to uid %d, not to this user", m.dir, st.Uid)
	}
	if fi.Mode().Perm() != 0o700 {
		if err := os.Chmod(m.dir, 0o700); err != nil {
			return nil, fmt.Errorf("setting the mode of lock directory %s: %w", m.dir, err)
		}
		return []string{fmt.Sprintf("set the mode of %s from %o to 700", m.dir, fi.Mode().Perm())}, nil
	}
	return nil, nil
}
