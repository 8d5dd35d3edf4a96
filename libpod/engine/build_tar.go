package engine

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/internal/fscopy"
)

// copyItem is one source of a COPY or ADD as a tar stream, and where its
// entries land.
type copyItem struct {
	// write writes the tar stream; or stream is it.
	write  func(io.Writer) error
	stream io.Reader
	// dir, when set, is the directory the entries land in, by their
	// names (a directory's contents, an archive's); else the entry named
	// top, and what is below it, lands at target.
	dir         string
	top, target string
}

// rename maps an entry's name in the stream to its path in the container
// (without the leading /); false drops the entry (the stream's "./").
func (it copyItem) rename(name string) (string, bool) {
	n := strings.TrimPrefix(path.Clean("/"+name), "/")
	switch {
	case it.dir != "":
		if n == "" {
			return "", false
		}
		return strings.TrimPrefix(path.Join(it.dir, n), "/"), true
	case n == it.top:
		return strings.TrimPrefix(it.target, "/"), true
	case strings.HasPrefix(n, it.top+"/"):
		return strings.TrimPrefix(it.target, "/") + n[len(it.top):], true
	}
	return "", false
}

// landing is the directory the item's entries land in or below.
func (it copyItem) landing() string {
	if it.dir != "" {
		return it.dir
	}
	return path.Dir(it.target)
}

// put writes the items into step container id, every entry owned by the
// --chown user (root without one) and with the --chmod mode (the
// source's without one). Missing directories above them are made, mode
// 0755, owned by that user too.
func (b *builder) put(kind, id string, ca copyArgs, items []copyItem) error {
	owner, err := b.owner(kind, id, ca.chown)
	if err != nil {
		return err
	}
	var missing []string
	seen := map[string]bool{}
	for _, it := range items {
		for _, d := range b.missingDirs(id, it.landing()) {
			if !seen[d] {
				seen[d] = true
				missing = append(missing, d)
			}
		}
	}
	return b.putTar(id, func(tw *tar.Writer) error {
		for _, d := range missing {
			if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d + "/", Mode: 0o755,
				Uid: owner.UID, Gid: owner.GID, ModTime: time.Now()}); err != nil {
				return err
			}
		}
		for _, it := range items {
			read := func(r io.Reader) error { return retar(tw, r, it, owner, ca.chmod) }
			var err error
			if it.stream != nil {
				err = read(it.stream)
			} else {
				err = pipeTar(it.write, read)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// owner resolves a --chown user[:group] (names or numbers) in the step
// container's /etc/passwd and /etc/group, as a RUN's user is resolved;
// "" is root.
func (b *builder) owner(kind, id, spec string) (fscopy.IDPair, error) {
	if spec == "" {
		return fscopy.IDPair{}, nil
	}
	_, mp, err := b.e.rt.MountContainer(b.ctx, id)
	if err != nil {
		return fscopy.IDPair{}, err
	}
	defer b.e.rt.UnmountContainer(context.WithoutCancel(b.ctx), id, false)
	u, _, err := resolveUser(mp, spec, nil)
	if err != nil {
		return fscopy.IDPair{}, fmt.Errorf("%s --chown=%s: %w", kind, spec, err)
	}
	return fscopy.IDPair{UID: int(u.UID), GID: int(u.GID)}, nil
}

// retar copies the entries of the tar stream r to tw under their names
// in the container, with the owner and mode of the copy.
func retar(tw *tar.Writer, r io.Reader, it copyItem, owner fscopy.IDPair, chmod *fs.FileMode) error {
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading the sources: %w", err)
		}
		name, ok := it.rename(hdr.Name)
		if !ok {
			continue
		}
		if hdr.Typeflag == tar.TypeLink {
			if hdr.Linkname, ok = it.rename(hdr.Linkname); !ok {
				continue
			}
		}
		hdr.Name = name
		if hdr.Typeflag == tar.TypeDir {
			hdr.Name += "/"
		}
		hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname = owner.UID, owner.GID, "", ""
		if chmod != nil && hdr.Typeflag != tar.TypeSymlink && hdr.Typeflag != tar.TypeLink {
			hdr.Mode = int64(*chmod)
		}
		hdr.Format, hdr.AccessTime, hdr.ChangeTime = tar.FormatUnknown, time.Time{}, time.Time{}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("copying %s: %w", name, err)
		}
		if _, err := io.Copy(tw, tr); err != nil {
			return fmt.Errorf("copying %s: %w", name, err)
		}
	}
}

// putTar extracts the tar stream produce writes at / in step container
// id, keeping the entries' owners and modes.
func (b *builder) putTar(id string, produce func(*tar.Writer) error) error {
	return pipeTar(func(w io.Writer) error {
		tw := tar.NewWriter(w)
		// A first "./" keeps the stream from looking compressed to the
		// extraction, whatever the first name is.
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: "./", Mode: 0o755}); err != nil {
			return err
		}
		if err := produce(tw); err != nil {
			return err
		}
		return tw.Close()
	}, func(r io.Reader) error {
		return b.e.ContainerCopy(b.ctx, ContainerCopyRequest{
			Source: CopyEnd{Path: "-"}, Dest: CopyEnd{Container: id, Path: "/"}, Overwrite: true, Stdin: r,
		})
	})
}

// pipeTar runs write into read through a pipe; the writer's error, when
// it has one, is the one that tells what went wrong.
func pipeTar(write func(io.Writer) error, read func(io.Reader) error) error {
	pr, pw := io.Pipe()
	werr := make(chan error, 1)
	go func() {
		var err error
		defer func() {
			pw.CloseWithError(err)
			werr <- err
		}()
		defer define.Recover("writing a tar stream", &err)
		err = write(pw)
	}()
	rerr := read(pr)
	if rerr == nil {
		io.Copy(io.Discard, pr) // the padding after the end of the archive
	}
	pr.CloseWithError(io.ErrClosedPipe)
	if err := <-werr; err != nil && !errors.Is(err, io.ErrClosedPipe) {
		return err
	}
	return rerr
}

// missingDirs lists the directories from dir up that step container id
// lacks, outermost first, without the leading /.
func (b *builder) missingDirs(id, dir string) []string {
	var missing []string
	for p := path.Clean(dir); p != "/" && p != "."; p = path.Dir(p) {
		if _, err := b.e.ContainerStat(b.ctx, id, p); err == nil {
			break
		}
		missing = append([]string{strings.TrimPrefix(p, "/")}, missing...)
	}
	return missing
}

// ensureParent makes the directories above target (and target, for a
// directory) in the container, owned by root, as WORKDIR makes them.
func (b *builder) ensureParent(id, target string, dir bool) error {
	p := path.Dir(target)
	if dir {
		p = path.Clean(target)
	}
	missing := b.missingDirs(id, p)
	if len(missing) == 0 {
		return nil
	}
	return b.putTar(id, func(tw *tar.Writer) error {
		for _, m := range missing {
			if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: m + "/", Mode: 0o755, ModTime: time.Now()}); err != nil {
				return err
			}
		}
		return nil
	})
}
