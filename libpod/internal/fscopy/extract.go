package fscopy

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path"
	"strings"
	"time"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"golang.org/x/sys/unix"
)

// IDPair is a user and group id as seen inside the root.
type IDPair struct{ UID, GID int }

// ExtractOptions tune Extract.
type ExtractOptions struct {
	// RenameFrom and RenameTo replace the first path component of every
	// entry that has it: copying "f" to a new name "g".
	RenameFrom, RenameTo string
	// Chown, if set, owns every entry by these ids. Else KeepOwner keeps
	// the archive's ids, and without it files belong to the caller.
	Chown     *IDPair
	KeepOwner bool
	// Overwrite lets a directory replace a non-directory and the reverse;
	// without it that is an error.
	Overwrite bool
	// MapIDs, if set, maps the owner chosen by Chown or KeepOwner to the
	// ids written on disk (a container's ids to those of its root).
	MapIDs func(uid, gid int) (int, int)
}

// ErrBadArchive is what extraction returns for input that is not a tar
// archive, or ends early.
var ErrBadArchive = errors.New("not a tar archive")

// Extract unpacks the tar stream r into dir inside root. Entry names are
// cleaned (no entry lands outside dir through ".."), and symlinks met on
// the way, whether in root already or made by the stream, are resolved
// inside root.
func Extract(r io.Reader, root, dir string, opts ExtractOptions) error {
	rootH, err := os.Open(root)
	if err != nil {
		return fmt.Errorf("opening %s: %w", root, err)
	}
	defer rootH.Close()
	x := &extractor{root: root, rootH: rootH, dir: Clean(dir), opts: opts}
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("reading archive: %w: %w", ErrBadArchive, err)
		}
		if err := x.entry(hdr, tr); err != nil {
			return err
		}
	}
	return x.finish()
}

type extractor struct {
	root  string
	rootH *os.File
	dir   string
	opts  ExtractOptions
	dirs  []dirTime // directory times, set last: later entries change them
}

type dirTime struct {
	path string
	mtim time.Time
}

// target maps an entry name to its path inside root.
func (x *extractor) target(name string) string {
	rel := strings.TrimPrefix(Clean(name), "/")
	if from := x.opts.RenameFrom; from != "" {
		if rel == from {
			rel = x.opts.RenameTo
		} else if strings.HasPrefix(rel, from+"/") {
			rel = x.opts.RenameTo + rel[len(from):]
		}
	}
	return path.Join(x.dir, rel)
}

func (x *extractor) entry(hdr *tar.Header, r io.Reader) error {
	target := x.target(hdr.Name)
	if target == x.dir && hdr.Typeflag == tar.TypeDir {
		return nil // "./": the destination itself
	}
	if target == "/" {
		return nil
	}
	parent, err := pathrs.MkdirAllHandle(x.rootH, path.Dir(target), 0o755)
	if err != nil {
		return fmt.Errorf("creating parent of %s: %w", target, err)
	}
	defer parent.Close()
	pfd, base := int(parent.Fd()), path.Base(target)
	var st unix.Stat_t
	exists := unix.Fstatat(pfd, base, &st, unix.AT_SYMLINK_NOFOLLOW) == nil
	isDir := exists && st.Mode&unix.S_IFMT == unix.S_IFDIR
	if exists {
		switch {
		case hdr.Typeflag == tar.TypeDir && isDir:
		case hdr.Typeflag == tar.TypeDir || isDir:
			if !x.opts.Overwrite {
				what := "a non-directory with a directory"
				if isDir {
					what = "a directory with a non-directory"
				}
				return fmt.Errorf("error creating %q: cannot overwrite %s (use --overwrite): %w", target, what, unix.EEXIST)
			}
			if err := removeAt(pfd, base); err != nil {
				return fmt.Errorf("removing %s: %w", target, err)
			}
		default:
			if err := removeAt(pfd, base); err != nil {
				return fmt.Errorf("removing %s: %w", target, err)
			}
		}
	}
	mode := uint32(hdr.Mode & 0o7777)
	switch hdr.Typeflag {
	case tar.TypeDir:
		if !isDir {
			if err := unix.Mkdirat(pfd, base, 0o700); err != nil {
				return fmt.Errorf("creating directory %s: %w", target, err)
			}
		}
		x.dirs = append(x.dirs, dirTime{target, hdr.ModTime})
		return x.meta(pfd, base, target, hdr, mode, false)
	case tar.TypeReg, tar.TypeRegA:
		fd, err := unix.Openat(pfd, base, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
		if err != nil {
			return fmt.Errorf("creating %s: %w", target, err)
		}
		f := os.NewFile(uintptr(fd), target)
		_, err = io.Copy(f, r)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("writing %s: %w", target, err)
		}
		return x.meta(pfd, base, target, hdr, mode, false)
	case tar.TypeSymlink:
		if err := unix.Symlinkat(hdr.Linkname, pfd, base); err != nil {
			return fmt.Errorf("creating symlink %s: %w", target, err)
		}
		return x.meta(pfd, base, target, hdr, mode, true)
	case tar.TypeLink:
		old := x.target(hdr.Linkname)
		odir, err := pathrs.OpenInRoot(x.root, path.Dir(old))
		if err != nil {
			return fmt.Errorf("linking %s to %s: %w", target, old, err)
		}
		defer odir.Close()
		if err := unix.Linkat(int(odir.Fd()), path.Base(old), pfd, base, 0); err != nil {
			return fmt.Errorf("linking %s to %s: %w", target, old, err)
		}
		return nil
	case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		kind := uint32(unix.S_IFIFO)
		if hdr.Typeflag == tar.TypeChar {
			kind = unix.S_IFCHR
		} else if hdr.Typeflag == tar.TypeBlock {
			kind = unix.S_IFBLK
		}
		dev := int(unix.Mkdev(uint32(hdr.Devmajor), uint32(hdr.Devminor)))
		if err := unix.Mknodat(pfd, base, kind|mode, dev); err != nil {
			if errors.Is(err, unix.EPERM) && kind != unix.S_IFIFO {
				slog.Debug("skipping device node: not permitted", "path", target)
				return nil
			}
			return fmt.Errorf("creating %s: %w", target, err)
		}
		return x.meta(pfd, base, target, hdr, mode, false)
	}
	slog.Debug("skipping archive entry of unknown type", "path", hdr.Name, "type", hdr.Typeflag)
	return nil
}

