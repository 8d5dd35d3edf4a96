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
	"os"
	"path/filepath"
	"strings"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/internal/fscopy"
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
// root filesystem, which is mounted (running or not) for the copy.
func (r *Runtime) Copy(ctx context.Context, src, dst CopyEnd, stdin io.Reader, stdout io.Writer, opts CopyOptions) error {
	if src.Container == "" && dst.Container == "" {
		return define.Invalidf("invalid arguments %s, %s: you must specify a container on one side", src.Path, dst.Path)
	}
	if dst.Stream() && src.Container == "" || src.Stream() && dst.Container == "" {
		return define.Invalidf("a tar stream (-) can only be copied to or from a container")
	}
	var srcLoc, dstLoc fscopy.Location
	return r.withEnd(ctx, src, &srcLoc, func(sc *Container) error {
		return r.withEnd(ctx, dst, &dstLoc, func(dc *Container) error {
			co := fscopy.CopyOptions{Follow: opts.Follow || sc != nil, Overwrite: opts.Overwrite}
			if dc == nil {
				co.HostDest = true
			} else if opts.Archive {
				uid, gid := processUser(dc)
				co.Chown = &fscopy.IDPair{UID: uid, GID: gid}
			} else {
				co.KeepOwner = true
			}
			switch {
			case src.Stream():
				in, err := decompressed(stdin)
				if err != nil {
					return err
				}
				err = fscopy.ExtractTo(in, dstLoc, co)
				if errors.Is(err, fscopy.ErrBadArchive) {
					return define.Invalidf("source must be a (compressed) tar archive when copying from stdin: %v", err)
				}
				return err
			case dst.Stream():
				return fscopy.Archive(stdout, srcLoc, co.Follow)
			}
			return fscopy.Copy(srcLoc, dstLoc, co)
		})
	})
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
	return r.withRootfs(ctx, end.Container, func(c *Container, root string) error {
		*loc = copyLocation(c, root, inWorkDir(c, end.Path))
		return fn(c)
	})
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
