package image

import (
	"context"
	"fmt"
	"slices"

	"github.com/pm-project/pm/libpod/define"
	"go.podman.io/image/v5/docker"
	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/manifest"
)

// RemoteDiffers reports whether the registry's image for name (a fully
// qualified registry reference) is another image than local: whether
// neither the manifest the registry serves for name nor, for a manifest
// list, the instance for this platform is one of local's manifests.
func (s *Service) RemoteDiffers(ctx context.Context, name string, local *Image, opts RegistryOptions) (bool, error) {
	parsed, err := reference.Parse(name)
	if err != nil {
		return false, define.Invalidf("invalid image reference %q: %v", name, err)
	}
	if n, ok := parsed.(reference.Named); !ok || isShort(n.Name()) {
		return false, define.Invalidf("%s is not a fully qualified image reference", name)
	}
	named, err := reference.ParseNormalizedNamed(name)
	if err != nil {
		return false, define.Invalidf("invalid image reference %q: %v", name, err)
	}
	sys := s.systemContext()
	opts.apply(sys)
	ref, err := docker.NewReference(reference.TagNameOnly(named))
	if err != nil {
		return false, define.Invalidf("invalid image reference %q: %v", name, err)
	}
	src, err := ref.NewImageSource(ctx, sys)
	if err != nil {
		return false, classify(fmt.Errorf("reading %s: %w", name, err))
	}
	defer src.Close()
	blob, mime, err := src.GetManifest(ctx, nil)
	if err != nil {
		return false, classify(fmt.Errorf("reading the manifest of %s: %w", name, err))
	}
	top, err := manifest.Digest(blob)
	if err != nil {
		return false, fmt.Errorf("digesting the manifest of %s: %w", name, err)
	}
	have := local.Digests()
	if d := local.Digest(); d != "" {
		have = append(have, d)
	}
	if slices.Contains(have, top.String()) {
		return false, nil
	}
	if !manifest.MIMETypeIsMultiImage(mime) {
		return true, nil
	}
	list, err := manifest.ListFromBlob(blob, mime)
	if err != nil {
		return false, fmt.Errorf("parsing the manifest list of %s: %w", name, err)
	}
	inst, err := list.ChooseInstance(sys)
	if err != nil {
		return false, fmt.Errorf("choosing the instance of %s for this platform: %w", name, err)
	}
	return !slices.Contains(have, inst.String()), nil
}
