// Package fscopy moves files into and out of a root filesystem as tar
// streams, as pm cp and pm export need. Every path is resolved inside its
// root: a symlink (absolute or relative) or ".." is taken relative to the
// root and cannot leave it, and files are opened through directory file
// descriptors, never by a path string that a running container could
// change under us.
package fscopy

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"golang.org/x/sys/unix"
)

// Clean makes p an absolute clean path inside a root: "" and "." are the
// root and a leading ".." stays at the root ("../../x" is "/x").
func Clean(p string) string {
	return path.Join("/", p)
}

// Resolve returns where p leads inside root, following symlinks (taken as
// relative to root) on the way; components that do not exist are kept as
// written. The result is an absolute path inside root.
func Resolve(root, p string) (string, error) {
	full, err := securejoin.SecureJoin(root, Clean(p))
	if err != nil {
		return "", fmt.Errorf("resolving %s: %w", p, err)
	}
	rel, err := filepath.Rel(root, full)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", fmt.Errorf("resolving %s: escapes %s", p, root)
	}
	return Clean(rel), nil
}

// lookup resolves p inside root; with follow a symlink in the last
// component is followed too, else it is the answer. It returns the resolved
// path and an lstat of it. The result guides decisions only: I/O goes
// through openInRoot again.
func lookup(root, p string, follow bool) (string, os.FileInfo, error) {
	p = Clean(p)
	var rp string
	var err error
	if follow || p == "/" {
		rp, err = Resolve(root, p)
	} else {
		var dir string
		dir, err = Resolve(root, path.Dir(p))
		rp = path.Join(dir, path.Base(p))
	}
	if err != nil {
		return "", nil, err
	}
	stat := os.Lstat
	if rp == "/" {
		// The root itself may be reached through a link, such as a running
		// container's /proc/PID/root.
		stat = os.Stat
	}
	fi, err := stat(filepath.Join(root, rp))
	if err != nil {
		return rp, nil, err
	}
	return rp, fi, nil
}

// openInRoot opens p inside root as an O_PATH handle, following symlinks
// within root; with follow false a symlink in the last component is
// opened itself.
func openInRoot(root, p string, follow bool) (*os.File, error) {
	p = Clean(p)
	if follow || p == "/" {
		return pathrs.OpenInRoot(root, p)
	}
	dir, err := pathrs.OpenInRoot(root, path.Dir(p))
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	fd, err := unix.Openat(int(dir.Fd()), path.Base(p), unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: p, Err: err}
	}
	return os.NewFile(uintptr(fd), p), nil
}

// procPath names an open file through /proc, for the calls that have no
// file-descriptor form (chmod of an O_PATH handle, utimes).
func procPath(f *os.File) string {
	return fmt.Sprintf("/proc/self/fd/%d", f.Fd())
}

// removeAt removes name in dirfd and, for a directory, all it holds,
// never following a symlink.
func removeAt(dirfd int, name string) error {
	err := unix.Unlinkat(dirfd, name, 0)
	if err == nil || errors.Is(err, unix.ENOENT) {
		return nil
	}
	if !errors.Is(err, unix.EISDIR) && !errors.Is(err, unix.EPERM) {
		return err
	}
	fd, err := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	d := os.NewFile(uintptr(fd), name)
	names, err := d.Readdirnames(-1)
	if err != nil {
		d.Close()
		return err
	}
	for _, n := range names {
		if err := removeAt(fd, n); err != nil {
			d.Close()
			return err
		}
	}
	d.Close()
	return unix.Unlinkat(dirfd, name, unix.AT_REMOVEDIR)
}
