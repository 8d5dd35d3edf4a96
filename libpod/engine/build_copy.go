package engine

import (
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
	"strconv"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
	digest "github.com/opencontainers/go-digest"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/internal/fscopy"
	"github.com/ulikunitz/xz"
)

// copyArgs is what a COPY or ADD says.
type copyArgs struct {
	from, chown, checksum string
	chmod                 *fs.FileMode // nil keeps the sources' modes
	srcs                  []string
	dst                   string
}

// parseCopyArgs reads COPY's and ADD's options, sources and destination
// (space-separated or a JSON array). A --chmod holding a variable is
// checked once it is expanded.
func parseCopyArgs(kind, args string) (copyArgs, error) {
	var ca copyArgs
	rest := strings.TrimSpace(args)
	for strings.HasPrefix(rest, "--") {
		var flag string
		flag, rest, _ = strings.Cut(rest, " ")
		rest = strings.TrimSpace(rest)
		name, val, hasVal := strings.Cut(flag[2:], "=")
		switch name {
		case "link", "parents", "exclude", "keep-git-dir":
			return ca, define.Invalidf("%s --%s is not supported by pm's builder", kind, name)
		case "from", "chown", "chmod", "checksum":
		default:
			return ca, define.Invalidf("%s: unknown option --%s", kind, name)
		}
		if !hasVal || val == "" {
			return ca, define.Invalidf("%s: option --%s needs a value (--%s=VALUE)", kind, name, name)
		}
		switch name {
		case "from":
			if kind == "ADD" {
				return ca, define.Invalidf("ADD does not take --from: use COPY")
			}
			ca.from = val
		case "chown":
			ca.chown = val
		case "chmod":
			if strings.Contains(val, "$") {
				continue
			}
			m, err := strconv.ParseUint(val, 8, 32)
			if err != nil || m > 0o7777 {
				return ca, define.Invalidf("%s: invalid --chmod=%s: want an octal mode such as 0755", kind, val)
			}
			mode := fs.FileMode(m)
			ca.chmod = &mode
		case "checksum":
			if kind == "COPY" {
				return ca, define.Invalidf("COPY does not take --checksum: use ADD")
			}
			if _, err := digest.Parse(val); err != nil && !strings.Contains(val, "$") {
				return ca, define.Invalidf("ADD: invalid --checksum=%s: want ALGORITHM:HEX, as sha256:...", val)
			}
			ca.checksum = val
		}
	}
	words, ok := jsonList(rest)
	if !ok {
		words = splitQuoted(rest)
	}
	if len(words) < 2 {
		return ca, define.Invalidf("%s needs a source and a destination", kind)
	}
	ca.srcs, ca.dst = words[:len(words)-1], words[len(words)-1]
	for _, s := range ca.srcs {
		if ca.checksum != "" && !isURL(s) {
			return ca, define.Invalidf("ADD --checksum is only for http and https sources, not %s", s)
		}
	}
	return ca, nil
}

// isURL reports whether an ADD source is a URL rather than a path of the
// context.
func isURL(s string) bool { return strings.Contains(s, "://") }

