package engine

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	securejoin "github.com/cyphar/filepath-securejoin"
	"github.com/pm-project/pm/libpod/define"
	"github.com/ulikunitz/xz"
)

// copy runs COPY and ADD: sources of the context (or, with --from, of a
// stage or an image) go to a destination relative to the working
// directory; ADD unpacks a local tar archive, compressed or not.
func (b *builder) copy(kind, args string) error {
	var from string
	var srcs []string
	for _, a := range splitQuoted(args) {
		if strings.HasPrefix(a, "--") {
			if v, ok := strings.CutPrefix(a, "--from="); ok {
				from = v
			}
			continue
		}
		srcs = append(srcs, a)
	}
	if len(srcs) < 2 {
		return define.Invalidf("%s needs a source and a destination", kind)
	}
	dst := srcs[len(srcs)-1]
	srcs = srcs[:len(srcs)-1]
	// A destination ending in / (or naming the working directory) is a
	// directory; so is one for several sources.
	dstDir := strings.HasSuffix(dst, "/") || dst == "." || strings.HasSuffix(dst, "/.") || len(srcs) > 1
	if !strings.HasPrefix(dst, "/") {
		dst = path.Join("/", b.workdir, dst)
	}
	dst = path.Clean(dst)
	for _, s := range srcs {
		if strings.Contains(s, "://") {
			return define.Invalidf("%s of a URL is not supported", kind)
		}
	}
	if from != "" {
		if kind == "ADD" {
			return define.Invalidf("ADD does not take --from: use COPY")
		}
		return b.copyFrom(from, args, srcs, dst, dstDir)
	}
	var hps []string
	for _, s := range srcs {
		hp, err := securejoin.SecureJoin(b.dir, s)
		if err != nil {
			return err
		}
		if strings.ContainsAny(s, "*?[") {
			m, err := filepath.Glob(hp)
			if err != nil || len(m) == 0 {
				return b.missing(s)
			}
			hps = append(hps, m...)
			continue
		}
		if _, err := os.Lstat(hp); err != nil {
			return b.missing(s)
		}
		hps = append(hps, hp)
	}
	if len(hps) > 1 {
		dstDir = true
	}
	sum, err := hashSources(b.dir, hps)
	if err != nil {
		return err
	}
	key := b.cacheKey(kind+" "+args, sum, false)
	if b.cached(key) {
		return nil
	}
	id, err := b.container(b.image, nil, true)
	if err != nil {
		return err
	}
	if !dstDir {
		if st, err := b.e.ContainerStat(b.ctx, id, dst); err == nil && st.Mode.IsDir() {
			dstDir = true
		}
	}
	for _, hp := range hps {
		fi, err := os.Stat(hp)
		if err != nil {
			return b.missing(strings.TrimPrefix(hp, b.dir))
		}
		var in io.ReadCloser
		if kind == "ADD" && fi.Mode().IsRegular() {
			in = openArchive(hp)
		}
		switch {
		case in != nil:
			err = b.ensureParent(id, dst, true)
			if err == nil {
				err = b.e.ContainerCopy(b.ctx, ContainerCopyRequest{
					Source: CopyEnd{Path: "-"}, Dest: CopyEnd{Container: id, Path: dst}, Archive: true, Stdin: in,
				})
			}
			in.Close()
		case fi.IsDir():
			// A directory's contents are copied, not the directory.
			err = b.copyInto(CopyEnd{Path: hp + "/."}, id, dst, true)
		default:
			target := dst
			if dstDir {
				target = path.Join(dst, filepath.Base(hp))
			}
			err = b.copyInto(CopyEnd{Path: hp}, id, target, false)
		}
		if err != nil {
			return err
		}
	}
	return b.commit(id, key, "docker")
}

// copyInto copies src to target in container id, making the directories
// above it (and target, for a directory).
func (b *builder) copyInto(src CopyEnd, id, target string, dir bool) error {
	if err := b.ensureParent(id, target, dir); err != nil {
		return err
	}
	return b.e.ContainerCopy(b.ctx, ContainerCopyRequest{
		Source: src, Dest: CopyEnd{Container: id, Path: target}, Archive: true, Overwrite: true,
	})
}

// missing is the error for a source that is not in the context (or is
// left out by the ignore file).
func (b *builder) missing(src string) error {
	return define.Errorf(define.ErrNotFound, "checking on sources under %q: stat: %q: no such file or directory",
		b.ctxDir, path.Join("/", src))
}

