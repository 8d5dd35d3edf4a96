package image

import (
	"strings"

	"github.com/pm-project/pm/libpod/define"
	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/transports"
	"go.podman.io/image/v5/types"

	// Register the transports pm reads and writes.
	_ "go.podman.io/image/v5/directory"
	"go.podman.io/image/v5/docker"
	_ "go.podman.io/image/v5/docker/archive"
	_ "go.podman.io/image/v5/oci/archive"
	_ "go.podman.io/image/v5/oci/layout"
	_ "go.podman.io/image/v5/storage"
)

// splitTransport splits "transport:rest" when transport is a registered
// transport name; otherwise it returns "" and the whole string, so
// "127.0.0.1:5000/img" stays a registry name.
func splitTransport(name string) (types.ImageTransport, string) {
	t, rest, ok := strings.Cut(name, ":")
	if !ok {
		return nil, name
	}
	tr := transports.Get(t)
	if tr == nil {
		return nil, name
	}
	return tr, rest
}

// FromTransport reports whether name points outside the image store and
// the registries, at an archive or directory (docker-archive:, oci:,
// dir:, ...), which run and create read each time, as Podman does. A
// docker:// prefix is a registry's and comes off.
func FromTransport(name string) (string, bool) {
	tr, rest := splitTransport(name)
	if tr == nil {
		return name, false
	}
	if tr.Name() == docker.Transport.Name() {
		return strings.TrimPrefix(rest, "//"), false
	}
	return name, true
}

// NormalizeName returns the name pm stores for a user's image name: a short
// name goes under localhost/, docker.io names get their library/ part, and a
// missing tag is ":latest". Digests are kept.
func NormalizeName(name string) (reference.Named, error) {
	ref, err := reference.Parse(name)
	if err != nil {
		return nil, define.Invalidf("invalid image name %q: %v", name, err)
	}
	named, ok := ref.(reference.Named)
	if !ok {
		return nil, define.Invalidf("invalid image name %q: no repository name", name)
	}
	full := name
	if isShort(named.Name()) {
		full = "localhost/" + name
	}
	n, err := reference.ParseNormalizedNamed(full)
	if err != nil {
		return nil, define.Invalidf("invalid image name %q: %v", name, err)
	}
	return reference.TagNameOnly(n), nil
}

// normalizeTag is NormalizeName for names that must carry a tag, not a
// digest (tag, untag).
func normalizeTag(name string) (reference.NamedTagged, error) {
	n, err := NormalizeName(name)
	if err != nil {
		return nil, err
	}
	if _, ok := n.(reference.Digested); ok {
		return nil, define.Invalidf("invalid tag %q: tagging with a digest is not supported", name)
	}
	nt, ok := n.(reference.NamedTagged)
	if !ok {
		return nil, define.Invalidf("invalid tag %q", name)
	}
	return nt, nil
}