// meta sets the owner, mode and time of the entry just made at base in
// pfd. It works on a handle opened without following symlinks, so a
// swapped-in link cannot redirect it.
func (x *extractor) meta(pfd int, base, target string, hdr *tar.Header, mode uint32, link bool) error {
	uid, gid, chown := -1, -1, false
	switch {
	case x.opts.Chown != nil:
		uid, gid, chown = x.opts.Chown.UID, x.opts.Chown.GID, true
	case x.opts.KeepOwner:
		uid, gid, chown = hdr.Uid, hdr.Gid, true
	}
	if chown && x.opts.MapIDs != nil {
		uid, gid = x.opts.MapIDs(uid, gid)
	}
	if link {
		if chown {
			if err := unix.Fchownat(pfd, base, uid, gid, unix.AT_SYMLINK_NOFOLLOW); err != nil {
				return fmt.Errorf("changing owner of %s: %w", target, err)
			}
		}
		ts := []unix.Timespec{unix.NsecToTimespec(hdr.ModTime.UnixNano()), unix.NsecToTimespec(hdr.ModTime.UnixNano())}
		_ = unix.UtimesNanoAt(pfd, base, ts, unix.AT_SYMLINK_NOFOLLOW)
		return nil
	}
	fd, err := unix.Openat(pfd, base, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("opening %s: %w", target, err)
	}
	h := os.NewFile(uintptr(fd), target)
	defer h.Close()
	if chown {
		if err := unix.Fchownat(fd, "", uid, gid, unix.AT_EMPTY_PATH); err != nil {
			return fmt.Errorf("changing owner of %s: %w", target, err)
		}
	}
	// chmod after chown, which clears the set-id bits.
	if err := os.Chmod(procPath(h), os.FileMode(mode&0o777)|modeBits(mode)); err != nil {
		return fmt.Errorf("changing mode of %s: %w", target, err)
	}
	if hdr.Typeflag != tar.TypeDir {
		if err := os.Chtimes(procPath(h), hdr.ModTime, hdr.ModTime); err != nil {
			return fmt.Errorf("changing times of %s: %w", target, err)
		}
	}
	return nil
}

// modeBits converts the set-id and sticky bits of a Unix mode to Go's.
func modeBits(mode uint32) os.FileMode {
	var m os.FileMode
	if mode&unix.S_ISUID != 0 {
		m |= os.ModeSetuid
	}
	if mode&unix.S_ISGID != 0 {
		m |= os.ModeSetgid
	}
	if mode&unix.S_ISVTX != 0 {
		m |= os.ModeSticky
	}
	return m
}

// finish sets the times of the directories made, deepest first.
func (x *extractor) finish() error {
	for i := len(x.dirs) - 1; i >= 0; i-- {
		d := x.dirs[i]
		h, err := openInRoot(x.root, d.path, false)
		if err != nil {
			continue
		}
		var st unix.Stat_t
		if unix.Fstat(int(h.Fd()), &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFDIR {
			_ = os.Chtimes(procPath(h), d.mtim, d.mtim)
		}
		h.Close()
	}
	return nil
}
