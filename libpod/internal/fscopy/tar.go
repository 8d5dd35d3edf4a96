package fscopy

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"time"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"golang.org/x/sys/unix"
)

// WriteTar writes the tree at p inside root to w as a tar stream, with
// ownership and modes as they are on disk. The top entry is called name and
// the rest name/...; with name "" only what a directory holds is written,
// named relative to it. With follow a symlink at p is followed (inside
// root); symlinks below p are always stored as links.
func WriteTar(w io.Writer, root, p, name string, follow bool) error {
	h, err := openInRoot(root, p, follow)
	if err != nil {
		return err
	}
	defer h.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(h.Fd()), &st); err != nil {
		return fmt.Errorf("stat %s: %w", p, err)
	}
	cw := &countingWriter{w: w}
	t := &tarWriter{tw: tar.NewWriter(cw), links: map[[2]uint64]string{}}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		d, err := pathrs.Reopen(h, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC)
		if err != nil {
			return fmt.Errorf("opening %s: %w", p, err)
		}
		defer d.Close()
		if name != "" {
			if err := t.header(&st, name, ""); err != nil {
				return err
			}
		}
		if err := t.dir(d, name); err != nil {
			return err
		}
	case unix.S_IFREG:
		f, err := pathrs.Reopen(h, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC)
		if err != nil {
			return fmt.Errorf("opening %s: %w", p, err)
		}
		defer f.Close()
		if err := t.file(f, &st, orBase(name, p)); err != nil {
			return err
		}
	case unix.S_IFLNK:
		dir, err := pathrs.OpenInRoot(root, path.Dir(Clean(p)))
		if err != nil {
			return err
		}
		target, err := readlinkat(int(dir.Fd()), path.Base(Clean(p)))
		dir.Close()
		if err != nil {
			return fmt.Errorf("reading link %s: %w", p, err)
		}
		if err := t.header(&st, orBase(name, p), target); err != nil {
			return err
		}
	default:
		if err := t.header(&st, orBase(name, p), ""); err != nil {
			return err
		}
	}
	if err := t.tw.Close(); err != nil {
		return err
	}
	return cw.padRecord()
}

// tarRecord is GNU tar's record: 20 blocks of 512 bytes. tar(1) pads its
// archives to whole records, and `tar --delete` of an archive that ends
// inside one drops the entries after the one deleted.
const tarRecord = 20 * 512

// countingWriter counts what goes through to w.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

// padRecord ends the stream on a whole tar record with zero bytes, which
// every tar reader takes as the end of the archive.
func (c *countingWriter) padRecord() error {
	if rest := c.n % tarRecord; rest != 0 {
		if _, err := c.Write(make([]byte, tarRecord-rest)); err != nil {
			return fmt.Errorf("writing the end of the archive: %w", err)
		}
	}
	return nil
}

func orBase(name, p string) string {
	if name != "" {
		return name
	}
	return path.Base(Clean(p))
}

type tarWriter struct {
	tw    *tar.Writer
	links map[[2]uint64]string // (dev, ino) of files with several links -> first name
}

// header writes the header of one entry described by st.
func (t *tarWriter) header(st *unix.Stat_t, name, link string) error {
	hdr := &tar.Header{
		Name:    name,
		Mode:    int64(st.Mode & 0o7777),
		Uid:     int(st.Uid),
		Gid:     int(st.Gid),
		ModTime: time.Unix(st.Mtim.Unix()),
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		hdr.Typeflag, hdr.Name = tar.TypeDir, name+"/"
	case unix.S_IFREG:
		hdr.Typeflag, hdr.Size = tar.TypeReg, st.Size
	case unix.S_IFLNK:
		hdr.Typeflag, hdr.Linkname = tar.TypeSymlink, link
	case unix.S_IFCHR, unix.S_IFBLK:
		hdr.Typeflag = tar.TypeChar
		if st.Mode&unix.S_IFMT == unix.S_IFBLK {
			hdr.Typeflag = tar.TypeBlock
		}
		hdr.Devmajor, hdr.Devminor = int64(unix.Major(st.Rdev)), int64(unix.Minor(st.Rdev))
	case unix.S_IFIFO:
		hdr.Typeflag = tar.TypeFifo
	default:
		return nil // sockets cannot be archived
	}
	if err := t.tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("writing %s to the archive: %w", name, err)
	}
	return nil
}

// file writes a regular file, or a hard link to one written before.
func (t *tarWriter) file(f *os.File, st *unix.Stat_t, name string) error {
	if st.Nlink > 1 {
		key := [2]uint64{st.Dev, st.Ino}
		if first, ok := t.links[key]; ok {
			hdr := &tar.Header{Typeflag: tar.TypeLink, Name: name, Linkname: first,
				Mode: int64(st.Mode & 0o7777), Uid: int(st.Uid), Gid: int(st.Gid), ModTime: time.Unix(st.Mtim.Unix())}
			return t.tw.WriteHeader(hdr)
		}
		t.links[key] = name
	}
	if err := t.header(st, name, ""); err != nil {
		return err
	}
	n, err := io.CopyN(t.tw, f, st.Size)
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("archiving %s: %w", name, err)
	}
	if n < st.Size {
		// The file shrank while we read it: pad to the size promised.
		if _, err := io.CopyN(t.tw, zeros{}, st.Size-n); err != nil {
			return fmt.Errorf("archiving %s: %w", name, err)
		}
	}
	return nil
}

// dir writes what the open directory d holds, named under prefix.
func (t *tarWriter) dir(d *os.File, prefix string) error {
	names, err := d.Readdirnames(-1)
	if err != nil {
		return fmt.Errorf("reading directory %s: %w", prefix, err)
	}
	slices.Sort(names)
	dfd := int(d.Fd())
	for _, n := range names {
		name := n
		if prefix != "" {
			name = prefix + "/" + n
		}
		var st unix.Stat_t
		if err := unix.Fstatat(dfd, n, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			if errors.Is(err, unix.ENOENT) {
				continue // removed since we listed it
			}
			return fmt.Errorf("stat %s: %w", name, err)
		}
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFDIR:
			fd, err := unix.Openat(dfd, n, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
			if err != nil {
				return fmt.Errorf("opening %s: %w", name, err)
			}
			sub := os.NewFile(uintptr(fd), name)
			if err := unix.Fstat(fd, &st); err == nil {
				err = t.header(&st, name, "")
			}
			if err == nil {
				err = t.dir(sub, name)
			}
			sub.Close()
			if err != nil {
				return err
			}
		case unix.S_IFREG:
			fd, err := unix.Openat(dfd, n, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
			if err != nil {
				return fmt.Errorf("opening %s: %w", name, err)
			}
			f := os.NewFile(uintptr(fd), name)
			if err := unix.Fstat(fd, &st); err == nil && st.Mode&unix.S_IFMT == unix.S_IFREG {
				err = t.file(f, &st, name)
				if err != nil {
					f.Close()
					return err
				}
			}
			f.Close()
		case unix.S_IFLNK:
			target, err := readlinkat(dfd, n)
			if err != nil {
				return fmt.Errorf("reading link %s: %w", name, err)
			}
			if err := t.header(&st, name, target); err != nil {
				return err
			}
		default:
			if err := t.header(&st, name, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

func readlinkat(dirfd int, name string) (string, error) {
	for size := 256; ; size *= 2 {
		buf := make([]byte, size)
		n, err := unix.Readlinkat(dirfd, name, buf)
		if err != nil {
			return "", err
		}
		if n < size {
			return string(buf[:n]), nil
		}
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
