package image

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/pm-project/pm/libpod/define"
	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/storage"
	stypes "go.podman.io/storage/types"
)

var idPrefixRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(sha256:)?[a-f0-9]{1,64}$`) })

// query is a user's image name, parsed for local lookup.
type query struct {
	// exact are the fully qualified names to try, in order.
	exact []string
	// short is the repository path and tag or digest suffix of a short
	// name ("busybox", ":latest"), matched last against any registry.
	short, suffix string
	// digest is set for name@digest queries.
	digest string
}

// parseQuery turns a user's image name into the names it may be stored as:
// a qualified name as is (docker.io names normalized); a short name under
// localhost/, each search registry, and docker.io. A missing tag is
// ":latest".
func parseQuery(name string, search []string) (query, error) {
	var q query
	ref, err := reference.Parse(name)
	if err != nil {
		return q, define.Invalidf("invalid image reference %q: %v", name, err)
	}
	named, ok := ref.(reference.Named)
	if !ok {
		return q, define.Invalidf("invalid image reference %q: no repository name", name)
	}
	switch r := ref.(type) {
	case reference.Digested:
		q.suffix = "@" + r.Digest().String()
		q.digest = r.Digest().String()
	case reference.Tagged:
		q.suffix = ":" + r.Tag()
	default:
		q.suffix = ":latest"
	}
	repo := named.Name()
	if !isShort(repo) {
		norm, err := reference.ParseNormalizedNamed(repo)
		if err != nil {
			return q, define.Invalidf("invalid image reference %q: %v", name, err)
		}
		q.exact = []string{norm.Name() + q.suffix}
		return q, nil
	}
	add := func(s string) {
		if !slices.Contains(q.exact, s) {
			q.exact = append(q.exact, s)
		}
	}
	add("localhost/" + repo + q.suffix)
	for _, reg := range search {
		add(reg + "/" + repo + q.suffix)
	}
	if strings.Contains(repo, "/") {
		add("docker.io/" + repo + q.suffix)
	} else {
		add("docker.io/library/" + repo + q.suffix)
	}
	q.short = repo
	return q, nil
}

// isShort reports whether repo lacks a registry: its first component has no
// "." or ":" and is not "localhost".
func isShort(repo string) bool {
	first, _, found := strings.Cut(repo, "/")
	if !found {
		return true
	}
	return !strings.ContainsAny(first, ".:") && first != "localhost"
}

// Lookup finds a local image by full ID, unique ID prefix (with or without
// "sha256:"), name, or short name. A missing image is an error wrapping
// define.ErrNoSuchImage; a malformed name, an invalid-argument error.
func (s *Service) Lookup(name string) (*Image, error) {
	img, _, err := s.lookup(name)
	return img, err
}

// lookup is Lookup that also returns the stored name that matched, "" when
// the image was found by ID.
func (s *Service) lookup(name string) (*Image, string, error) {
	if name == "" {
		return nil, "", define.Invalidf("image name must not be empty")
	}
	if idPrefixRE().MatchString(name) {
		id := strings.TrimPrefix(name, "sha256:")
		img, err := s.store.Image(id)
		switch {
		case err == nil && strings.HasPrefix(img.ID, id):
			return &Image{s: s, img: img}, "", nil
		case err != nil && !errors.Is(err, stypes.ErrImageUnknown):
			return nil, "", fmt.Errorf("looking up image %s: %w", name, err)
		case strings.HasPrefix(name, "sha256:"):
			return nil, "", define.Errorf(define.ErrNoSuchImage, "%s: image not known", name)
		}
	}
	q, err := parseQuery(name, s.search)
	if err != nil {
		return nil, "", err
	}
	imgs, err := s.store.Images()
	if err != nil {
		return nil, "", fmt.Errorf("listing images: %w", err)
	}
	for _, cand := range q.exact {
		for k := range imgs {
			if matches(&imgs[k], cand, q.digest) {
				return &Image{s: s, img: &imgs[k]}, cand, nil
			}
		}
	}
	if q.short != "" {
		for k := range imgs {
			for _, n := range imgs[k].Names {
				if shortMatch(n, q.short, q.suffix) && (q.digest == "" || hasDigest(&imgs[k], q.digest)) {
					return &Image{s: s, img: &imgs[k]}, n, nil
				}
			}
			if q.digest != "" {
				for _, n := range imgs[k].Names {
					if repo, _, _ := splitName(n); repoShortMatch(repo, q.short) && hasDigest(&imgs[k], q.digest) {
						return &Image{s: s, img: &imgs[k]}, n, nil
					}
				}
			}
		}
	}
	return nil, "", define.Errorf(define.ErrNoSuchImage, "%s: image not known", name)
}

// matches reports whether img is stored as cand, or, for a digest query,
// has cand's repository among its names and the digest among its manifests.
func matches(img *storage.Image, cand, digest string) bool {
	if slices.Contains(img.Names, cand) {
		return true
	}
	if digest == "" || !hasDigest(img, digest) {
		return false
	}
	repo, _, _ := splitName(cand)
	for _, n := range img.Names {
		if r, _, _ := splitName(n); r == repo {
			return true
		}
	}
	return false
}

func hasDigest(img *storage.Image, d string) bool {
	if img.Digest.String() == d {
		return true
	}
	for _, x := range img.Digests {
		if x.String() == d {
			return true
		}
	}
	return false
}

// splitName splits a stored name into repository and ":tag" or "@digest".
func splitName(n string) (repo, suffix string, ok bool) {
	if i := strings.Index(n, "@"); i >= 0 {
		return n[:i], n[i:], true
	}
	slash := strings.LastIndex(n, "/")
	if i := strings.LastIndex(n, ":"); i > slash {
		return n[:i], n[i:], true
	}
	return n, "", false
}

// repoShortMatch reports whether a stored repository ends in the short path:
// "quay.io/x/busybox" matches "busybox" and "x/busybox".
func repoShortMatch(repo, short string) bool {
	return strings.HasSuffix(repo, "/"+short)
}

// shortMatch reports whether stored name n is short+suffix under any registry.
func shortMatch(n, short, suffix string) bool {
	repo, suf, _ := splitName(n)
	return suf == suffix && repoShortMatch(repo, short)
}