// copyFrom runs COPY --from: the sources are in an earlier stage's
// result, or in an image (pulled when missing).
func (b *builder) copyFrom(from, args string, srcs []string, dst string, dstDir bool) error {
	var img string
	if i := stageIndex(b.stages, from, b.stage); i >= 0 {
		img = b.stageImages[i]
	} else {
		im, err := b.pullImage(from)
		if err != nil {
			return fmt.Errorf("COPY --from=%s: %w", from, err)
		}
		img = im.ID()
	}
	key := b.cacheKey("COPY "+args, "from "+img, false)
	if b.cached(key) {
		return nil
	}
	sc, err := b.container(img, nil, false)
	if err != nil {
		return err
	}
	defer b.drop(sc)
	id, err := b.container(b.image, nil, true)
	if err != nil {
		return err
	}
	if !dstDir {
		if st, err := b.e.ContainerStat(b.ctx, id, dst); err == nil && st.Mode.IsDir() {
			dstDir = true
		}
	}
	for _, s := range srcs {
		sp := path.Join("/", s)
		st, err := b.e.ContainerStat(b.ctx, sc, sp)
		if err != nil {
			return define.Errorf(define.ErrNotFound, "checking on sources under %q: stat: %q: no such file or directory", from, sp)
		}
		if st.Mode.IsDir() {
			err = b.copyInto(CopyEnd{Container: sc, Path: sp + "/."}, id, dst, true)
		} else {
			target := dst
			if dstDir {
				target = path.Join(dst, path.Base(sp))
			}
			err = b.copyInto(CopyEnd{Container: sc, Path: sp}, id, target, false)
		}
		if err != nil {
			return err
		}
	}
	return b.commit(id, key, "docker")
}

// openArchive opens file as a tar stream when it is a tar archive, plain
// or compressed with gzip, bzip2 or xz (told by content, not by name);
// nil when it is not one.
func openArchive(file string) io.ReadCloser {
	f, err := os.Open(file)
	if err != nil {
		return nil
	}
	br := bufio.NewReader(f)
	magic, _ := br.Peek(6)
	var r io.Reader = br
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		if r, err = gzip.NewReader(br); err != nil {
			f.Close()
			return nil
		}
	case bytes.HasPrefix(magic, []byte("BZh")):
		r = bzip2.NewReader(br)
	case bytes.HasPrefix(magic, []byte{0xfd, '7', 'z', 'X', 'Z', 0}):
		if r, err = xz.NewReader(br); err != nil {
			f.Close()
			return nil
		}
	}
	tr := bufio.NewReaderSize(r, 1024)
	hdr, _ := tr.Peek(512)
	if len(hdr) < 512 || !bytes.HasPrefix(hdr[257:], []byte("ustar")) {
		f.Close()
		return nil
	}
	return struct {
		io.Reader
		io.Closer
	}{tr, f}
}

// hashSources hashes the names, modes, link targets and contents of the
// COPY sources and everything below them, for the cache key.
func hashSources(root string, paths []string) (string, error) {
	h := sha256.New()
	for _, p := range paths {
		err := filepath.WalkDir(p, func(fp string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			fi, err := d.Info()
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, fp)
			fmt.Fprintf(h, "%s\x00%o\x00", rel, fi.Mode())
			switch {
			case fi.Mode()&fs.ModeSymlink != 0:
				l, _ := os.Readlink(fp)
				fmt.Fprintf(h, "%s\x00", l)
			case fi.Mode().IsRegular():
				f, err := os.Open(fp)
				if err != nil {
					return err
				}
				fmt.Fprintf(h, "%d\x00", fi.Size())
				_, err = io.Copy(h, f)
				f.Close()
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return "", fmt.Errorf("reading the COPY sources: %w", err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func hashJSON(v any) string {
	data, _ := json.Marshal(v)
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// ensureParent makes the directories above target (and target, for a
// directory source) in the container, as COPY creates them.
func (b *builder) ensureParent(id, target string, dir bool) error {
	p := path.Dir(target)
	if dir {
		p = path.Clean(target)
	}
	var missing []string
	for ; p != "/" && p != "."; p = path.Dir(p) {
		if _, err := b.e.ContainerStat(b.ctx, id, p); err == nil {
			break
		}
		missing = append([]string{strings.TrimPrefix(p, "/")}, missing...)
	}
	if len(missing) == 0 {
		return nil
	}
	pr, pw := io.Pipe()
	go func() {
		var err error
		defer func() { pw.CloseWithError(err) }()
		defer define.Recover("making directories", &err)
		tw := tar.NewWriter(pw)
		for _, m := range missing {
			tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: m + "/", Mode: 0o755, ModTime: time.Now()})
		}
		err = tw.Close()
	}()
	return b.e.ContainerCopy(b.ctx, ContainerCopyRequest{
		Source: CopyEnd{Path: "-"}, Dest: CopyEnd{Container: id, Path: "/"}, Archive: true, Stdin: pr,
	})
}
