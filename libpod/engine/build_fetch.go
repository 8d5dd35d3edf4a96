package engine

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"time"

	digest "github.com/opencontainers/go-digest"
	"github.com/pm-project/pm/libpod/define"
)

// fetched is an ADD source downloaded from a URL to a temporary file.
type fetched struct {
	url   string
	file  string    // the temporary file
	name  string    // the file name the URL gives; "" for none
	size  int64     //
	mtime time.Time // Last-Modified, else the epoch
	sum   string    // sha256 of the content, for the cache key
}

// fetch downloads an ADD source URL, checking its digest against
// checksum when one is given. Remote archives are not unpacked, as
// Docker leaves them.
func (b *builder) fetch(raw, checksum string) (_ *fetched, retErr error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, define.Invalidf("ADD: invalid URL %q", raw)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, define.Invalidf("ADD of a %s URL is not supported: only http and https", u.Scheme)
	}
	if strings.HasSuffix(u.Path, ".git") {
		return nil, define.Invalidf("ADD of a git repository (%s) is not supported by pm's builder", raw)
	}
	var want digest.Digest
	if checksum != "" {
		if want, err = digest.Parse(checksum); err != nil {
			return nil, define.Invalidf("ADD: invalid --checksum=%s: want ALGORITHM:HEX, as sha256:...", checksum)
		}
	}
	req, err := http.NewRequestWithContext(b.ctx, http.MethodGet, raw, nil)
	if err != nil {
		return nil, define.Invalidf("ADD: invalid URL %q: %v", raw, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("ADD: fetching %s: %w", raw, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("ADD: fetching %s: the server answered %s", raw, resp.Status)
	}
	tmp, err := os.CreateTemp(b.e.rt.Config().TmpDir, "build-add-")
	if err != nil {
		return nil, fmt.Errorf("ADD: storing %s: %w", raw, err)
	}
	defer func() {
		if retErr != nil {
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	var check digest.Digester
	w := io.MultiWriter(tmp, h)
	if want != "" {
		check = want.Algorithm().Digester()
		w = io.MultiWriter(w, check.Hash())
	}
	n, err := io.Copy(w, resp.Body)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("ADD: fetching %s: %w", raw, err)
	}
	if check != nil && check.Digest() != want {
		return nil, define.Invalidf("ADD: the content of %s has digest %s, not the --checksum %s", raw, check.Digest(), want)
	}
	f := &fetched{url: raw, file: tmp.Name(), size: n, mtime: time.Unix(0, 0), sum: hex.EncodeToString(h.Sum(nil))}
	if base := path.Base(u.Path); base != "." && base != "/" {
		f.name = base
	}
	if lm, err := http.ParseTime(resp.Header.Get("Last-Modified")); err == nil {
		f.mtime = lm
	}
	return f, nil
}

// item is the fetched file as a copy source landing at target, mode
// 0600 as Docker makes it (unless --chmod says otherwise).
func (f *fetched) item(target string) copyItem {
	return copyItem{top: "f", target: target, write: func(w io.Writer) error {
		in, err := os.Open(f.file)
		if err != nil {
			return err
		}
		defer in.Close()
		tw := tar.NewWriter(w)
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: "f", Size: f.size, Mode: 0o600, ModTime: f.mtime}); err != nil {
			return err
		}
		if _, err := io.Copy(tw, in); err != nil {
			return fmt.Errorf("copying %s: %w", f.url, err)
		}
		return tw.Close()
	}}
}