// copy runs COPY and ADD: sources of the context (or, with --from, of a
// stage or an image; for ADD, http and https URLs) go to a destination
// relative to the working directory; ADD unpacks a local tar archive,
// compressed or not. What lands is owned by --chown (default root) and
// has the mode --chmod gives, or the source's.
func (b *builder) copy(kind, args string) error {
	ca, err := parseCopyArgs(kind, args)
	if err != nil {
		return err
	}
	// A destination ending in / (or naming the working directory) is a
	// directory; so is one for several sources.
	dst := ca.dst
	dstDir := strings.HasSuffix(dst, "/") || dst == "." || strings.HasSuffix(dst, "/.") || len(ca.srcs) > 1
	if !strings.HasPrefix(dst, "/") {
		dst = path.Join("/", b.cfg.WorkingDir, dst)
	}
	dst = path.Clean(dst)
	if ca.from != "" {
		return b.copyFrom(ca, args, dst, dstDir)
	}
	var hps []string
	var urls []*fetched
	defer func() {
		for _, f := range urls {
			os.Remove(f.file)
		}
	}()
	for _, s := range ca.srcs {
		if isURL(s) {
			if kind == "COPY" {
				return define.Invalidf("COPY does not take a URL (%s): use ADD", s)
			}
			f, err := b.fetch(s, ca.checksum)
			if err != nil {
				return err
			}
			urls = append(urls, f)
			continue
		}
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
	if len(hps)+len(urls) > 1 {
		dstDir = true
	}
	sum, err := hashSources(b.dir, hps)
	if err != nil {
		return err
	}
	for _, f := range urls {
		sum += " " + f.name + "@" + f.sum
	}
	key := b.cacheKey(kind+" "+args, sum, false)
	if b.cached(key) {
		return nil
	}
	id, err := b.container(nil)
	if err != nil {
		return err
	}
	if !dstDir {
		if st, err := b.e.ContainerStat(b.ctx, id, dst); err == nil && st.Mode.IsDir() {
			dstDir = true
		}
	}
	var items []copyItem
	for _, f := range urls {
		if dstDir && f.name == "" {
			return define.Invalidf("ADD: cannot tell a file name from the URL %s: give the destination one", f.url)
		}
		items = append(items, f.item(b.target(dst, dstDir, f.name)))
	}
	for _, hp := range hps {
		rel := strings.TrimPrefix(hp, b.dir)
		fi, err := os.Stat(hp)
		if err != nil {
			return b.missing(rel)
		}
		if kind == "ADD" && fi.Mode().IsRegular() {
			if in := openArchive(hp); in != nil {
				defer in.Close()
				items = append(items, copyItem{dir: dst, stream: in})
				continue
			}
		}
		if fi.IsDir() {
			// A directory's contents are copied, not the directory.
			items = append(items, copyItem{dir: dst, write: func(w io.Writer) error {
				return fscopy.WriteTar(w, b.dir, rel, "", true)
			}})
			continue
		}
		items = append(items, copyItem{top: filepath.Base(hp), target: b.target(dst, dstDir, filepath.Base(hp)),
			write: func(w io.Writer) error { return fscopy.WriteTar(w, b.dir, rel, filepath.Base(hp), true) }})
	}
	if err := b.put(kind, id, ca, items); err != nil {
		return err
	}
	return b.commit(id, key, kind+" "+args)
}

// target is where a source file named name lands: inside dst when it
// is a directory, else dst itself.
func (b *builder) target(dst string, dstDir bool, name string) string {
	if dstDir {
		return path.Join(dst, name)
	}
	return dst
}

// missing is the error for a source that is not in the context (or is
// left out by the ignore file).
func (b *builder) missing(src string) error {
	return define.Errorf(define.ErrNotFound, "checking on sources under %q: stat: %q: no such file or directory",
		b.ctxDir, path.Join("/", src))
}

// copyFrom runs COPY --from: the sources are in an earlier stage's
// result, or in an image (pulled when missing).
func (b *builder) copyFrom(ca copyArgs, args, dst string, dstDir bool) error {
	var img string
	if i := stageIndex(b.stages, ca.from, b.stage); i >= 0 {
		img = b.stageImage(i)
	} else {
		im, err := b.pullImage(ca.from)
		if err != nil {
			return fmt.Errorf("COPY --from=%s: %w", ca.from, err)
		}
		img = im.ID()
	}
	key := b.cacheKey("COPY "+args, "from "+img, false)
	if b.cached(key) {
		return nil
	}
	sc, err := b.sourceContainer(img)
	if err != nil {
		return err
	}
	defer b.drop(sc)
	id, err := b.container(nil)
	if err != nil {
		return err
	}
	if !dstDir {
		if st, err := b.e.ContainerStat(b.ctx, id, dst); err == nil && st.Mode.IsDir() {
			dstDir = true
		}
	}
	var items []copyItem
	for _, s := range ca.srcs {
		sp := path.Join("/", s)
		st, err := b.e.ContainerStat(b.ctx, sc, sp)
		if err != nil {
			return define.Errorf(define.ErrNotFound, "checking on sources under %q: stat: %q: no such file or directory", ca.from, sp)
		}
		src := CopyEnd{Container: sc, Path: sp}
		it := copyItem{top: path.Base(sp), target: b.target(dst, dstDir, path.Base(sp))}
		if st.Mode.IsDir() {
			src.Path = strings.TrimSuffix(sp, "/") + "/."
			it = copyItem{dir: dst}
		}
		it.write = func(w io.Writer) error {
			return b.e.ContainerCopy(b.ctx, ContainerCopyRequest{Source: src, Dest: CopyEnd{Path: "-"}, Stdout: w})
		}
		items = append(items, it)
	}
	if err := b.put("COPY", id, ca, items); err != nil {
		return err
	}
	return b.commit(id, key, "COPY "+args)
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
