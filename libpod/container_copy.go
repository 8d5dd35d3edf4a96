package libpod

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/internal/fscopy"
	"golang.org/x/sys/unix"
)

// CopyEnd is one side of a copy: a path in a container, on the host
// (Container ""), or a tar stream ("-").
type CopyEnd struct {
	Container string
	Path      string
}

// Stream reports whether the end is a tar stream (stdin or stdout).
func (e CopyEnd) Stream() bool { return e.Container == "" && e.Path == "-" }

// CopyOptions tune Copy.
type CopyOptions struct {
	// Archive owns what lands in a container by the container's user
	// (default in the CLI); without it the source's ids are kept.
	Archive bool
	// Follow follows a symlink named by a host source path; container
	// source paths are always resolved inside the container.
	Follow bool
	// Overwrite lets a directory replace a non-directory and the reverse.
	Overwrite bool
}

// Copy copies between a container and the host, a tar stream, or another
// container, with cp's rules. Paths inside a container are resolved in its
// root filesystem: a running container's as its process sees it, with its
// mounts (liveRoot); else its mounted rootfs, with volume and bind mounts
// mapped to their host directories (copyLocation).
func (r *Runtime) Copy(ctx context.Context, src, dst CopyEnd, stdin io.Reader, stdout io.Writer, opts CopyOptions) error {
	if src.Container == "" && dst.Container == "" {
		return define.Invalidf("invalid arguments %s, %s: you must specify a container on one side", src.Path, dst.Path)
	}
	if dst.Stream() && src.Container == "" || src.Stream() && dst.Container == "" {
		return define.Invalidf("a tar stream (-) can only be copied to or from a container")
	}
	if dst.Container == "" && !dst.Stream() {
		if err := checkHostDest(dst.Path); err != nil {
			return err
		}
	}
	var srcLoc, dstLoc fscopy.Location
	return r.withEnd(ctx, src, &srcLoc, func(sc *Container) error {
		return r.withEnd(ctx, dst, &dstLoc, func(dc *Container) error {
			co := fscopy.CopyOptions{Follow: opts.Follow || sc != nil, Overwrite: opts.Overwrite}
			if dc == nil {
				co.HostDest = true
			} else {
				if opts.Archive {
					uid, gid := processUser(dc)
					co.Chown = &fscopy.IDPair{UID: uid, GID: gid}
				} else {
					co.KeepOwner = true
				}
				if dc.Config.IDMaps != nil {
					co.MapIDs = dc.rootIDs
				}
			}
			switch {
			case src.Stream():
				in, err := decompressed(stdin)
				if err != nil {
					return err
				}
				err = fscopy.ExtractTo(in, dstLoc, co)
				if errors.Is(err, fscopy.ErrBadArchive) {
					slog.Debug("extracting from stdin", "err", err)
					return define.Invalidf("source must be a (compressed) tar archive when copying from stdin")
				}
				return err
			case dst.Stream():
				return fscopy.Archive(stdout, srcLoc, co.Follow)
			}
			return fscopy.Copy(srcLoc, dstLoc, co)
		})
	})
}

// checkHostDest refuses a host destination that exists but is neither a
// directory nor a regular file (a pipe such as /dev/stdout, a device), as
// Podman does: only "-" means the standard output.
func checkHostDest(p string) error {
	fi, err := os.Stat(p)
	if err != nil || fi.IsDir() || fi.Mode().IsRegular() {
		return nil
	}
	return define.Invalidf("invalid destination: %q must be a directory or a regular file", p)
}

// decompressed undoes gzip or bzip2 compression of a tar stream, which
// `cp -` accepts as Podman does; a plain stream passes as it is.
func decompressed(r io.Reader) (io.Reader, error) {
	br := bufio.NewReader(r)
	magic, _ := br.Peek(3)
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, define.Invalidf("reading a gzip-compressed archive: %v", err)
		}
		return zr, nil
	case bytes.HasPrefix(magic, []byte("BZh")):
		return bzip2.NewReader(br), nil
	}
	return br, nil
}

// withEnd fills loc for end, mounting its container for the duration of
// fn; fn gets the container, nil for the host.
func (r *Runtime) withEnd(ctx context.Context, end CopyEnd, loc *fscopy.Location, fn func(c *Container) error) error {
	if end.Container == "" {
		p := end.Path
		if p != "-" && !filepath.IsAbs(p) {
			wd, err := os.Getwd()
			if err != nil {
				return fmt.Errorf("finding the working directory: %w", err)
			}
			p = strings.TrimSuffix(wd, "/") + "/" + p
		}
		*loc = fscopy.Location{Root: "/", Path: p, Where: "the host"}
		return fn(nil)
	}
	c, err := r.LookupContainer(ctx, end.Container)
	if err != nil {
		return err
	}
	if root, ok := liveRoot(c); ok {
		// The running container's own view: its tmpfs, volume and bind
		// mounts are where it sees them.
		*loc = fscopy.Location{Root: root, Path: inWorkDir(c, end.Path), Where: "container " + end.Container, Shown: end.Path}
		return fn(c)
	}
	return r.withRootfs(ctx, c.ID(), func(c *Container, root string) error {
		*loc = copyLocation(c, root, inWorkDir(c, end.Path))
		loc.Where, loc.Shown = "container "+end.Container, end.Path
		return fn(c)
	})
}

// liveRoot returns the root directory of a running container as its
// process sees it, through /proc/PID/root: paths resolved below it cross
// the mounts of the container's mount namespace (tmpfs, volumes, binds)
// without entering it. ok is false for a container that does not run, or
// whose recorded process is gone or shares pm's root (a reused pid).
func liveRoot(c *Container) (string, bool) {
	if c.State.Pid <= 0 || (c.State.Status != define.StatusRunning && c.State.Status != define.StatusPaused) {
		return "", false
	}
	root := fmt.Sprintf("/proc/%d/root", c.State.Pid)
	var ctr, own unix.Stat_t
	if err := unix.Stat(root, &ctr); err != nil {
		slog.Debug("reaching the root of a running container", "container", c.ID(), "err", err)
		return "", false
	}
	if err := unix.Stat("/", &own); err != nil || ctr.Dev == own.Dev && ctr.Ino == own.Ino {
		return "", false
	}
	return root, true
}

// inWorkDir makes a relative container path relative to the container's
// working directory, as Podman does; a trailing "/" or "/." keeps its
// meaning.
func inWorkDir(c *Container, p string) string {
	if strings.HasPrefix(p, "/") {
		return p
	}
	wd := c.Config.WorkDir
	if wd == "" {
		wd = "/"
	}
	if p == "" || p == "." {
		return strings.TrimSuffix(wd, "/") + "/."
	}
	return strings.TrimSuffix(wd, "/") + "/" + p
}
