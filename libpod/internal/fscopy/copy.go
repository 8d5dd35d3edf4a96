package fscopy

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	"github.com/pm-project/pm/libpod/define"
	"golang.org/x/sys/unix"
)

// Location is a path inside a root: a container's mounted rootfs, or "/"
// for the host. Where says which, for messages ("container web", "the
// host").
type Location struct {
	Root  string
	Path  string // a trailing "/" or "/." matters
	Where string
	// Shown is the path as the user wrote it, for messages; "" means Path.
	Shown string
}

// shown is the path to name in messages.
func (l Location) shown() string {
	if l.Shown != "" {
		return l.Shown
	}
	return l.Path
}

// CopyOptions tune Copy.
type CopyOptions struct {
	// Follow follows a symlink named by the source path (inside its root).
	Follow bool
	// Chown, KeepOwner and Overwrite are as in ExtractOptions.
	Chown     *IDPair
	KeepOwner bool
	Overwrite bool
	// HostDest confines extraction to the destination directory itself
	// rather than to dst.Root: on the host a symlink in the archive must
	// not lead to the host's own files.
	HostDest bool
	// MapIDs, if set, maps the owner given by Chown or kept by KeepOwner
	// (ids inside the destination container) to the ids to write.
	MapIDs func(uid, gid int) (int, int)
}

// NotFound is the error for a path that does not exist.
func NotFound(p, where string) error {
	return define.Errorf(define.ErrNotFound, "%q could not be found on %s: %w", p, where, unix.ENOENT)
}

// Source resolves the path to copy from: it returns the resolved path, the
// name its top entry takes (cp's rules) and whether it is a directory.
func Source(src Location, follow bool) (string, string, bool, error) {
	rp, fi, err := lookup(src.Root, src.Path, follow)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrInvalid) {
			return "", "", false, NotFound(src.shown(), src.Where)
		}
		return "", "", false, fmt.Errorf("looking up %s on %s: %w", src.shown(), src.Where, err)
	}
	isDir := fi.IsDir()
	if strings.HasSuffix(src.Path, "/") && !isDir {
		return "", "", false, define.Invalidf("%q on %s is not a directory", src.shown(), src.Where)
	}
	name := path.Base(Clean(src.Path))
	if isDir && (strings.HasSuffix(src.Path, "/.") || src.Path == "." || Clean(src.Path) == "/") {
		name = "" // the directory's contents
	}
	return rp, name, isDir, nil
}

// Destination decides where an archive whose top entry is name (a
// directory when isDir; name "" for a directory's contents) lands for dst:
// the directory to extract into and the name the top entry takes there.
func Destination(dst Location, name string, isDir bool) (dir, rename string, err error) {
	rp, fi, err := lookup(dst.Root, dst.Path, true)
	switch {
	case err == nil && fi.IsDir():
		return rp, "", nil
	case err == nil:
		if isDir {
			return "", "", define.Invalidf("destination must be a directory when copying a directory")
		}
		return path.Dir(rp), path.Base(rp), nil
	case !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrInvalid):
		return "", "", fmt.Errorf("looking up %s on %s: %w", dst.shown(), dst.Where, err)
	}
	if rp == "" {
		return "", "", NotFound(dst.shown(), dst.Where)
	}
	if strings.HasSuffix(dst.Path, "/") && !isDir {
		return "", "", NotFound(dst.shown(), dst.Where)
	}
	parent := path.Dir(rp)
	if pfi, perr := statIn(dst.Root, parent); perr != nil || !pfi.IsDir() {
		shown := path.Dir(Clean(dst.Path))
		if dst.Shown != "" {
			shown = path.Dir(strings.TrimSuffix(dst.Shown, "/"))
		}
		return "", "", NotFound(shown, dst.Where)
	}
	return parent, path.Base(rp), nil
}

func statIn(root, p string) (fs.FileInfo, error) {
	_, fi, err := lookup(root, p, true)
	return fi, err
}

// Copy copies src to dst with the rules of cp: a file onto a file
// replaces it, into a directory goes under its own name, to a new path
// takes that name; a directory likewise, and "dir/." copies what dir holds.
func Copy(src, dst Location, opts CopyOptions) error {
	sp, name, isDir, err := Source(src, opts.Follow)
	if err != nil {
		return err
	}
	dir, rename, err := Destination(dst, name, isDir)
	if err != nil {
		return err
	}
	xo := ExtractOptions{Chown: opts.Chown, KeepOwner: opts.KeepOwner, Overwrite: opts.Overwrite, MapIDs: opts.MapIDs}
	top := name
	if rename != "" {
		if top == "" {
			top = rename // contents into a new directory: name them under it
		}
		xo.RenameFrom, xo.RenameTo = top, rename
	}
	root := dst.Root
	if opts.HostDest {
		root, dir = filepath.Join(dst.Root, dir), "/"
	}
	pr, pw := io.Pipe()
	go func() {
		var err error
		defer func() { pw.CloseWithError(err) }()
		defer define.Recover("writing a copy's tar stream", &err)
		err = WriteTar(pw, src.Root, sp, top, false)
	}()
	err = Extract(pr, root, dir, xo)
	pr.CloseWithError(errors.New("extraction stopped"))
	if err != nil {
		return fmt.Errorf("copying to %s: %w", dst.Where, err)
	}
	return nil
}

// Archive writes src as a tar stream to w, for cp SRC -.
func Archive(w io.Writer, src Location, follow bool) error {
	sp, name, _, err := Source(src, follow)
	if err != nil {
		return err
	}
	return WriteTar(w, src.Root, sp, name, false)
}

// ExtractTo unpacks the tar stream r into the directory dst, for cp - DEST.
func ExtractTo(r io.Reader, dst Location, opts CopyOptions) error {
	rp, fi, err := lookup(dst.Root, dst.Path, true)
	if err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrInvalid) {
		return fmt.Errorf("looking up %s on %s: %w", dst.shown(), dst.Where, err)
	}
	if err != nil || !fi.IsDir() {
		return define.Invalidf("destination must be a directory when copying from stdin")
	}
	root, dir := dst.Root, rp
	if opts.HostDest {
		root, dir = filepath.Join(dst.Root, rp), "/"
	}
	return Extract(r, root, dir, ExtractOptions{Chown: opts.Chown, KeepOwner: opts.KeepOwner, Overwrite: opts.Overwrite, MapIDs: opts.MapIDs})
}
